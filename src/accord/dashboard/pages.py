"""What every dashboard page shares: the route class that turns errors into pages, rendering,
flash messages and POST-redirect-GET.

The API's dependencies raise errors meant for JSON clients (401 without a
credential, PermissionDenied, validation errors). `PageRoute` catches them
for the dashboard's routes only: a page asked for without a session redirects
to /login?next=..., anything else becomes an HTML error page with the same
status code, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Callable, Coroutine, Mapping
from importlib.resources import files
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.templating import Jinja2Templates

from accord.api import problems
from accord.api.deps import Ctx, app_state, authenticate, route_permissions
from accord.api.problems import TITLES
from accord.api.security import CSRF_COOKIE, SESSION_COOKIE, Identity
from accord.auth import GRANTS, ROLES, Permission, User, can, mask_person_id
from accord.dashboard.alerts import banners
from accord.dashboard.forms import FormError
from accord.dashboard.labels import describe, label_filter
from accord.db import read_session
from accord.errors import AccordError, AuthenticationFailed

log = logging.getLogger("accord.dashboard")
P = Permission
FLASH_COOKIE = "accord_flash"
FLASH_MAX = 1500  # characters: a cookie holds about 4 KB

# (path, label, permissions any of which shows the link; none: everyone)
NAV: tuple[tuple[str, str, tuple[Permission, ...]], ...] = (
    ("/", "Overview", ()),
    ("/people", "People", (P.FACTS_READ, P.FACTS_READ_MASKED)),
    ("/cases", "Cases", (P.OPS_READ,)),
    ("/missions", "Missions", (P.OPS_READ,)),
    ("/invoices", "Invoices", (P.BILLING_READ,)),
    ("/visits", "Visits", (P.OPS_READ, P.OPS_VISITS)),
    ("/simulator", "Simulator", (P.FACTS_READ, P.FACTS_READ_MASKED)),
    ("/reconcile", "Reconcile", (P.OPS_READ,)),
    ("/law", "Law", (P.LAW_READ,)),
    ("/impact", "Impact", (P.FACTS_READ,)),
    ("/review", "Review queue", (P.OPS_REVIEW,)),
    ("/liaison", "My facility", (P.OPS_HANDOVER, P.OPS_CENSUS)),
    ("/monitoring", "Monitoring", (P.OPS_READ,)),
    ("/publish", "Publish", (P.OPS_READ,)),
    ("/admin", "Admin", (P.USERS_MANAGE,)),
)


@functools.cache
def templates() -> Jinja2Templates:
    """Built on first use (nothing at import time); autoescaping is on for .html."""
    found = Jinja2Templates(directory=str(files("accord.dashboard") / "templates"))
    found.env.filters["when"] = _when
    found.env.filters["num"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    found.env.filters["label"] = label_filter  # {{ c.state | label("case_state") }}
    found.env.filters["describe"] = lambda code, kind: describe(kind, code)
    return found


def _when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (what the API's security expects back in `csrf_token`)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    data = app_state(request).sessions.loads(cookie) if cookie else None
    return str(data.get("c", "")) if data else ""


def masker(ctx: Ctx) -> Callable[[str], str]:
    """Analysts see only masked person ids, on every page."""
    if not ctx.masked:
        return lambda person_id: person_id
    key = ctx.settings.masking_bytes()
    return lambda person_id: mask_person_id(person_id, key)


def _read_flash(request: Request) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(unquote(raw))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {"kind": str(data.get("kind", "ok")), "text": str(data.get("text", ""))}


def banner_context(ctx: Ctx) -> dict[str, Any]:
    """The banners above every page (alerts.py), as base.html names them."""
    shown = banners(ctx)
    return {"law_alert": shown.law, "urgent_alert": shown.urgent, "due_law_alert": shown.due}


def render(
    request: Request, ctx: Ctx, template: str, *, status: int = 200, **context: Any
) -> Response:
    flash = _read_flash(request)
    nav = nav_for(ctx.user)
    response = templates().TemplateResponse(
        request,
        template,
        {
            "user": ctx.user,
            "masked": ctx.masked,
            "csrf_token": csrf_token(request),
            "nav": nav,
            "here": request.url.path,
            "flash": flash,
            "pid": masker(ctx),
            "can": lambda permission: can(ctx.user, permission),
            "P": Permission,
            **banner_context(ctx),
            # a form's field errors and typed values (forms.py; page_again leaves them here)
            "errors": getattr(request.state, "form_errors", {}),
            "values": getattr(request.state, "form_values", {}),
            **context,
        },
        status_code=status,
    )
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE)
    response.headers["Cache-Control"] = "no-store"  # pages hold personal data
    return response


def nav_for(user: User) -> list[tuple[str, str]]:
    """The menu links the user's role may follow."""
    return [
        (path, label) for path, label, perms in NAV if not perms or any(can(user, p) for p in perms)
    ]


