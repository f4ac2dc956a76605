"""Who is calling: bearer API tokens, signed session cookies, CSRF tokens.

API tokens (`accord_<key id>_<secret>`, each issued to its own user) are
stored only as argon2 hashes. Verifying one is `users.authenticate_token`: the
public key id finds the row, then one argon2 verify (tens of milliseconds, on
purpose). So that hundreds of requests a second stay cheap, a verified token
is remembered in process for `auth_cache_ttl_s` (60 s by default), keyed by the
SHA-256 of the token (never the token itself): a hit costs one hash and a dict
lookup. A revoked token or a changed role therefore takes effect within that
TTL. An unknown or revoked key id fails without argon2; the other failures each
cost an argon2 verify, in a bounded pool of their own and within failure budgets
per client address and per key id (api/auth_budget.py, ADR 0014).

The dashboard logs in with the same API token on /login (users have no
passwords). The server then records a session (auth.credentials: a row in
`sessions` keyed by the SHA-256 of a random session id) and sets a cookie
signed with ACCORD_SECRET_KEY (itsdangerous, timestamped, HttpOnly,
SameSite=Lax) holding the user id, the token's key id, the session id and a
random CSRF token. The session ends on the server: logout, revoking the token
it logged in with, or changing the user's role ends it, so a copied cookie no
longer works. Logout evicts the session from this process's AuthCache at once;
other workers hold a verified session for at most `auth_cache_ttl_s`.
Unsafe requests (POST, PUT, PATCH, DELETE) authenticated by that cookie
must send the CSRF token back in the `X-CSRF-Token` header or a `csrf_token`
form field (a synchronizer token kept in the signed session; the `accord_csrf`
cookie holds a readable copy for scripts). Bearer requests are exempt: a
browser never adds an Authorization header cross-site.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine
from sqlalchemy.orm import make_transient_to_detached

from accord.auth import User, VerifiedSecrets, authenticate_token, token_credential
from accord.auth.credentials import login_session_user
from accord.db import read_session
from accord.errors import AuthenticationFailed, PermissionDenied

SESSION_COOKIE = "accord_session"
CSRF_COOKIE = "accord_csrf"
LOGIN_CSRF_COOKIE = "accord_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(PermissionDenied):
    """A cookie-authenticated unsafe request without the session's CSRF token."""


@dataclass(frozen=True)
class Identity:
    """A verified user, as cached: plain values, so no ORM object is shared across threads."""

    user_id: int
    name: str
    role: str
    created_at: dt.datetime
    created_by_id: int | None
    key_id: str

    def user(self) -> User:
        """A fresh detached User for this request (service functions take one as actor),
        acting with the token it was verified by: every audit entry names that token."""
        user = User(
            id=self.user_id,
            name=self.name,
            role=self.role,
            created_at=self.created_at,
            created_by_id=self.created_by_id,
        )
        make_transient_to_detached(user)
        return user.acting_with(token_credential(self.key_id))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class AuthCache:
    """Verified identities by SHA-256 of the credential, for a short TTL; thread-safe."""

    def __init__(self, *, ttl_s: float, size: int):
        self.ttl_s, self.size = ttl_s, size
        self._entries: OrderedDict[str, tuple[float, Identity]] = OrderedDict()
        self._lock = threading.Lock()
        self.verified = VerifiedSecrets(size=max(size, 1))  # argon2 once per token
        # verifications running, by key, with the event loop that runs them
        self._verifying: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Task[Identity]]] = {}

    def get(self, key: str) -> Identity | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if hit[0] < time.monotonic():
                del self._entries[key]
                return None
            return hit[1]

    def put(self, key: str, identity: Identity) -> None:
        if self.ttl_s <= 0 or self.size <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + self.ttl_s, identity)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def evict(self, key: str) -> None:
        """Forget one verified identity (a session that has just ended)."""
        with self._lock:
            self._entries.pop(key, None)

    async def get_or_verify(self, key: str, verify: Callable[[], Awaitable[Identity]]) -> Identity:
        """The cached identity, or the one `verify()` gives (then cached). Callers that miss
        the same key while a verification of it runs wait for that one: when an entry
        expired under load, every request of the next moment verified the same token, each
        an argon2 verify (tens of milliseconds and 64 MiB), and the API fell behind for
        seconds at every expiry. A failure reaches every waiter and is not cached."""
        hit = self.get(key)
        if hit is not None:
            return hit
        loop = asyncio.get_running_loop()
        running = self._verifying.get(key)
        if running is None or running[0] is not loop:
            task = loop.create_task(self._verify(key, verify))
            task.add_done_callback(_retrieve)  # waiters may all have gone (disconnected)
            running = (loop, task)
            self._verifying[key] = running
        return await asyncio.shield(running[1])  # one waiter cancelled: the others go on

    async def _verify(self, key: str, verify: Callable[[], Awaitable[Identity]]) -> Identity:
        try:
            identity = await verify()
            self.put(key, identity)
            return identity
        finally:
            self._verifying.pop(key, None)


def _retrieve(task: asyncio.Task[Identity]) -> None:
    if not task.cancelled():
        task.exception()


def _identity(user: User, key_id: str) -> Identity:
    return Identity(user.id, user.name, user.role, user.created_at, user.created_by_id, key_id)


def token_key_id(token: str) -> str:
    """The public key id of an `accord_<key id>_<secret>` token (already verified)."""
    return token.split("_", 2)[1]


def verify_token(engine: Engine, token: str, verified: VerifiedSecrets | None = None) -> Identity:
    """One indexed lookup and one argon2 verify (none for a secret `verified` holds);
    AuthenticationFailed if invalid."""
    with read_session(engine) as session:
        user = authenticate_token(session, token, verified=verified)
        return _identity(user, token_key_id(token))


def verify_session(engine: Engine, data: dict[str, Any]) -> Identity:
    """The user a session cookie names, if its session is live on the server: not ended by
    logout, its token not revoked, the user's role unchanged since login, not expired."""
    failed = AuthenticationFailed("session ended: log in again")
    try:
        user_id, key_id, session_id = int(data["u"]), str(data["k"]), str(data["s"])
    except (KeyError, TypeError, ValueError):
        raise failed from None
    with read_session(engine) as session:
        user, live_key = login_session_user(session, session_id=session_id, user_id=user_id)
        if live_key != key_id:
            raise failed
        return _identity(user, key_id)


class SessionCodec:
    """Signs and reads the session cookie (itsdangerous, with a timestamp)."""

    def __init__(self, secret: str, *, max_age_s: int):
        self._serializer = URLSafeTimedSerializer(secret, salt="accord.session")
        self._login = URLSafeTimedSerializer(secret, salt="accord.login")
        self.max_age_s = max_age_s

    def dumps(self, identity: Identity, session_id: str) -> tuple[str, str]:
        """(cookie value, CSRF token) of a new session (`session_id`: start_session's)."""
        csrf = secrets.token_urlsafe(32)
        data = {"u": identity.user_id, "k": identity.key_id, "s": session_id, "c": csrf}
        return str(self._serializer.dumps(data)), csrf

    def loads(self, value: str) -> dict[str, Any] | None:
        try:
            data = self._serializer.loads(value, max_age=self.max_age_s)
        except BadSignature:  # also SignatureExpired
            return None
        return data if isinstance(data, dict) else None

    def login_token(self) -> str:
        return str(self._login.dumps(secrets.token_urlsafe(16)))

    def login_token_ok(self, value: str) -> bool:
        try:
            self._login.loads(value, max_age=3600)
        except BadSignature:
            return False
        return True


def same_token(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
