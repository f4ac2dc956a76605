"""What an admin sees and does with accounts beyond adding users (issue 21's admin pages):
each user's live tokens and pending enrolments, every token, and disabling a user.

Accord keeps no password and no "enabled" flag: a user acts only with an API token (or a
dashboard session logged in with one), so disabling a user revokes every token they hold,
withdraws their unredeemed enrolment codes and ends their sessions, in one audited write.
An admin enables them again by creating a new enrolment code (credentials.create_enrolment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from accord.auth.models import ApiToken, Enrolment, LoginSession, User
from accord.auth.users import Permission, get_user, require_permission
from accord.db import append_audit, lock_for_write, record_time
from accord.errors import RegistryConflict

__all__ = ["TokenRow", "UserRow", "disable_user", "list_tokens", "user_rows"]


@dataclass(frozen=True)
class UserRow:
    """A user with how they can act now: live tokens and unredeemed, unexpired enrolments."""

    user: User
    live_tokens: int
    pending_enrolments: int
    created_by: str | None

    @property
    def disabled(self) -> bool:
        """No way to act: no live token and no enrolment code waiting to be redeemed."""
        return self.live_tokens == 0 and self.pending_enrolments == 0


@dataclass(frozen=True)
class TokenRow:
    """An API token as an admin may see it: the public key id, never the secret or hash."""

    key_id: str
    user_name: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None


def _names(session: Session) -> dict[int, str]:
    return {user_id: name for user_id, name in session.execute(select(User.id, User.name))}


def user_rows(session: Session, *, now: dt.datetime | None = None) -> list[UserRow]:
    """Every user, by name, with their live tokens and pending enrolments (three queries)."""
    at = now or dt.datetime.now(dt.UTC)
    tokens: dict[int, int] = {
        user_id: count
        for user_id, count in session.execute(
            select(ApiToken.user_id, func.count())
            .where(ApiToken.revoked_at.is_(None))
            .group_by(ApiToken.user_id)
        )
    }
    enrolments: dict[int, int] = {
        user_id: count
        for user_id, count in session.execute(
            select(Enrolment.user_id, func.count())
            .where(Enrolment.redeemed_at.is_(None), Enrolment.expires_at > at)
            .group_by(Enrolment.user_id)
        )
    }
    names = _names(session)
    return [
        UserRow(
            user=user,
            live_tokens=tokens.get(user.id, 0),
            pending_enrolments=enrolments.get(user.id, 0),
            created_by=names.get(user.created_by_id) if user.created_by_id else None,
        )
        for user in session.scalars(select(User).order_by(User.name))
    ]


def list_tokens(
    session: Session, *, user_name: str | None = None, live_only: bool = False
) -> list[TokenRow]:
    """API tokens, newest first: all users' or one user's; `live_only`: not revoked."""
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user_name is not None:
        stmt = stmt.where(ApiToken.user_id == get_user(session, name=user_name).id)
    if live_only:
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    names = _names(session)
    return [
        TokenRow(
            key_id=row.key_id,
            user_name=names.get(row.user_id, str(row.user_id)),
            created_at=row.created_at,
            created_by=names.get(row.created_by_id, str(row.created_by_id)),
            revoked_at=row.revoked_at,
        )
        for row in session.scalars(stmt)
    ]


@dataclass(frozen=True)
class Disabled:
    name: str
    tokens_revoked: int
    enrolments_withdrawn: int
    sessions_ended: int


def disable_user(
    session: Session, *, actor: User, name: str, now: dt.datetime | None = None
) -> Disabled:
    """Take away every way user `name` can act (admins only): revoke their live tokens,
    withdraw their unredeemed enrolment codes (marked expired now) and end their dashboard
    sessions. Refused for oneself (an admin who locks themselves out needs the database
    owner) and for a user who already cannot act."""
    require_permission(actor, Permission.USERS_MANAGE)
    user = get_user(session, name=name)
    if user.id == actor.id:
        raise RegistryConflict("you may not disable yourself: ask another admin")
    lock_for_write(session)
    at = record_time(session, now)
    live = list(
        session.scalars(
            select(ApiToken.key_id).where(
                ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
            )
        )
    )
    pending = list(
        session.scalars(
            select(Enrolment.id).where(
                Enrolment.user_id == user.id,
                Enrolment.redeemed_at.is_(None),
                Enrolment.expires_at > at,
            )
        )
    )
    if not live and not pending:
        raise RegistryConflict(f"user '{name}' has no live token or enrolment code: disabled")
    if live:
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
    if pending:
        session.execute(update(Enrolment).where(Enrolment.id.in_(pending)).values(expires_at=at))
    ended = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    sessions_ended = int(getattr(ended, "rowcount", 0) or 0)
    append_audit(
        session,
        actor=actor,
        action="user.disable",
        subject=f"user:{name}",
        change={
            "key_ids": sorted(live),
            "enrolment_ids": sorted(pending),
            "sessions_ended": sessions_ended,
        },
        now=at,
    )
    return Disabled(name, len(live), len(pending), sessions_ended)


def roles_granting(permission: Permission) -> Sequence[str]:
    """The roles whose grants include `permission` (for a 403 page: who may do this)."""
    from accord.auth.users import GRANTS

    return sorted(role for role, grants in GRANTS.items() if permission in grants)