def redirect(target: str, text: str = "", *, error: bool = False) -> Response:
    """303 to `target` (a path on this site), with a message shown once there."""
    response = RedirectResponse(target, status_code=303)
    if text:
        value = json.dumps({"kind": "error" if error else "ok", "text": text[:FLASH_MAX]})
        response.set_cookie(FLASH_COOKIE, quote(value), httponly=True, samesite="lax", path="/")
    return response


def act(target: str, work: Callable[[], str | tuple[str, str]]) -> Response:
    """Run a form's service call and go back to `target` (or to the page `work` names) with
    its message; a refusal (illegal step, failed rule, bad value) comes back as an error
    message on `target`, nothing written."""
    try:
        done = work()
    except FormError:
        raise  # the route re-renders its page with each error beside its field
    except AccordError as exc:
        return redirect(target, str(exc), error=True)
    message, target = done if isinstance(done, tuple) else (done, target)
    return redirect(target, message)


def error_page(
    request: Request,
    status: int,
    message: str,
    fields: list[str] | None = None,
    *,
    needs: tuple[Permission, ...] = (),
) -> Response:
    """The error as a page in the site's frame: for a logged-in user with their menu; a 404
    with links back; a 403 naming the permission needed, the roles that have it and the
    admins to ask (`needs`: the route's permissions)."""
    user = _request_user(request)
    nav: list[tuple[str, str]] = []
    missing: list[dict[str, Any]] = []
    admins: list[str] = []
    if user is not None:
        nav = [
            (p, label) for p, label, perms in NAV if not perms or any(can(user, x) for x in perms)
        ]
        if status == 403:
            missing = [
                {"permission": p, "roles": [r for r in ROLES if p in GRANTS[r]]}
                for p in needs
                if not can(user, p)
            ]
            admins = _admin_names(request)
    response = templates().TemplateResponse(
        request,
        "error.html",
        {
            "status": status,
            "title": TITLES.get(status, "Error"),
            "message": message,
            "fields": fields or [],
            "user": user,
            "masked": False,
            "nav": nav,
            "here": request.url.path,
            "flash": None,
            "section": _section(request.url.path, nav),
            "missing": missing if len(missing) == len(needs) else [],
            "admins": admins,
        },
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _request_user(request: Request) -> User | None:
    """The user the request was authenticated as (deps.current_identity keeps it), if any."""
    identity = getattr(request.state, "identity", None)
    return identity.user() if isinstance(identity, Identity) else None


def _admin_names(request: Request) -> list[str]:
    """Who to ask for a role or an assignment (a short read; none if it fails)."""
    try:
        with read_session(app_state(request).engine) as session:
            return list(
                session.scalars(select(User.name).where(User.role == "admin").order_by(User.name))
            )
    except Exception:  # an error page must not fail for want of this hint
        log.warning("could not read the admins for an error page", exc_info=True)
        return []


def _section(path: str, nav: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The menu section a path lies in (/missions/X -> ("/missions", "Missions")), if any."""
    for link, label in nav:
        if link != "/" and (path == link or path.startswith(link + "/")):
            return link, label
    return None


async def not_found(request: Request, exc: Exception) -> Response:
    """No route for the path: a page for a browser on the dashboard's paths, problem details
    for the API (and for any client that does not ask for HTML)."""
    assert isinstance(exc, StarletteHTTPException)
    wants_page = "text/html" in request.headers.get("accept", "")
    if exc.status_code != 404 or request.url.path.startswith("/api/") or not wants_page:
        return await problems._http_error(request, exc)
    try:  # a logged-in user keeps their menu on the page
        request.state.identity = await authenticate(request)
    except Exception:  # not logged in, or the session ended: the page without a menu
        request.state.identity = None
    return error_page(request, 404, "There is no page at this address.")


def _login_redirect(request: Request) -> Response:
    target = request.url.path if request.method == "GET" else "/"
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    if request.cookies.get(SESSION_COOKIE):  # expired or revoked: drop it
        response.delete_cookie(SESSION_COOKIE)
        response.delete_cookie(CSRF_COOKIE)
    return response


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    """An APIRoute whose auth, permission and validation errors are HTML, not problem JSON."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        needs = route_permissions(self) or ()  # named on a 403 page

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except AuthenticationFailed:
                return _login_redirect(request)
            except StarletteHTTPException as exc:
                if exc.status_code == 401:
                    return _login_redirect(request)
                return error_page(request, exc.status_code, str(exc.detail), needs=needs)
            except RequestValidationError as exc:
                fields = [_field(err) for err in exc.errors()]
                return error_page(request, 422, "Some values are not valid.", fields)
            except AccordError as exc:
                status = exc.status
                if status >= 500:
                    log.error("dashboard error on %s", request.url.path, exc_info=exc)
                    return error_page(request, status, "The server could not show this page.")
                return error_page(request, status, str(exc), needs=needs)

        return page


def _field(err: Mapping[str, Any]) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{where}: {err.get('msg', '')}"
