"""A monitor's observations on incidents (issue 21): note, concern or urgent, append-only.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

Monitors may not resolve incidents (a monitor writes no case data: their independence), but
what they see belongs on the record beside the incident. incident_observations is
append-only like the incidents: triggers refuse UPDATE, DELETE and, on PostgreSQL,
TRUNCATE. Each row names the audit entry that recorded it (audit_seq), which holds its text.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.db.migrations.append_only import create_append_only

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)
TABLE = "incident_observations"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("incident_id", BigId, sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("level", sa.String(48), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.Column("recorded_by_id", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
    )
    op.create_index("ix_incident_observations_incident", TABLE, ["incident_id", "id"])
    create_append_only(TABLE)


def downgrade() -> None:
    op.drop_table(TABLE)
