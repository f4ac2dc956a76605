"""The admin's pages (issue 21): users (add, change role, new enrolment code, disable), what
each role grants, liaison facilities, and API tokens (issue your own, shown once; revoke).
The users, the liaison assignments and the tokens are filtered, sorted, paged and downloaded
as CSV as every list is (listing.py; their SELECTs in lists.py); each read of them, page or
CSV, is audited (read.admin_users, read.admin_liaisons, read.admin_tokens).

Each form calls the auth services the CLI and the API use (auth/users.py, credentials.py,
accounts.py; operations/care.py for liaisons), which audit every write. A secret (an
enrolment code, a new token) is shown once, on the page the POST answers (never in a
redirect or a cookie), with Cache-Control: no-store. A refused form comes back with each
error beside its field (forms.py). Monitors (users.read) see the lists, without the forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response
from sqlalchemy import select

from accord.api.deps import NO_NUL, Ctx, app_state, require
from accord.auth import GRANTS, ROLES, Permission, User, add_user, issue_token
from accord.auth.accounts import disable_user, list_tokens, user_rows
from accord.auth.credentials import change_role, create_enrolment, revoke_token
from accord.auth.users import get_user
from accord.dashboard import lists, reads
from accord.dashboard.forms import FieldCheck, FormError, field_error, render_form_errors
from accord.dashboard.listing import Listing, wants_csv
from accord.dashboard.pages import PageRoute, act, render
from accord.errors import InputError
from accord.limits import USER_NAME_MAX, USER_NAME_PATTERN
from accord.operations.care import assign_liaison
from accord.operations.models import LiaisonFacility

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
UserPath = Annotated[str, Path(min_length=1, max_length=USER_NAME_MAX, pattern=USER_NAME_PATTERN)]
KeyIdPath = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
FormText = Annotated[str, Form(max_length=256, pattern=NO_NUL)]
# where a revoke form goes back to: an admin page (never another site)
BackPath = Annotated[str, Form(max_length=200, pattern=r"^/admin[A-Za-z0-9/._@-]*$")]
READERS = (P.USERS_MANAGE, P.USERS_READ)
ROLE_WORDS = {
    "officer": "Officer",
    "legal_reviewer": "Legal reviewer",
    "receiving_liaison": "Receiving liaison",
    "monitor": "Monitor",
    "analyst": "Analyst",
    "admin": "Admin",
}
# what each permission lets a role do, in plain words (auth/users.py declares them)
PERMISSION_WORDS = {
    P.FACTS_WRITE: "record, correct or retract case facts; import case files",
    P.FACTS_READ: "read case files with names and identifiers",
    P.FACTS_READ_MASKED: "read the docket with identifiers masked",
    P.USERS_READ: "see users and tokens",
    P.USERS_MANAGE: "add users, change roles, revoke tokens",
    P.AUDIT_VERIFY: "verify the audit chain",
    P.AUDIT_EXPORT: "export the signed audit bundle",
    P.DECISIONS_RECORD: "decide for a person and keep the decision record",
    P.DECISIONS_READ: "read and replay decision records",
    P.OPS_NOMINATE: "nominate a person; withdraw a nomination",
    P.OPS_REVIEW: "approve or deny another user's nomination",
    P.OPS_NOTICE: "record third-country notice served",
    P.OPS_MISSIONS: "plan missions, build manifests, check and depart",
    P.OPS_HANDOVER: "confirm persons received at their facility; close the handover",
    P.OPS_INCIDENTS: "resolve incidents",
    P.OPS_CUSTODY: "record release, transfer, return or death in custody",
    P.OPS_CENSUS: "report the daily census of their facility",
    P.OPS_RETURNS: "open and update court-ordered return cases",
    P.OPS_CONSULAR: "record consular notifications",
    P.OPS_COUNSEL: "log counsel access",
    P.OPS_VISITS: "record monitoring visits and findings",
    P.OPS_READ: "read cases, missions, incidents and reconcile",
    P.OPS_LIAISONS: "assign a receiving liaison to a facility",
    P.BILLING_ISSUE: "issue invoices and credit notes",
    P.BILLING_READ: "read invoices and credit notes",
    P.LAW_ORDERS: "enter court orders and their events",
    P.LAW_TERMS: "enter law parameter values and agreement amendments",
    P.LAW_READ: "read the law entries",
}


def _role_options() -> list[tuple[str, str]]:
    return [(role, ROLE_WORDS.get(role, role)) for role in ROLES]


def _common() -> dict[str, Any]:
    return {"role_words": ROLE_WORDS, "role_options": _role_options()}


# --- users ---


USERS = lists.users_listing(_role_options())


def _users_context(ctx: Ctx, params: Mapping[str, str]) -> dict[str, Any]:
    """The users list (listing.py: filtered by name, role, status and date added, sorted,
    paged with the total), as auth/accounts.py user_rows() counts tokens and enrolments."""
    page = USERS.page(ctx, lists.users_statement(dt.datetime.now(dt.UTC)), params)
    return {"page": page, **_common()}


@router.get("/admin")
def admin_users(request: Request, ctx: Annotated[Ctx, Depends(require(*READERS))]) -> Response:
    """Every user with their role and how they can act now, and the form to add one;
    `?format=csv` downloads the filtered list."""
    params = request.query_params
    if wants_csv(params):
        statement = lists.users_statement(dt.datetime.now(dt.UTC))
        return USERS.csv_response(
            ctx, statement, params, filename="users.csv", audit=("read.admin_users", "users")
        )
    context = _users_context(ctx, params)
    ctx.audit_read(
        "read.admin_users", "users", total=context["page"].total, **context["page"].filters
    )
    return render(request, ctx, "admin_users.html", **context)


@router.post("/admin/users")
def add_user_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.USERS_MANAGE))],
    name: FormText = "",
    role: FormText = "",
) -> Response:
    """Add a user and show their enrolment code once (they redeem it for their first token)."""
    values = {"name": name, "role": role}
    check = FieldCheck(values)
    user_name = check.text("name", "User name", required=True, max_length=USER_NAME_MAX)
    chosen = check.choice("role", "Role", ROLES)
    try:
        check.done()
        assert user_name is not None  # done() raised otherwise
        assert chosen is not None
        with ctx.write() as session:
            added = add_user(session, actor=ctx.user, name=user_name, role=chosen)
            code = create_enrolment(session, actor=ctx.user, name=added.name)
    except InputError as exc:  # a refused field, a bad or taken name
        again = field_error(exc, "name", values)
        return _again(request, ctx, "admin_users.html", again, **_users_context(ctx, {}))
    context = _users_context(ctx, {})
    return _shown_once(request, ctx, "admin_users.html", user_name, code, context)


def _shown_once(
    request: Request, ctx: Ctx, template: str, who: str, code: str, context: dict[str, Any]
) -> Response:
    """The page with a secret (an enrolment code, a new token) shown this once: in the
    page the POST answers, never in a redirect or a cookie (render sends no-store)."""
    return render(request, ctx, template, secret={"who": who, "code": code}, **context)


def _act_or_again(
    request: Request,
    ctx: Ctx,
    *,
    back: str,
    work: Callable[[], str],
    template: str,
    context: Callable[[], dict[str, Any]],
) -> Response:
    """A form's POST: `work` done, then back to `back` with its message (pages.act); or
    `template` again with each error beside its field and what was typed (HTTP 400)."""
    try:
        return act(back, work)
    except FormError as exc:
        return _again(request, ctx, template, exc, **context())


def _again(request: Request, ctx: Ctx, template: str, exc: FormError, **context: Any) -> Response:
    return render_form_errors(
        request, ctx, template, errors=exc.errors, values=exc.values, **context
    )


def _user_context(ctx: Ctx, name: str) -> dict[str, Any]:
    with ctx.read() as session:
        user = get_user(session, name=name)
        row = next(r for r in user_rows(session) if r.user.id == user.id)
        tokens = list_tokens(session, user_name=name)
        facilities = list(
            session.scalars(
                select(LiaisonFacility.facility_id).where(LiaisonFacility.user_id == user.id)
            )
        )
    return {"row": row, "tokens": tokens, "facilities": facilities, **_common()}


@router.get("/admin/users/{name}")
def admin_user(
    request: Request, ctx: Annotated[Ctx, Depends(require(*READERS))], name: UserPath
) -> Response:
    """One user: role, tokens, and the forms to change the role, enrol again or disable."""
    return render(request, ctx, "admin_user.html", **_user_context(ctx, name))


@router.post("/admin/users/{name}/role")
def role_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.USERS_MANAGE))],
    name: UserPath,
    role: FormText = "",
) -> Response:
    values = {"role": role}

    def work() -> str:
        check = FieldCheck(values)
        chosen = check.choice("role", "New role", ROLES)
        check.done()
        assert chosen is not None
        try:
            with ctx.write() as session:
                user = change_role(session, actor=ctx.user, name=name, role=chosen)
        except InputError as exc:  # the same role; the only admin
            raise field_error(exc, "role", values) from exc
        app_state(request).auth_cache.clear()  # their sessions end here at once
        return f"{user.name} is now {ROLE_WORDS.get(user.role, user.role)}; their sessions ended."

    return _act_or_again(
        request,
        ctx,
        back=f"/admin/users/{name}",
        work=work,
        template="admin_user.html",
        context=lambda: _user_context(ctx, name),
    )


@router.post("/admin/users/{name}/enrol")
def enrol_form(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.USERS_MANAGE))], name: UserPath
) -> Response:
    """A new one-time enrolment code for the user (to enable them again), shown once."""
    with ctx.write() as session:
        code = create_enrolment(session, actor=ctx.user, name=name)
    return _shown_once(request, ctx, "admin_user.html", name, code, _user_context(ctx, name))


@router.post("/admin/users/{name}/disable")
def disable_form(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.USERS_MANAGE))], name: UserPath
) -> Response:
    def work() -> str:
        with ctx.write() as session:
            done = disable_user(session, actor=ctx.user, name=name)
        app_state(request).auth_cache.clear()
        return (
            f"{name} disabled: {done.tokens_revoked} token(s) revoked, "
            f"{done.enrolments_withdrawn} enrolment code(s) withdrawn, "
            f"{done.sessions_ended} session(s) ended."
        )

    return act(f"/admin/users/{name}", work)


# --- roles ---


@router.get("/admin/roles")
def admin_roles(request: Request, ctx: Annotated[Ctx, Depends(require(*READERS))]) -> Response:
    """What each role may do (auth/users.py GRANTS)."""
    grants = {role: sorted(GRANTS[role], key=list(Permission).index) for role in ROLES}
    return render(
        request,
        ctx,
        "admin_roles.html",
        grants=grants,
        permission_words=PERMISSION_WORDS,
        **_common(),
    )


# --- liaison facilities ---


@dataclass(frozen=True)
class _LiaisonChoices:
    liaisons: list[str]  # today's receiving liaisons: whom the assign form offers
    facilities: list[str]  # the facilities the agreements name
    listing: Listing  # the assignments, filtered also by a liaison whose role changed since


def _liaison_choices(ctx: Ctx) -> _LiaisonChoices:
    with ctx.read() as session:
        liaisons = list(
            session.scalars(
                select(User.name).where(User.role == "receiving_liaison").order_by(User.name)
            )
        )
        assigned = session.scalars(
            select(User.name).join(LiaisonFacility, LiaisonFacility.user_id == User.id)
        )
        names = sorted({*liaisons, *assigned})
    facilities = sorted(f.id for f, _ in reads.facilities().values())
    return _LiaisonChoices(liaisons, facilities, lists.liaisons_listing(names, facilities))


def _liaisons_context(ctx: Ctx, params: Mapping[str, str]) -> dict[str, Any]:
    """The assignments list (listing.py: filtered by liaison, facility and date, sorted,
    paged with the total) and the assign form's choices."""
    choices = _liaison_choices(ctx)
    return {
        "page": choices.listing.page(ctx, lists.liaisons_statement(), params),
        "liaisons": choices.liaisons,
        "liaison_options": [(n, n) for n in choices.liaisons],
        "facility_options": [(f, f) for f in choices.facilities],
        **_common(),
    }


