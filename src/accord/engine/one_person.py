"""One person's decision on SQLite: the same rule expressions, a row-store engine.

A columnar engine plans a statement of a few dozen subqueries in tens of
milliseconds, whatever the data; SQLite plans it once per connection and runs
it over one person's rows in well under a millisecond. So the bulk screen runs
on DuckDB and a single decision runs here, on a private in-memory database
that holds one person's facts at a time. Both compile the same Ibis
expressions; the scenario tests check that the two engines agree.

SQLite has no date type: dates are ISO text, which compares in date order,
and booleans are 0 and 1. Date arithmetic goes through one function,
`accord_date_shift`, with DuckDB's rule for month ends (Jan 31 + 1 month is
Feb 28 or 29), so both engines count periods alike.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import ibis.expr.operations as ops
import pyarrow as pa
import sqlglot.expressions as sge
from ibis.backends.sql.compilers.sqlite import SQLiteCompiler

from accord.engine.person_facts import PersonFacts
from accord.facts.tables import FACT_SCHEMAS, FactTables
from accord.law.calendar import LAW_TABLES, law_table_data
from accord.law.framework import Expr

_SQL_TYPES = {
    pa.string(): "TEXT",
    pa.date32(): "TEXT",
    pa.bool_(): "INTEGER",
    pa.int32(): "INTEGER",
}


def shift_date(day: str | None, amount: int | str | None, unit: str) -> str | None:
    """`day` moved by `amount` days, months or years; a month end past the target month's last
    day lands on that last day."""
    if day is None or amount is None:
        return None
    start, amount = dt.date.fromisoformat(day[:10]), int(amount)  # literals arrive as text
    if unit == "day":
        return (start + dt.timedelta(days=amount)).isoformat()
    months = amount * (12 if unit == "year" else 1)
    if unit not in ("month", "year"):
        raise ValueError(f"cannot shift a date by {unit}")
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(start.day, last)).isoformat()


class _Compiler(SQLiteCompiler):  # type: ignore[misc]  # ibis ships no stubs for it
    """Ibis's SQLite compiler, with date arithmetic that does not need SQLite 3.46."""

    def visit_DateArithmetic(self, op: Any, *, left: Any, right: Any) -> Any:  # noqa: N802
        amount = right.this
        if isinstance(op, ops.DateSub):
            amount = sge.Neg(this=amount)
        unit = op.right.dtype.unit.singular.lower()
        return self.f.accord_date_shift(left, amount, sge.convert(unit))

    visit_DateAdd = visit_DateSub = visit_DateArithmetic  # noqa: N815


_compiler = _Compiler()


def to_sqlite(expr: Expr) -> str:
    """SQLite SQL for an expression over tables named like the fact and law tables."""
    tree = _compiler.to_sqlglot(expr.unbind()).transform(_flat_union_all)
    return str(tree.sql(dialect=_compiler.dialect))


def _flat_union_all(node: sge.Expression) -> sge.Expression:
    """A UNION ALL whose operand is `SELECT * FROM (<a UNION ALL>)` takes that union's
    operands directly. Ibis nests a union of n relations n levels deep, each level a
    `SELECT * FROM (...)`, and SQLite's parser gives up ("parser stack overflow") at a few
    dozen: the union of a rule's evidence over every class-wide order grew a level with each
    order a registry entered. UNION ALL is associative and keeps the first operand's column
    names, so the flat union has the same rows and columns."""
    if isinstance(node, sge.Union) and not node.args.get("distinct"):
        for side in ("this", "expression"):
            inner = _star_over_union_all(node.args.get(side))
            if inner is not None:
                node.set(side, inner)
    return node


_FROM = "from_" if "from_" in sge.Select.arg_types else "from"  # sqlglot renamed it


def _star_over_union_all(operand: sge.Expression | None) -> sge.Union | None:
    """The union of `SELECT * FROM (<union all>) AS t` and nothing else; else None."""
    if not isinstance(operand, sge.Select):
        return None
    used = {key for key, value in operand.args.items() if value}
    if used - {"expressions", _FROM} or [type(e) for e in operand.expressions] != [sge.Star]:
        return None
    source = operand.args.get(_FROM)
    inner = source.this if isinstance(source, sge.From) else None
    union = inner.this if isinstance(inner, sge.Subquery) else None
    return union if isinstance(union, sge.Union) and _union_all_only(union) else None


