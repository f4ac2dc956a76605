"""PostgreSQL: every function of the registry's database is the SQL of its file in
db/sql/ (the latest directory that has it), and migration 0012, which loaded them,
changed nothing but their layout."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, text

from accord.db import make_engine
from accord.db.engine import _alembic_config
from accord.db.sql import PER_TABLE, current_functions, function_sql

from .conftest import Registry, _postgres_url, _Server

POSTGRES_ONLY = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)

_DEFINITIONS = text(
    "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
    "WHERE p.pronamespace = current_schema()::regnamespace ORDER BY 1"
)
_PER_TABLE_NAME = re.compile(r"^accord_(.+)_versioned$")


def _definitions(conn: Connection) -> dict[str, str]:
    """Each function of the connection's schema as PostgreSQL prints it, unqualified."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return {
        name: definition.replace(f"FUNCTION {schema}.", "FUNCTION ", 1)
        for name, definition in conn.execute(_DEFINITIONS)
    }


def _file_statements(names: list[str]) -> dict[str, str]:
    """The SQL that creates each of the named functions, from the current files."""
    files = current_functions()
    statements = {}
    for name in names:
        per_table = _PER_TABLE_NAME.match(name)
        if name in files:
            statements[name] = function_sql(files[name])
        elif per_table is not None:
            statements[name] = function_sql(files[PER_TABLE], table=per_table.group(1))
    return statements


@POSTGRES_ONLY
def test_every_function_in_the_database_is_its_file(registry: Registry) -> None:
    with registry.engine.connect() as conn:
        live = _definitions(conn)
        statements = _file_statements(sorted(live))
        assert sorted(statements) == sorted(live), "a function with no file"
        # the files' functions, created where nothing else is, as PostgreSQL prints them
        scratch = f"files_{uuid.uuid4().hex[:12]}"
        conn.execute(text(f'CREATE SCHEMA "{scratch}"'))
        conn.execute(text(f'SET LOCAL search_path TO "{scratch}"'))
        for statement in statements.values():
            conn.execute(text(statement))
        from_files = _definitions(conn)
        conn.rollback()
    assert from_files == live
    names = set(current_functions()) - {PER_TABLE}
    assert names <= set(live), "a file with no function"
    assert any(_PER_TABLE_NAME.match(n) and n not in names for n in live)


def _squeezed(definitions: dict[str, str]) -> dict[str, str]:
    return {name: " ".join(d.split()) for name, d in definitions.items()}


def test_migration_0012_changes_no_function_but_its_layout(
    pg_server: _Server, tmp_path: Path
) -> None:
    engine = make_engine(_postgres_url(pg_server))
    config = _alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0011")
        with engine.connect() as conn:
            before = _definitions(conn)
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0012")
        with engine.connect() as conn:
            after = _definitions(conn)
    finally:
        engine.dispose()
    assert len(before) > 20
    assert _squeezed(after) == _squeezed(before)
