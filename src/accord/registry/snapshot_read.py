"""The docket's fact tables from PostgreSQL without Python objects per row.

`docket_fact_tables` on PostgreSQL: statements of the row path's meaning
(reads.row_fact_tables: a list's current version is its newest recorded by the
cutoff; a retraction is a version without rows, not known) run inside
`COPY (...) TO STDOUT (FORMAT csv)`, and pyarrow's CSV reader parses the
stream straight into typed columns. tests/registry/test_snapshot_fast_path.py
and test_snapshot_current.py hold the two paths equal.

As known now, the statements read what every fact write keeps (a trigger,
migration 0015): current_persons gives each person's person-list version and
known flags, and a list's row is current unless its version is in
superseded_versions. No pass over the versions (about 20 per person: every
known list, empty ones too): the cost is that of the rows themselves. As known
at an earlier time, they find the current versions from the versions, the cutoff
read as a version-id bound.

In a read transaction (REPEATABLE READ, nothing written) a second connection
imports its snapshot (pg_export_snapshot) and COPYs half of the tables, so that
PostgreSQL makes two at once; a transaction that wrote reads over its own
connection alone, since its writes are in no exported snapshot.

CSV keeps null and the empty string apart: COPY writes NULL as nothing and an
empty text as `""`, and the reader is told that only unquoted empty fields are
null. Text with commas, quotes or line breaks is quoted by COPY and read back
as it was.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import Integer, case, cast, exists, func, literal, select, true
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from accord.casefile.models import CASE_FILE_LISTS
from accord.db import UTCDateTime, driver_connection
from accord.facts.tables import FACT_SCHEMAS, FactTables, known_flag
from accord.registry.codec import SCALAR_DEFAULTS, SCALARS
from accord.registry.models import (
    CURRENT_PERSONS,
    FACT_MODELS,
    PERSON_LIST,
    SUPERSEDED_VERSIONS,
    FactVersion,
    PersonFact,
)
from accord.registry.reads import _recorded_by

FV = FactVersion
_FLAG = pa.int8()  # the persons statement's known flags: 0/1, cast to bool after


_Job = tuple[str, Any, Callable[[memoryview], pa.Table]]  # (table, statement, CSV -> table)


def copy_fact_tables(session: Session, *, cutoff: dt.datetime | None) -> FactTables:
    """What reads.row_fact_tables returns, read through COPY (PostgreSQL only)."""
    if session.autoflush:  # as session.execute would: pending writes are part of the read
        session.flush()
    raw = driver_connection(session)
    jobs: list[_Job]
    if cutoff is None:  # as known now: the tables the writes keep (migration 0015)
        jobs = [("persons", current_persons_statement(), _current_persons_table)]
        jobs += [(n, current_list_statement(n), partial(_list_table, n)) for n in CASE_FILE_LISTS]
    else:
        last = last_version_by(session, cutoff)
        jobs = [("persons", persons_statement(last), _persons_table)]
        jobs += [(n, list_statement(n, last), partial(_list_table, n)) for n in CASE_FILE_LISTS]
    from psycopg import Error  # PostgreSQL only

    dialect = session.get_bind().dialect
    pending = deque(jobs)  # taken by each stream in turn (deque.popleft is atomic)
    # a thread parses and sorts one table's CSV while PostgreSQL makes the next one's
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-csv") as arrow,
        _same_snapshot(session, raw) as other,
    ):

        def stream(connection: Any) -> dict[str, Future[pa.Table]]:
            copier = _Copier(connection, dialect)
            out: dict[str, Future[pa.Table]] = {}
            while True:
                try:
                    name, sql, shape = pending.popleft()
                except IndexError:
                    return out
                out[name] = arrow.submit(shape, copier.csv(sql))

        try:
            if other is None:
                parsed = stream(raw)
            else:  # two COPY streams: PostgreSQL makes two tables at once
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-copy") as two:
                    theirs = two.submit(stream, other)
                    try:
                        parsed = stream(raw)
                    finally:
                        pending.clear()  # on an error, the other stream stops after its table
                    parsed |= theirs.result()
        except Error as exc:  # as SQLAlchemy would raise it: a lost database is OperationalError
            raise DBAPIError.instance(None, None, exc, Error) from exc
        return FactTables({name: parsed[name].result() for name, _, _ in jobs})


@contextmanager
def _same_snapshot(session: Session, raw: Any) -> Iterator[Any | None]:
    """A second connection that sees exactly what this transaction sees (its snapshot,
    exported), for a second COPY stream; None where that cannot be: a transaction that
    wrote (its own writes are in no exported snapshot) or that is not REPEATABLE READ (its
    next statement could see later commits), as a write session's is."""
    isolation, wrote = raw.execute(
        "SELECT current_setting('transaction_isolation'), txid_current_if_assigned() IS NOT NULL"
    ).fetchone()
    if isolation not in ("repeatable read", "serializable") or wrote:
        yield None
        return
    from psycopg import Error, sql  # PostgreSQL only

    (snapshot,) = raw.execute("SELECT pg_export_snapshot()").fetchone()
    engine = session.get_bind().engine
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    other = None
    try:
        other = engine.dialect.connect(*cargs, **cparams)  # not the pool's: one may be scarce
        other.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        other.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
    except Error:  # no second connection to be had (e.g. max_connections): one stream
        if other is not None:
            other.close()
        other = None
    try:
        yield other
    finally:
        if other is not None:
            other.close()  # its transaction, read only, ends with it


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


def current_persons_statement() -> Any:
    """The persons table as known now, from current_persons: person_id, the scalars of the
    current person version, and the known flags as one bitmask (bit i: CASE_FILE_LISTS[i];
    one column to write and parse rather than 21)."""
    assert len(CASE_FILE_LISTS) < 31, "the known flags' bitmask is an int4"
    people = CURRENT_PERSONS.c
    known_lists = sum(
        (case((people[known_flag(n)], 1 << i), else_=0) for i, n in enumerate(CASE_FILE_LISTS)),
        start=literal(0),
    )
    return select(
        people.person_id,
        *(getattr(PersonFact, s) for s in SCALARS),
        known_lists.label("known_lists"),
    ).outerjoin(PersonFact, PersonFact.version_id == people.person_version)


def current_list_statement(list_name: str) -> Any:
    """A list's rows as known now: those of versions no newer version superseded."""
    table: Any = FACT_MODELS[list_name].__table__
    superseded = SUPERSEDED_VERSIONS.c
    replaced = exists().where(
        superseded.list_name == list_name, superseded.version_id == table.c.version_id
    )
    statement = select(table.c.ordinal, *(table.c[f.name] for f in FACT_SCHEMAS[list_name]))
    return statement.where(~replaced)


def _current_persons_table(csv: memoryview) -> pa.Table:
    schema = FACT_SCHEMAS["persons"]
    read_as = pa.schema([schema.field(c) for c in ("person_id", *SCALARS)])
    table = _parse(csv, pa.schema([*read_as, pa.field("known_lists", pa.int32())]))
    mask = table.column("known_lists")
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name in ("person_id", *SCALARS):
        column = table.column(name)
        if name in ("sex", "citizenship"):  # a retracted person version: the defaults
            column = pc.fill_null(column, SCALAR_DEFAULTS[name])
        columns[name] = column
    for i, n in enumerate(CASE_FILE_LISTS):
        columns[known_flag(n)] = pc.not_equal(pc.bit_wise_and(mask, 1 << i), 0)
    return pa.table(columns, schema=schema).sort_by("person_id")


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
