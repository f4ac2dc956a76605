"""The CSV of a whole list (listing.py's download): streamed, formula-safe, masked for analysts.

Two routes write the same rows (tests/dashboard/test_listing_csv.py compares them):

* PostgreSQL's `COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)`, each cell made in SQL as the
  Python route makes it (a text that a spreadsheet would run as a formula behind a quote, a
  time in ISO 8601 UTC), read through psycopg's copy in chunks. It is used on PostgreSQL when
  every downloaded column has a type whose SQL rendering is known to equal the Python one
  (`copy_cell`) and no column is masked: an analyst's masked ids are an HMAC with the
  server's key, which COPY cannot apply. It spares the per-row work in Python: the rows
  arrive as CSV text (measured on 100,000 persons: benchmarks/RESULTS.md).
* Python: Core rows from a server-side cursor, each column's cells made by one function,
  written a batch at a time (SQLite, analysts, and any column COPY cannot render equally).

Both write the header row first (the download starts before the query's first row), CRLF
row ends (COPY's LF row ends are rewritten outside quoted fields) and hold one batch at a
time: memory stays flat whatever the list's length.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    Numeric,
    SmallInteger,
    String,
    TypeDecorator,
    case,
    func,
    literal,
    not_,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

CSV_BATCH = 2000  # rows fetched at a time (Python route)
COPY_CHUNK = 1 << 16  # bytes of COPY output gathered before they are sent
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_START)
Masker = Callable[[str], str]


def header(labels: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(labels)
    return buffer.getvalue()


# --- the Python route ------------------------------------------------------------------


def csv_value(value: Any) -> Any:
    """A cell of the CSV: dates and times in ISO 8601, a text that a spreadsheet would run
    as a formula (= + - @, a tab, a carriage return first) behind a quote."""
    kind = type(value)
    if kind is str:
        return "'" + value if value[:1] in _FORMULA_FIRST else value
    if value is None:
        return ""
    if kind is dt.datetime:
        return value.astimezone(dt.UTC).isoformat()
    if kind is dt.date:
        return value.isoformat()
    return csv_value(str(value)) if isinstance(value, str) else value


def masked_csv_value(pid: Masker) -> Callable[[Any], Any]:
    """The cell of a masked column (a person id): masked for analysts, then as any text."""
    return lambda value: "" if value is None else csv_value(pid(str(value)))


def python_rows(
    connection: Connection, statement: Select[Any], keys: Sequence[str], masks: Sequence[bool],
    pid: Masker,
) -> Iterator[str]:  # fmt: skip
    """The rows (no header) from a server-side cursor, a batch of lines at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    result = connection.execute(statement.execution_options(stream_results=True))
    names = list(result.keys())
    cells = [
        (names.index(key), masked_csv_value(pid) if mask else csv_value)
        for key, mask in zip(keys, masks, strict=True)
    ]
    for batch in result.partitions(CSV_BATCH):
        writer.writerows([[cell(row[i]) for i, cell in cells] for row in batch])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


# --- the COPY route ----------------------------------------------------------------------


def copy_cell(expr: ColumnElement[Any]) -> ColumnElement[Any] | None:
    """The cell as COPY must write it to equal `csv_value`'s, or None when no SQL rendering
    is known to be equal (a float, a decimal of unbounded scale, an enum, a type that
    converts what it reads: the Python route writes those)."""
    kind = expr.type
    if isinstance(kind, TypeDecorator):
        impl = kind.impl_instance
        # a UTC timestamp reads back as the same instant whatever the decorator does
        if isinstance(impl, DateTime) and impl.timezone:
            return _iso_utc(expr)
        return None
    if isinstance(kind, DateTime):
        return _iso_utc(expr) if kind.timezone else None
    if isinstance(kind, Date):
        return expr  # DateStyle ISO: YYYY-MM-DD
    if isinstance(kind, Boolean):
        return case((expr, "True"), (not_(expr), "False"))
    if isinstance(kind, Integer | BigInteger | SmallInteger):
        return expr
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        # str(Decimal) writes no exponent while the scale is at most 6
        return expr if kind.scale is not None and 0 <= kind.scale <= 6 else None
    if isinstance(kind, String) and not isinstance(kind, Enum):
        formula = func.substr(expr, 1, 1).in_(FORMULA_START)
        # an empty text as the Python route writes it (COPY would quote it: "")
        return case((formula, literal("'") + expr), else_=func.nullif(expr, ""))
    return None


def _iso_utc(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    """datetime.isoformat() of the instant in UTC: microseconds only when not zero."""
    utc = func.timezone("UTC", expr)
    micro = func.to_char(utc, "US")
    fraction = case((micro == "000000", ""), else_=literal(".") + micro)
    return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS') + fraction + literal("+00:00")


def copy_statement(statement: Select[Any], keys: Sequence[str]) -> Select[Any] | None:
    """`statement` (filtered and ordered) selecting only the downloaded cells, each made as
    COPY must write it; None when a column has no equal SQL rendering."""
    cells = []
    for key in keys:
        cell = copy_cell(statement.selected_columns[key])
        if cell is None:
            return None
        cells.append(cell.label(key))
    if len(cells) < 2:
        return None  # one column: COPY quotes a lone \. and an empty row differently
    return statement.with_only_columns(*cells, maintain_column_froms=True)


def copy_rows(connection: Connection, statement: Select[Any]) -> Iterator[str]:
    """The rows (no header) of `statement` by COPY ... TO STDOUT, in chunks of about
    COPY_CHUNK bytes with CRLF row ends. The parameters are merged into the statement by
    psycopg (quoted as literals: COPY takes none), after the types' own bind processing."""
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    for bind, name in compiled.bind_names.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and name in params:
            params[name] = process(params[name])
    # psycopg reads %% as % only when it merges parameters
    query = compiled.string if params else compiled.string.replace("%%", "%")
    raw = connection.connection.driver_connection
    assert raw is not None
    encoding = raw.info.encoding
    ends = _CrlfRowEnds()
    gathered = bytearray()  # whole rows: COPY sends one row per message
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", params or None) as copy,
    ):
        for chunk in copy:
            gathered += chunk
            if len(gathered) >= COPY_CHUNK:
                yield ends.rewrite(gathered.decode(encoding))
                gathered.clear()
    if gathered:
        yield ends.rewrite(gathered.decode(encoding))


class _CrlfRowEnds:
    """COPY ends each row with LF; the Python route (and RFC 4180) with CRLF. A LF outside
    quotes ends a row; one inside a quoted field is the field's own (COPY doubles a quote
    inside a field, so the count of quotes so far tells which). Carried across chunks."""

    def __init__(self) -> None:
        self.quoted = False

    def rewrite(self, chunk: str) -> str:
        if '"' not in chunk:
            return chunk if self.quoted else chunk.replace("\n", "\r\n")
        parts = chunk.split('"')
        for index in range(len(parts)):
            inside = self.quoted != (index % 2 == 1)
            if not inside:
                parts[index] = parts[index].replace("\n", "\r\n")
        self.quoted = self.quoted != ((len(parts) - 1) % 2 == 1)
        return '"'.join(parts)
