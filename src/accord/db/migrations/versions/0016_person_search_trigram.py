"""Searching people by name on PostgreSQL: pg_trgm and GIN trigram indexes (issue 21).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

registry/search.py finds a person whose name contains the typed text (ILIKE '%text%') or
is similar to it by trigrams (the `%` operator), and whose id starts with it. Both
operators use a GIN index with pg_trgm's gin_trgm_ops: one on fact_person.name (the names
of every person version; the search joins the current one through current_persons) and
one on current_persons.person_id (a prefix LIKE, whatever the database's collation).

The extension is created in a schema of its own, `accord_extensions`, when the database has
none yet (db/trigram.py says why); where it already is, it stays. Its operator class and
functions are named schema-qualified, so the registry's search_path need not include that
schema. A restore creates it in the database it restores into before the indexes
(db/pg_schema_copy.load_dump).

A btree index on fact_person.birth_date serves a search by date of birth (both backends).
SQLite has no trigram index: search.py falls back to LIKE there (same results for exact and
substring matches, no similarity).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from accord.db.trigram import ensure_pg_trgm, quoted

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIRTH_DATE_INDEX = "ix_fact_person_birth_date"
INDEXES = {
    "ix_fact_person_name_trgm": ("fact_person", "name"),
    "ix_current_persons_id_trgm": ("current_persons", "person_id"),
}


def upgrade() -> None:
    # a search by date of birth starts from the few persons born that day (both backends)
    op.create_index(BIRTH_DATE_INDEX, "fact_person", ["birth_date"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = ensure_pg_trgm(bind.exec_driver_sql)
    opclass = f"{quoted(schema)}.gin_trgm_ops"
    for index, (table, column) in INDEXES.items():
        op.execute(f"CREATE INDEX {index} ON {table} USING gin ({column} {opclass})")
    op.execute("ANALYZE fact_person, current_persons")


def downgrade() -> None:
    op.drop_index(BIRTH_DATE_INDEX, table_name="fact_person")
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"DROP INDEX {index}")
