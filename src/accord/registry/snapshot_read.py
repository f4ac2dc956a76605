"""The docket's fact tables from PostgreSQL without Python objects per row.

`docket_fact_tables` on PostgreSQL: statements of the row path's meaning
(reads.row_fact_tables: a list's current version is its newest recorded by the
cutoff; a retraction is a version without rows, not known) run inside COPY.
tests/registry/test_snapshot_fast_path.py, test_snapshot_current.py and
test_snapshot_binary.py hold the routes and the row path equal.

As known now, the statements read what every fact write keeps (a trigger,
migration 0015): current_persons gives each person's person-list version and
known flags, and a list's row is current unless its version is in
superseded_versions. No pass over the versions (about 20 per person: every
known list, empty ones too): the cost is that of the rows themselves. As known
at an earlier time, they find the current versions from the versions, the cutoff
read as a version-id bound.

Two routes. In a read transaction (REPEATABLE READ, nothing written) the
statements go out as COPY (FORMAT binary) over ADBC streams, connections of
their own that import the transaction's snapshot (snapshot_adbc.py): decoded
into Arrow in C++, with no Python call per row; the persons' scalars are read
apart from their flags and joined here, a join PostgreSQL made at several times
the cost of the rows. Where that route cannot be taken (a transaction that
wrote, whose writes are in no exported snapshot; no connection to be had; the
driver missing) the CSV route reads: `COPY (...) TO STDOUT (FORMAT csv)` over the
session's own connection (and, in a read transaction, a second one in its
snapshot), parsed by pyarrow's CSV reader. CSV keeps null and the empty string
apart: COPY writes NULL as nothing and an empty text as `""`, and the reader is
told that only unquoted empty fields are null. Text with commas, quotes or line
breaks is quoted by COPY and read back as it was.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import Integer, case, cast, exists, func, literal, select, true
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from accord.casefile.models import CASE_FILE_LISTS
from accord.db import UTCDateTime, driver_connection
from accord.facts.tables import FACT_SCHEMAS, FactTables, known_flag
from accord.registry import snapshot_adbc
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


class _Job(NamedTuple):
    """One table of the snapshot: its statement, the columns it yields, and the table
    made of them."""

    name: str
    statement: Any
    read_as: pa.Schema  # the statement's columns, in its order, as Arrow types
    shape: Callable[[pa.Table], pa.Table]


def copy_fact_tables(
    session: Session, *, cutoff: dt.datetime | None, route: str = "arrow"
) -> FactTables:
    """What reads.row_fact_tables returns, read through COPY (PostgreSQL only). Route
    "arrow": COPY binary over ADBC streams where the transaction allows (snapshot_adbc),
    else "csv": COPY CSV parsed by pyarrow (the route before, kept as the fallback and
    as the benchmark's baseline)."""
    if session.autoflush:  # as session.execute would: pending writes are part of the read
        session.flush()
    raw = driver_connection(session)
    copier = _Copier(raw, session.get_bind().dialect)
    read = None
    if route == "arrow" and snapshot_adbc.available():
        read = _adbc_tables(session, raw, copier, _jobs(session, cutoff, split_persons=True))
    if read is None:
        read = _csv_tables(session, raw, copier, _jobs(session, cutoff, split_persons=False))
    if PERSON_LIST in read:  # the persons' scalars read apart: joined here, not in PostgreSQL
        read["persons"] = _current_persons_joined(read["persons"], read.pop(PERSON_LIST))
    return FactTables({name: read[name] for name in ("persons", *CASE_FILE_LISTS)})


def _jobs(session: Session, cutoff: dt.datetime | None, *, split_persons: bool) -> list[_Job]:
    """The persons, then every list: as known now from the tables the writes keep
    (migration 0015), as known at a cutoff from the versions. split_persons: as known now,
    the known flags and the scalars as two statements without a join (for the binary
    route; the CSV route keeps the one statement and its bitmask, as before)."""
    if cutoff is None:
        replaced = lists_with_superseded_versions(session)
        lists = {n: current_list_statement(n, superseded=n in replaced) for n in CASE_FILE_LISTS}
        if split_persons:
            scalars = current_list_statement(PERSON_LIST, superseded=PERSON_LIST in replaced)
            persons = [
                _Job("persons", current_flags_statement(), _FLAGS_READ, _as_read),
                _Job(PERSON_LIST, scalars, _SCALARS_READ, _as_read),
            ]
        else:
            persons = [
                _Job(
                    "persons",
                    current_persons_statement(),
                    _CURRENT_PERSONS_READ,
                    _current_persons_table,
                )
            ]
    else:
        last = last_version_by(session, cutoff)
        persons = [_Job("persons", persons_statement(last), _PERSONS_READ, _persons_table)]
        lists = {n: list_statement(n, last) for n in CASE_FILE_LISTS}
    return persons + [
        _Job(n, statement, _list_read_as(n), partial(_list_table, n))
        for n, statement in lists.items()
    ]


def _adbc_tables(
    session: Session, raw: Any, copier: _Copier, jobs: list[_Job]
) -> dict[str, pa.Table] | None:
    """The jobs' tables over ADBC streams in this transaction's exported snapshot, each
    shaped by the stream that read it; None where that cannot be (see
    _exported_snapshot; no connection to be had)."""
    snapshot = _exported_snapshot(raw)
    if snapshot is None:
        return None
    statements = [
        (job.name, copier.literal_sql(job.statement), partial(_shaped_from_driver, job))
        for job in jobs
    ]
    with snapshot_adbc.snapshot_streams(session.get_bind().engine, snapshot) as streams:
        if not streams:
            return None
        return snapshot_adbc.read_statements(streams, statements)


def _shaped_from_driver(job: _Job, table: pa.Table) -> pa.Table:
    # the driver's columns carry its own metadata (which Parquet would keep) and its own
    # names and integer widths: the job's read schema, then its shape
    return job.shape(table.rename_columns(job.read_as.names).cast(job.read_as))


def _csv_tables(
    session: Session, raw: Any, copier: _Copier, jobs: list[_Job]
) -> dict[str, pa.Table]:
    """The jobs' tables as COPY CSV over this connection and, in a read transaction, a
    second one in its snapshot; pyarrow parses each while PostgreSQL makes the next."""
    from psycopg import Error  # PostgreSQL only

    dialect = session.get_bind().dialect
    pending = deque(jobs)  # taken by each stream in turn (deque.popleft is atomic)
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-csv") as arrow,
        _same_snapshot(session, raw) as other,
    ):

        def stream(connection: Any, copier: _Copier) -> dict[str, Future[pa.Table]]:
            out: dict[str, Future[pa.Table]] = {}
            while True:
                try:
                    job = pending.popleft()
                except IndexError:
                    return out
                csv = copier.csv(job.statement)
                out[job.name] = arrow.submit(_shaped, job, csv)

        try:
            if other is None:
                parsed = stream(raw, copier)
            else:  # two COPY streams: PostgreSQL makes two tables at once
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-copy") as two:
                    theirs = two.submit(stream, other, _Copier(other, dialect))
                    try:
                        parsed = stream(raw, copier)
                    finally:
                        pending.clear()  # on an error, the other stream stops after its table
                    parsed |= theirs.result()
        except Error as exc:  # as SQLAlchemy would raise it: a lost database is OperationalError
            raise DBAPIError.instance(None, None, exc, Error) from exc
        return {name: future.result() for name, future in parsed.items()}


