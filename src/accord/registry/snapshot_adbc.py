"""The docket's statements read over ADBC: COPY (FORMAT binary) parsed into Arrow in C++.

snapshot_read.copy_fact_tables' route where it can be taken (a read transaction,
REPEATABLE READ, nothing written). The ADBC PostgreSQL driver runs each statement as
`COPY (...) TO STDOUT (FORMAT binary)` and decodes the rows into Arrow columns in C++,
with the GIL released: no Python call per row (psycopg's COPY hands Python one row a
call, the CSV route's largest client cost), and PostgreSQL sends dates, booleans and
integers as they are stored instead of formatting them as text.

Each stream is a connection of its own that imports the session's exported snapshot
(pg_export_snapshot), so every stream reads exactly what the session's transaction
sees; the session's own connection holds that transaction open until the streams end.
"""

from __future__ import annotations

import importlib.util
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

import pyarrow as pa
from sqlalchemy.exc import DBAPIError

STREAMS = 3  # connections reading at once: PostgreSQL's work is most of it, on 2 cores


def available() -> bool:
    """Whether the ADBC PostgreSQL driver is installed."""
    return importlib.util.find_spec("adbc_driver_postgresql") is not None


def conninfo(engine: Any) -> str:
    """The libpq connection string of the engine's own connections (as create_connect_args
    gives them to psycopg, less the options that are psycopg's alone)."""
    from psycopg import conninfo as libpq_conninfo
    from psycopg import pq

    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    libpq_keys = {d.keyword.decode() for d in pq.Conninfo.get_defaults()}
    return libpq_conninfo.make_conninfo(
        cargs[0] if cargs else "", **{k: v for k, v in cparams.items() if k in libpq_keys}
    )


def _open(info: str, snapshot: str) -> Any | None:
    """A read-only connection in the exported snapshot; None where none can be had."""
    import adbc_driver_postgresql.dbapi as adbc  # type: ignore[import-untyped]
    from adbc_driver_manager import Error

    connection = None
    try:
        connection = adbc.connect(info, autocommit=False)
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # the id comes from pg_export_snapshot: hex digits and dashes, nothing to quote
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        return connection
    except Error:  # e.g. max_connections: fewer streams, or the CSV route
        if connection is not None:
            connection.close()
        return None


@contextmanager
def snapshot_streams(engine: Any, snapshot: str, count: int = STREAMS) -> Iterator[list[Any]]:
    """Up to `count` connections that see exactly the exported snapshot (opened at once:
    each costs a PostgreSQL backend's start and the driver's type catalogue query); an
    empty list where none can be had. Closed on exit: their transactions only read."""
    info = conninfo(engine)
    with ExitStack() as stack, ThreadPoolExecutor(max_workers=count) as pool:
        opened = list(pool.map(lambda _: _open(info, snapshot), range(count)))
        connections = [c for c in opened if c is not None]
        for connection in connections:
            stack.callback(connection.close)
        yield connections


def read_statements(
    connections: Sequence[Any],
    statements: Sequence[tuple[str, str, Callable[[pa.Table], pa.Table]]],
) -> dict[str, pa.Table]:
    """Each (name, SQL, shape) statement's result as an Arrow table, shaped; the
    statements shared among the connections (each takes the next one left as it finishes
    one, and shapes what it read while the others read on)."""
    from adbc_driver_manager import Error

    pending = deque(statements)  # deque.popleft is atomic: each statement is read once
    results: dict[str, pa.Table] = {}

    def stream(connection: Any) -> None:
        with connection.cursor() as cursor:
            while pending:
                try:
                    name, sql, shape = pending.popleft()
                except IndexError:
                    return
                cursor.execute(sql)
                results[name] = shape(cursor.fetch_arrow_table())

    with ThreadPoolExecutor(max_workers=len(connections)) as pool:
        done = [pool.submit(stream, connection) for connection in connections]
        try:
            for future in done:
                future.result()
        except BaseException as exc:
            pending.clear()  # the other streams stop after their current statement
            if isinstance(exc, Error):  # as SQLAlchemy would raise it: a lost database is
                raise DBAPIError.instance(None, None, exc, Error) from exc  # OperationalError
            raise
    return results
