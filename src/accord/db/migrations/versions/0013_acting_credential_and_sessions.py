"""The credential that acted, enrolment secrets and server-side sessions (issue 19, 1 and 4).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

- audit_log.credential: the credential an entry was written with (`token:<key id>`,
  `db-owner:<os user>`, `enrolment:<id>`), nullable: entries before this revision have
  none and their hashes are unchanged; a non-null credential is hashed into its entry
  (bundle/verify_bundle.entry_hash). accord_chain_append, which hashes the entries of the
  database-chained path, is replaced from sql/0013/ to take it.
- enrolments: the one-time secret an admin creates with a user, which that user redeems
  for their first token (only a hash of it is kept).
- sessions: dashboard sessions, revocable on the server (logout, token revocation, role
  change); the signed cookie carries only the random session id.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.db.sql import revision_functions

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)

# db/sql/0013/ as released (sql.directory_sha256): an edited file is refused
FILES_SHA256 = "8831344d4f3c0d2863d00c987f357cfcfb705aa463bbadc7dcfc2ce63efb4988"
_CHAIN_APPEND_ARGS = (
    "bigint, bigint, text[], text[], integer, timestamptz, boolean, text, text[], text[], "
    "text[], text[]"
)


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("credential", sa.String(80), nullable=True))
    op.create_table(
        "enrolments",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("user_id", BigId, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by_id", BigId, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("redeemed_at", UTC, nullable=True),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),  # sha256 of the cookie's session id
        sa.Column("user_id", BigId, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("key_id", sa.String(32), nullable=False, index=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        # a new argument: the old function is dropped, not overloaded
        op.execute(f"DROP FUNCTION accord_chain_append({_CHAIN_APPEND_ARGS})")
        for sql in revision_functions(revision, sha256=FILES_SHA256).values():
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION accord_chain_append({_CHAIN_APPEND_ARGS}, text)")
        op.execute(revision_functions("0012")["accord_chain_append"])
    op.drop_table("sessions")
    op.drop_table("enrolments")
    op.drop_column("audit_log", "credential")
