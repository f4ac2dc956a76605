"""The dashboard's forms: each POST calls one service function (as the CLI does) in one write
transaction and redirects back to the page it came from (POST-redirect-GET).

The API's `require` checks the role and, for a session cookie, the `csrf_token`
field. A refusal by the service (an illegal step, a failed rule of law, a bad
value) is shown as a message on that page, with nothing written.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response

from accord.api.deps import NO_NUL, PERSON_ID_PATTERN, Ctx, RecordId, require
from accord.auth import Permission
from accord.dashboard import views_nominate, views_review
from accord.dashboard.forms import FormError, render_form_errors
from accord.dashboard.pages import PageRoute, act
from accord.dashboard.views_missions import mission_page_context
from accord.errors import AccordError, InputError
from accord.limits import (
    IDENTIFIER_MAX,
    LONG_TEXT_MAX,
    NAME_MAX,
    ONE_LINE_PATTERN,
    PERSON_ID_MAX,
    SHORT_TEXT_MAX,
)
from accord.operations.care import record_visit
from accord.operations.events import get_case, get_mission
from accord.operations.mission_reads import boarding_refusal
from accord.operations.missions import add_to_mission, check_mission, depart_mission
from accord.operations.states import FindingSeverity
from accord.operations.workflow import confirm_notice, serve_notices

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
# the limits of accord/limits.py, as the API's request models have them
PersonPath = Annotated[str, Path(min_length=1, max_length=PERSON_ID_MAX, pattern=PERSON_ID_PATTERN)]
Number = Annotated[str, Path(min_length=1, max_length=IDENTIFIER_MAX, pattern=NO_NUL)]
Short = Annotated[str, Form(max_length=IDENTIFIER_MAX, pattern=NO_NUL)]
NameField = Annotated[str, Form(min_length=1, max_length=NAME_MAX, pattern=ONE_LINE_PATTERN)]
Text = Annotated[str, Form(max_length=LONG_TEXT_MAX, pattern=NO_NUL)]
E = TypeVar("E", bound=StrEnum)


def _code(kind: type[E], value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        codes = ", ".join(k.value for k in kind)
        raise InputError(f"reason '{value}' is not one of: {codes}") from None


def _moment(value: str, what: str) -> dt.datetime:
    """A datetime-local field (no zone), read as UTC; or an ISO time with a zone."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} '{value}': use YYYY-MM-DDTHH:MM (UTC)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _day(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} '{value}': use YYYY-MM-DD") from None


def _person_page(person_id: str) -> str:
    return "/people/" + quote(person_id, safe="")


def _mission_page(number: str) -> str:
    return "/missions/" + quote(number, safe="")


def _case_person(ctx: Ctx, case_id: int) -> str:
    with ctx.read() as session:
        return get_case(session, case_id).person_id


@router.post("/cases/{case_id}/notice")
def notice_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_NOTICE))],
    case_id: RecordId,
    served_on: Annotated[str, Form(max_length=10)],
    source_document: Annotated[str, Form(max_length=SHORT_TEXT_MAX, pattern=NO_NUL)],
    counsel: Annotated[bool, Form()] = False,
    exigent: Annotated[bool, Form()] = False,
) -> Response:
    def work() -> str:
        with ctx.write() as session:
            (event,) = serve_notices(
                session,
                actor=ctx.user,
                case_ids=[case_id],
                served_on=_day(served_on, "served on"),
                counsel=counsel,
                exigent=exigent,
                source_document=source_document,
            )
            if event.kind != "notice_served":
                return (
                    f"Notice recorded for case {case_id} "
                    f"{event.details['recorded_days_late']} days after service: "
                    "another legal reviewer must confirm it before it counts."
                )
            earliest = event.details.get("earliest_departure", "")
            return f"Notice recorded for case {case_id}: may depart from {earliest}."

    return act(_person_page(_case_person(ctx, case_id)), work)


@router.post("/cases/{case_id}/notice/confirm")
def confirm_notice_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_REVIEW))], case_id: RecordId
) -> Response:
    def work() -> str:
        with ctx.write() as session:
            event = confirm_notice(session, actor=ctx.user, case_id=case_id)
            earliest = event.details.get("earliest_departure", "")
            return f"Notice confirmed for case {case_id}: may depart from {earliest}."

    return act(_person_page(_case_person(ctx, case_id)), work)


