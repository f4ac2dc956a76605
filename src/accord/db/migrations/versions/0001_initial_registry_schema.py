"""Initial registry schema: users and tokens, bitemporal facts, imports, the audit chain.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Append-only tables get triggers that reject UPDATE and DELETE (and TRUNCATE on
PostgreSQL): a correction is a new fact version, never an edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from accord.db.migrations.append_only import create_append_only

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)

# Each fact list's own columns (after version_id, ordinal, person_id): FACT_SCHEMAS.
FACT_TABLES: dict[str, list[tuple[str, Any, bool]]] = {
    "fact_person": [
        ("name", sa.Text(), True),
        ("birth_date", sa.Date(), True),
        ("sex", sa.String(16), False),
        ("citizenship", sa.String(16), False),
    ],
    "fact_citizenship_claim": [
        ("status", sa.String(16), False),
        ("date", sa.Date(), False),
        ("source", sa.Text(), False),
    ],
    "fact_nationalities": [("country", sa.String(2), False)],
    "fact_removal_orders": [
        ("kind", sa.String(32), False),
        ("issued_on", sa.Date(), False),
        ("in_absentia", sa.Boolean(), False),
        ("appeal_waived", sa.Boolean(), False),
        ("country", sa.String(2), True),
        ("vacated_on", sa.Date(), True),
        ("source", sa.Text(), False),
    ],
    "fact_appeals": [
        ("kind", sa.String(32), False),
        ("filed_on", sa.Date(), False),
        ("status", sa.String(16), False),
        ("decided_on", sa.Date(), True),
        ("source", sa.Text(), False),
    ],
    "fact_stays": [
        ("kind", sa.String(32), False),
        ("granted_on", sa.Date(), False),
        ("expires_on", sa.Date(), True),
        ("lifted_on", sa.Date(), True),
        ("source", sa.Text(), False),
    ],
    "fact_protections": [
        ("kind", sa.String(32), False),
        ("status", sa.String(16), False),
        ("country", sa.String(2), False),
        ("date", sa.Date(), False),
        ("source", sa.Text(), False),
    ],
    "fact_fear_claims": [
        ("country", sa.String(2), False),
        ("status", sa.String(16), False),
        ("date", sa.Date(), False),
        ("source", sa.Text(), False),
    ],
    "fact_notices": [
        ("country", sa.String(2), False),
        ("served_on", sa.Date(), False),
        ("served_on_counsel", sa.Boolean(), False),
        ("written", sa.Boolean(), False),
        ("exigent", sa.Boolean(), False),
        ("source", sa.Text(), False),
    ],
    "fact_convictions": [
        ("offence", sa.Text(), False),
        ("category", sa.String(16), False),
        ("date", sa.Date(), False),
        ("final", sa.Boolean(), True),
        ("source", sa.Text(), False),
    ],
    "fact_sentences": [
        ("start", sa.Date(), False),
        ("projected_release", sa.Date(), True),
        ("released_on", sa.Date(), True),
        ("source", sa.Text(), False),
    ],
    "fact_consents": [
        ("given_on", sa.Date(), False),
        ("verified_on", sa.Date(), True),
        ("verifying_officer", sa.Text(), True),
        ("revoked_on", sa.Date(), True),
        ("source", sa.Text(), False),
    ],
    "fact_early_removal_approvals": [
        ("approved_on", sa.Date(), False),
        ("source", sa.Text(), False),
    ],
    "fact_transfer_requests": [
        ("requested_on", sa.Date(), False),
        ("country", sa.String(2), False),
        ("source", sa.Text(), False),
    ],
}
APPEND_ONLY = ("persons", "imports", "fact_versions", *FACT_TABLES, "audit_log")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("created_by_id", BigId, sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("user_id", BigId, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("key_id", sa.String(32), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("created_by_id", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("revoked_at", Stamp, nullable=True),
    )
    op.create_table(
        "persons",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("first_recorded_at", Stamp, nullable=False, index=True),
        sa.Column("recorded_by_id", BigId, sa.ForeignKey("users.id"), nullable=False),
    )
    op.create_table(
        "imports",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("file_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("file_name", sa.String(1024), nullable=False),
        sa.Column("source_document", sa.Text(), nullable=False),
        sa.Column("imported_at", Stamp, nullable=False),
        sa.Column("imported_by_id", BigId, sa.ForeignKey("users.id"), nullable=False),
    )
    op.create_table(
        "fact_versions",
        sa.Column("id", BigId, primary_key=True, autoincrement=False),
        sa.Column("person_id", sa.String(128), sa.ForeignKey("persons.person_id"), nullable=False),
        sa.Column("list_name", sa.String(32), nullable=False),
        sa.Column("known", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("recorded_by_id", BigId, nullable=False),  # checked by a trigger, below
        sa.Column("source_document", sa.Text(), nullable=False),
        sa.Column("import_id", BigId, nullable=True),  # checked by a trigger, below
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_fact_versions_person_recorded", "fact_versions", ["person_id", "recorded_at"]
    )
    op.create_index(
        "ix_fact_versions_list_person", "fact_versions", ["list_name", "person_id", "id"]
    )
    for table, columns in FACT_TABLES.items():
        op.create_table(
            table,
            sa.Column("version_id", BigId, sa.ForeignKey("fact_versions.id"), primary_key=True),
            sa.Column("ordinal", sa.Integer(), primary_key=True),
            sa.Column("person_id", sa.String(128), nullable=False),
            *(sa.Column(name, type_, nullable=nullable) for name, type_, nullable in columns),
        )
    op.create_table(
        "audit_log",
        sa.Column("seq", BigId, primary_key=True, autoincrement=False),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(256), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("change_digest", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    _append_only_triggers()
    _attribution_triggers()


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION accord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'accord: % on % refused: the table is append-only',
                    TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
            END $$
            """
        )
    for table in APPEND_ONLY:
        create_append_only(table)


