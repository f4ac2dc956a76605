"""A held docket brought up to date by replacing the persons written since (impact/warm.py).

Facts are written while a legal reviewer weighs an order: a person recorded, another's
nationality corrected, a conviction list retracted. The next impact replaces those persons'
rows, and their statuses held under the law before, in the docket it holds; what it then
holds must be what reading the registry again gives, table by table and status by status, and
its answer the same as on a docket read afresh. Where the registry's history is no longer the
one the docket was read from, or more persons were written than a refresh is worth, the
docket is read again in full. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

import pytest

from accord.db import read_session
from accord.engine.store import FactStore
from accord.facts.tables import TABLE_NAMES
from accord.impact import compute, service, warm
from accord.impact.statements import coded_statement
from accord.law.framework import OUTCOMES
from operations.people import at, load, protected_salvadoran, venezuelan

from .conftest import READ_IN_FULL, Registry
from .flight import departed_and_ordered
from .held import Moved, moved, weigh_held


def _read_afresh(registry: Registry, entry_id: int) -> tuple[Moved, FactStore]:
    """The same impact on the registry's docket read in full now."""
    with read_session(registry.engine) as session:
        store = FactStore.from_tables(READ_IN_FULL(session))
        change = service.change_of_registry_entry(session, entry_id=entry_id)
        return moved(service.registry_impact(session, change=change, store=store)), store


def _rows(store: FactStore, sql: str) -> list[str]:
    """The statement's rows, as text, in one order whatever order the store keeps them in."""
    rows = store.arrow(sql).to_pylist()
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def _written_since_the_order(registry: Registry) -> None:
    corrected = venezuelan(1)
    corrected["nationalities"] = ["SV"]  # ve-001's nationality corrected: out of the class
    protected = protected_salvadoran(1)  # sv-001: withholding as to El Salvador recorded,
    del protected["convictions"]  # and their convictions no longer known (a retraction)
    load(registry, [venezuelan(3), corrected, protected], now=at(15, 21))


def test_a_refreshed_docket_holds_what_reading_the_registry_again_gives(
    registry: Registry, docket_reads: list[int]
) -> None:
    _, entry_id = departed_and_ordered(registry)
    first, store = weigh_held(registry, entry_id)
    assert set(first) == {"ve-001", "ve-002"}
    _written_since_the_order(registry)
    after, same = weigh_held(registry, entry_id)
    assert same is store
    assert len(docket_reads) == 1
    afresh, fresh = _read_afresh(registry, entry_id)
    assert after == afresh
    assert set(after) == {"ve-002", "ve-003"}  # ve-001 is no longer Venezuelan
    for name in TABLE_NAMES:
        assert _rows(store, f"SELECT * FROM {name}_all") == _rows(
            fresh, f"SELECT * FROM {name}_all"
        ), name
    _, held = compute._held[store]
    assert held  # the statuses under the law before, held for the request
    for table in held.values():
        _rules, everyone = coded_statement(table.ctx)
        assert _rows(store, f"SELECT * FROM {table.name}") == _rows(fresh, everyone)


def test_the_held_statuses_follow_the_facts_written(
    registry: Registry, docket_reads: list[int]
) -> None:
    """sv-001's withholding of removal as to El Salvador, recorded after the docket was
    held, bars their placement at CECOT: the held statuses say so."""
    _, entry_id = departed_and_ordered(registry)
    _, store = weigh_held(registry, entry_id)
    (table,) = compute._held[store][1].values()

    def outcome(person_id: str) -> str:
        (row,) = store.con.execute(
            f"SELECT outcome FROM {table.name} WHERE person_id = ?", [person_id]
        ).fetchall()
        return OUTCOMES[int(row[0])]

    assert outcome("sv-001") != "ineligible"
    _written_since_the_order(registry)
    weigh_held(registry, entry_id)
    assert outcome("sv-001") == "ineligible"
    assert len(docket_reads) == 1


