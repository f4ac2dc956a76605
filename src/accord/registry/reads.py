"""Reading facts as Accord knew them: one person, or the whole docket, at a record time.

`as_known_on` is a date (as known at the end of that day, UTC), an aware
datetime (as known at that instant), or None (now). The current version of a
list is the one with the highest id recorded by then: ids grow with record
time because writes are serialised (db.write_session).

The per-person read is one statement of indexed lookups; the docket read is one
set-based query per table, never a query per person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa
from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    column,
    func,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from accord.auth import User
from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.db import AuditEntry, UTCDateTime, driver_connection
from accord.errors import InputError, UnknownPerson
from accord.facts.tables import FACT_SCHEMAS, FactTables, case_file_rows, known_flag
from accord.registry.codec import LISTS, SCALAR_DEFAULTS, SCALARS, Row, case_from_rows, fact_columns
from accord.registry.models import FACT_MODELS, PERSON_LIST, FactVersion, PersonFact
from accord.registry.results import VersionInfo

AsKnownOn = dt.date | dt.datetime | None
FV = FactVersion


def known_cutoff(as_known_on: AsKnownOn) -> dt.datetime | None:
    """The last record time included: the end of a date (UTC), an instant as given, or None."""
    if as_known_on is None:
        return None
    try:
        if isinstance(as_known_on, dt.datetime):
            if as_known_on.tzinfo is None:
                raise InputError("--as-known-on: a time needs a timezone (e.g. 2025-03-16T12:00Z)")
            return as_known_on.astimezone(dt.UTC)
        next_day = dt.datetime.combine(as_known_on + dt.timedelta(days=1), dt.time(), dt.UTC)
        return next_day - dt.timedelta(microseconds=1)
    except OverflowError:  # the last day of year 9999, or year 1 ahead of UTC
        raise InputError(
            f"--as-known-on {as_known_on.isoformat()}: outside the calendar Accord can record"
        ) from None


def _recorded_by(cutoff: dt.datetime | None) -> ColumnElement[bool]:
    return FV.recorded_at <= cutoff if cutoff is not None else true()


def _unknown(person_id: str, as_known_on: AsKnownOn) -> UnknownPerson:
    when = f" as known on {as_known_on.isoformat()}" if as_known_on is not None else ""
    return UnknownPerson(f"no person '{person_id}' in the registry{when}")


# The per-person read is one statement: the person's current versions and the rows of
# every known list, as a UNION ALL whose fact columns share typed slots (text, date,
# boolean). One statement is one snapshot, so the versions and rows always agree, even
# in a READ COMMITTED write transaction, and it costs one round trip, not one per list.
_SLOT_KINDS: dict[type[Any], str] = {String: "s", Text: "s", Date: "d", Boolean: "b", Integer: "i"}
_SLOT_TYPES: dict[str, Any] = {"s": Text(), "d": Date(), "b": Boolean(), "i": Integer()}


def _slot_kind(column: Column[Any]) -> str:
    return _SLOT_KINDS[type(column.type)]


def _slot_layout() -> dict[str, list[tuple[str, str]]]:
    """list name -> [(fact column, slot)], slots numbered per kind: s0, s1, d0, b0..."""
    layout: dict[str, list[tuple[str, str]]] = {}
    for name in LISTS:
        used: dict[str, int] = {}
        slots = []
        for fact_column in fact_columns(name):
            kind = _slot_kind(fact_column)
            slots.append((fact_column.name, f"{kind}{used.get(kind, 0)}"))
            used[kind] = used.get(kind, 0) + 1
        layout[name] = slots
    return layout


_LAYOUT = _slot_layout()
_LISTS_BY_NUMBER = dict(enumerate(_LAYOUT, start=1))
_SLOTS: tuple[str, ...] = tuple(
    sorted({slot for slots in _LAYOUT.values() for _, slot in slots}, key=lambda s: (s[0], s))
)


@cache
def _person_statement(with_cutoff: bool) -> Any:
    """Rows (part, version_id, known, head_seq, ordinal, *slots): part 0 is a version of the
    person recorded by the cutoff, part i a row of the current version of LISTS[i - 1];
    head_seq is the audit chain's last seq in the same snapshot.

    Plain SQL, kept under psycopg's 4 kB limit of statements whose parsing it caches.
    Each list's current version is a scalar subquery, so its rows are found through the
    primary key whatever the planner's statistics say."""
    recorded = " AND recorded_at <= :cutoff" if with_cutoff else ""
    mine = f"person_id = :person_id{recorded}"
    # the first branch types every column (PostgreSQL types a UNION pairwise, left to
    # right); its s0 is the list's name
    sql_types = {"b": "BOOLEAN", "d": "DATE", "s": "TEXT", "i": "INTEGER"}
    named = ",".join(
        "list_name" if s == "s0" else f"CAST(NULL AS {sql_types[s[0]]})" for s in _SLOTS
    )
    parts = [
        f"SELECT 0,id,known,(SELECT max(seq) FROM audit_log),CAST(NULL AS INTEGER),{named} "
        f"FROM fact_versions WHERE {mine}"
    ]
    for number, (name, slots) in enumerate(_LAYOUT.items(), start=1):
        filled = {slot: column for column, slot in slots}
        values = ",".join(f'"{filled[s]}"' if s in filled else "NULL" for s in _SLOTS)
        table: Any = FACT_MODELS[name].__table__
        parts.append(
            f"SELECT {number},version_id,NULL,NULL,ordinal,{values} FROM {table.name} "
            f"WHERE version_id=(SELECT i FROM c WHERE l='{name}')"
        )
    sql = (
        f"WITH c AS (SELECT list_name l,max(id) i FROM fact_versions WHERE {mine} "
        f"GROUP BY list_name) " + " UNION ALL ".join(parts) + " ORDER BY 1,2,5"
    )
    typed = [column("part", Integer()), column("version_id", Integer())]
    typed += [column("known", Boolean()), column("head_seq", Integer())]
    typed += [column("ordinal", Integer()), *(column(s, _SLOT_TYPES[s[0]]) for s in _SLOTS)]
    statement = text(sql).columns(*typed)
    if with_cutoff:
        statement = statement.bindparams(bindparam("cutoff", type_=UTCDateTime()))
    return statement


