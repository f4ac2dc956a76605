"""/login and /logout: a session cookie for the dashboard, from an API token.

Users have no passwords in the registry; they log in with their API token. The
login form itself carries a signed CSRF token (against login CSRF). See
security.py for the cookie and the CSRF rule of every later request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accord.api.deps import Ctx, app_state, require
from accord.api.security import (
    CSRF_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    same_token,
    verify_token,
)
from accord.errors import AuthenticationFailed

router = APIRouter(tags=["login"], include_in_schema=False)
LOGIN_MAX_LENGTH = 512


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no //host): no open redirect."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _page(request: Request, *, next_path: str, error: str = "", status: int = 200) -> Response:
    state = app_state(request)
    token = state.sessions.login_token()
    response = state.templates.TemplateResponse(
        request,
        "login.html",
        {"csrf_token": token, "next": next_path, "error": error, "user": None},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=state.settings.cookie_secure,
        path="/login",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    return _page(request, next_path=_safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    token: Annotated[str, Form(max_length=LOGIN_MAX_LENGTH)],
    csrf_token: Annotated[str, Form(max_length=LOGIN_MAX_LENGTH)] = "",
    next: Annotated[str, Form(max_length=LOGIN_MAX_LENGTH)] = "/",
) -> Response:
    state = app_state(request)
    target = _safe_next(next)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not (same_token(cookie, csrf_token) and state.sessions.login_token_ok(csrf_token)):
        return _page(request, next_path=target, error="The form expired; try again.", status=403)
    try:
        identity = await run_in_threadpool(verify_token, state.engine, token.strip())
    except AuthenticationFailed:
        return _page(request, next_path=target, error="That API token is not valid.", status=401)
    value, csrf = state.sessions.dumps(identity)
    response = RedirectResponse(target, status_code=303)
    secure, max_age = state.settings.cookie_secure, state.settings.session_max_age_s
    response.set_cookie(
        SESSION_COOKIE, value, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    # readable by the page's scripts (HTMX sends it back as X-CSRF-Token)
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="lax", secure=secure
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(_ctx: Annotated[Ctx, Depends(require())]) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response