def _shaped(job: _Job, csv: memoryview) -> pa.Table:
    return job.shape(_parse(csv, job.read_as))


def _exported_snapshot(raw: Any) -> str | None:
    """This transaction's snapshot, exported for other connections to import; None where
    they cannot see what it sees: a transaction that wrote (its own writes are in no
    exported snapshot) or that is not REPEATABLE READ (its next statement could see later
    commits), as a write session's is."""
    isolation, wrote = raw.execute(
        "SELECT current_setting('transaction_isolation'), txid_current_if_assigned() IS NOT NULL"
    ).fetchone()
    if isolation not in ("repeatable read", "serializable") or wrote:
        return None
    (snapshot,) = raw.execute("SELECT pg_export_snapshot()").fetchone()
    return str(snapshot)


@contextmanager
def _same_snapshot(session: Session, raw: Any) -> Iterator[Any | None]:
    """A second connection that sees exactly what this transaction sees (its snapshot,
    exported), for a second COPY stream; None where that cannot be: a transaction that
    wrote (its own writes are in no exported snapshot) or that is not REPEATABLE READ (its
    next statement could see later commits), as a write session's is."""
    snapshot = _exported_snapshot(raw)
    if snapshot is None:
        yield None
        return
    from psycopg import Error, sql  # PostgreSQL only

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
    people = CURRENT_PERSONS.c
    return select(
        people.person_id,
        *(getattr(PersonFact, s) for s in SCALARS),
        _known_lists_mask().label("known_lists"),
    ).outerjoin(PersonFact, PersonFact.version_id == people.person_version)


