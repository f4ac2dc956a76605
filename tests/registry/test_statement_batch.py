"""StatementBatch: the writes of one step sent together. On PostgreSQL consecutive inserts
and updates of different tables go as one statement; the rows written, their order and the
ids told back must be those of the writes run one by one (as on SQLite)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from accord.db import StatementBatch, write_session
from accord.db.batch import _statements

from .conftest import Registry

_META = MetaData()
_CASES = Table(
    "probe_cases", _META, Column("id", Integer, primary_key=True), Column("state", String(20))
)
_EVENTS = Table(
    "probe_events", _META, Column("id", Integer, primary_key=True), Column("kind", String(20))
)


def _batch_of_a_step(batch: StatementBatch, told: dict[str, list[int]]) -> None:
    batch.insert(
        _EVENTS,
        [{"kind": "received"}, {"kind": "tasked"}],
        returning="id",
        on_result=lambda ids: told.__setitem__("events", ids),
    )
    batch.update(_CASES, ids=[1], values={"state": "in_custody"})
    batch.insert(
        _CASES,
        [{"state": "new"}],
        returning="id",
        on_result=lambda ids: told.__setitem__("cases", ids),
    )
    batch.insert(
        _EVENTS,
        [{"kind": "opened"}],
        returning="id",
        on_result=lambda ids: told.__setitem__("more", ids),
    )


def test_a_batch_writes_what_its_writes_one_by_one_would(registry: Registry) -> None:
    _META.create_all(registry.engine)
    with registry.engine.begin() as conn:
        conn.execute(insert(_CASES), [{"state": "departed"}, {"state": "departed"}])
    told: dict[str, list[int]] = {}
    with write_session(registry.engine) as s:
        batch = StatementBatch(s)
        _batch_of_a_step(batch, told)
        batch.send()
    assert told == {"events": [1, 2], "cases": [3], "more": [3]}
    with registry.engine.connect() as conn:
        cases = conn.execute(select(_CASES).order_by(_CASES.c.id)).all()
        events = conn.execute(select(_EVENTS).order_by(_EVENTS.c.id)).all()
    assert [tuple(r) for r in cases] == [(1, "in_custody"), (2, "departed"), (3, "new")]
    assert [tuple(r) for r in events] == [(1, "received"), (2, "tasked"), (3, "opened")]


def test_writes_share_a_statement_only_across_tables_and_with_one_result(
    registry: Registry,
) -> None:
    """The parts of one statement do not see each other's rows: a second write to the same
    table starts a new statement, as does a second write whose ids are wanted."""
    with write_session(registry.engine) as s:
        batch = StatementBatch(s)
        _batch_of_a_step(batch, {})
        groups = _statements(batch.writes)
        batch.writes.clear()
    tables = [[w.table.name for w in group] for group in groups]  # type: ignore[union-attr]
    # the events with the case update; the new case is a second write to probe_cases, and
    # the last events are a second write whose ids are wanted after the new case's
    assert tables == [["probe_events", "probe_cases"], ["probe_cases"], ["probe_events"]]
