"""The users, their API tokens, enrolment secrets and dashboard sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from accord.db.models import Base, BigId, UTCDateTime


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def credential(self) -> str | None:
        """The credential this user object acts with (`token:<key id>`, `db-owner:<os
        user>`, `enrolment:<id>`), set where it was authenticated (`acting_with`); None for
        a user loaded in process. Audit entries record and hash it (db/audit.Actor)."""
        value = self.__dict__.get("_accord_credential")
        return value if isinstance(value, str) else None

    def acting_with(self, credential: str) -> User:
        """This user, marked as acting with `credential` (not a column: never stored here)."""
        self.__dict__["_accord_credential"] = credential
        return self


class ApiToken(Base):
    """An API token: a public key id to find it, and only an argon2 hash of its secret."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Enrolment(Base):
    """A one-time secret an admin creates with a user; the user redeems it for their first
    token. Only a SHA-256 of the secret is kept (it is long and random: no argon2 needed)."""

    __tablename__ = "enrolments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    redeemed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class LoginSession(Base):
    """A dashboard session: the cookie holds a random id, this row its SHA-256, the token it
    logged in with and the role at login. Logout, revoking the token or changing the role
    ends it (revoked_at, or a role that differs)."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
