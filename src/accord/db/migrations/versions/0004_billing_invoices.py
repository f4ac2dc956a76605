"""Billing: monthly invoices from custody days, their lines, and credit notes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Append-only like the operations log: an issued invoice is final (triggers refuse
UPDATE and DELETE, and TRUNCATE on PostgreSQL); a correction is a credit note.
Money is decimal text (billing.models.Money), exact on both backends.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.db.migrations.append_only import create_append_only

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)
Money = sa.String(length=40)
APPEND_ONLY = ("billing_invoices", "billing_invoice_lines", "billing_credit_notes")


def upgrade() -> None:
    op.create_table(
        "billing_invoices",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("agreement_version", sa.Integer(), nullable=False),
        sa.Column("agreement_digest", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", Money, nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("content_digest", sa.String(length=64), nullable=False),
        sa.Column("issued_at", Stamp, nullable=False),
        sa.Column("issued_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "month", name="uq_billing_invoices_month"),
    )
    op.create_table(
        "billing_invoice_lines",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("invoice_id", BigId, nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("days_in_custody", sa.Integer(), nullable=False),
        sa.Column("days_billed", sa.Integer(), nullable=False),
        sa.Column("periods", sa.JSON(), nullable=False),
        sa.Column("runs", sa.JSON(), nullable=False),
        sa.Column("handover_event_id", BigId, nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["billing_invoices.id"]),
        sa.ForeignKeyConstraint(["handover_event_id"], ["operations_events.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invoice_id", "line_no", name="uq_billing_invoice_lines_no"),
    )
    op.create_index(
        "ix_billing_invoice_lines_person", "billing_invoice_lines", ["person_id"], unique=False
    )
    op.create_table(
        "billing_credit_notes",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("invoice_id", BigId, nullable=False),
        sa.Column("invoice_line_id", BigId, nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=128), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("content_digest", sa.String(length=64), nullable=False),
        sa.Column("issued_at", Stamp, nullable=False),
        sa.Column("issued_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["billing_invoices.id"]),
        sa.ForeignKeyConstraint(["invoice_line_id"], ["billing_invoice_lines.id"]),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_billing_credit_notes_invoice_id", "billing_credit_notes", ["invoice_id"], unique=False
    )
    op.create_index(
        "ix_billing_credit_notes_line", "billing_credit_notes", ["invoice_line_id"], unique=False
    )
    for table in APPEND_ONLY:  # accord_append_only() was created by revision 0001
        create_append_only(table)


def downgrade() -> None:
    raise NotImplementedError("issued invoices and credit notes are final and cannot be downgraded")
