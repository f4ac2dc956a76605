"""Case file v2: the fact lists and fields of "the law of 2025 in depth".

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

Adds eight fact lists (status grants, individual court orders, forbearance
commitments, custody locations, designations, determinations as an
unaccompanied child, incompetency findings, transfer approvals) and nullable
columns to the lists of v1. Nothing already recorded is touched: every fact
version keeps its rows, record and valid time and content digest, and the
audit chain is not written. A v1 fact reads back as v2 with the new fields null
and the new lists "not known" (casefile/models.py).

The new tables get what migrations 0001 and 0006 gave the others: append-only
triggers, and the check that each row belongs to its version's person (a
statement trigger on PostgreSQL, a FOREIGN KEY and a row trigger on SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
S, T, D, B, INT = sa.String, sa.Text, sa.Date, sa.Boolean, sa.Integer

# (table, column, type): every column nullable, null in every row recorded before v2.
ADDED_COLUMNS: tuple[tuple[str, str, Any], ...] = (
    ("fact_removal_orders", "alternative_countries", T()),
    ("fact_removal_orders", "waived_14_days", B()),
    ("fact_removal_orders", "voluntary_departure_until", D()),
    ("fact_appeals", "court", S(64)),
    ("fact_protections", "forum", S(32)),
    ("fact_fear_claims", "screening", S(32)),
    ("fact_fear_claims", "protection", S(32)),
    ("fact_notices", "language_understood", B()),
    ("fact_convictions", "jurisdiction", S(16)),
    ("fact_convictions", "juvenile", B()),
    ("fact_convictions", "vacated_on", D()),
    ("fact_convictions", "vacatur_basis", S(32)),
    ("fact_convictions", "offence_classes", T()),
    ("fact_sentences", "custodian", S(16)),
    ("fact_sentences", "amended_on", D()),
    ("fact_sentences", "amended_release", D()),
    ("fact_consents", "given_by", S(16)),
    ("fact_early_removal_approvals", "authority", S(32)),
    ("fact_early_removal_approvals", "written_request", B()),
)

# (name, type, nullable) of each new table's fact columns, as in registry/models.py.
NEW_TABLES: dict[str, list[tuple[str, Any, bool]]] = {
    "fact_status_grants": [
        ("kind", S(32), False),
        ("granted_on", D(), False),
        ("valid_until", D(), True),
        ("terminated_on", D(), True),
        ("country", S(2), True),
        ("authority", T(), True),
        ("source", T(), False),
    ],
    "fact_court_orders": [
        ("court", S(64), False),
        ("docket", S(64), False),
        ("proceeding", S(32), False),
        ("effect", S(32), False),
        ("status", S(16), False),
        ("date", D(), False),
        ("expires_on", D(), True),
        ("country", S(2), True),
        ("district", S(32), True),
        ("notice_days", INT(), True),
        ("source", T(), False),
    ],
    "fact_forbearances": [
        ("court", S(64), False),
        ("docket", S(64), False),
        ("made_on", D(), False),
        ("ends_on", D(), True),
        ("withdrawn_on", D(), True),
        ("country", S(2), True),
        ("source", T(), False),
    ],
    "fact_custody_locations": [
        ("district", S(32), False),
        ("facility", S(128), True),
        ("from_date", D(), False),
        ("to_date", D(), True),
        ("source", T(), False),
    ],
    "fact_designations": [
        ("authority", S(64), False),
        ("designated_on", D(), False),
        ("withdrawn_on", D(), True),
        ("source", T(), False),
    ],
    "fact_uac_determinations": [
        ("determined_on", D(), False),
        ("by", S(16), False),
        ("source", T(), False),
    ],
    "fact_incompetency_findings": [
        ("found_on", D(), False),
        ("restored_on", D(), True),
        ("court", S(64), True),
        ("source", T(), False),
    ],
    "fact_transfer_approvals": [
        ("state", S(2), False),
        ("approved_on", D(), False),
        ("withdrawn_on", D(), True),
        ("authority", S(256), True),
        ("source", T(), False),
    ],
}


def _versioned_check_pg(table: str) -> list[str]:
    return [
        f"""
CREATE FUNCTION accord_{table}_versioned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of {table} names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$
""",
        f"CREATE TRIGGER {table}_versioned AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION accord_{table}_versioned()",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION accord_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION accord_append_only()",
    ]


def _versioned_check_sqlite(table: str) -> list[str]:
    statements = [
        f"CREATE TRIGGER {table}_versioned BEFORE INSERT ON {table} "
        "WHEN NOT EXISTS (SELECT 1 FROM fact_versions v "
        "WHERE v.id = NEW.version_id AND v.person_id = NEW.person_id) "
        f"BEGIN SELECT RAISE(ABORT, 'accord: a row of {table} names no version of its person'); "
        "END"
    ]
    for event in ("UPDATE", "DELETE"):
        statements.append(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'accord: {event} on {table} refused: "
            "the table is append-only'); END"
        )
    return statements


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, name, type_ in ADDED_COLUMNS:
        op.add_column(table, sa.Column(name, type_, nullable=True))
    for table, columns in NEW_TABLES.items():
        version_id = (
            sa.Column("version_id", BigId, primary_key=True)
            if postgres  # checked per statement by the trigger below (migration 0006)
            else sa.Column("version_id", BigId, sa.ForeignKey("fact_versions.id"), primary_key=True)
        )
        op.create_table(
            table,
            version_id,
            sa.Column("ordinal", sa.Integer(), primary_key=True),
            sa.Column("person_id", sa.String(128), nullable=False),
            *(sa.Column(name, type_, nullable=nullable) for name, type_, nullable in columns),
        )
        for statement in (_versioned_check_pg if postgres else _versioned_check_sqlite)(table):
            op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in NEW_TABLES:
        op.drop_table(table)  # drops its triggers with it
        if postgres:
            op.execute(f"DROP FUNCTION accord_{table}_versioned()")
    for table, name, _type in reversed(ADDED_COLUMNS):
        # a plain ALTER on both (SQLite 3.35+): a batch copy would drop the table's triggers
        op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
