"""Request bodies: the caller is authenticated before a body is read, and a body is capped
per route before it is read.

FastAPI reads a route's whole body before its dependencies run, so authentication came
after the body: a 50 MB body from anyone was read (and a worker grew by 550 MB) before
the 401. This ASGI middleware runs before the router reads anything. For a request that
has a body (a Content-Length above zero, or a chunked one):

1. If its route requires a user (it declares a permission with `require`), the credential
   in its headers is checked first (`deps.authenticate`: bearer token or session cookie).
   On failure the route runs with an empty body and the failure is raised by its own
   `current_identity` (so the API answers problem details and the dashboard its login
   redirect), with `Connection: close`: the body left unread is never read. On success
   the identity is handed to `current_identity`, which does not check it again.
2. A declared Content-Length over the route's cap is answered 413 at once. A body that
   streams past the cap (chunked, or longer than declared) is cut off: the route's
   answer is replaced by a 413, and the rest of the body is not read.

Caps (ApiSettings): `login_body_max_bytes` for the login form, `import_body_max_bytes`
for a batch of case files, `record_body_max_bytes` for a whole case file, a fact list, a
handover's people or a visit with its findings, 17 MiB for a law entry with its source
document (DOCUMENT_PATHS), `body_max_bytes` for every other route.
A request no route matches gets the default cap and the router's own 404 or 405.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.api.deps import (
    AUTHENTICATED_STATE,
    AUTHENTICATION_FAILED_STATE,
    app_state,
    authenticate,
    route_permissions,
)
from accord.api.problems import problem
from accord.api.settings import ApiSettings
from accord.errors import AccordError

LOGIN_PATHS = frozenset({"/login"})
IMPORT_PATHS = frozenset({"/api/v1/imports"})
# law entries carry their source document (at most 16 MiB, law_entries/service.py) in a
# multipart form, with the entry's fields beside it
DOCUMENT_PATHS = frozenset({"/api/v1/law/entries", "/law/orders", "/law/terms"})
DOCUMENT_BODY_MAX_BYTES = 16 * 1024**2 + 1024**2
# routes whose largest valid body passes the default cap (path templates, any method)
RECORD_PATHS = frozenset(
    {
        "/api/v1/persons/{person_id}/case-file",
        "/api/v1/persons/{person_id}/facts/{list_name}",
        "/api/v1/missions/{number}/handover",
        "/api/v1/visits",
        "/visits",
    }
)


def body_cap(settings: ApiSettings, path_template: str | None) -> int:
    """The largest body, in bytes, the route at `path_template` reads (None: no route)."""
    if path_template in LOGIN_PATHS:
        return settings.login_body_max_bytes
    if path_template in IMPORT_PATHS:
        return settings.import_body_max_bytes
    if path_template in RECORD_PATHS:
        return settings.record_body_max_bytes
    if path_template in DOCUMENT_PATHS:
        return max(DOCUMENT_BODY_MAX_BYTES, settings.body_max_bytes)
    return settings.body_max_bytes


class _BodyTooLarge(Exception):
    """Raised from `receive` past the cap; the middleware answers 413 instead."""


def _declared_length(scope: Scope) -> int | None:
    """The Content-Length, None if absent; -1 if unreadable (refused like too large)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


def _has_body(scope: Scope) -> bool:
    declared = _declared_length(scope)
    if declared is not None:
        return declared != 0
    return any(name == b"transfer-encoding" for name, _ in scope.get("headers", ()))


def _too_large(scope: Scope, cap: int) -> ASGIApp:
    return problem(
        status=413,
        code="body_too_large",
        detail=f"the request body is larger than this route takes ({cap} bytes)",
        instance=str(scope.get("path", "")),
        headers={"Connection": "close"},  # the rest of the body is not read
    )


@dataclass(frozen=True)
class _RouteRule:
    pattern: re.Pattern[str]
    methods: frozenset[str] | None  # None: any method
    template: str
    needs_user: bool  # the route declares a permission with `require`


def _rules(app: FastAPI) -> list[_RouteRule]:
    """Every route of the app (included routers flattened), in the router's order."""
    rules = []
    for context in iter_route_contexts(app.routes):
        template = context.path
        if template is None:
            continue
        route = context.original_route
        needs_user = isinstance(route, APIRoute) and route_permissions(route) is not None
        methods = frozenset(context.methods) if context.methods else None
        pattern, _, _ = compile_path(template)
        rules.append(_RouteRule(pattern, methods, template, needs_user))
    return rules


class BodyLimits:
    """ASGI middleware (installed with app.add_middleware): see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._table: list[_RouteRule] | None = None  # built at the first request with a body

    def _route(self, app: FastAPI, scope: Scope) -> tuple[str | None, bool]:
        """The matched route's path template and whether it requires a user."""
        if self._table is None:
            self._table = _rules(app)
        path, method = str(scope.get("path", "")), str(scope.get("method", ""))
        for rule in self._table:
            if rule.pattern.match(path) and (rule.methods is None or method in rule.methods):
                return rule.template, rule.needs_user
        return None, False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        assert isinstance(app, FastAPI)
        path_template, needs_user = self._route(app, scope)
        cap = body_cap(app_state(Request(scope)).settings, path_template)
        if needs_user:
            request = Request(scope)
            try:
                identity = await authenticate(request)
            except (AccordError, HTTPException) as exc:
                # the route raises it from current_identity, in its own shape; no body read
                scope.setdefault("state", {})[AUTHENTICATION_FAILED_STATE] = exc
                await self.app(scope, _no_body_receive(), _closing(send))
                return
            scope.setdefault("state", {})[AUTHENTICATED_STATE] = identity
        declared = _declared_length(scope)
        if declared is not None and (declared < 0 or declared > cap):
            await _too_large(scope, cap)(scope, _no_body_receive(), send)
            return
        await self._capped(scope, receive, send, cap)

    async def _capped(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        received, refused, started = 0, False, False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                raise _BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    refused = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the route's answer to a cut-off body: our 413 goes instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await _too_large(scope, cap)(scope, _no_body_receive(), send)


def _no_body_receive() -> Receive:
    """A `receive` that gives an empty body, then a disconnect: the real body is not read."""
    given = False

    async def receive() -> Message:
        nonlocal given
        if given:
            return {"type": "http.disconnect"}
        given = True
        return {"type": "http.request", "body": b"", "more_body": False}

    return receive


def _closing(send: Send) -> Send:
    """`send` with `Connection: close` on the response: its body was left unread."""

    async def closing_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)["connection"] = "close"
        await send(message)

    return closing_send