@router.get("/admin/liaisons")
def admin_liaisons(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_LIAISONS, *READERS))]
) -> Response:
    """Which facility each receiving liaison acts for, and the form to assign one;
    `?format=csv` downloads the filtered list."""
    params = request.query_params
    if wants_csv(params):
        listing = _liaison_choices(ctx).listing
        statement = lists.liaisons_statement()
        return listing.csv_response(
            ctx,
            statement,
            params,
            filename="liaison-facilities.csv",
            audit=("read.admin_liaisons", "liaison facilities"),
        )
    context = _liaisons_context(ctx, params)
    ctx.audit_read(
        "read.admin_liaisons",
        "liaison facilities",
        total=context["page"].total,
        **context["page"].filters,
    )
    return render(request, ctx, "admin_liaisons.html", **context)


@router.post("/admin/liaisons")
def assign_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_LIAISONS))],
    user_name: FormText = "",
    facility: FormText = "",
) -> Response:
    values = {"user_name": user_name, "facility": facility}

    def work() -> str:
        choices = _liaison_choices(ctx)
        check = FieldCheck(values)
        who = check.choice("user_name", "Receiving liaison", choices.liaisons)
        where = check.choice("facility", "Facility", choices.facilities)
        check.done()
        assert who is not None
        assert where is not None
        try:
            with ctx.write() as session:
                assign_liaison(session, actor=ctx.user, user_name=who, facility_id=where)
        except InputError as exc:
            raise field_error(exc, "user_name", values) from exc
        app_state(request).auth_cache.clear()
        return f"{who} now acts for {where}."

    return _act_or_again(
        request,
        ctx,
        back="/admin/liaisons",
        work=work,
        template="admin_liaisons.html",
        context=lambda: _liaisons_context(ctx, {}),
    )


