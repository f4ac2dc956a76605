"""A registry's PostgreSQL schema copied out and in with pg_dump and pg_restore (db/backup.py).

`dump_schema` writes a custom-format dump of the registry's schema under the snapshot in
which the chain's head is read. `load_dump` replays such a dump into a new schema of any
name: pg_restore cannot rename a schema, so its SQL is read as it comes, the schema's name
replaced where it qualifies a name (`s.t`, `"s".t`, `'s.t'`) and each table's COPY data
streamed untouched; the statements come in pg_restore's order (tables and functions, the
rows, then indexes, constraints and triggers), in one transaction. `swap_schema` then
renames the proven copy to the target schema. The connection goes to the tools through
libpq's URL, the password (if any) through PGPASSWORD, never on a command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from accord.db.trigram import ensure_pg_trgm, requalify_opclass
from accord.errors import InputError, SetupError

HEAD_AND_REVISION = (
    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
    "SELECT version_num FROM alembic_version",
)


def quoted(name: str) -> str:
    """An SQL identifier, quoted (as pg_dump's and psql's patterns take one literally too)."""
    return '"' + name.replace('"', '""') + '"'


def head_and_revision(connection: Any) -> dict[str, Any]:
    """The chain's head and the schema revision, read through a DB-API connection."""
    cursor = connection.cursor()
    cursor.execute(HEAD_AND_REVISION[0])
    head = cursor.fetchone()
    cursor.execute(HEAD_AND_REVISION[1])
    revision = cursor.fetchone()
    cursor.close()
    return {
        "revision": revision[0] if revision else None,
        "head_seq": int(head[0]) if head else 0,
        "head_hash": str(head[1]) if head else None,
    }


