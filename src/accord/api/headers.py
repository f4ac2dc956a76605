"""Security headers on every HTTP response, and `Secure` cookies over TLS.

Every response (API JSON, problem details, dashboard pages, static files, login,
docs) gets:

* ``Content-Security-Policy``: scripts, styles, images, fonts and connections from
  this origin only; no inline script at all; an inline ``<style>`` only with the
  request's nonce (``request.state.csp_nonce``: the login page's); no plugins, no
  ``<base>``, forms post only here, and no framing. A route may set its own policy
  (the Swagger UI at /docs loads its bundle from a CDN); it is then kept.
* ``X-Frame-Options: DENY`` and ``X-Content-Type-Options: nosniff``;
* ``Referrer-Policy: same-origin``: links to other sites carry no referrer
  (dashboard URLs hold person ids).

Every cookie set gets the ``Secure`` attribute when the request came over TLS
(the ASGI scheme is ``https``) or when ``ACCORD_COOKIE_SECURE`` is set. The server
runs uvicorn with ``proxy_headers=False``, so a client's ``X-Forwarded-Proto`` is
never trusted: behind a proxy that terminates TLS, set ``ACCORD_COOKIE_SECURE=1``.
"""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "content-security-policy"
DOCS_CDN = "https://cdn.jsdelivr.net"
FIXED_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def secure_cookie(set_cookie: str) -> str:
    """A Set-Cookie value with the Secure attribute (added once)."""
    attributes = {part.strip().lower() for part in set_cookie.split(";")[1:]}
    return set_cookie if "secure" in attributes else f"{set_cookie}; Secure"


class SecurityHeaders:
    """ASGI middleware (not BaseHTTPMiddleware: no task or body buffering per request)."""

    def __init__(self, app: ASGIApp, *, always_secure_cookies: bool = False) -> None:
        self.app = app
        self.always_secure_cookies = always_secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        secure = self.always_secure_cookies or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault(CSP, content_security_policy(nonce))
                for name, value in FIXED_HEADERS.items():
                    headers[name] = value
                cookies = headers.getlist("set-cookie")
                if secure and cookies:
                    del headers["set-cookie"]
                    for cookie in cookies:
                        headers.append("set-cookie", secure_cookie(cookie))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def docs_policy(nonce: str) -> str:
    """The Swagger UI's policy: its bundle and stylesheet from the CDN, its one inline
    script by nonce, and the inline styles it sets on its own elements."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'nonce-{nonce}' {DOCS_CDN}",
            f"style-src 'self' 'unsafe-inline' {DOCS_CDN}",
            "img-src 'self' data: https://fastapi.tiangolo.com",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _with_nonce(page: HTMLResponse, nonce: str) -> HTMLResponse:
    body = bytes(page.body).decode("utf-8").replace("<script>", f'<script nonce="{nonce}">')
    return HTMLResponse(body, headers={CSP: docs_policy(nonce)})


def install_docs(app: FastAPI, *, docs_url: str, openapi_url: str) -> None:
    """FastAPI's Swagger UI at `docs_url` (create the app with docs_url=None), its inline
    scripts carrying the request's CSP nonce."""
    redirect_url = f"{docs_url}/oauth2-redirect"

    async def swagger_ui(request: Request) -> Response:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=root + redirect_url,
        )
        return _with_nonce(page, request.state.csp_nonce)

    async def swagger_ui_redirect(request: Request) -> Response:
        return _with_nonce(get_swagger_ui_oauth2_redirect_html(), request.state.csp_nonce)

    app.add_route(docs_url, swagger_ui, include_in_schema=False)
    app.add_route(redirect_url, swagger_ui_redirect, include_in_schema=False)
