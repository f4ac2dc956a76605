"""Which court-order law entries have acted on operations as of their own effective day.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

Issue 20, section 1: an order entered today that comes into force later acts on the day it
does (operations/law_due.py). law_entry_acts holds one row per entry that has acted as of
its effective day; its primary key is the entry, so two processes running the due acts at
once cannot both act. Append-only like the operations tables: triggers refuse UPDATE,
DELETE and, on PostgreSQL, TRUNCATE. Each row names the audit entry that recorded it.

No row is written for the entries already in a registry: an entry entered after its
effective day acted then only on the cases active at its entry, not on the persons who
departed since that day and were handed over; the first due acts after the upgrade act on
them (reconcile names each entry until they have run).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.db.migrations.append_only import create_append_only

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)
TABLE = "law_entry_acts"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column(
            "law_entry_id", BigId, sa.ForeignKey("law_entries.id"), primary_key=True, nullable=False
        ),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("acted_at", UTC, nullable=False),
        sa.Column("acted_by_id", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
    )
    create_append_only(TABLE)


def downgrade() -> None:
    op.drop_table(TABLE)
