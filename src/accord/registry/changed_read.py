"""The fact tables, as known now, of only the persons written since a fact version.

A docket held between impacts (impact/warm.py) is brought up to date by replacing the rows
of the persons whose facts were written since it was read, instead of reading everyone
again. The statements are the as-known-now statements of the docket read
(snapshot_read.current_*: what the fact writes keep in current_persons and
superseded_versions, on SQLite and PostgreSQL alike), each limited to those persons. A
person's current version of a list may be older than the bound (the write touched another
list), so the limit is on the person, not on the version: every version of the persons
written since, less those superseded. The rows go through the session (the persons a
refresh is worth making for are a small part of a docket), so the tables equal what the
whole docket's read gives for those persons (tests/impact/test_warm_refresh.py).
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
from sqlalchemy import bindparam, cast, false, func, literal_column, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from accord.casefile.models import CASE_FILE_LISTS
from accord.facts.tables import FactTables
from accord.registry.models import CURRENT_PERSONS, FACT_MODELS, FactVersion
from accord.registry.snapshot_read import (
    _CURRENT_PERSONS_READ,
    _current_persons_table,
    _list_read_as,
    _list_table,
    current_list_statement,
    current_persons_statement,
)

FV = FactVersion


def persons_written_since(session: Session, *, since: int, at_most: int) -> list[str] | None:
    """The ids of the persons with a fact version newer than version `since`, sorted; None
    if there are more than `at_most` (the caller then reads everyone instead)."""
    found = session.scalars(
        select(FV.person_id).where(FV.id > since).distinct().limit(at_most + 1)
    ).all()
    return None if len(found) > at_most else sorted(found)


def changed_fact_tables(session: Session, *, person_ids: list[str]) -> FactTables:
    """Every fact table as known now, with the rows of `person_ids` only (persons_written_
    since), sorted by person (and ordinal) as the whole docket's read is."""
    by_key = _ByKey(session)
    people = by_key.rows(current_persons_statement(), CURRENT_PERSONS.c.person_id, person_ids)
    tables = {"persons": _current_persons_table(_read(session, people, _CURRENT_PERSONS_READ))}
    versions: dict[str, list[int]] = {name: [] for name in CASE_FILE_LISTS}
    listed = select(FV.list_name, FV.id)
    for list_name, version in session.execute(by_key.rows(listed, FV.person_id, person_ids)):
        if list_name in versions:
            versions[list_name].append(version)
    for name in CASE_FILE_LISTS:
        model: Any = FACT_MODELS[name].__table__
        rows = by_key.rows(current_list_statement(name), model.c.version_id, versions[name])
        tables[name] = _list_table(name, _read(session, rows, _list_read_as(name)))
    return FactTables(tables)


class _ByKey:
    """A statement's rows whose `column` is one of some keys, found key by key through the
    column's index whatever the planner's statistics say.

    On PostgreSQL the keys are one array parameter, and the statement runs once per key as a
    LATERAL subquery that OFFSET 0 keeps from being merged into the join: a probe of the
    index per key. Given as `IN (subquery)` or `= ANY(array)`, the planner's estimates (no
    statistics yet after a large import with autovacuum off; or some, with about 280
    versions a person expected for 22) made it scan whole tables: 1.5 s to find the versions
    of 425 persons written in a registry of 1,000,000 persons, 60-80 ms for each larger
    list. Elsewhere (SQLite) one JSON array parameter read by json_each: a parameter per
    key would pass SQLite's limit of 32,766 for some thousands of persons written."""

    def __init__(self, session: Session):
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def rows(self, statement: Any, column: Any, keys: list[Any]) -> Any:
        if not keys:
            return statement.where(false())
        if not self.postgres:
            listed = func.json_each(bindparam(f"keys_{column.name}", json.dumps(keys)))
            return statement.where(column.in_(select(literal_column("value")).select_from(listed)))
        array = ARRAY(column.type)
        key = (
            func.unnest(cast(bindparam(f"keys_{column.name}", keys, type_=array), array))
            .table_valued("key")
            .render_derived(name="wanted")
        )
        each = statement.where(column == key.c.key).offset(0).lateral("found")
        return select(*each.c).select_from(key).join(each, true())


def _read(session: Session, statement: Any, schema: pa.Schema) -> pa.Table:
    """The statement's rows as a table of `schema`, fetched at once: a server cursor
    (yield_per, as the whole docket's read uses) is planned for its first rows, and the 22
    statements took 0.97 s through one for 100 persons written in a registry of 100,000,
    against 0.17 s fetched at once."""
    rows = session.execute(statement).all()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table(
        [pa.array(column, f.type) for column, f in zip(columns, schema, strict=True)],
        schema=schema,
    )
