"""On PostgreSQL, fact references checked once per statement instead of row by row.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A bulk import COPYs hundreds of thousands of fact versions and rows in one
transaction. Each FOREIGN KEY (a fact row's version, a version's person, a
person's recording user) made PostgreSQL look up the parent row once per
inserted row, with a row lock: about a quarter of an import's time. These
triggers check a whole inserted statement at once with one anti-join over its
transition table, and raise `foreign_key_violation` as the key did. The
parents can never go away: persons, fact versions and users are append-only
(migration 0001), which is the other half of what a FOREIGN KEY guarded.

Each fact row must also belong to the same person as its version, which the
key did not check; on SQLite, which keeps its FOREIGN KEYs (checked row by row
there, which costs little), a row trigger checks that. The models declare the
references for both.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACT_ROW_TABLES = (
    "fact_person",
    "fact_citizenship_claim",
    "fact_nationalities",
    "fact_removal_orders",
    "fact_appeals",
    "fact_stays",
    "fact_protections",
    "fact_fear_claims",
    "fact_convictions",
    "fact_sentences",
    "fact_transfer_requests",
    "fact_consents",
    "fact_notices",
    "fact_early_removal_approvals",
)

# The FOREIGN KEYs replaced on PostgreSQL, as (table, constraint, definition).
REPLACED_KEYS: tuple[tuple[str, str, str], ...] = (
    ("persons", "persons_recorded_by_id_fkey", "(recorded_by_id) REFERENCES users(id)"),
    ("fact_versions", "fact_versions_person_id_fkey", "(person_id) REFERENCES persons(person_id)"),
    *(
        (table, f"{table}_version_id_fkey", "(version_id) REFERENCES fact_versions(id)")
        for table in FACT_ROW_TABLES
    ),
)


def _versions_attributed(*, person_checked: bool) -> str:
    """The statement check of new fact versions; migration 0001's without the person."""
    person = (
        "\n           OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = v.person_id)"
        if person_checked
        else ""
    )
    names = "person, user or import" if person_checked else "user or import"
    return f"""
CREATE OR REPLACE FUNCTION accord_versions_attributed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_versions v
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v.recorded_by_id)
           OR (v.import_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM imports i WHERE i.id = v.import_id)){person}
    ) THEN
        RAISE EXCEPTION 'accord: a fact version names no known {names}'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$
"""


_PERSONS_CHECKED = """
CREATE FUNCTION accord_persons_attributed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_persons p
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.recorded_by_id)
    ) THEN
        RAISE EXCEPTION 'accord: a person names no known recording user'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$
"""


def _fact_rows_checked(table: str) -> str:
    """One function per table: PL/pgSQL plans a transition table's query per function."""
    return f"""
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
"""


def _statement_trigger(table: str, name: str, transition: str, function: str) -> str:
    return (
        f"CREATE TRIGGER {name} AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


def _sqlite_fact_rows_checked(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_versioned BEFORE INSERT ON {table} "
        "WHEN NOT EXISTS (SELECT 1 FROM fact_versions v "
        "WHERE v.id = NEW.version_id AND v.person_id = NEW.person_id) "
        f"BEGIN SELECT RAISE(ABORT, 'accord: a row of {table} names no version of its person'); "
        "END"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for table in FACT_ROW_TABLES:
            op.execute(_sqlite_fact_rows_checked(table))
        return
    for table, constraint, _definition in REPLACED_KEYS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
    op.execute(_versions_attributed(person_checked=True))
    op.execute(_PERSONS_CHECKED)
    op.execute(
        _statement_trigger(
            "persons", "persons_attributed", "new_persons", "accord_persons_attributed"
        )
    )
    for table in FACT_ROW_TABLES:
        op.execute(_fact_rows_checked(table))
        op.execute(
            _statement_trigger(table, f"{table}_versioned", "new_rows", f"accord_{table}_versioned")
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for table in FACT_ROW_TABLES:
            op.execute(f"DROP TRIGGER {table}_versioned")
        return
    for table in FACT_ROW_TABLES:
        op.execute(f"DROP TRIGGER {table}_versioned ON {table}")
        op.execute(f"DROP FUNCTION accord_{table}_versioned()")
    op.execute("DROP TRIGGER persons_attributed ON persons")
    op.execute("DROP FUNCTION accord_persons_attributed()")
    op.execute(_versions_attributed(person_checked=False))
    for table, constraint, definition in REPLACED_KEYS:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {constraint} FOREIGN KEY {definition}")
