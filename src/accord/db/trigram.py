"""pg_trgm, which the person search's GIN trigram indexes need (migration 0016), on PostgreSQL.

The extension lives in a schema of its own, `accord_extensions`, when Accord creates it: not
in a registry's schema (dropping or renaming a registry would take it along, and a database
holds one copy of an extension), and not in `public`, where a registry may live itself (a
restore renames the registry's schema wherever it qualifies a name, so the index's
`public.gin_trgm_ops` would become the temporary schema's). Where the database has it already,
it stays where it is. Its operator class and functions are named schema-qualified, so a
registry's search_path need not include that schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Execute = Callable[[str], Any]  # runs one SQL statement; its result has fetchone()

EXTENSION_SCHEMA = "accord_extensions"
_WHERE = (
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
    "WHERE e.extname = 'pg_trgm'"
)
# the operator class, as pg_dump qualifies it in an index definition: schema.gin_trgm_ops
_OPCLASS = re.compile(r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)\.gin_trgm_ops\b')


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def installed_in(execute: Execute) -> str | None:
    """The schema pg_trgm is installed in (None: not installed). `execute`: a psycopg
    connection's execute, or a SQLAlchemy Connection's exec_driver_sql."""
    row = execute(_WHERE).fetchone()
    return None if row is None else str(row[0])


def ensure_pg_trgm(execute: Execute) -> str:
    """The schema pg_trgm is installed in, installing it in EXTENSION_SCHEMA if missing."""
    found = installed_in(execute)
    if found is not None:
        return found
    execute(f"CREATE SCHEMA IF NOT EXISTS {quoted(EXTENSION_SCHEMA)}")
    execute(f"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA {quoted(EXTENSION_SCHEMA)}")
    return EXTENSION_SCHEMA


def requalify_opclass(sql: str, schema: str) -> str:
    """`sql` with every `<schema>.gin_trgm_ops` naming `schema` (where pg_trgm is in the
    database a dump is replayed into, whatever schema held it where it was dumped)."""
    return _OPCLASS.sub(f"{quoted(schema)}.gin_trgm_ops", sql)