def dump_schema(engine: Engine, payload: Path) -> dict[str, Any]:
    """pg_dump of the registry's schema, under the snapshot in which the head is read."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        if schema is None:
            raise SetupError("the registry's search_path names no schema that exists")
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        source = head_and_revision(conn.connection.driver_connection)
        # the snapshot is usable only while the transaction that exported it is open
        _run_pg_tool(
            "pg_dump",
            engine,
            "--format=custom",
            f"--schema={quoted(schema)}",  # quoted: the name itself, not a pattern
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={payload}",
        )
        conn.rollback()
    return {"schema": schema, **source}


def target_schema(engine: Engine) -> str:
    """The schema the registry at `engine` lives in: the first of its search_path."""
    with engine.connect() as conn:
        current = conn.exec_driver_sql("SELECT current_schema()").scalar()
        if current is not None:
            return str(current)
        path = str(conn.exec_driver_sql("SHOW search_path").scalar() or "")
        user = str(conn.exec_driver_sql("SELECT current_user").scalar())
    first = path.split(",")[0].strip().strip('"')
    return user if first == "$user" else first or "public"


def tables_in(engine: Engine, schema: str) -> int:
    """How many tables, views and sequences `schema` holds (0 if it does not exist)."""
    with engine.connect() as conn:
        return _count_relations(conn, schema)


def swap_schema(engine: Engine, temporary: str, target: str, where: str) -> None:
    """Rename the proven copy to the target schema, in one transaction that first makes
    sure the target is still empty (DROP SCHEMA without CASCADE refuses one that is not)."""
    with engine.begin() as conn:
        exists = conn.execute(
            text("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = :s"), {"s": target}
        ).scalar_one()
        if exists:
            # DROP SCHEMA without CASCADE refuses a schema that holds anything
            if _count_relations(conn, target):
                raise InputError(f"{where}: a registry appeared during the restore; not replaced")
            conn.exec_driver_sql(f"DROP SCHEMA {quoted(target)}")
        conn.exec_driver_sql(f"ALTER SCHEMA {quoted(temporary)} RENAME TO {quoted(target)}")


def _count_relations(conn: Connection, schema: str) -> int:
    return int(
        conn.execute(
            text(
                "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname = :schema"
            ),
            {"schema": schema},
        ).scalar_one()
    )


def with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url)
    query = {k: v for k, v in parsed.query.items() if k != "options"}
    return parsed.set(query={**query, "options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def load_dump(engine: Engine, payload: Path, source: str, temporary: str) -> None:
    """Replay the dump of schema `source` into a new schema `temporary`, in one transaction.

    pg_restore cannot rename a schema, so its SQL is read as it comes: the statements
    (tables and functions, then indexes, constraints and triggers) with the schema's name
    replaced where it qualifies a name, and each table's COPY data streamed untouched.
    """
    rename = _schema_renamer(source, temporary)
    raw_connection = engine.raw_connection()
    try:
        raw = raw_connection.driver_connection
        assert raw is not None
        raw.execute(f"CREATE SCHEMA {quoted(temporary)}")
        trgm = ensure_pg_trgm(raw.execute)  # the person search's indexes name its opclass
        for statements, copy_data in _restore_script(engine, payload):
            if copy_data is None:
                if statements.strip():
                    raw.execute(requalify_opclass(rename(statements), trgm))
                continue
            with raw.cursor() as cursor, cursor.copy(rename(statements)) as copy:
                for line in copy_data:
                    copy.write(line)
        raw.execute("RESET search_path")  # the script emptied it for this session
        raw_connection.commit()
    except BaseException:
        raw_connection.rollback()
        raise
    finally:
        raw_connection.close()


def _schema_renamer(source: str, temporary: str) -> Callable[[str], str]:
    """A function that replaces `source` where it qualifies a name (`s.t`, `"s".t`, `'s.t'`)."""
    names = f"{re.escape(source)}|{re.escape(quoted(source))}"
    pattern = re.compile(rf'(?<![\w$."])(?:{names})(?=\.)')
    return lambda sql: pattern.sub(quoted(temporary), sql)


_COPY = re.compile(rb"^COPY .* FROM stdin;\n$")
_DROPPED = (b"CREATE SCHEMA ", b"COMMENT ON SCHEMA ", b"\\")  # the schema is made above


def _restore_script(engine: Engine, payload: Path) -> Iterator[tuple[str, Iterator[bytes] | None]]:
    """pg_restore's SQL as (statements, None) and (COPY statement, its data lines)."""
    process = _start_pg_tool(
        "pg_restore", engine, "--no-owner", "--no-privileges", "--file=-", str(payload)
    )
    assert process.stdout is not None
    assert process.stderr is not None
    lines = iter(process.stdout)
    statements: list[bytes] = []
    try:
        for line in lines:
            if _COPY.match(line):
                yield b"".join(statements).decode("utf-8"), None
                statements = []
                copy = line.decode("utf-8").removesuffix(" FROM stdin;\n") + " FROM STDIN"
                yield copy, _until_copy_end(lines)
            elif not line.startswith(_DROPPED):
                statements.append(line)
        yield b"".join(statements).decode("utf-8"), None
    finally:
        process.stdout.close()
        problem = process.stderr.read().decode("utf-8", "replace")
        process.stderr.close()
        if process.wait() != 0:
            raise SetupError(f"pg_restore failed: {problem.strip()[:500]}")


def _until_copy_end(lines: Iterator[bytes]) -> Iterator[bytes]:
    for line in lines:
        if line == b"\\.\n":
            return
        yield line


# -- PostgreSQL's own tools ---------------------------------------------------------------


def _libpq_url(engine: Engine) -> tuple[str, dict[str, str]]:
    """The engine's URL as libpq takes it, and the environment with its password."""
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
        url = url.set(password=None)
    return url.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SetupError(f"{name} is not installed (PostgreSQL's client tools are needed)")
    return found


def _run_pg_tool(name: str, engine: Engine, *args: str) -> None:
    url, env = _libpq_url(engine)
    done = subprocess.run(
        [_tool(name), f"--dbname={url}", *args], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SetupError(f"{name} failed: {done.stderr.strip()[:500]}")


def _start_pg_tool(name: str, engine: Engine, *args: str) -> subprocess.Popen[bytes]:
    _url, env = _libpq_url(engine)
    return subprocess.Popen(
        [_tool(name), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
