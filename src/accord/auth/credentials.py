"""Who may act with what: enrolment secrets, token revocation, role changes, login sessions.

No one acts as another (issue 19): an API token is issued only to its own user.
An admin who adds a user gets a one-time enrolment secret for them, which the
user redeems (`accord login --enrol`, POST /api/v1/enrol) for their first
token, shown only to them; later tokens they issue themselves. An admin may
revoke any token and change a role; either ends the dashboard sessions that
depended on it. Every write here is audited with the credential that acted.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.orm import Session

from accord.auth.models import ApiToken, Enrolment, LoginSession, User
from accord.auth.users import (
    ROLES,
    Permission,
    bootstrap_admin,
    can,
    get_user,
    mint_token,
    require_permission,
    token_credential,
)
from accord.db import append_audit, lock_for_write, record_time
from accord.errors import AuthenticationFailed, InputError, PermissionDenied, RegistryConflict

__all__ = [
    "ENROLMENT_PREFIX",
    "ENROLMENT_VALID_FOR",
    "Redeemed",
    "bootstrap_with_token",
    "change_role",
    "create_enrolment",
    "db_owner_credential",
    "end_login_session",
    "login_session_user",
    "redeem_enrolment",
    "revoke_token",
    "start_login_session",
]

ENROLMENT_PREFIX = "enrol"
ENROLMENT_VALID_FOR = dt.timedelta(hours=72)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def db_owner_credential() -> str:
    """The credential of a CLI command run as the database's owner, with no registry token
    (`accord init` of an empty registry; reads as the owner): the OS user who ran it."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return f"db-owner:{who}"


def create_enrolment(
    session: Session,
    *,
    actor: User,
    name: str,
    now: dt.datetime | None = None,
    valid_for: dt.timedelta = ENROLMENT_VALID_FOR,
) -> str:
    """A one-time enrolment secret for user `name` (admins only), returned once: the user
    redeems it for their first token. Only its SHA-256 is kept (it is 256 random bits, so
    no slow hash is needed); it expires after `valid_for` and works once."""
    require_permission(actor, Permission.USERS_MANAGE)
    user = get_user(session, name=name)
    at = record_time(session, now)
    secret = secrets.token_urlsafe(32)
    lock_for_write(session)
    enrolment_id = session.execute(
        insert(Enrolment)
        .values(
            user_id=user.id,
            secret_hash=_sha256(secret),
            created_at=at,
            created_by_id=actor.id,
            expires_at=at + valid_for,
        )
        .returning(Enrolment.id)
    ).scalar_one()
    append_audit(
        session,
        actor=actor,
        action="user.enrolment",
        subject=f"user:{name}",
        change={"enrolment_id": enrolment_id, "expires_at": (at + valid_for).isoformat()},
        now=at,
    )
    return f"{ENROLMENT_PREFIX}_{enrolment_id}_{secret}"


@dataclass(frozen=True)
class Redeemed:
    user: User
    token: str
    key_id: str


def redeem_enrolment(session: Session, *, code: str, now: dt.datetime | None = None) -> Redeemed:
    """The user's first token, for their enrolment secret; AuthenticationFailed if it is
    malformed, unknown, expired or used. Audited as the user, acting with the enrolment."""
    failed = AuthenticationFailed("invalid, expired or used enrolment code")
    prefix, _, rest = code.strip().partition("_")
    number, _, secret = rest.partition("_")
    if prefix != ENROLMENT_PREFIX or not number.isdigit() or not secret or len(number) > 18:
        raise failed
    # checked before the writer lock, so made-up codes never queue behind (or hold up) writers
    row = session.get(Enrolment, int(number))
    if row is None or not hmac.compare_digest(row.secret_hash, _sha256(secret)):
        raise failed
    lock_for_write(session)
    session.refresh(row)  # redeemed by another request meanwhile: seen under the lock
    at = record_time(session, now)
    if row.redeemed_at is not None or row.expires_at <= at:
        raise failed
    user = session.get(User, row.user_id)
    if user is None:
        raise failed
    session.execute(update(Enrolment).where(Enrolment.id == row.id).values(redeemed_at=at))
    user.acting_with(f"enrolment:{row.id}")
    token, key_id = mint_token(session, user=user, created_by=user, at=at)
    append_audit(
        session,
        actor=user,
        action="user.enrol",
        subject=f"user:{user.name}",
        change={"enrolment_id": row.id, "key_id": key_id},
        now=at,
    )
    return Redeemed(user=user, token=token, key_id=key_id)


