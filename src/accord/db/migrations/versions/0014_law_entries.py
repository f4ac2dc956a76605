"""Law entered in the registry (issue 20, section 1): court orders and their events, law
parameters' dated values and agreement amendments, each with its source document.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

law_entries is append-only like the fact tables (a change to the law is a new entry, never
an edit): triggers refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE. Each row names the
audit entry that recorded it (audit_seq); the audit entry holds the entry's body and the
sha256 of its source document, so the chain covers both.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "law_entries",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False, index=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("source_document", sa.LargeBinary, nullable=False),
        sa.Column("source_document_name", sa.String(256), nullable=False),
        sa.Column("source_document_sha256", sa.String(64), nullable=False),
        sa.Column("source_media_type", sa.String(128), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.Column("recorded_by_id", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER law_entries_append_only BEFORE UPDATE OR DELETE ON law_entries "
            "FOR EACH ROW EXECUTE FUNCTION accord_append_only()"
        )
        op.execute(
            "CREATE TRIGGER law_entries_no_truncate BEFORE TRUNCATE ON law_entries "
            "FOR EACH STATEMENT EXECUTE FUNCTION accord_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER law_entries_no_{event.lower()} BEFORE {event} ON law_entries "
            f"BEGIN SELECT RAISE(ABORT, 'accord: {event} on law_entries refused: "
            "the table is append-only'); END"
        )


def downgrade() -> None:
    op.drop_table("law_entries")
