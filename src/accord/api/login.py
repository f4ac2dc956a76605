"""/login and /logout: a session cookie for the dashboard, from an API token.

Users have no passwords in the registry; they log in with their API token. The
login form itself carries a signed CSRF token (against login CSRF). See
security.py for the cookie and the CSRF rule of every later request. Sign-in,
refused sign-in (at most once per account per minute, never the secret) and
sign-out are audited (auth/sign_ins.py).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from accord.api.auth_budget import BudgetRefusal
from accord.api.deps import Ctx, app_state, client_address, require
from accord.api.security import (
    CSRF_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Identity,
    digest,
    same_token,
)
from accord.auth.sign_ins import (
    RefusedSignIns,
    record_refused_sign_in,
    record_sign_in,
    record_sign_out,
    refused_account,
)
from accord.db import read_session, write_session
from accord.errors import AuthenticationFailed

router = APIRouter(tags=["login"], include_in_schema=False)
LOGIN_MAX_LENGTH = 512


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no //host): no open redirect."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _refused_sign_ins(request: Request) -> RefusedSignIns:
    """This app's throttle of refused sign-in entries (made on the event loop's thread)."""
    throttle = getattr(request.app.state, "refused_sign_ins", None)
    if not isinstance(throttle, RefusedSignIns):
        throttle = RefusedSignIns()
        request.app.state.refused_sign_ins = throttle
    return throttle


def _audit_refusal(engine: Engine, throttle: RefusedSignIns, token: str) -> None:
    """A refused sign-in's entry, unless its account already has one this minute."""
    with read_session(engine) as session:
        account, key_id = refused_account(session, token)
    refusals = throttle.admit(account, dt.datetime.now(dt.UTC))
    if refusals is None:
        return
    with write_session(engine) as session:
        record_refused_sign_in(session, account=account, key_id=key_id, refusals=refusals)


def _start_session(engine: Engine, identity: Identity, *, max_age_s: int) -> str:
    with write_session(engine) as session:
        return record_sign_in(
            session, user=identity.user(), key_id=identity.key_id, max_age_s=max_age_s
        )


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
    token: Annotated[str, Form(max_length=LOGIN_MAX_LENGTH)] = "",
    csrf_token: Annotated[str, Form(max_length=LOGIN_MAX_LENGTH)] = "",
    next: Annotated[str, Form(max_length=LOGIN_MAX_LENGTH)] = "/",
) -> Response:
    state = app_state(request)
    target = _safe_next(next)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not (same_token(cookie, csrf_token) and state.sessions.login_token_ok(csrf_token)):
        return _page(request, next_path=target, error="The form expired; try again.", status=403)
    if not token.strip():
        return _page(request, next_path=target, error="Enter your API token", status=400)
    try:  # within the failure budgets and argon2 pool of api/auth_budget.py, as a bearer
        identity = await state.auth_budget.verify_bearer(
            state.engine,
            token.strip(),
            address=client_address(request),
            verified=state.auth_cache.verified,
        )
    except AuthenticationFailed:
        throttle = _refused_sign_ins(request)
        await run_in_threadpool(partial(_audit_refusal, state.engine, throttle, token.strip()))
        return _page(request, next_path=target, error="That API token is not valid.", status=401)
    except BudgetRefusal as refused:
        error = "The server is busy; try again shortly."
        if refused.status_code == 429:
            error = "Too many attempts; try again later."
        page = _page(request, next_path=target, error=error, status=refused.status_code)
        page.headers["Retry-After"] = str(refused.retry_after_s)
        return page
    max_age_s = state.settings.session_max_age_s
    session_id = await run_in_threadpool(
        partial(_start_session, state.engine, identity, max_age_s=max_age_s)
    )
    value, csrf = state.sessions.dumps(identity, session_id)
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
def logout(request: Request, ctx: Annotated[Ctx, Depends(require())]) -> Response:
    """End the session on the server (a copied cookie no longer works) and in this
    process's cache at once, audited as a sign-out; a bearer caller has no session, and
    nothing ends."""
    state = app_state(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    data = (
        state.sessions.loads(cookie)
        if cookie and not request.headers.get("authorization")
        else None
    )
    if cookie and data is not None:
        session_id = data.get("s")
        if isinstance(session_id, str):
            with write_session(state.engine) as session:
                record_sign_out(session, user=ctx.user, session_id=session_id)
        state.auth_cache.evict("s:" + digest(cookie))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response
