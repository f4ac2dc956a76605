"""Reading facts as Accord knew them: one person, or the whole docket, at a record time.

`as_known_on` is a date (as known at the end of that day, UTC), an aware
datetime (as known at that instant), or None (now). The current version of a
list is the one with the highest id recorded by then: ids grow with record
time because writes are serialised (db.write_session).

The per-person read is a handful of indexed queries; the docket read is one
set-based query per table, never a query per person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from sqlalchemy import ColumnElement, and_, case, func, select, true
from sqlalchemy.orm import Session

from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.errors import InputError, UnknownPerson
from accord.facts.tables import FACT_SCHEMAS, FactTables, case_files_to_tables, known_flag
from accord.registry.codec import SCALAR_DEFAULTS, SCALARS, Row, case_from_rows, fact_columns
from accord.registry.models import FACT_MODELS, PERSON_LIST, FactVersion, PersonFact, User
from accord.registry.schemas import VersionInfo

AsKnownOn = dt.date | dt.datetime | None
FV = FactVersion


def known_cutoff(as_known_on: AsKnownOn) -> dt.datetime | None:
    """The last record time included: the end of a date (UTC), an instant as given, or None."""
    if as_known_on is None:
        return None
    if isinstance(as_known_on, dt.datetime):
        if as_known_on.tzinfo is None:
            raise InputError("--as-known-on: a time needs a timezone (e.g. 2025-03-16T12:00Z)")
        return as_known_on.astimezone(dt.UTC)
    next_day = dt.datetime.combine(as_known_on + dt.timedelta(days=1), dt.time(), dt.UTC)
    return next_day - dt.timedelta(microseconds=1)


def _recorded_by(cutoff: dt.datetime | None) -> ColumnElement[bool]:
    return FV.recorded_at <= cutoff if cutoff is not None else true()


def _unknown(person_id: str, as_known_on: AsKnownOn) -> UnknownPerson:
    when = f" as known on {as_known_on.isoformat()}" if as_known_on is not None else ""
    return UnknownPerson(f"no person '{person_id}' in the registry{when}")


def _latest_versions(
    session: Session, person_id: str, cutoff: dt.datetime | None
) -> dict[str, tuple[int, bool, int]]:
    """list name -> (version id, known, row count) of the person's current versions."""
    result = session.execute(
        select(FV.id, FV.list_name, FV.known, FV.row_count)
        .where(FV.person_id == person_id, _recorded_by(cutoff))
        .order_by(FV.id)
    )
    return {name: (vid, known, rows) for vid, name, known, rows in result}


def person_case_file(
    session: Session, *, person_id: str, as_known_on: AsKnownOn = None
) -> CaseFile:
    """The person's case file as Accord knew it; UnknownPerson if it did not know them then."""
    latest = _latest_versions(session, person_id, known_cutoff(as_known_on))
    if not latest:
        raise _unknown(person_id, as_known_on)
    lists: dict[str, list[Row] | None] = {}
    for name, (version_id, known, row_count) in latest.items():
        if not known:
            continue
        if row_count == 0:
            lists[name] = []
            continue
        model = FACT_MODELS[name]
        columns = fact_columns(name)
        table: Any = model.__table__
        result = session.execute(
            select(*columns).where(table.c.version_id == version_id).order_by(table.c.ordinal)
        )
        lists[name] = [dict(row._mapping) for row in result]
    return case_from_rows(person_id, lists)


def person_nationalities(
    session: Session, *, person_id: str, as_known_on: AsKnownOn = None
) -> list[str] | None:
    """The person's nationalities as Accord knew them; None if not known."""
    found = persons_nationalities(session, person_ids=[person_id], as_known_on=as_known_on)
    return found[person_id]


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
    case_file = person_case_file(session, person_id=person_id, as_known_on=as_known_on)
    return case_files_to_tables([case_file])


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


def _persons_table(session: Session, cutoff: dt.datetime | None) -> pa.Table:
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
    statement = select(
        pivot.c.person_id,
        *(getattr(PersonFact, s) for s in SCALARS),
        *(pivot.c[n] for n in CASE_FILE_LISTS),
    ).outerjoin(PersonFact, PersonFact.version_id == pivot.c.person_version)
    names = ["person_id", *SCALARS, *(known_flag(n) for n in CASE_FILE_LISTS)]
    columns = _fetch_columns(session, statement, names)
    for scalar in ("sex", "citizenship"):  # a retracted person version: the case file defaults
        columns[scalar] = [v if v is not None else SCALAR_DEFAULTS[scalar] for v in columns[scalar]]
    for n in CASE_FILE_LISTS:
        columns[known_flag(n)] = [bool(v) for v in columns[known_flag(n)]]
    return _arrow(columns, FACT_SCHEMAS["persons"]).sort_by("person_id")


def _list_table(session: Session, list_name: str, cutoff: dt.datetime | None) -> pa.Table:
    table: Any = FACT_MODELS[list_name].__table__
    schema = FACT_SCHEMAS[list_name]
    statement = select(table.c.ordinal, *(table.c[f.name] for f in schema)).where(
        table.c.version_id.in_(_current_ids(cutoff, list_name))
    )
    columns = _fetch_columns(session, statement, ["ordinal", *schema.names])
    ordered = pa.table(
        {"ordinal": pa.array(columns.pop("ordinal"), pa.int32())}
        | {f.name: pa.array(columns[f.name], f.type) for f in schema}
    ).sort_by([("person_id", "ascending"), ("ordinal", "ascending")])
    return ordered.select(schema.names)


def docket_fact_tables(session: Session, *, as_known_on: AsKnownOn = None) -> FactTables:
    """Every person's fact tables as Accord knew them, sorted by person_id; set-based SQL."""
    cutoff = known_cutoff(as_known_on)
    tables = {"persons": _persons_table(session, cutoff)}
    for name in CASE_FILE_LISTS:
        tables[name] = _list_table(session, name, cutoff)
    return FactTables(tables)


def registry_counts(session: Session) -> dict[str, int]:
    """Rows per table: for status output and for tests that assert nothing was written."""
    from accord.registry.models import AuditEntry, Import, Person

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
