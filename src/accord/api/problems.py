"""Every error as RFC 9457 problem details (`application/problem+json`).

A body has `type`, `title`, `status`, `detail`, `instance` and a `code` (snake
case, stable: clients branch on it). Accord's own errors map by class
(accord.errors): unknown records 404, refusals by role or duty 403, refused
state changes 409, bad values 422, other bad input 400. Validation errors name
each field in `errors`. Anything unexpected is logged with its traceback on the
server and answered with a bare 500 that says nothing about the cause.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord import errors as e
from accord.billing.errors import UnknownInvoice
from accord.simulation.errors import ScenarioError, SimulationOptionError

log = logging.getLogger("accord.api")
PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:accord:problem:"
WWW_AUTHENTICATE = 'Bearer realm="accord"'

# first match wins: subclasses before their bases
STATUS_BY_ERROR: tuple[tuple[type[Exception], int], ...] = (
    (e.AuthenticationFailed, 401),
    (e.PermissionDenied, 403),
    (e.SeparationOfDuties, 403),
    (e.OutsideFacilityScope, 403),
    (e.UnknownPerson, 404),
    (e.UnknownDecision, 404),
    (e.UnknownOperationsRecord, 404),
    (e.UnknownUser, 404),
    (UnknownInvoice, 404),  # an InputError: must come before InputError's 400
    (e.RegistryConflict, 409),
    (e.IllegalTransition, 409),
    (e.CapacityExceeded, 409),
    (e.RuleOfLawBlock, 409),
    (e.CaseFileError, 422),
    (e.UnknownAgreement, 422),
    (e.UnknownPathway, 422),
    (e.UnknownCountry, 422),
    (e.UnknownFacility, 422),
    (ScenarioError, 422),
    (SimulationOptionError, 422),
    (e.RegistryNotReady, 503),
    (e.SettingsError, 500),
    (e.InputError, 400),
)
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Unprocessable content",
    500: "Internal server error",
    503: "Service unavailable",
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


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


def status_of(exc: Exception) -> int:
    return next((status for kind, status in STATUS_BY_ERROR if isinstance(exc, kind)), 500)


async def _accord_error(request: Request, exc: Exception) -> JSONResponse:
    status = status_of(exc)
    if status == 500:  # bundled data or settings wrong: a defect, say so without details
        log.error("accord error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(
            status=500,
            code=snake(type(exc).__name__),
            detail="the server is misconfigured or its bundled data is inconsistent",
            instance=request.url.path,
        )
    extra: dict[str, Any] = {}
    if isinstance(exc, e.CaseFileError) and exc.field:
        extra["errors"] = [{"field": exc.field, "message": exc.reason}]
    return problem(
        status=status,
        code=snake(type(exc).__name__),
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
    return problem(
        status=exc.status_code,
        code=codes.get(exc.status_code, f"http_{exc.status_code}"),
        detail=str(exc.detail),
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's ServerErrorMiddleware sends this and re-raises, so the server logs it too
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        status=500,
        code="internal_error",
        detail="an unexpected error occurred; it has been logged",
        instance=request.url.path,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.AccordError, _accord_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
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
