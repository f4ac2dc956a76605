"""Dependencies every route uses: who calls, what they may do, the registry, masking.

Each route declares its permission once, in its signature:

    def show(ctx: Annotated[Ctx, Depends(require(Permission.FACTS_READ))]) -> ...

`require(A, B)` admits a user whose role has A or B; `require()` admits any
authenticated user. The route table (`route_permissions`) reads the declared
permissions back, so the role matrix test covers every route.

Analysts (who may read the docket only masked) get every `PersonId` field of a
response masked: the dependency marks the request, and the field's serializer
masks under ACCORD_MASKING_KEY.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.routing import APIRoute
from pydantic import (
    AfterValidator,
    BeforeValidator,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.templating import Jinja2Templates

from accord import limits
from accord.api.auth_budget import AuthBudget
from accord.api.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    AuthCache,
    CsrfRejected,
    Identity,
    SessionCodec,
    digest,
    same_token,
    verify_session,
)
from accord.api.settings import ApiSettings
from accord.auth import Permission, User, can, mask_person_id, require_permission
from accord.db import append_audit, read_session, write_session
from accord.errors import AuthenticationFailed, InputError
from accord.limits import FIRST_DAY, LAST_DAY

PERMISSIONS_ATTRIBUTE = "__accord_permissions__"
_mask_key: ContextVar[bytes | None] = ContextVar("accord_mask_key", default=None)


@dataclass(frozen=True)
class AppState:
    """What create_app builds once and every request shares."""

    settings: ApiSettings
    engine: Engine
    auth_cache: AuthCache
    auth_budget: AuthBudget
    sessions: SessionCodec
    templates: Jinja2Templates


def app_state(request: Request) -> AppState:
    state = request.app.state.accord
    assert isinstance(state, AppState)
    return state


@dataclass(frozen=True)
class Ctx:
    """The acting user and the registry, for one request."""

    user: User
    engine: Engine
    settings: ApiSettings
    masked: bool

    def read(self) -> contextlib.AbstractContextManager[Session]:
        return read_session(self.engine)

    def write(self, *, lock: bool | None = None) -> contextlib.AbstractContextManager[Session]:
        return write_session(self.engine, lock=lock)

    def audit_read(self, action: str, subject: str, /, **change: Any) -> None:
        """Record a read of personal data in the audit chain (one short write transaction).
        `action` and `subject` are positional only: a list's filters named so are details."""
        change = {k: v for k, v in change.items() if v is not None}
        with write_session(self.engine) as session:
            append_audit(session, actor=self.user, action=action, subject=subject, change=change)


def masked_role(user: User) -> bool:
    """Analysts: may read the docket only with identifiers masked."""
    return can(user, Permission.FACTS_READ_MASKED) and not can(user, Permission.FACTS_READ)


async def _csrf_token_sent(request: Request) -> str | None:
    if sent := request.headers.get(CSRF_HEADER):
        return sent
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


# Where the body-limit middleware leaves the identity it checked before the body was read,
# or the error that checking raised (the route then raises it: its own error shape)
AUTHENTICATED_STATE = "accord_authenticated"
AUTHENTICATION_FAILED_STATE = "accord_authentication_failed"


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


async def authenticate(request: Request) -> Identity:
    """The caller, by bearer token or session cookie, from the headers alone (the body is
    not read: api/body_limits.py calls this before it is). 401 without a valid credential;
    429 or 503 when unproven tokens are over their budget (api/auth_budget.py)."""
    state = app_state(request)
    if authorization := request.headers.get("authorization"):
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailed("use the header Authorization: Bearer <API token>")
        bearer = token.strip()
        cache = state.auth_cache  # a cached identity costs a hash and a lookup, nothing more
        return await cache.get_or_verify(  # callers that miss together share one verify
            "t:" + digest(bearer),
            partial(
                state.auth_budget.verify_bearer,
                state.engine,
                bearer,
                address=client_address(request),
                verified=cache.verified,
            ),
        )
    if cookie := request.cookies.get(SESSION_COOKIE):
        data = state.sessions.loads(cookie)
        if data is None:
            raise AuthenticationFailed("session expired or invalid: log in again at /login")
        return await state.auth_cache.get_or_verify(
            "s:" + digest(cookie), partial(run_in_threadpool, verify_session, state.engine, data)
        )
    raise HTTPException(401, "not authenticated: send Authorization: Bearer <API token>")