def bootstrap_with_token(
    session: Session, *, name: str, now: dt.datetime | None = None
) -> Redeemed:
    """`accord init --admin NAME`: the first admin of an empty registry and its first token,
    shown once to whoever runs init as the database's owner (the one credential there is)."""
    admin = bootstrap_admin(session, name=name, now=now, credential=db_owner_credential())
    at = record_time(session, now)
    token, key_id = mint_token(session, user=admin, created_by=admin, at=at)
    append_audit(
        session,
        actor=admin,
        action="user.token",
        subject=f"user:{name}",
        change={"key_id": key_id},
        now=at,
    )
    return Redeemed(user=admin, token=token, key_id=key_id)


def revoke_token(
    session: Session, *, actor: User, key_id: str, now: dt.datetime | None = None
) -> ApiToken:
    """Revoke a token (its owner, or an admin); the sessions logged in with it end too."""
    row = session.scalars(select(ApiToken).where(ApiToken.key_id == key_id)).first()
    if row is None:
        raise InputError(f"no API token with key id '{key_id}'")
    if row.user_id != actor.id and not can(actor, Permission.USERS_MANAGE):
        raise PermissionDenied(
            f"user '{actor.name}' may revoke only their own tokens (an admin may revoke any)"
        )
    if row.revoked_at is not None:
        raise RegistryConflict(f"token '{key_id}' was already revoked")
    owner = session.get(User, row.user_id)
    at = record_time(session, now)
    lock_for_write(session)
    session.execute(update(ApiToken).where(ApiToken.id == row.id).values(revoked_at=at))
    ended = _end_sessions(session, at, LoginSession.key_id == key_id)
    append_audit(
        session,
        actor=actor,
        action="user.token_revoke",
        subject=f"user:{owner.name if owner is not None else row.user_id}",
        change={"key_id": key_id, "sessions_ended": ended},
        now=at,
    )
    session.refresh(row)
    return row


def change_role(
    session: Session, *, actor: User, name: str, role: str, now: dt.datetime | None = None
) -> User:
    """Give user `name` another role (admins only); their dashboard sessions end."""
    require_permission(actor, Permission.USERS_MANAGE)
    if role not in ROLES:
        raise InputError(f"role '{role}' is not one of: {', '.join(ROLES)}")
    user = get_user(session, name=name)
    if user.role == role:
        raise RegistryConflict(f"user '{name}' is already {role}")
    lock_for_write(session)
    if user.role == "admin":
        admins = session.scalar(select(func.count()).select_from(User).where(User.role == "admin"))
        if (admins or 0) <= 1:
            raise RegistryConflict(f"'{name}' is the only admin: make another admin first")
    at = record_time(session, now)
    before = user.role
    session.execute(update(User).where(User.id == user.id).values(role=role))
    ended = _end_sessions(session, at, LoginSession.user_id == user.id)
    append_audit(
        session,
        actor=actor,
        action="user.role",
        subject=f"user:{name}",
        change={"from": before, "to": role, "sessions_ended": ended},
        now=at,
    )
    session.refresh(user)
    return user


def _end_sessions(session: Session, at: dt.datetime, which: ColumnElement[bool]) -> int:
    result = session.execute(
        update(LoginSession).where(which, LoginSession.revoked_at.is_(None)).values(revoked_at=at)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- dashboard sessions: the cookie holds a random id, the row its SHA-256 ---


def start_login_session(
    session: Session, *, user: User, key_id: str, max_age_s: int, now: dt.datetime | None = None
) -> str:
    """A new session of `user`, logged in with token `key_id`; returns its id (for the
    signed cookie; only its SHA-256 is stored)."""
    at = now or dt.datetime.now(dt.UTC)
    session_id = secrets.token_urlsafe(32)
    session.execute(
        insert(LoginSession).values(
            id=_sha256(session_id),
            user_id=user.id,
            key_id=key_id,
            role=user.role,
            created_at=at,
            expires_at=at + dt.timedelta(seconds=max_age_s),
        )
    )
    return session_id


def login_session_user(
    session: Session, *, session_id: str, user_id: int, now: dt.datetime | None = None
) -> tuple[User, str]:
    """(user, key id) of a live session; AuthenticationFailed if it ended (logout, token
    revoked, role changed), expired, or names another user."""
    failed = AuthenticationFailed("session ended: log in again")
    row = session.get(LoginSession, _sha256(session_id))
    at = now or dt.datetime.now(dt.UTC)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        raise failed
    if row.expires_at <= at:
        raise failed
    token = session.scalars(select(ApiToken).where(ApiToken.key_id == row.key_id)).first()
    user = session.get(User, row.user_id)
    if token is None or token.revoked_at is not None or user is None or user.role != row.role:
        raise failed
    return user.acting_with(token_credential(row.key_id)), row.key_id


def end_login_session(session: Session, *, session_id: str, now: dt.datetime | None = None) -> bool:
    """End one session (logout); False if it had already ended."""
    at = now or dt.datetime.now(dt.UTC)
    ended = _end_sessions(session, at, LoginSession.id == _sha256(session_id))
    return ended > 0
