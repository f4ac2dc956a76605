"""The docket's fact tables from PostgreSQL without Python objects per row.

`docket_fact_tables` on PostgreSQL: statements of the row path's meaning
(reads.row_fact_tables: a list's current version is its newest recorded by the
cutoff; a retraction is a version without rows, not known) run inside
`COPY (...) TO STDOUT (FORMAT csv)`, and pyarrow's CSV reader parses the
stream straight into typed columns. tests/registry/test_snapshot_fast_path.py
holds the two paths equal. The row path built a Python tuple and a value per
field; this one is bound by PostgreSQL's pass over the versions (about 20 per
person: every known list, empty ones too), see benchmarks/RESULTS.md.

CSV keeps null and the empty string apart: COPY writes NULL as nothing and an
empty text as `""`, and the reader is told that only unquoted empty fields are
null. Text with commas, quotes or line breaks is quoted by COPY and read back
as it was.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import Integer, case, cast, exists, func, select, true
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from accord.casefile.models import CASE_FILE_LISTS
from accord.db import UTCDateTime, driver_connection
from accord.facts.tables import FACT_SCHEMAS, FactTables, known_flag
from accord.registry.codec import SCALAR_DEFAULTS, SCALARS
from accord.registry.models import FACT_MODELS, PERSON_LIST, FactVersion, PersonFact
from accord.registry.reads import _recorded_by

FV = FactVersion
_FLAG = pa.int8()  # the persons statement's known flags: 0/1, cast to bool after


def copy_fact_tables(session: Session, *, cutoff: dt.datetime | None) -> FactTables:
    """What reads.row_fact_tables returns, read through COPY (PostgreSQL only)."""
    if session.autoflush:  # as session.execute would: pending writes are part of the read
        session.flush()
    copier = _Copier(driver_connection(session), session.get_bind().dialect)
    last = last_version_by(session, cutoff)
    jobs: list[tuple[str, Any, Callable[[memoryview], pa.Table]]] = [
        ("persons", persons_statement(last), _persons_table)
    ]
    for name in CASE_FILE_LISTS:
        jobs.append((name, list_statement(name, last), partial(_list_table, name)))
    from psycopg import Error  # PostgreSQL only

    # a thread parses and sorts one table's CSV while PostgreSQL makes the next one's
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-csv") as arrow:
        try:
            parsed = {name: arrow.submit(shape, copier.csv(sql)) for name, sql, shape in jobs}
        except Error as exc:  # as SQLAlchemy would raise it: a lost database is OperationalError
            raise DBAPIError.instance(None, None, exc, Error) from exc
        return FactTables({name: table.result() for name, table in parsed.items()})


def last_version_by(session: Session, cutoff: dt.datetime | None) -> int | None:
    """The highest version id recorded by the cutoff (None: no cutoff; 0: nothing then).

    Version ids grow with record time (writes are serialised and a record time never goes
    back, db/audit.record_time), so "recorded by the cutoff" is "id <= this": a bound the
    indexes on version ids answer, where recorded_at would be read from every version."""
    if cutoff is None:
        return None
    last = session.scalar(select(func.max(FV.id)).where(_recorded_by(cutoff)))
    return int(last or 0)


def persons_statement(last: int | None) -> Any:
    """reads._persons_statement's rows (versions up to id `last`) in one aggregate over the
    versions: no join of every version with the list of current ids (10x faster). A list's
    known flag is that of its newest version by the cutoff: ids are unique, so the largest
    `id * 2 + known` is the newest version's, and its parity is that version's known."""
    newest_known = FV.id * 2 + cast(FV.known, Integer)
    flags = [
        func.coalesce(func.max(case((FV.list_name == n, newest_known))) % 2, 0).label(n)
        for n in CASE_FILE_LISTS
    ]
    person_version = func.max(case((FV.list_name == PERSON_LIST, FV.id)))
    pivot = (
        select(FV.person_id, person_version.label("person_version"), *flags)
        .where(FV.id <= last if last is not None else true())
        .group_by(FV.person_id)
        .subquery()
    )
    return select(
        pivot.c.person_id,
        *(getattr(PersonFact, s) for s in SCALARS),
        *(pivot.c[n] for n in CASE_FILE_LISTS),
    ).outerjoin(PersonFact, PersonFact.version_id == pivot.c.person_version)


def list_statement(list_name: str, last: int | None) -> Any:
    """reads._list_statement's rows, found from the rows: a row is current if its version was
    recorded by the cutoff (id <= last) and no newer version of the person's list was. The
    row path finds
    every person's current version of the list first (a pass over all of the list's
    versions, most of them without rows) and costs as much for a list of 100 rows as for
    one of millions."""
    table: Any = FACT_MODELS[list_name].__table__
    newer = aliased(FV)
    superseded = exists().where(
        newer.list_name == list_name,
        newer.person_id == table.c.person_id,  # the writer copies the version's person_id
        newer.id > table.c.version_id,
        newer.id <= last if last is not None else true(),
    )
    statement = select(table.c.ordinal, *(table.c[f.name] for f in FACT_SCHEMAS[list_name]))
    statement = statement.where(~superseded)
    return statement.where(table.c.version_id <= last) if last is not None else statement


def _persons_table(csv: memoryview) -> pa.Table:
    schema = FACT_SCHEMAS["persons"]
    flags = [known_flag(n) for n in CASE_FILE_LISTS]
    read_as = pa.schema([schema.field(c) for c in ("person_id", *SCALARS)])
    read_as = pa.schema([*read_as, *(pa.field(f, _FLAG) for f in flags)])
    table = _parse(csv, read_as)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for field in schema:
        column = table.column(field.name)
        if field.name in ("sex", "citizenship"):  # a retracted person version: the defaults
            column = pc.fill_null(column, SCALAR_DEFAULTS[field.name])
        columns[field.name] = column.cast(field.type)
    return pa.table(columns, schema=schema).sort_by("person_id")


def _list_table(list_name: str, csv: memoryview) -> pa.Table:
    schema = FACT_SCHEMAS[list_name]
    read_as = pa.schema([pa.field("ordinal", pa.int32()), *schema])
    table = _parse(csv, read_as)
    ordered = table.sort_by([("person_id", "ascending"), ("ordinal", "ascending")])
    return ordered.select(schema.names)


class _Copier:
    """Statements COPYed out as CSV over one session's connection."""

    def __init__(self, raw: Any, dialect: Any):
        self.raw, self.dialect = raw, dialect
        style = str(raw.info.parameter_status("DateStyle") or "")
        if not style.upper().startswith("ISO"):  # COPY writes dates in the DateStyle
            raw.execute("SET LOCAL DateStyle TO 'ISO, YMD'")  # this transaction only

    def csv(self, statement: Any) -> memoryview:
        """The statement's rows as COPY writes them in CSV."""
        query = self.literal_sql(statement)
        buffer = io.BytesIO()
        with (
            self.raw.cursor() as cursor,
            cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy,
        ):
            for block in copy:
                buffer.write(block)
        return buffer.getbuffer()

    def literal_sql(self, statement: Any) -> str:
        """The statement as SQL with its parameters inlined (COPY takes none), quoted by
        psycopg's own client-side binding."""
        from psycopg import ClientCursor  # PostgreSQL only

        compiled = statement.compile(dialect=self.dialect)
        params = {
            name: UTCDateTime().process_bind_param(value, self.dialect)
            if isinstance(value, dt.datetime)
            else value
            for name, value in compiled.params.items()
        }
        with ClientCursor(self.raw) as cursor:
            return str(cursor.mogrify(compiled.string, params))


def _parse(csv: memoryview, schema: pa.Schema) -> pa.Table:
    """COPY's CSV as a table of `schema` (its columns in the statement's order)."""
    if not csv:
        return schema.empty_table()
    return pacsv.read_csv(
        pa.py_buffer(csv),
        read_options=pacsv.ReadOptions(column_names=schema.names, block_size=16 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=schema,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            true_values=["t"],
            false_values=["f"],
        ),
    )