# Positions in a row of the per-person statement after (part, version_id, known, head_seq):
# the ordinal, then the slots
_SLOT_POSITION = {slot: 1 + i for i, slot in enumerate(_SLOTS)}
_LIST_NAME = _SLOT_POSITION["s0"]  # the slot that holds a version's list name
_POSITIONS = {
    number: (name, [(c, _SLOT_POSITION[slot]) for c, slot in _LAYOUT[name]])
    for number, name in _LISTS_BY_NUMBER.items()
}


def _person_rows(
    session: Session, person_id: str, cutoff: dt.datetime | None
) -> Sequence[Sequence[Any]]:
    """The rows of the per-person statement. On PostgreSQL through the driver, whose values
    are already those of the typed columns: the ORM's result machinery cost more than the
    database's own work for the statement."""
    statement = _person_statement(cutoff is not None)
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        params: dict[str, Any] = {"person_id": person_id}
        if cutoff is not None:
            params["cutoff"] = cutoff
        return session.execute(statement, params).all()
    if session.autoflush:  # as session.execute would
        session.flush()
    bound: dict[str, Any] = {"person_id": person_id}
    if cutoff is not None:
        bound["cutoff"] = UTCDateTime().process_bind_param(cutoff, dialect)
    with driver_connection(session).cursor() as cursor:
        cursor.execute(_pg_person_sql(cutoff is not None, dialect), bound)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


_PG_PERSON_SQL: dict[tuple[bool, str], str] = {}  # by cutoff or not, and driver


