"""The writes of one step, sent to the database together.

A step of the busiest writers (a handover, a case transition) inserts into
several tables and updates one, all under the registry's writer lock, which
every other writer waits for. On PostgreSQL a `StatementBatch` sends them in
one round trip (psycopg's pipeline mode: the statements still run one after
the other, in order, in the caller's transaction) instead of one each;
elsewhere it runs them one by one through the session. Values go through the
columns' own bind processing, exactly as an ORM or Core insert would.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert, update
from sqlalchemy.orm import Session

from accord.db.engine import driver_connection, returns_rows

__all__ = ["ChainSeq", "ChainTime", "StatementBatch"]


class ChainSeq(int):
    """The seq of the k-th entry (this int) that the database appends to the audit chain
    earlier in the same batch (db/chain.py); sent as `accord_chain_seq(k)`."""

    sql = "accord_chain_seq(%s)"


class ChainTime(dt.datetime):
    """The record time the database gives the entries it appends earlier in the same batch
    (db/chain.py), sent as `accord_chain_time()`. As a value in Python it is the
    writer's clock, which the database's time equals unless the chain's head is later."""

    sql = "accord_chain_time()"

    @classmethod
    def of(cls, moment: dt.datetime) -> ChainTime:
        return cls.combine(moment.date(), moment.timetz())


@dataclass
class _Insert:
    table: Table
    rows: list[dict[str, Any]]
    returning: str | None
    on_result: Callable[[list[Any]], None] | None


@dataclass
class _Update:  # `values` set on the rows whose id is one of `ids`
    table: Table
    ids: list[int]
    values: dict[str, Any]


@dataclass
class _Raw:  # a statement of the caller's own (psycopg SQL)
    sql: str
    params: Any
    on_result: Callable[[list[tuple[Any, ...]]], None] | None


_Write = _Insert | _Update | _Raw


class StatementBatch:
    """Collects inserts and updates; `send()` runs them in the order they were added."""

    def __init__(self, session: Session):
        self.session = session
        self.writes: list[_Write] = []

    def insert(
        self,
        table: Any,
        rows: Sequence[dict[str, Any]],
        *,
        returning: str | None = None,
        on_result: Callable[[list[Any]], None] | None = None,
    ) -> None:
        """Insert rows (dicts with the same keys); `on_result` gets the `returning` column's
        values, in the order of the rows, once sent."""
        assert isinstance(table, Table)
        if rows:
            self.writes.append(_Insert(table, list(rows), returning, on_result))

    def update(self, table: Any, *, ids: Sequence[int], values: dict[str, Any]) -> None:
        """Set `values` on the rows whose primary key `id` is one of `ids`."""
        assert isinstance(table, Table)
        if ids:
            self.writes.append(_Update(table, list(ids), dict(values)))

    def prepend_raw(
        self,
        sql: str,
        params: Any = None,
        *,
        on_result: Callable[[list[tuple[Any, ...]]], None] | None = None,
    ) -> None:
        """Run a statement of the caller's (psycopg SQL, PostgreSQL only) before every write
        added so far; `on_result` gets its rows."""
        self.writes.insert(0, _Raw(sql, params, on_result))

    def append_raw(self, sql: str, params: Any = None) -> None:
        """Run a statement of the caller's (psycopg SQL, PostgreSQL only) after every write
        added so far."""
        self.writes.append(_Raw(sql, params, None))

    def send(self, *, one_message: bool = False) -> None:
        """Run the writes. `one_message` (PostgreSQL): see _send_message."""
        writes, self.writes = self.writes, []
        if not writes:
            return
        self.session.flush()  # what the unit of work holds is written first, as autoflush does
        if self.session.get_bind().dialect.name == "postgresql":
            if one_message:
                self._send_message(writes)
            else:
                self._send_pipelined(writes)
        else:
            for write in writes:
                self._send_one(write)

    def _send_one(self, write: _Write) -> None:
        if isinstance(write, _Raw):
            raise TypeError("a raw statement is for PostgreSQL's pipelined batches only")
        table = write.table
        if isinstance(write, _Update):
            self.session.execute(
                update(table).where(table.c.id.in_(write.ids)).values(**write.values)
            )
        elif write.returning is None:
            self.session.execute(insert(table), write.rows)
        else:
            column = table.c[write.returning]
            statement = insert(table).returning(column, sort_by_parameter_order=True)
            values = list(self.session.scalars(statement, write.rows))
            if write.on_result is not None:
                write.on_result(values)

    def _send_pipelined(self, writes: list[_Write]) -> None:
        dialect = self.session.get_bind().dialect
        raw = driver_connection(self.session)
        statements = _statements(writes)
        with raw.pipeline() as pipeline:
            cursors = []
            for group in statements:
                sql, params = _group_statement(group, dialect)
                cursor = raw.cursor()
                cursor.execute(sql, params)
                cursors.append(cursor)
            pipeline.sync()  # every result is in
            for group, cursor in zip(statements, cursors, strict=True):
                _deliver(group, cursor.fetchall() if returns_rows(cursor) else [])
                cursor.close()

    def _send_message(self, writes: list[_Write]) -> None:
        """Every statement in one message (the simple query protocol), the values bound here.

        A pipeline sends each statement as it is executed, and between two the thread
        waits on the socket, which lets the process's other threads take the interpreter
        lock for milliseconds: a statement that takes the writer lock then holds it while
        the database waits for the next one (two thirds of the time the lock was held, in
        the HTTP benchmark). One message reaches the database whole, so from the lock to
        the COMMIT it never waits on this process.
        """
        from psycopg import ClientCursor  # PostgreSQL only

        dialect = self.session.get_bind().dialect
        statements = _statements(writes)
        with ClientCursor(driver_connection(self.session)) as cursor:
            parts = []
            for group in statements:
                sql, params = _group_statement(group, dialect, binary=False)
                parts.append(cursor.mogrify(sql, params) if params is not None else sql)
            cursor.execute(";\n".join(parts))  # no parameters: one Query message
            for group in statements:
                _deliver(group, cursor.fetchall() if returns_rows(cursor) else [])
                cursor.nextset()