@router.post("/missions/{number}/passengers")
def add_passengers_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))],
    number: Number,
    case_id: Annotated[list[str], Form(max_length=500)] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """Add the ticked cases (all or nothing). A case that may not fly on the mission's date,
    or a refusal by the service (seats, capacity, a notice's wait), comes back beside the
    list with the ticks kept; nothing is written."""
    ticked = [t.strip() for t in case_id if t.strip()]

    def work() -> str:
        if not ticked:
            raise FormError({"case_id": "Select at least one case to add"}, {"case_id": ticked})
        if not all(t.isdigit() and len(t) < 19 for t in ticked):
            raise FormError({"case_id": "Select cases from the list"}, {"case_id": ticked})
        ids = [int(t) for t in ticked]
        with ctx.read() as session:
            mission = get_mission(session, number)
            refusals = [
                refusal
                for i in ids
                if (refusal := boarding_refusal(session, mission, get_case(session, i))[0])
            ]
        if refusals:
            message = f"Not added, it may not fly on mission {number}: " + "; ".join(refusals)
            raise FormError({"case_id": message}, {"case_id": ticked})
        try:
            with ctx.write() as session:
                added = add_to_mission(session, actor=ctx.user, mission_number=number, case_ids=ids)
                return f"Added to the manifest: case(s) {', '.join(str(c.id) for c in added)}."
        except AccordError as exc:
            raise FormError({"case_id": f"Not added: {exc}"}, {"case_id": ticked}) from exc

    try:
        return act(_mission_page(number), work)
    except FormError as exc:
        return render_form_errors(
            request, ctx, "mission.html", errors=exc.errors, values=exc.values,
            **mission_page_context(ctx, number),
        )  # fmt: skip


@router.post("/missions/{number}/check")
def check_form(ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))], number: Number) -> Response:
    def work() -> str:
        with ctx.write() as session:
            result = check_mission(session, actor=ctx.user, mission_number=number)
        struck = ", ".join(f"case {s.case_id} {s.outcome}" for s in result.struck)
        return (
            f"Boarding check: {result.checked} checked, {result.cleared} eligible, "
            f"{len(result.struck)} would be struck" + (f" ({struck})." if struck else ".")
        )

    return act(_mission_page(number), work)


@router.post("/missions/{number}/depart")
def depart_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))],
    number: Number,
    departed_at: Annotated[str, Form(max_length=32)],
) -> Response:
    def work() -> str:
        moment = _moment(departed_at, "departed at")
        with ctx.write() as session:
            result = depart_mission(
                session, actor=ctx.user, mission_number=number, departed_at=moment
            )
        if result.departed:
            return f"Mission {number} departed with {result.cleared} passenger(s)."
        struck = ", ".join(f"case {s.case_id} {s.outcome}" for s in result.struck)
        return (
            f"Departure refused: {len(result.struck)} struck at boarding ({struck}); they are "
            "off the manifest. Depart again to depart the verified manifest."
        )

    return act(_mission_page(number), work)


@router.post("/visits")
def visit_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_VISITS))],
    facility: Annotated[str, Form(max_length=IDENTIFIER_MAX)] = "",
    visited_on: Annotated[str, Form(max_length=32)] = "",
    summary: Annotated[str, Form(max_length=LONG_TEXT_MAX + 1)] = "",
    severity: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006 (FastAPI copies it)
    finding: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006
    recommendation: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006
) -> Response:
    """A monitoring visit; a refusal shows the Visits page again, each error by its field."""
    from accord.dashboard.forms import FieldCheck, FormError, field_error, page_again
    from accord.dashboard.reads import facilities
    from accord.dashboard.views import visits

    values: dict[str, object] = {"facility": facility, "visited_on": visited_on}
    values |= {"summary": summary}
    values |= {"severity": severity, "finding": finding, "recommendation": recommendation}

    def work() -> str:
        check = FieldCheck(values)
        where = check.choice("facility", "Facility", [f.id for f, _ in facilities().values()])
        day = check.date("visited_on", "Visited on", required=True)
        said = check.text("summary", "Summary", required=True, max_length=LONG_TEXT_MAX)
        codes = [s.value for s in FindingSeverity]
        findings = []
        for n, (s, f, r) in enumerate(zip(severity, finding, recommendation, strict=False), 1):
            for text, what in ((f, "finding"), (r, "recommendation")):
                if len(text) > SHORT_TEXT_MAX:
                    too_long = f"at most {SHORT_TEXT_MAX} characters, not {len(text)}"
                    check.fail(f"{what}-{n}", f"{what.capitalize()} {n}: {too_long}")
            if not f.strip():
                if r.strip():
                    check.fail(f"finding-{n}", f"Enter finding {n}, or clear its recommendation")
            elif s not in codes:
                check.fail(f"severity-{n}", f"Select the severity of finding {n}")
            else:
                findings.append((FindingSeverity(s), f.strip(), r.strip()))
        check.done()
        assert where is not None  # done() raised otherwise
        assert day is not None
        try:
            with ctx.write() as session:
                visit = record_visit(
                    session,
                    actor=ctx.user,
                    facility_id=where,
                    visited_on=day,
                    summary=str(said),
                    findings=findings,
                )
        except InputError as exc:  # the service's message names the field it is about
            said_of = str(exc).split(":")[0].replace(" ", "-")
            field = said_of if said_of[:-1] in ("finding-", "recommendation-") else "visited_on"
            raise field_error(exc, "summary" if "summary" in said_of else field, values) from exc
        return f"Visit {visit.id} to {where} recorded with {len(findings)} finding(s)."

    try:
        return act("/visits", work)
    except FormError as exc:
        return page_again(request, exc, visits, ctx=ctx)


# nominating (and its decision) and reviewing (the queue) have pages of their own
router.include_router(views_nominate.router)
router.include_router(views_review.router)