def _pg_person_sql(with_cutoff: bool, dialect: Any) -> str:
    key = (with_cutoff, dialect.driver)
    sql = _PG_PERSON_SQL.get(key)
    if sql is None:
        compiled = _person_statement(with_cutoff).compile(dialect=dialect)
        sql = _PG_PERSON_SQL[key] = str(compiled.string)
    return sql


@dataclass(frozen=True)
class PersonLists:
    """One person's lists as read in one snapshot: rows per known list (None: not known)."""

    lists: dict[str, list[Row] | None]
    head_seq: int  # the audit chain's last seq in the same snapshot


def read_person_lists(
    session: Session, *, person_id: str, cutoff: dt.datetime | None
) -> PersonLists | None:
    """The person's current lists as recorded by `cutoff` (None: now); None if unknown then."""
    current: dict[str, tuple[int, bool]] = {}  # list -> (version id, known): the highest id
    facts: list[tuple[str, int, Row]] = []
    head_seq = 0
    # the versions first, by id; then the rows, by list and position
    for part, version_id, known, seq, *values in _person_rows(session, person_id, cutoff):
        if part == 0:
            head_seq = int(seq or 0)
            current[values[_LIST_NAME]] = (version_id, known)
        else:
            name, positions = _POSITIONS[part]
            facts.append((name, version_id, {c: values[i] for c, i in positions}))
    if not current:
        return None
    lists: dict[str, list[Row] | None] = {
        name: [] if known else None for name, (_, known) in current.items()
    }
    for name, version_id, fact in facts:
        rows = lists[name]
        if rows is not None and current[name][0] == version_id:  # a known list's rows only
            rows.append(fact)
    return PersonLists(lists=lists, head_seq=head_seq)


def person_case_file(
    session: Session, *, person_id: str, as_known_on: AsKnownOn = None
) -> CaseFile:
    """The person's case file as Accord knew it; UnknownPerson if it did not know them then."""
    return person_case_read(session, person_id=person_id, as_known_on=as_known_on)[0]


def person_case_read(
    session: Session, *, person_id: str, as_known_on: AsKnownOn = None
) -> tuple[CaseFile, int]:
    """(the case file, the audit chain's last seq), both from one snapshot."""
    read = read_person_lists(session, person_id=person_id, cutoff=known_cutoff(as_known_on))
    if read is None:
        raise _unknown(person_id, as_known_on)
    return case_from_rows(person_id, read.lists), read.head_seq


def persons_nationalities(
    session: Session, *, person_ids: Sequence[str], as_known_on: AsKnownOn = None
) -> dict[str, list[str] | None]:
    """Each person's nationalities as Accord knew them (None if not known), in one query.

    For callers that need only this list (consular tasks at every handover),
    without reading whole case files.
    """
    current = (
        select(func.max(FV.id).label("id"))
        .where(
            FV.person_id.in_(person_ids),
            FV.list_name == "nationalities",
            _recorded_by(known_cutoff(as_known_on)),
        )
        .group_by(FV.person_id)
        .subquery()
    )
    table: Any = FACT_MODELS["nationalities"].__table__
    rows = session.execute(
        select(FV.person_id, FV.known, table.c.country)
        .join(current, current.c.id == FV.id)
        .outerjoin(table, table.c.version_id == FV.id)
        .order_by(FV.person_id, table.c.ordinal)
    )
    return nationalities_from_rows(person_ids, rows)


def nationalities_from_rows(
    person_ids: Sequence[str], rows: Iterable[Any]
) -> dict[str, list[str] | None]:
    """(person, known, country) rows of each person's newest version of the list, as
    persons_nationalities returns them: None where the list is not known."""
    found: dict[str, list[str] | None] = dict.fromkeys(person_ids)
    for person_id, known, country in rows:
        if not known:
            continue
        countries = found[person_id]
        if countries is None:
            countries = found[person_id] = []
        if country is not None:
            countries.append(country)
    return found


