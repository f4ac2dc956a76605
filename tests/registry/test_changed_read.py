"""The refresh's read of some persons (registry/changed_read.py) takes any number of keys.

A held docket is refreshed when up to 2% of its persons were written (impact/warm.py): some
thousands of persons, with their versions, in a large registry. SQLite's default limit is
32,766 parameters in one statement (some builds allow more, as this machine's): a parameter
per key would pass it."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, select
from sqlalchemy.orm import Session

from accord.registry.changed_read import _ByKey

SQLITE_DEFAULT_MAX_PARAMETERS = 32_766


def test_more_keys_than_sqlite_takes_parameters_are_read() -> None:
    engine = create_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def default_limit(connection: Any, _record: Any) -> None:
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_DEFAULT_MAX_PARAMETERS)

    rows = Table("rows", MetaData(), Column("k", String, primary_key=True), Column("n", Integer))
    rows.metadata.create_all(engine)
    with Session(engine) as session:
        session.execute(rows.insert(), [{"k": f"p-{i:06d}", "n": i} for i in range(50_000)])
        keys = [f"p-{i:06d}" for i in range(0, 100_000, 2)]  # 50,000: half in the table
        found = session.execute(_ByKey(session).rows(select(rows.c.n), rows.c.k, keys)).all()
    assert sorted(n for (n,) in found) == list(range(0, 50_000, 2))
