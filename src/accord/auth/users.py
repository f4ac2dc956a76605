"""Users, roles, API tokens and permissions (the masking of person identifiers for analysts
is accord.facts.masking).

Roles are those of docs/design.md section 1. What each may do is declared once, in
GRANTS; interfaces check it at their boundary with `require_permission`, and
service functions take the acting user so every write is attributed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from accord.auth.models import ApiToken, User
from accord.db import append_audit, lock_for_write, record_time
from accord.errors import (
    AuthenticationFailed,
    InputError,
    PermissionDenied,
    RegistryConflict,
    UnknownUser,
)
from accord.limits import USER_NAME_PATTERN

ROLES: tuple[str, ...] = (
    "officer",
    "legal_reviewer",
    "receiving_liaison",
    "monitor",
    "analyst",
    "admin",
)


class Permission(StrEnum):
    FACTS_WRITE = "facts.write"  # record, correct or retract facts; import case files
    FACTS_READ = "facts.read"  # read case files with names and identifiers
    FACTS_READ_MASKED = "facts.read_masked"  # read the docket with identifiers masked
    USERS_READ = "users.read"
    USERS_MANAGE = "users.manage"
    AUDIT_VERIFY = "audit.verify"
    AUDIT_EXPORT = "audit.export"
    DECISIONS_RECORD = "decisions.record"  # decide for a person from the registry, keep the record
    DECISIONS_READ = "decisions.read"  # read and replay decision records
    # Transfer operations (accord.operations). No permission overrides a failed rule of law:
    # the boarding check strikes every passenger who is not eligible, whoever departs.
    OPS_NOMINATE = "operations.nominate"  # nominate a person; withdraw a nomination
    OPS_REVIEW = "operations.review"  # approve or deny another user's nomination
    OPS_NOTICE = "operations.notice"  # record third-country notice served
    OPS_MISSIONS = "operations.missions"  # create missions, build manifests, check, depart
    OPS_HANDOVER = "operations.handover"  # confirm persons received at its facility; close
    OPS_INCIDENTS = "operations.incidents"  # resolve incidents with a coded reason
    OPS_CUSTODY = "operations.custody"  # release, transfer, return, death in custody
    OPS_CENSUS = "operations.census"  # report the daily census of its facility
    OPS_RETURNS = "operations.returns"  # open and update court-ordered return cases
    OPS_CONSULAR = "operations.consular"  # record consular notifications made
    OPS_COUNSEL = "operations.counsel"  # log counsel access
    OPS_VISITS = "operations.visits"  # record monitoring visits, findings, recommendations
    OPS_READ = "operations.read"  # read cases, missions, incidents, reconcile
    OPS_LIAISONS = "operations.liaisons"  # assign a receiving liaison to its facility
    # a monitor's observation on an incident (note, concern, urgent): its voice on the record,
    # never a resolution; only monitors hold it, so it stays the independent observer's
    OPS_OBSERVE = "monitoring.observe"
    # Billing (accord.billing): issuing is final, so only officers issue; monitors audit the
    # bills, analysts read them with person identifiers masked.
    BILLING_ISSUE = "billing.issue"  # issue a closed month's invoice; issue credit notes
    BILLING_READ = "billing.read"  # read invoices, drafts and credit notes; reconcile
    # Law entered in the registry (accord.law_entries): court orders by legal reviewers;
    # law parameters' values and agreement amendments by admins. Reading it, and the impact
    # of a change on the docket and operations (accord.impact), needs case data: FACTS_READ.
    LAW_ORDERS = "law.orders"  # enter a court order or an event of one, with its document
    LAW_TERMS = "law.terms"  # enter a law parameter's dated value or an agreement amendment
    LAW_READ = "law.read"  # read the law entries and their source documents


P = Permission
GRANTS: dict[str, frozenset[Permission]] = {
    "officer": frozenset(
        {P.FACTS_WRITE, P.FACTS_READ, P.AUDIT_VERIFY, P.DECISIONS_RECORD, P.DECISIONS_READ}
        | {P.OPS_NOMINATE, P.OPS_NOTICE, P.OPS_MISSIONS, P.OPS_INCIDENTS, P.OPS_CUSTODY}
        | {P.OPS_RETURNS, P.OPS_CONSULAR, P.OPS_COUNSEL, P.OPS_READ}
        | {P.BILLING_ISSUE, P.BILLING_READ, P.LAW_READ}
    ),
    "legal_reviewer": frozenset(
        {P.FACTS_WRITE, P.FACTS_READ, P.AUDIT_VERIFY, P.DECISIONS_RECORD, P.DECISIONS_READ}
        | {P.OPS_REVIEW, P.OPS_RETURNS, P.OPS_COUNSEL, P.OPS_READ}
        | {P.LAW_ORDERS, P.LAW_READ}
    ),
    # acts only for the facility an admin assigned it (checked against each case and mission)
    "receiving_liaison": frozenset(
        {P.OPS_HANDOVER, P.OPS_INCIDENTS, P.OPS_CUSTODY, P.OPS_CENSUS, P.OPS_CONSULAR}
        | {P.OPS_COUNSEL}
    ),
    # replays decisions to check them, but records none (a monitor writes no case data);
    # it records its own visits and findings, and observations on incidents (never a
    # resolution), which are not case facts
    "monitor": frozenset(
        {P.FACTS_READ, P.USERS_READ, P.AUDIT_VERIFY, P.AUDIT_EXPORT, P.DECISIONS_READ}
        | {P.OPS_READ, P.OPS_VISITS, P.OPS_OBSERVE, P.BILLING_READ, P.LAW_READ}
    ),
    "analyst": frozenset({P.FACTS_READ_MASKED, P.BILLING_READ, P.LAW_READ}),
    # manages users; never writes or reads case facts (it must not act as another role)
    "admin": frozenset(
        {P.USERS_READ, P.USERS_MANAGE, P.AUDIT_VERIFY, P.AUDIT_EXPORT, P.OPS_LIAISONS}
        | {P.LAW_TERMS, P.LAW_READ}
    ),
}
NAME_PATTERN = re.compile(USER_NAME_PATTERN)
TOKEN_PREFIX = "accord"
_hasher = PasswordHasher()


def can(user: User, permission: Permission) -> bool:
    return permission in GRANTS.get(user.role, frozenset())


def require_permission(user: User, permission: Permission) -> None:
    if not can(user, permission):
        allowed = sorted(r for r, grants in GRANTS.items() if permission in grants)
        raise PermissionDenied(
            f"user '{user.name}' ({user.role}) may not {permission.value}; "
            f"allowed roles: {', '.join(allowed) or 'none'}"
        )


def _check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise InputError(
            f"user name '{name}': use 1-64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"role '{role}' is not one of: {', '.join(ROLES)}")
    return role


def get_user(session: Session, *, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise UnknownUser(f"no registry user '{name}' (an admin adds one: accord users add)")
    return user


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.name)).all()


def _insert_user(
    session: Session, *, name: str, role: str, created_by: User | None, at: dt.datetime
) -> User:
    lock_for_write(session)
    if session.scalars(select(User.id).where(User.name == name)).first() is not None:
        raise RegistryConflict(f"user '{name}' already exists")
    new_id = session.execute(
        insert(User)
        .values(
            name=name,
            role=role,
            created_at=at,
            created_by_id=created_by.id if created_by is not None else None,
        )
        .returning(User.id)
    ).scalar_one()
    user = session.get(User, new_id)
    assert user is not None
    return user


def bootstrap_admin(
    session: Session, *, name: str, now: dt.datetime | None = None, credential: str | None = None
) -> User:
    """The first admin of a new registry; refused once any user exists. `credential`: what
    created it (`db-owner:<os user>` from `accord init`), recorded in its audit entry."""
    _check_name(name)
    lock_for_write(session)
    existing = session.scalar(select(func.count()).select_from(User))
    if existing:
        raise RegistryConflict(
            "the registry already has users; an admin adds more with `accord users add`"
        )
    at = record_time(session, now)
    admin = _insert_user(session, name=name, role="admin", created_by=None, at=at)
    if credential is not None:
        admin.acting_with(credential)
    append_audit(
        session,
        actor=admin,
        action="user.bootstrap",
        subject=f"user:{name}",
        change={"name": name, "role": "admin"},
        now=at,
    )
    return admin


def add_user(
    session: Session, *, actor: User, name: str, role: str, now: dt.datetime | None = None
) -> User:
    """Add a user with one role; audited as the acting admin."""
    _check_name(name)
    _check_role(role)
    at = record_time(session, now)
    user = _insert_user(session, name=name, role=role, created_by=actor, at=at)
    append_audit(
        session,
        actor=actor,
        action="user.add",
        subject=f"user:{name}",
        change={"name": name, "role": role},
        now=at,
    )
    return user


def issue_token(session: Session, *, actor: User, name: str, now: dt.datetime | None = None) -> str:
    """A new API token for the acting user, returned once; only an argon2 hash is kept.

    A token is issued only to its own user (`name` must be the actor): an admin who
    could mint another user's token could act as them. A new user gets their first
    token by redeeming the enrolment secret an admin created with them
    (auth.credentials). Tokens issued earlier stay valid (a user may have several
    clients).
    """
    user = get_user(session, name=name)
    if user.id != actor.id:
        raise PermissionDenied(
            f"user '{actor.name}' may not issue a token for '{name}': a token is issued only "
            f"to its own user ('{name}' redeems an enrolment secret, or issues one with "
            "their own token)"
        )
    at = record_time(session, now)
    token, key_id = mint_token(session, user=user, created_by=user, at=at)
    append_audit(
        session,
        actor=actor,
        action="user.token",
        subject=f"user:{name}",
        change={"key_id": key_id},  # never the secret
        now=at,
    )
    return token


def mint_token(
    session: Session, *, user: User, created_by: User, at: dt.datetime
) -> tuple[str, str]:
    """(token, key id) of a new token of `user`, stored as an argon2 hash; not audited here
    (the caller's entry says why it was issued)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    lock_for_write(session)
    session.execute(
        insert(ApiToken).values(
            user_id=user.id,
            key_id=key_id,
            secret_hash=_hasher.hash(secret),
            created_at=at,
            created_by_id=created_by.id,
        )
    )
    return f"{TOKEN_PREFIX}_{key_id}_{secret}", key_id


class VerifiedSecrets:
    """Tokens whose secret argon2 has verified in this process, each with the hash it
    matched, by SHA-256 of the token (never the token itself); thread-safe, bounded.

    A server checks a token again when its cached identity expires, so that a revoked
    token or a changed role takes effect: that needs the token's row and user, not a
    second argon2 verify of a secret already proven against the same hash (tens of
    milliseconds of both cores, for every token of every worker, once a minute)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._hashes: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def knows(self, token: str, secret_hash: str) -> bool:
        key = hashlib.sha256(token.encode("utf-8")).hexdigest()
        with self._lock:
            return self._hashes.get(key) == secret_hash

    def add(self, token: str, secret_hash: str) -> None:
        key = hashlib.sha256(token.encode("utf-8")).hexdigest()
        with self._lock:
            self._hashes[key] = secret_hash
            self._hashes.move_to_end(key)
            while len(self._hashes) > self.size:
                self._hashes.popitem(last=False)


def token_key_id(token: str) -> str:
    """The public key id of an `accord_<key id>_<secret>` token; AuthenticationFailed if the
    token does not have that shape."""
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or len(key_id) != 16 or not secret:
        raise AuthenticationFailed("invalid API token")
    return key_id


def find_token(session: Session, token: str) -> ApiToken:
    """The token's row by its key id, without argon2; AuthenticationFailed if malformed,
    unknown or revoked. The key id is public (audit entries name it), so answering an
    unknown or revoked one at once tells nobody anything the timing of an argon2 verify
    against a dummy hash would hide, and that verify cost the server its threads."""
    key_id = token_key_id(token)
    row = session.scalars(select(ApiToken).where(ApiToken.key_id == key_id)).first()
    if row is None or row.revoked_at is not None:
        raise AuthenticationFailed("invalid API token")
    return row


def secret_needs_check(token: str, secret_hash: str, verified: VerifiedSecrets | None) -> bool:
    """Whether `check_secret` would run argon2 (no: `verified` holds the token for this hash)."""
    return verified is None or not verified.knows(token, secret_hash)


def check_secret(token: str, secret_hash: str, *, verified: VerifiedSecrets | None = None) -> None:
    """One argon2 verify of the token's secret against its row's hash (none if `verified`
    already holds it); AuthenticationFailed if wrong. Touches no database."""
    if not secret_needs_check(token, secret_hash, verified):
        return
    try:
        _hasher.verify(secret_hash, token.split("_", 2)[2])
    except (VerificationError, InvalidHashError):
        raise AuthenticationFailed("invalid API token") from None
    if verified is not None:
        verified.add(token, secret_hash)


def authenticate_token(
    session: Session, token: str, *, verified: VerifiedSecrets | None = None
) -> User:
    """The user a token belongs to; AuthenticationFailed if malformed, unknown or revoked.
    With `verified`, a secret it holds for the row's hash is not verified again."""
    row = find_token(session, token)
    check_secret(token, row.secret_hash, verified=verified)
    user = session.get(User, row.user_id)
    if user is None:
        raise AuthenticationFailed("invalid API token")
    return user.acting_with(token_credential(row.key_id))


def token_credential(key_id: str) -> str:
    """How an audit entry names the token that acted (db/audit.Actor.credential)."""
    return f"token:{key_id}"
