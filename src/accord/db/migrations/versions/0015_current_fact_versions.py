"""Each person's current fact versions, kept by the database with every fact write (issue 20).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

A snapshot of the docket as known now read every fact version (about 20 per
person) to find each list's current one and the persons' known flags. Two
tables now hold that answer, kept in the transaction of every insert into
fact_versions by a trigger (so by every write path: the bulk import's COPY,
executemany on SQLite, any later one):

- current_persons: one row per person: the current version of the pseudo-list
  `person` (the scalar fields), and one known flag per list, that of the list's
  current version (null: no version of the list yet, read as not known). Derived,
  updated in place by the trigger.
- superseded_versions: every version with rows that a newer version of its list
  replaced. Append-only, like the versions: a superseded version stays so. A
  fact row is current if its version is not in it.

A list's current version is its highest id (ids grow with record time: writes
are serialised). registry/snapshot_read.py reads these for a snapshot as known
now; a snapshot as known at an earlier time still reads the versions. Both are
filled here from the versions already recorded.

PostgreSQL: a statement trigger (one pass over each inserted batch; it looks up
the version before only for persons the registry knew before the statement),
the function from db/sql/0015/. SQLite: a row trigger of the same meaning.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.db.sql import revision_functions

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# db/sql/0015/ as released (sql.directory_sha256): an edited file is refused
FILES_SHA256 = "86cb12c78a578067a36d38d43443bb17b599853b85676d8f7c7c22cfab90fa4e"

# The case file's lists at this revision (casefile.models.CASE_FILE_LISTS), as they were:
# a migration builds the same database whenever it runs.
LISTS: tuple[str, ...] = (
    "citizenship_claim",
    "nationalities",
    "removal_orders",
    "appeals",
    "stays",
    "protections",
    "fear_claims",
    "notices",
    "convictions",
    "sentences",
    "consents",
    "early_removal_approvals",
    "transfer_requests",
    "status_grants",
    "court_orders",
    "forbearances",
    "custody_locations",
    "designations",
    "uac_determinations",
    "incompetency_findings",
    "transfer_approvals",
)
PERSON_LIST = "person"
_FLAGS = [f"{name}_known" for name in LISTS]


def _backfill() -> list[str]:
    """The two tables from the versions recorded so far (the same SQL on both backends)."""
    newest_known = "id * 2 + CASE WHEN known THEN 1 ELSE 0 END"
    flags = ", ".join(
        f"max(CASE WHEN list_name = '{name}' THEN {newest_known} END) % 2 = 1" for name in LISTS
    )
    return [
        f"INSERT INTO current_persons (person_id, person_version, {', '.join(_FLAGS)}) "
        f"SELECT person_id, max(CASE WHEN list_name = '{PERSON_LIST}' THEN id END), {flags} "
        "FROM fact_versions GROUP BY person_id",
        # a version with rows is superseded if a newer version of its list follows it
        "INSERT INTO superseded_versions (list_name, version_id) SELECT list_name, id FROM "
        "(SELECT list_name, id, row_count, lead(id) OVER (PARTITION BY list_name, person_id "
        "ORDER BY id) AS next_id FROM fact_versions) AS v "
        "WHERE next_id IS NOT NULL AND row_count > 0",
    ]


def _sqlite_triggers() -> list[str]:
    flags = ", ".join(f"CASE WHEN NEW.list_name = '{name}' THEN NEW.known END" for name in LISTS)
    merged = ", ".join(f"{flag} = coalesce(excluded.{flag}, {flag})" for flag in _FLAGS)
    current = (
        "CREATE TRIGGER fact_versions_current AFTER INSERT ON fact_versions BEGIN "
        # the version of the list before this one, if it had rows
        "INSERT INTO superseded_versions (list_name, version_id) "
        "SELECT list_name, id FROM fact_versions WHERE row_count > 0 AND id = "
        "(SELECT max(id) FROM fact_versions WHERE list_name = NEW.list_name "
        "AND person_id = NEW.person_id AND id < NEW.id); "
        f"INSERT INTO current_persons (person_id, person_version, {', '.join(_FLAGS)}) "
        f"VALUES (NEW.person_id, CASE WHEN NEW.list_name = '{PERSON_LIST}' THEN NEW.id END, "
        f"{flags}) ON CONFLICT (person_id) DO UPDATE SET "
        f"person_version = coalesce(excluded.person_version, person_version), {merged}; "
        "END"
    )
    append_only = [
        f"CREATE TRIGGER superseded_versions_no_{event.lower()} BEFORE {event} "
        "ON superseded_versions BEGIN SELECT RAISE(ABORT, "
        f"'accord: {event} on superseded_versions refused: the table is append-only'); END"
        for event in ("UPDATE", "DELETE")
    ]
    return [current, *append_only]


_PG_TRIGGERS = [
    "CREATE TRIGGER fact_versions_current AFTER INSERT ON fact_versions "
    "REFERENCING NEW TABLE AS new_versions FOR EACH STATEMENT "
    "EXECUTE FUNCTION accord_current_versions()",
    "CREATE TRIGGER superseded_versions_append_only BEFORE UPDATE OR DELETE "
    "ON superseded_versions FOR EACH ROW EXECUTE FUNCTION accord_append_only()",
    "CREATE TRIGGER superseded_versions_no_truncate BEFORE TRUNCATE ON superseded_versions "
    "FOR EACH STATEMENT EXECUTE FUNCTION accord_append_only()",
]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "current_persons",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("person_version", BigId, nullable=True),
        *(sa.Column(flag, sa.Boolean(), nullable=True) for flag in _FLAGS),
    )
    op.create_table(
        "superseded_versions",
        sa.Column("list_name", sa.String(32), primary_key=True),
        sa.Column("version_id", BigId, primary_key=True),
    )
    if postgres:  # the backfill groups every version: in memory rather than in temp files
        op.execute("SET LOCAL work_mem = '256MB'")
    for statement in _backfill():
        op.execute(statement)
    if postgres:
        op.execute("RESET work_mem")
        for sql in revision_functions(revision, sha256=FILES_SHA256).values():
            op.execute(sql)
        for statement in _PG_TRIGGERS:
            op.execute(statement)
        op.execute("ANALYZE current_persons, superseded_versions")
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER fact_versions_current" + (" ON fact_versions" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION accord_current_versions()")
    op.drop_table("superseded_versions")  # and its append-only triggers
    op.drop_table("current_persons")