# --- API tokens ---


def _tokens_listing(ctx: Ctx) -> Listing:
    with ctx.read() as session:
        names = sorted(reads.user_names(session).values())
    return lists.tokens_listing(names)


def _tokens_context(ctx: Ctx, params: Mapping[str, str]) -> dict[str, Any]:
    """The tokens list (listing.py: filtered by user, state, key id and date, sorted, paged
    with the total); its rows hold key ids and names, never a secret or its hash."""
    page = _tokens_listing(ctx).page(ctx, lists.tokens_statement(), params)
    return {"page": page, **_common()}


@router.get("/admin/tokens")
def admin_tokens(request: Request, ctx: Annotated[Ctx, Depends(require(*READERS))]) -> Response:
    """Every API token by its public key id (never a secret), newest first; `?format=csv`
    downloads the filtered list."""
    if wants_csv(request.query_params):
        return _tokens_listing(ctx).csv_response(
            ctx,
            lists.tokens_statement(),
            request.query_params,
            filename="api-tokens.csv",
            audit=("read.admin_tokens", "api tokens"),
        )
    context = _tokens_context(ctx, request.query_params)
    ctx.audit_read(
        "read.admin_tokens", "api tokens", total=context["page"].total, **context["page"].filters
    )
    return render(request, ctx, "admin_tokens.html", **context)


@router.post("/admin/tokens")
def issue_form(request: Request, ctx: Annotated[Ctx, Depends(require(P.USERS_MANAGE))]) -> Response:
    """A new API token for yourself (a token is issued only to its own user), shown once."""
    with ctx.write() as session:
        token = issue_token(session, actor=ctx.user, name=ctx.user.name)
    context = _tokens_context(ctx, {})
    return _shown_once(request, ctx, "admin_tokens.html", ctx.user.name, token, context)


@router.post("/admin/tokens/{key_id}/revoke")
def revoke_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.USERS_MANAGE))],
    key_id: KeyIdPath,
    back: BackPath = "/admin/tokens",
) -> Response:
    """Revoke a token; the sessions logged in with it end (yours too, if it is yours)."""

    def work() -> str:
        with ctx.write() as session:
            revoke_token(session, actor=ctx.user, key_id=key_id)
        app_state(request).auth_cache.clear()
        return f"Token {key_id} revoked; the sessions logged in with it ended."

    return act(back, work)
