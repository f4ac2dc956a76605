"""Dashboard sign-in and sign-out in the audit chain (api/login.py calls these).

- A sign-in is recorded in the same transaction as its session row (`user.sign_in`), as
  the user, acting with the token they signed in with; a sign-out likewise, once the
  session it ends was live (`user.sign_out`).
- A refused sign-in is recorded without the token's secret (`user.sign_in_refused`), as
  nobody (UNAUTHENTICATED: no user can bear that name), about the account whose key id the
  token named, or about an unknown account when it named none of ours (malformed, made up,
  revoked). So that a stream of wrong tokens cannot flood the chain, at most one entry is
  written per account per UTC minute in a process (`RefusedSignIns`): the refusals of the
  rest of that minute are counted and reported by the account's next entry (`refusals`:
  how many since its last entry), so none is lost from the count. Unknown key ids share one
  account: made-up ids cost the chain one entry a minute, however many are tried. A server
  with W worker processes writes at most W entries per account per minute.
  Refusals the failure budgets answer before any check (429, 503: api/auth_budget.py) are
  not recorded: the budgets exist to do no work for them, a write included.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.auth.credentials import end_login_session, start_login_session
from accord.auth.models import ApiToken, User
from accord.auth.users import token_key_id
from accord.db import append_audit, record_time
from accord.errors import AuthenticationFailed

UNKNOWN_ACCOUNT = ""  # the throttle's key for refusals naming no token of ours
UNKNOWN_SUBJECT = "sign-in:unknown-account"


@dataclass(frozen=True)
class Unauthenticated:
    """The actor of an entry no credential proved: a name no user can have (users.py)."""

    name: str = "(unauthenticated)"
    credential: str | None = None


UNAUTHENTICATED = Unauthenticated()


class RefusedSignIns:
    """Which accounts had a refused sign-in recorded in the current UTC minute, and the
    refusals counted since; thread-safe, bounded (least recently refused go first: an
    account forgotten early only gets its next entry sooner)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._accounts: OrderedDict[str, tuple[dt.datetime, int]] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, account: str, at: dt.datetime) -> int | None:
        """None when `account` already has an entry in `at`'s minute (this refusal is
        counted for its next one); else how many refusals the entry to write reports."""
        minute = at.astimezone(dt.UTC).replace(second=0, microsecond=0)
        with self._lock:
            last_minute, pending = self._accounts.get(account, (None, 0))
            if last_minute == minute:
                self._accounts[account] = (minute, pending + 1)
                self._accounts.move_to_end(account)
                return None
            self._accounts[account] = (minute, 0)
            self._accounts.move_to_end(account)
            while len(self._accounts) > self.size:
                self._accounts.popitem(last=False)
            return pending + 1


def record_sign_in(
    session: Session, *, user: User, key_id: str, max_age_s: int, now: dt.datetime | None = None
) -> str:
    """A new dashboard session of `user` (signed in with token `key_id`) and its audit
    entry, in one transaction; the session id for the signed cookie (never recorded)."""
    at = record_time(session, now)
    session_id = start_login_session(session, user=user, key_id=key_id, max_age_s=max_age_s, now=at)
    append_audit(
        session,
        actor=user,
        action="user.sign_in",
        subject=f"user:{user.name}",
        change={"key_id": key_id, "expires_at": (at + dt.timedelta(seconds=max_age_s)).isoformat()},
        now=at,
    )
    return session_id


def record_sign_out(
    session: Session, *, user: User, session_id: str, now: dt.datetime | None = None
) -> bool:
    """End a dashboard session (sign-out) with its audit entry; False, and no entry, if
    the session had already ended."""
    at = record_time(session, now)
    if not end_login_session(session, session_id=session_id, now=at):
        return False
    append_audit(
        session, actor=user, action="user.sign_out", subject=f"user:{user.name}", change={}, now=at
    )
    return True


def refused_account(session: Session, token: str) -> tuple[str, str | None]:
    """(account, key id) a refused token names: its user's name and key id when the key id
    is one of ours (revoked ones too), else (UNKNOWN_ACCOUNT, None). Reads no secret."""
    try:
        key_id = token_key_id(token)
    except AuthenticationFailed:
        return UNKNOWN_ACCOUNT, None
    name = session.scalars(
        select(User.name)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.key_id == key_id)
    ).first()
    return (name, key_id) if name is not None else (UNKNOWN_ACCOUNT, None)


def record_refused_sign_in(
    session: Session,
    *,
    account: str,
    key_id: str | None,
    refusals: int,
    now: dt.datetime | None = None,
) -> None:
    """The audit entry of `refusals` refused sign-ins of `account` (RefusedSignIns.admit's
    count); the key id only when it is one of ours, never the secret."""
    subject = f"user:{account}" if account != UNKNOWN_ACCOUNT else UNKNOWN_SUBJECT
    change: dict[str, object] = {"refusals": refusals}
    if key_id is not None:
        change["key_id"] = key_id
    append_audit(
        session,
        actor=UNAUTHENTICATED,
        action="user.sign_in_refused",
        subject=subject,
        change=change,
        now=now,
    )