def person_fact_tables(session: Session, *, person_id: str, as_known_on: AsKnownOn) -> FactTables:
    """One person's fact tables, exactly as case_files_to_tables gives for their case file."""
    return person_fact_read(session, person_id=person_id, as_known_on=as_known_on)[0]


def person_fact_read(
    session: Session, *, person_id: str, as_known_on: AsKnownOn
) -> tuple[FactTables, int]:
    """(one person's fact tables, the audit chain's last seq), both from one snapshot: any
    later write of the person's facts is audited after that seq."""
    case_file, head_seq = person_case_read(session, person_id=person_id, as_known_on=as_known_on)
    return one_person_tables(case_file), head_seq


@cache
def _empty_tables() -> dict[str, pa.Table]:
    return {name: pa.Table.from_pylist([], schema=s) for name, s in FACT_SCHEMAS.items()}


def one_person_tables(case: CaseFile) -> FactTables:
    """`case_files_to_tables([case])`, built faster: a person has facts in a few lists only,
    and the empty tables are shared (Arrow tables are immutable)."""
    tables = dict(_empty_tables())
    person, lists = case_file_rows(case)
    for list_name, rows in lists.items():
        tables[list_name] = pa.Table.from_pylist(rows, schema=FACT_SCHEMAS[list_name])
    tables["persons"] = pa.Table.from_pylist([person], schema=FACT_SCHEMAS["persons"])
    return FactTables(tables)


def person_history(
    session: Session, *, person_id: str, as_known_on: AsKnownOn = None
) -> list[VersionInfo]:
    """Every version of every list of the person recorded by then, oldest first."""
    result = session.execute(
        select(FV, User.name)
        .join(User, User.id == FV.recorded_by_id)
        .where(FV.person_id == person_id, _recorded_by(known_cutoff(as_known_on)))
        .order_by(FV.id)
    )
    history = [
        VersionInfo(
            version_id=v.id,
            list_name=v.list_name,
            kind=v.kind,
            known=v.known,
            rows=v.row_count,
            valid_from=v.valid_from,
            recorded_at=v.recorded_at,
            recorded_by=user_name,
            source_document=v.source_document,
            import_id=v.import_id,
            note=v.note,
            content_digest=v.content_digest,
        )
        for v, user_name in result
    ]
    if not history:
        raise _unknown(person_id, as_known_on)
    return history


def _current_ids(cutoff: dt.datetime | None, list_name: str | None = None) -> Any:
    """The id of every person's current version (of one list, or of each list)."""
    query = select(func.max(FV.id)).where(_recorded_by(cutoff))
    if list_name is not None:
        return query.where(FV.list_name == list_name).group_by(FV.person_id)
    return query.group_by(FV.person_id, FV.list_name)


def _arrow(columns: dict[str, list[Any]], schema: pa.Schema) -> pa.Table:
    return pa.table({f.name: pa.array(columns[f.name], f.type) for f in schema}, schema=schema)