def _union_all_only(node: object) -> bool:
    """A set operation made of UNION ALLs only (its operands may be any SELECT)."""
    if not isinstance(node, sge.Union):
        return False
    if node.args.get("distinct"):
        return False
    return all(
        _union_all_only(operand) or not isinstance(operand, sge.SetOperation)
        for operand in (node.this, node.expression)
    )


def _ddl(name: str, schema: pa.Schema) -> str:
    columns = ", ".join(f'"{f.name}" {_SQL_TYPES[f.type]}' for f in schema)
    return f'CREATE TABLE "{name}" ({columns})'


def _rows(table: pa.Table) -> list[tuple[Any, ...]]:
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        values = column.to_pylist()
        if field.type == pa.date32():
            values = [v.isoformat() if v is not None else None for v in values]
        elif field.type == pa.bool_():
            values = [int(v) if v is not None else None for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


def _insert(con: sqlite3.Connection, name: str, table: pa.Table) -> None:
    if table.num_rows:
        _insert_rows(con, name, _rows(table))


def _insert_rows(con: sqlite3.Connection, name: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


# Every thread that decides gets its own database (a server's worker threads come and
# go); each starts as a copy of this one, built once per process: the empty fact
# tables and the law tables with their data and indexes.
_TEMPLATE_LOCK = threading.Lock()


@cache
def _template() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    for name, schema in LAW_TABLES.items():
        con.execute(_ddl(name, schema))
        _insert(con, name, law_table_data(name))
        # A law table is looked up by its first column (the calendar by day).
        con.execute(f'CREATE UNIQUE INDEX "{name}_key" ON "{name}" ("{schema[0].name}")')
    for name, schema in FACT_SCHEMAS.items():
        con.execute(_ddl(name, schema))
    return con


class OnePersonDatabase:
    """A private in-memory SQLite database holding one person's fact tables at a time.

    Statements are prepared once per connection (sqlite3's statement cache).
    Not thread-safe: `for_this_thread()` gives each thread its own.
    """

    def __init__(self) -> None:
        # autocommit: `holding` opens and rolls back a transaction of its own per person
        self.con = sqlite3.connect(":memory:", cached_statements=512, isolation_level=None)
        with _TEMPLATE_LOCK:  # the tables, law data included, copied page by page
            _template().backup(self.con)
        # The rules' sorts and subqueries use temporary b-trees: kept in memory, not in
        # temporary files (a file per statement, slow whenever the disk is busy).
        self.con.execute("PRAGMA temp_store = MEMORY")
        self.con.create_function("accord_date_shift", 3, shift_date, deterministic=True)

    @contextmanager
    def holding(self, facts: FactTables | PersonFacts) -> Iterator[OnePersonDatabase]:
        """The database with `facts` loaded; emptied again on the way out.

        The facts live in one transaction that is rolled back: cheaper than deleting
        them, and the connection never carries state from one person to the next (a
        connection that deleted its rows inside one endless transaction grew slower
        with every person it had held, 0.5 ms to 4 ms a decision).
        """
        self.con.execute("BEGIN")
        try:
            for name in FACT_SCHEMAS:
                if isinstance(facts, PersonFacts):
                    _insert_rows(self.con, name, facts.sqlite_rows(name))
                else:
                    _insert(self.con, name, facts.tables[name])
            yield self
        finally:
            self.con.execute("ROLLBACK")

    def rows(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cursor = self.con.execute(sql)
        return [d[0] for d in cursor.description or []], cursor.fetchall()

    _local = threading.local()

    @classmethod
    def for_this_thread(cls) -> OnePersonDatabase:
        db: OnePersonDatabase | None = getattr(cls._local, "db", None)
        if db is None:
            db = cls()
            cls._local.db = db
        return db
