"""Every error as RFC 9457 problem details (`application/problem+json`).

A body has `type`, `title`, `status`, `detail`, `instance` and a `code` (snake
case, stable: clients branch on it). Accord's own errors carry their status and
code as class attributes (accord.errors): unknown records 404, refusals by role
or duty 403, refused state changes 409, bad values 422, other bad input 400.
Validation errors name each field in `errors`. A server-side error (5xx: a
setting, a registry not ready, inconsistent bundled data, anything unexpected)
is logged with its traceback and answered with a detail that says nothing about
the cause. A database that does not answer is a 503 with `Retry-After` (as is a registry
not ready); an unexpected error's 500 says `Connection: close`, as the server then closes it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord.db.engine import registry_unreachable
from accord.errors import AccordError, CaseFileError

log = logging.getLogger("accord.api")
PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:accord:problem:"
WWW_AUTHENTICATE = 'Bearer realm="accord"'
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}
# what a client is told of a server-side error; the log has the rest
RETRY_AFTER_S = 5  # seconds a client waits before it retries a request the registry missed
SERVER_DETAILS = {
    503: "the registry is not available; try again later",
    500: "the server is misconfigured or its bundled data is inconsistent",
}


def problem(
    *,
    status: int,
    code: str,
    detail: str,
    instance: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": TYPE_PREFIX + code.replace("_", "-"),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        **extra,
    }
    if status == 401:
        headers = {"WWW-Authenticate": WWW_AUTHENTICATE, **(headers or {})}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


async def _accord_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AccordError)
    if exc.status >= 500:  # the operator's to fix, not the client's: say so without details
        log.error("accord error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(
            status=exc.status,
            code=exc.code,
            detail=SERVER_DETAILS.get(exc.status, SERVER_DETAILS[500]),
            instance=request.url.path,
            headers={"Retry-After": str(RETRY_AFTER_S)} if exc.status == 503 else None,
        )
    extra: dict[str, Any] = {}
    if isinstance(exc, CaseFileError) and exc.field:
        extra["errors"] = [{"field": exc.field, "message": exc.reason}]
    return problem(
        status=exc.status,
        code=exc.code,
        detail=str(exc),
        instance=request.url.path,
        **extra,
    )


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": _field(tuple(err.get("loc", ()))), "message": str(err.get("msg", ""))}
        for err in exc.errors()
    ]
    fields = ", ".join(dict.fromkeys(err["field"] for err in errors))
    return problem(
        status=422,
        code="validation_error",
        detail=f"invalid request: {fields}",
        instance=request.url.path,
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated"}
    code = getattr(exc, "code", None)  # one of ours (api/auth_budget.py) names its own
    if not isinstance(code, str):
        code = codes.get(exc.status_code, f"http_{exc.status_code}")
    return problem(
        status=exc.status_code,
        code=code,
        detail=str(exc.detail),
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    if registry_unreachable(exc):  # an outage, not a defect: the client may retry
        log.warning("registry unreachable on %s %s: %s", request.method, request.url.path, exc)
        return problem(
            status=503,
            code="registry_unavailable",
            detail=SERVER_DETAILS[503],
            instance=request.url.path,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    # Starlette's ServerErrorMiddleware sends this and re-raises, and the server then closes
    # the connection: say so, or a keep-alive client sends its next request into a closed socket
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        status=500,
        code="internal_error",
        detail="an unexpected error occurred; it has been logged",
        instance=request.url.path,
        headers={"Connection": "close"},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(AccordError, _accord_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for unreachable in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.add_exception_handler(unreachable, _unhandled)  # answered, not re-raised
    app.add_exception_handler(Exception, _unhandled)


# documented on every /api/v1 route, so clients (and schemathesis) know the shape
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": TITLES[status],
        "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}},
    }
    for status in (400, 401, 403, 404, 409, 422)
}