def _known_lists_mask() -> Any:
    """current_persons' known flags as one int4 (bit i: CASE_FILE_LISTS[i]; null: not
    known)."""
    assert len(CASE_FILE_LISTS) < 31, "the known flags' bitmask is an int4"
    people = CURRENT_PERSONS.c
    return sum(
        (case((people[known_flag(n)], 1 << i), else_=0) for i, n in enumerate(CASE_FILE_LISTS)),
        start=literal(0),
    )


def current_flags_statement() -> Any:
    """The persons' known flags as known now, from current_persons alone, as
    current_persons_statement's bitmask (in PostgreSQL one int4 is sent for less than half
    the cost of 21 booleans); no join: the scalars are read apart, as the person list's
    current rows."""
    return select(CURRENT_PERSONS.c.person_id, _known_lists_mask().label("known_lists"))


def current_list_statement(list_name: str, *, superseded: bool = True) -> Any:
    """A list's rows as known now: those of versions no newer version superseded (the
    person list too: its columns are then the scalars). superseded=False: no version of
    the list has been superseded (lists_with_superseded_versions, in the same
    transaction), so every row is current and none is looked up."""
    table: Any = (PersonFact if list_name == PERSON_LIST else FACT_MODELS[list_name]).__table__
    if list_name == PERSON_LIST:
        statement = select(table.c.person_id, *(table.c[c] for c in SCALARS))
    else:
        statement = select(table.c.ordinal, *(table.c[f.name] for f in FACT_SCHEMAS[list_name]))
    if not superseded:
        return statement
    replaced = SUPERSEDED_VERSIONS.c
    return statement.where(
        ~exists().where(replaced.list_name == list_name, replaced.version_id == table.c.version_id)
    )


def lists_with_superseded_versions(session: Session) -> frozenset[str]:
    """The lists (the person list too) of which some version has been superseded: one
    probe of superseded_versions' primary key a list. The others' statements need no
    anti-join, which PostgreSQL plans against an empty superseded_versions (every registry
    before its first correction) as a nested loop run once a row: 1.0 of 1.15 s for the
    978,379 nationalities of a 1M-person registry, where the rows alone take 0.3 s."""
    names = (PERSON_LIST, *CASE_FILE_LISTS)
    replaced = SUPERSEDED_VERSIONS.c
    probes = [exists().where(replaced.list_name == name).label(name) for name in names]
    found = session.execute(select(*probes)).one()
    return frozenset(name for name, there in zip(names, found, strict=True) if there)