def test_a_docket_read_from_a_history_the_registry_no_longer_has_is_read_again(
    registry: Registry, docket_reads: list[int]
) -> None:
    """The audit entry the docket was read with differs now (a registry restored, or made
    again under the same name): the versions written since say nothing, so read it all."""
    _, entry_id = departed_and_ordered(registry)
    _, store = weigh_held(registry, entry_id)
    ((key, held),) = [(k, h) for k, h in warm._held.items() if h.store is store]
    assert held.audit is not None
    warm._held[key] = dataclasses.replace(held, audit=(held.audit[0], "0" * 64))
    load(registry, [venezuelan(3)], now=at(15, 21))
    after, fresh = weigh_held(registry, entry_id)
    assert fresh is not store
    assert len(docket_reads) == 2
    assert after == _read_afresh(registry, entry_id)[0]


def test_more_persons_written_than_a_refresh_is_worth_are_read_in_full(
    registry: Registry, docket_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm, "REFRESH_AT_MOST", 0)
    monkeypatch.setattr(warm, "REFRESH_SHARE", 0.0)
    _, entry_id = departed_and_ordered(registry)
    _, store = weigh_held(registry, entry_id)
    load(registry, [venezuelan(3)], now=at(15, 21))
    after, fresh = weigh_held(registry, entry_id)
    assert fresh is not store
    assert len(docket_reads) == 2
    assert after["ve-003"][1] == "ineligible"


def test_bringing_a_docket_up_to_date_waits_for_the_impacts_reading_it() -> None:
    """An impact never sees some persons' facts replaced and not others: the refresh waits
    for the impacts reading the store, and impacts arriving meanwhile wait for it."""
    guard = warm._Guard()
    guard.acquire_read()  # an impact weighing on the store
    writing, written = threading.Event(), threading.Event()
    release = threading.Event()

    def refresh() -> None:
        with guard.writing():
            writing.set()
            release.wait(10)
        written.set()

    thread = threading.Thread(target=refresh)
    thread.start()
    assert not writing.wait(0.3)  # held off while the impact reads
    guard.release_read()
    assert writing.wait(10)
    arrived = threading.Event()

    def late_impact() -> None:
        guard.acquire_read()
        arrived.set()
        guard.release_read()

    late = threading.Thread(target=late_impact)
    late.start()
    assert not arrived.wait(0.3)  # an impact arriving during the refresh waits for it
    release.set()
    assert written.wait(10)
    assert arrived.wait(10)
    thread.join(10)
    late.join(10)


def test_an_impact_weighing_on_the_held_docket_is_not_refreshed_under_it(
    registry: Registry, docket_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A legal reviewer's impact is weighing on the held docket when an import lands and a
    second impact starts: the second waits to bring the docket up to date until the first
    is done, so the first sees one docket throughout."""
    _, entry_id = departed_and_ordered(registry)
    _, store = weigh_held(registry, entry_id)
    (held,) = [h for h in warm._held.values() if h.store is store]

    def persons() -> int:
        cursor = store.con.cursor()
        try:
            return int(cursor.execute("SELECT count(*) FROM persons_all").fetchall()[0][0])
        finally:
            cursor.close()

    inside, leave, replacing = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []
    replace = warm.replace_persons

    def noted(*args: Any, **kwargs: Any) -> None:
        replacing.set()
        replace(*args, **kwargs)

    monkeypatch.setattr(warm, "replace_persons", noted)

    def first_impact() -> None:
        with read_session(registry.engine) as session, warm.held_docket(session):
            seen.append(persons())
            inside.set()
            leave.wait(30)
            seen.append(persons())

    first = threading.Thread(target=first_impact)
    first.start()
    assert inside.wait(30)
    load(registry, [venezuelan(3)], now=at(15, 21))
    answers: list[Moved] = []
    second = threading.Thread(target=lambda: answers.append(weigh_held(registry, entry_id)[0]))
    second.start()
    for _ in range(600):  # until the refresh waits for the first impact (or, wrongly, ends)
        if held.guard._writing or not second.is_alive():
            break
        second.join(0.05)
    assert held.guard._writing  # the refresh has begun
    assert not replacing.wait(2)  # and waits: the first impact still reads
    assert seen == [seen[0]]
    leave.set()
    first.join(30)
    second.join(60)
    assert seen[0] == seen[1]  # one docket throughout the first impact
    assert persons() == seen[0] + 1  # then ve-003's rows were put in
    assert answers[0]["ve-003"][1] == "ineligible"
    assert len(docket_reads) == 1
