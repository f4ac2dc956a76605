"""The registry's docket is held between impacts (impact/warm.py).

A legal reviewer paging through an impact, sorting it and downloading it weighs the same
change again each time: the registry's docket is read once, not per page. A fact written
since is in the next answer (its person's rows are replaced in the held docket); a law
entry made since is weighed on the held docket (law entries are not facts). On SQLite and
PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

from accord.db import make_engine, read_session
from accord.impact import warm
from operations.people import at, load, salvadoran, venezuelan
from registry.conftest import _migrated_sqlite_file

from .conftest import Registry
from .flight import departed_and_ordered, enter_order
from .held import weigh_held
from .orders import bar_for_nationality


def test_an_unchanged_registry_is_read_once(registry: Registry, docket_reads: list[int]) -> None:
    _, entry_id = departed_and_ordered(registry)
    first, store = weigh_held(registry, entry_id)
    assert first == {
        "ve-001": ("undetermined", "ineligible"),
        "ve-002": ("undetermined", "ineligible"),
    }
    again, same = weigh_held(registry, entry_id)
    assert again == first
    assert same is store
    assert len(docket_reads) == 1


def test_a_fact_written_since_is_in_the_next_answer(
    registry: Registry, docket_reads: list[int]
) -> None:
    _, entry_id = departed_and_ordered(registry)
    first, store = weigh_held(registry, entry_id)
    assert "ve-003" not in first
    load(registry, [venezuelan(3)], now=at(15, 21))  # a Venezuelan recorded after the order
    after, same = weigh_held(registry, entry_id)
    assert after["ve-003"][1] == "ineligible"  # in the class: barred
    assert set(after) == {*first, "ve-003"}
    # the person written since is put in the held docket: everyone is not read again
    # (test_warm_refresh.py holds the refreshed docket equal to the registry read again)
    assert same is store
    assert len(docket_reads) == 1


def test_a_law_entry_made_since_is_weighed_on_the_held_docket(
    registry: Registry, docket_reads: list[int]
) -> None:
    _, entry_id = departed_and_ordered(registry)
    load(registry, [salvadoran(2)], now=at(15, 21))
    _, store = weigh_held(registry, entry_id)
    order = bar_for_nationality("SV", order_id="bar-sv", entered="2025-03-15")
    second = enter_order(registry, order, "bar-sv.pdf", at(15, 22))
    moved, same = weigh_held(registry, second)
    # the Salvadorans are the ones the new order bars; the docket was not read again
    assert set(moved) == {"sv-001", "sv-002"}
    assert all(after == "ineligible" for _, after in moved.values())
    assert same is store
    assert len(docket_reads) == 1


def test_the_read_locks_of_registries_no_longer_held_are_dropped(tmp_path: Path) -> None:
    """One read lock per registry weighed, kept only while its docket is held: a process
    weighing changes on registry after registry does not keep a lock for each."""
    for n in range(warm.HELD_REGISTRIES + 3):
        shutil.copyfile(_migrated_sqlite_file(), tmp_path / f"{n}.db")
        engine = make_engine(f"sqlite:///{tmp_path / f'{n}.db'}")
        with read_session(engine) as session, warm.held_docket(session):
            pass
        engine.dispose()
    assert len(warm._held) <= warm.HELD_REGISTRIES
    assert set(warm._reading) <= set(warm._held)
    last = f"sqlite:///{tmp_path / f'{warm.HELD_REGISTRIES + 2}.db'}"
    assert last in warm._reading  # the registry held last keeps its lock