def _deliver(group: list[_Write], rows: list[Any]) -> None:
    """Hand one statement's rows to the writes of its group that asked for them."""
    for write in group:
        if isinstance(write, _Raw) and write.on_result is not None:
            write.on_result([tuple(row) for row in rows])
        elif isinstance(write, _Insert) and write.returning and write.on_result:
            write.on_result([row[0] for row in rows])


def _statements(writes: list[_Write]) -> list[list[_Write]]:
    """The writes grouped into statements: each raw statement alone; consecutive inserts
    and updates together, as one statement of data-modifying WITH queries, so long as no
    two touch the same table (the parts of one statement do not see each other's rows)
    and at most one returns values. Fewer statements: the client's cost is per statement."""
    groups: list[list[_Write]] = []
    for write in writes:
        last = groups[-1] if groups else None
        if (
            isinstance(write, _Raw)
            or last is None
            or isinstance(last[0], _Raw)
            or any(w.table is write.table for w in last if not isinstance(w, _Raw))
            or (_returns(write) and any(_returns(w) for w in last))
        ):
            groups.append([write])
        else:
            last.append(write)
    return groups


def _group_statement(group: list[_Write], dialect: Any, *, binary: bool = True) -> tuple[str, Any]:
    """psycopg SQL and parameters of one group of _statements; without `binary`, a raw
    statement's binary placeholders (%b) become text ones (client-side binding has none)."""
    first = group[0]
    if isinstance(first, _Raw):
        return (first.sql if binary else first.sql.replace("%b", "%s")), first.params
    return _pg_statement(group, dialect)


def _returns(write: _Write) -> bool:
    return isinstance(write, _Insert) and write.returning is not None


@functools.lru_cache(maxsize=256)
def _processors(table: Table, names: tuple[str, ...], dialect: Any) -> list[Any]:
    # cached: looking a type's implementation up costs more than the rest of a statement
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


def _value(value: Any, processor: Any, params: list[Any]) -> str:
    """The placeholder of one value, its parameter appended to `params`."""
    kind = type(value)
    if kind is ChainSeq:
        params.append(int(value))
        return ChainSeq.sql
    if kind is ChainTime:
        return ChainTime.sql
    params.append(processor(value) if processor else value)
    return "%s"


def _pg_statement(group: list[_Write], dialect: Any) -> tuple[str, list[Any]]:
    """psycopg SQL and parameters for a group of inserts and updates (see _statements)."""
    params: list[Any] = []
    parts = []
    returning = None
    for n, write in enumerate(group):
        assert not isinstance(write, _Raw)
        parts.append(_pg_write(write, dialect, params))
        if isinstance(write, _Insert) and write.returning is not None:
            # VALUES rows are inserted in order and a serial default follows that order,
            # so RETURNING the serial id sorted gives the rows' ids in order
            parts[-1] += f' RETURNING "{write.returning}"'
            returning = (n, write.returning)
    if len(parts) == 1 and returning is None:
        return parts[0], params
    queries = ", ".join(f"w{n} AS ({part})" for n, part in enumerate(parts))
    if returning is None:  # every query of a WITH runs to completion, read or not
        return f"WITH {queries} SELECT 1", params
    n, column = returning
    return f'WITH {queries} SELECT "{column}" FROM w{n} ORDER BY 1', params


def _pg_write(write: _Insert | _Update, dialect: Any, params: list[Any]) -> str:
    """psycopg SQL of one write, its parameters appended to `params`; identifiers come from
    the table's metadata."""
    table = write.table
    if isinstance(write, _Update):
        names = list(write.values)
        processors = _processors(table, tuple(names), dialect)
        assignments = ", ".join(
            f'"{n}" = {_value(write.values[n], p, params)}'
            for n, p in zip(names, processors, strict=True)
        )
        if len(write.ids) == 1:  # PostgreSQL keeps a generic plan of this one, not of ANY
            params.append(write.ids[0])
            return f'UPDATE "{table.name}" SET {assignments} WHERE id = %s'
        params.append(write.ids)
        return f'UPDATE "{table.name}" SET {assignments} WHERE id = ANY(%s)'
    names = list(write.rows[0])
    processors = _processors(table, tuple(names), dialect)
    values = []
    for row in write.rows:
        placeholders = [_value(row[n], p, params) for n, p in zip(names, processors, strict=True)]
        values.append("(" + ", ".join(placeholders) + ")")
    columns = ", ".join(f'"{n}"' for n in names)
    return f'INSERT INTO "{table.name}" ({columns}) VALUES ' + ", ".join(values)
