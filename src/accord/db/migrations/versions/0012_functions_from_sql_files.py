"""Every PostgreSQL function of the registry, from its file in db/sql/0012/.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

The functions were created by migrations 0001, 0005, 0006, 0007 and 0011 and
replaced or altered by 0006, 0009 and 0010, so that the current definition of
one (accord_chain_append: 0007, then 0009, then 0010's plan setting) could be
read only by replaying the migrations in one's head. This migration creates
each again from one file holding its current definition; nothing changes but
the layout of the functions' text (tests/registry/test_sql_in_files.py compares
them before and after).

It loads the files of its own directory, sql/0012/, never "the current file":
a migration must build the same database whenever it runs, so a directory is
never edited once released (FILES_SHA256 pins this one). A later change to a
function is a new file in a new directory (sql/00NN/), loaded by migration
00NN; the migrations before this one keep the SQL they ran inline, as history.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from accord.db.sql import PER_TABLE, function_sql, revision_functions

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# db/sql/0012/ as released (sql.directory_sha256): an edited file is refused
FILES_SHA256 = "b58d7d042157872d6d3a6f2f56cf100c9a457b202d504c23c57ef6af97706c3c"

# the fact tables that have a per-table function (accord_<table>_versioned): those of 0006
# and 0011, read from the database rather than from today's models
_PER_TABLE_FUNCTIONS = text(
    "SELECT substring(p.proname FROM '^accord_(.*)_versioned$') FROM pg_proc p "
    "WHERE p.pronamespace = current_schema()::regnamespace "
    "AND p.proname LIKE 'accord\\_%\\_versioned' ORDER BY 1"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    tables = list(bind.execute(_PER_TABLE_FUNCTIONS).scalars())
    for name, sql in revision_functions(revision, sha256=FILES_SHA256).items():
        if name == PER_TABLE:
            for table in tables:
                op.execute(function_sql(sql, table=table))
        else:
            op.execute(sql)


def downgrade() -> None:
    # the definitions are those of 0011, laid out otherwise: nothing to undo
    pass