def _fetch_columns(session: Session, statement: Any, names: list[str]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {n: [] for n in names}
    appenders = [columns[n].append for n in names]
    for row in session.execute(statement.execution_options(yield_per=50_000)):
        for append, value in zip(appenders, row, strict=True):
            append(value)
    return columns


def _persons_statement(cutoff: dt.datetime | None) -> Any:
    """The persons table's rows as recorded by `cutoff`: person_id, the scalars (null where
    the person version is retracted), then one 0/1 known flag per list."""
    current = (
        select(FV.id, FV.person_id, FV.list_name, FV.known)
        .where(FV.id.in_(_current_ids(cutoff)))
        .subquery()
    )
    flags = [
        func.max(case((and_(current.c.list_name == n, current.c.known), 1), else_=0)).label(n)
        for n in CASE_FILE_LISTS
    ]
    person_version = func.max(case((current.c.list_name == PERSON_LIST, current.c.id), else_=None))
    pivot = (
        select(current.c.person_id, person_version.label("person_version"), *flags)
        .group_by(current.c.person_id)
        .subquery()
    )
    return select(
        pivot.c.person_id,
        *(getattr(PersonFact, s) for s in SCALARS),
        *(pivot.c[n] for n in CASE_FILE_LISTS),
    ).outerjoin(PersonFact, PersonFact.version_id == pivot.c.person_version)


def _list_statement(list_name: str, cutoff: dt.datetime | None) -> Any:
    """A list's rows as recorded by `cutoff`: ordinal, then FACT_SCHEMAS[list_name]'s columns
    (a retracted version has no rows)."""
    table: Any = FACT_MODELS[list_name].__table__
    schema = FACT_SCHEMAS[list_name]
    return select(table.c.ordinal, *(table.c[f.name] for f in schema)).where(
        table.c.version_id.in_(_current_ids(cutoff, list_name))
    )


def _persons_table(session: Session, cutoff: dt.datetime | None) -> pa.Table:
    statement = _persons_statement(cutoff)
    names = ["person_id", *SCALARS, *(known_flag(n) for n in CASE_FILE_LISTS)]
    columns = _fetch_columns(session, statement, names)
    for scalar in ("sex", "citizenship"):  # a retracted person version: the case file defaults
        columns[scalar] = [v if v is not None else SCALAR_DEFAULTS[scalar] for v in columns[scalar]]
    for n in CASE_FILE_LISTS:
        columns[known_flag(n)] = [bool(v) for v in columns[known_flag(n)]]
    return _arrow(columns, FACT_SCHEMAS["persons"]).sort_by("person_id")


def _list_table(session: Session, list_name: str, cutoff: dt.datetime | None) -> pa.Table:
    schema = FACT_SCHEMAS[list_name]
    statement = _list_statement(list_name, cutoff)
    columns = _fetch_columns(session, statement, ["ordinal", *schema.names])
    ordered = pa.table(
        {"ordinal": pa.array(columns.pop("ordinal"), pa.int32())}
        | {f.name: pa.array(columns[f.name], f.type) for f in schema}
    ).sort_by([("person_id", "ascending"), ("ordinal", "ascending")])
    return ordered.select(schema.names)


def docket_fact_tables(session: Session, *, as_known_on: AsKnownOn = None) -> FactTables:
    """Every person's fact tables as Accord knew them, sorted by person_id; set-based SQL.
    On PostgreSQL the same statements stream out by COPY into Arrow (snapshot_read: binary
    COPY over ADBC, or CSV when that route cannot be used)."""
    cutoff = known_cutoff(as_known_on)
    if session.get_bind().dialect.name == "postgresql":
        from accord.registry.snapshot_read import copy_fact_tables

        return copy_fact_tables(session, cutoff=cutoff)
    return row_fact_tables(session, cutoff=cutoff)


def row_fact_tables(session: Session, *, cutoff: dt.datetime | None) -> FactTables:
    """docket_fact_tables through the ORM's rows: any backend (SQLite's path; on PostgreSQL
    the reference the COPY path is tested and benchmarked against)."""
    tables = {"persons": _persons_table(session, cutoff)}
    for name in CASE_FILE_LISTS:
        tables[name] = _list_table(session, name, cutoff)
    return FactTables(tables)


def registry_counts(session: Session) -> dict[str, int]:
    """Rows per table: for status output and for tests that assert nothing was written."""
    from accord.registry.models import Import, Person

    counted: dict[str, Any] = {
        "persons": Person,
        "fact_versions": FV,
        "imports": Import,
        "audit_log": AuditEntry,
        **{f"fact_{n}": FACT_MODELS[n] for n in FACT_MODELS},
    }
    return {
        name: int(session.scalar(select(func.count()).select_from(model)) or 0)
        for name, model in counted.items()
    }