async def current_identity(request: Request) -> Identity:
    """The caller, by bearer token or session cookie; 401 without either, 403 on bad CSRF."""
    _mask_key.set(None)
    checked = request.scope.get("state", {})
    if isinstance(failed := checked.get(AUTHENTICATION_FAILED_STATE), Exception):
        raise failed
    identity = checked.get(AUTHENTICATED_STATE)
    if not isinstance(identity, Identity):
        identity = await authenticate(request)
    if not request.headers.get("authorization") and request.method not in SAFE_METHODS:
        # authenticated by the session cookie: an unsafe request sends its CSRF token back
        data = app_state(request).sessions.loads(request.cookies.get(SESSION_COOKIE, ""))
        if data is None:
            raise AuthenticationFailed("session expired or invalid: log in again at /login")
        if not same_token(str(data.get("c", "")), await _csrf_token_sent(request)):
            raise CsrfRejected(
                f"CSRF token missing or wrong: send it in the {CSRF_HEADER} header "
                f"or the {CSRF_FIELD} form field"
            )
    request.state.identity = identity
    return identity


RouteDependency = Callable[..., Coroutine[Any, Any, Ctx]]


def require(*permissions: Permission) -> RouteDependency:
    """A dependency admitting a user whose role has any of `permissions` (none: any user)."""

    async def dependency(
        request: Request, identity: Annotated[Identity, Depends(current_identity)]
    ) -> Ctx:
        user = identity.user()
        if permissions and not any(can(user, p) for p in permissions):
            require_permission(user, permissions[0])  # raises PermissionDenied, naming roles
        state = app_state(request)
        masked = masked_role(user)
        _mask_key.set(state.settings.masking_bytes() if masked else None)
        return Ctx(user=user, engine=state.engine, settings=state.settings, masked=masked)

    setattr(dependency, PERMISSIONS_ATTRIBUTE, tuple(permissions))
    return dependency


def route_permissions(route: APIRoute) -> tuple[Permission, ...] | None:
    """The permissions a route declared with `require`, or None if it declared none."""

    def walk(dependant: Any) -> Iterator[tuple[Permission, ...]]:
        for sub in dependant.dependencies:
            if hasattr(sub.call, PERMISSIONS_ATTRIBUTE):
                yield getattr(sub.call, PERMISSIONS_ATTRIBUTE)
            yield from walk(sub)

    found = list(walk(route.dependant))
    return found[0] if found else None


def _mask(person_id: str) -> str:
    key = _mask_key.get()
    return mask_person_id(person_id, key) if key is not None else person_id


PERSON_ID_PATTERN = r"^[A-Za-z0-9._:-]+$"
# A person id in a response: masked for analysts, whatever the route
PersonId = Annotated[str, PlainSerializer(_mask, return_type=str)]
# A person id in a request: the case file's own rule
PersonIdIn = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=PERSON_ID_PATTERN)
]


NO_NUL = limits.TEXT_PATTERN  # PostgreSQL refuses NUL in text
# Identifiers and short names (mission numbers, facility ids, carriers): 1-64 characters
Name64 = Annotated[
    str, StringConstraints(min_length=1, max_length=limits.IDENTIFIER_MAX, pattern=NO_NUL)
]
ShortText = limits.ShortText  # courts, order references, counsel, source documents
Note = limits.LongText  # notes and descriptions beside coded reasons


def _known_on(value: object) -> object:
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("expected YYYY-MM-DD or an ISO time with a zone")
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError("expected YYYY-MM-DD or an ISO time with a zone (e.g. ...T12:00:00Z)")
    return moment


def _known_on_in_range(value: dt.date | dt.datetime | None) -> dt.date | dt.datetime | None:
    # 9999-12-31 (end of day) or 0001-01-01T00:00+14:00 (in UTC) fall off the calendar
    if value is None:
        return None
    try:
        day = value.astimezone(dt.UTC).date() if isinstance(value, dt.datetime) else value
    except OverflowError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must lie between {FIRST_DAY} and {LAST_DAY}")
    return value


# As Accord knew it at the end of this day (UTC) or at this instant
KnownOn = Annotated[
    dt.date | dt.datetime | None,
    BeforeValidator(_known_on),
    AfterValidator(_known_on_in_range),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "description": "YYYY-MM-DD (end of that day, UTC) or an ISO time with a zone",
        }
    ),
]


def check_same(what: str, path_value: str, body_value: str) -> None:
    if path_value != body_value:
        raise InputError(f"{what} in the path ('{path_value}') and the body differ")


MAX_ID = 2**53  # ids past this are not ours (and overflow BIGINT/SQLite further on)
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="Record id")]