_PERSON_SCALARS = [FACT_SCHEMAS["persons"].field(c) for c in ("person_id", *SCALARS)]
# what the persons statements yield: the known flags as one bitmask (as known now) or as
# one 0/1 column per list (as known at a cutoff)
_CURRENT_PERSONS_READ = pa.schema([*_PERSON_SCALARS, pa.field("known_lists", pa.int32())])
_PERSONS_READ = pa.schema(
    [*_PERSON_SCALARS, *(pa.field(known_flag(n), _FLAG) for n in CASE_FILE_LISTS)]
)


_FLAGS_READ = pa.schema([_PERSON_SCALARS[0], pa.field("known_lists", pa.int32())])
_SCALARS_READ = pa.schema(_PERSON_SCALARS)


def _as_read(table: pa.Table) -> pa.Table:
    return table


def _current_persons_joined(flags: pa.Table, scalars: pa.Table) -> pa.Table:
    """The persons table from current_persons' flags and the person list's current rows
    (at most one a person: none where the person version is a retraction)."""
    flags, scalars = _by_person(flags), _by_person(scalars)
    ids = flags.column("person_id")
    if not scalars.column("person_id").equals(ids):  # some person without a current row
        at = pc.index_in(ids, value_set=scalars.column("person_id").combine_chunks())
        scalars = scalars.take(at)  # a null index takes nulls
    columns = [ids, *(scalars.column(c) for c in SCALARS), flags.column("known_lists")]
    return _current_persons_table(pa.Table.from_arrays(columns, schema=_CURRENT_PERSONS_READ))


def _list_read_as(list_name: str) -> pa.Schema:
    return pa.schema([pa.field("ordinal", pa.int32()), *FACT_SCHEMAS[list_name]])


def _current_persons_table(table: pa.Table) -> pa.Table:
    mask = table.column("known_lists")
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name in ("person_id", *SCALARS):
        column = table.column(name)
        if name in ("sex", "citizenship"):  # a retracted person version: the defaults
            column = pc.fill_null(column, SCALAR_DEFAULTS[name])
        columns[name] = column
    for i, n in enumerate(CASE_FILE_LISTS):
        columns[known_flag(n)] = pc.not_equal(pc.bit_wise_and(mask, 1 << i), 0)
    return _by_person(pa.table(columns, schema=FACT_SCHEMAS["persons"]))


def _persons_table(table: pa.Table) -> pa.Table:
    schema = FACT_SCHEMAS["persons"]
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for field in schema:
        column = table.column(field.name)
        if field.name in ("sex", "citizenship"):  # a retracted person version: the defaults
            column = pc.fill_null(column, SCALAR_DEFAULTS[field.name])
        columns[field.name] = column.cast(field.type)
    return _by_person(pa.table(columns, schema=schema))


def _list_table(list_name: str, table: pa.Table) -> pa.Table:
    return _by_person(table).select(FACT_SCHEMAS[list_name].names)


def _by_person(table: pa.Table) -> pa.Table:
    """The table sorted by person_id (then ordinal, where it has one): each key is unique,
    so there is one such order. PostgreSQL mostly sends the rows in it already (they were
    written in person order, and the plans keep the heap's order): checked in one pass,
    where a sort would take several."""
    keys = ["person_id", "ordinal"] if "ordinal" in table.column_names else ["person_id"]
    if _in_order(table, keys):
        return table
    return table.sort_by([(k, "ascending") for k in keys])


def _in_order(table: pa.Table, keys: list[str]) -> bool:
    """Whether each row's key is below the next row's (no key column holds nulls)."""
    if table.num_rows < 2:
        return True
    if any(table.column(k).null_count for k in keys):
        return False  # never so here: ids and ordinals are NOT NULL; let the sort decide
    before = table.slice(0, table.num_rows - 1)
    after = table.slice(1)
    below: Any = pc.less(before.column(keys[-1]), after.column(keys[-1]))
    for key in reversed(keys[:-1]):
        first, second = before.column(key), after.column(key)
        below = pc.or_(pc.less(first, second), pc.and_(pc.equal(first, second), below))
    return bool(pc.all(below).as_py())


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
