"""Decision records: each decision from the registry, with what it needs to be replayed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Append-only like the facts: a decision is never edited; deciding again makes a new record.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.db.migrations.append_only import create_append_only

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)
TABLE = "decision_records"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("decided_at", Stamp, nullable=False),
        sa.Column("decided_by_id", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("facts_known_at", Stamp, nullable=False),
        sa.Column("inputs_digest", sa.String(64), nullable=False),
        sa.Column("ruleset_hash", sa.String(64), nullable=False),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("agreement_version", sa.String(64), nullable=False),
        sa.Column("agreement_digest", sa.String(64), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
    )
    op.create_index("ix_decision_records_person", TABLE, ["person_id", "id"])
    create_append_only(TABLE)


def downgrade() -> None:
    raise NotImplementedError("decision records are append-only and cannot be downgraded")