def _attribution_triggers() -> None:
    """Every version names a real user and import; neither is ever deleted.

    A FOREIGN KEY would do it row by row (on PostgreSQL a locking lookup of the
    same user row for every version); these check each inserted batch at once.
    """
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION accord_versions_attributed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (
                    SELECT 1 FROM new_versions v
                    WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v.recorded_by_id)
                       OR (v.import_id IS NOT NULL AND NOT EXISTS (
                           SELECT 1 FROM imports i WHERE i.id = v.import_id))
                ) THEN
                    RAISE EXCEPTION 'accord: a fact version names no known user or import'
                        USING ERRCODE = 'foreign_key_violation';
                END IF;
                RETURN NULL;
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER fact_versions_attributed AFTER INSERT ON fact_versions "
            "REFERENCING NEW TABLE AS new_versions FOR EACH STATEMENT "
            "EXECUTE FUNCTION accord_versions_attributed()"
        )
        op.execute(
            "CREATE TRIGGER users_never_deleted BEFORE DELETE ON users "
            "FOR EACH ROW EXECUTE FUNCTION accord_append_only()"
        )
        return
    op.execute(
        "CREATE TRIGGER fact_versions_attributed BEFORE INSERT ON fact_versions "
        "WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.recorded_by_id) "
        "OR (NEW.import_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM imports WHERE id = NEW.import_id)) "
        "BEGIN SELECT RAISE(ABORT, 'accord: a fact version names no known user or import'); END"
    )
    op.execute(
        "CREATE TRIGGER users_never_deleted BEFORE DELETE ON users "
        "BEGIN SELECT RAISE(ABORT, 'accord: DELETE on users refused: users stay'); END"
    )


def downgrade() -> None:
    # Dropping the registry's tables is never done in place: export and start afresh.
    raise NotImplementedError("the registry schema cannot be downgraded (facts are append-only)")
