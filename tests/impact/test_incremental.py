"""Incremental re-decision equals deciding everyone again (issue 20, section 1).

On a synthetic docket, for several changes of law (a new order barring removal to SV for
one nationality, a stay pending appeal of a bundled notice order, a vacatur of a bundled
order barring removal), the statuses and outcomes under `after` computed the incremental
way (only the persons the change can touch decided again) are identical to those of the
engine's own screen of everyone under `after`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pyarrow.compute as pc
import pytest

from accord.engine import DecisionRequest, FactStore
from accord.engine.screen import screen_table
from accord.impact.change import Change, in_force_from, of_candidate
from accord.impact.compute import request_impact, statuses_after
from accord.law.law_set import bundled_law
from accord.synthetic import synthetic_docket

from .orders import bar_for_nationality, stay, vacatur

DAY = dt.date(2026, 4, 1)
PERSONS = 20_000
CECOT = DecisionRequest.build(
    agreement="sv-2025-offer",
    pathway="custody_placement",
    destination="SV",
    facility="CECOT",
    as_of=DAY,
)


@pytest.fixture(scope="module")
def store() -> Iterator[FactStore]:
    facts = FactStore.from_tables(synthetic_docket(PERSONS, seed=7, as_of=dt.date(2026, 1, 15)))
    yield facts
    facts.close()


CHANGES = {
    "bar-ve-to-sv": lambda: of_candidate(
        bundled_law(), kind="court_order", subject=None, body=bar_for_nationality(), day=DAY
    ),
    "stay-dvd": lambda: of_candidate(
        bundled_law(),
        kind="court_order_event",
        subject="dvd-v-dhs",
        body=stay("2026-03-25"),
        day=DAY,
    ),
    "vacate-jop": lambda: of_candidate(
        bundled_law(),
        kind="court_order_event",
        subject="jop-v-dhs",
        body=vacatur("2026-03-30"),
        day=DAY,
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_incremental_equals_everyone_decided_again(store: FactStore, name: str) -> None:
    change: Change = CHANGES[name]()
    incremental = statuses_after(store, change, CECOT)
    everyone = screen_table(store=store, request=dataclasses.replace(CECOT, law=change.after))
    assert incremental.num_rows == PERSONS
    assert incremental.column_names == everyone.column_names
    assert incremental.equals(everyone)
    impact = request_impact(store, change, CECOT)
    # only the class was decided again, and the change did change something
    assert 0 < impact.redecided < PERSONS
    before = screen_table(store=store, request=dataclasses.replace(CECOT, law=change.before))
    differ = pc.not_equal(before.column("outcome"), everyone.column("outcome"))
    changed = {p.person_id for p in impact.changes}
    assert changed == set(before.column("person_id").filter(differ).to_pylist())
    assert impact.member_ids(sorted(changed)) == changed


def test_the_new_order_bars_venezuelans_with_the_rule_that_reads_it(store: FactStore) -> None:
    impact = request_impact(store, CHANGES["bar-ve-to-sv"](), CECOT)
    assert impact.changes, "a bar on Venezuelans to SV changes someone's outcome"
    for person in impact.changes:
        assert person.after == "ineligible"
        assert [r.rule for r in person.rules] == ["no_class_order_bar"]
        assert (person.rules[0].before, person.rules[0].after) != ("fail", "fail")
    nationals = store.con.execute(
        "SELECT count(DISTINCT person_id) FROM nationalities_all WHERE country = 'VE'"
    ).fetchall()[0][0]
    unknown = store.con.execute(
        "SELECT count(*) FROM persons_all WHERE NOT nationalities_known"
    ).fetchall()[0][0]
    assert impact.redecided == nationals + unknown  # the class: VE, or nationality not known


def test_an_order_standing_as_before_touches_no_one(store: FactStore) -> None:
    # jop-v-dhs is in force on DAY: "in force from" that day changes nothing, and says so
    change = in_force_from(bundled_law(), order_id="jop-v-dhs", from_day=DAY)
    assert change.note is not None
    assert "already" in change.note
    impact = request_impact(store, change, CECOT)
    assert (impact.redecided, impact.changes) == (0, ())
    assert impact.basis.startswith("no one")


def test_a_change_for_another_destination_touches_no_one(store: FactStore) -> None:
    change = of_candidate(
        bundled_law(),
        kind="court_order",
        subject=None,
        body=bar_for_nationality(to="HN", order_id="hn-only"),
        day=DAY,
    )
    impact = request_impact(store, change, CECOT)
    assert impact.redecided > 0  # the class is decided again ...
    assert impact.changes == ()  # ... and a bar to Honduras changes no decision to SV


def test_a_parameter_value_decides_everyone_again_and_says_so(store: FactStore) -> None:
    body = {"effective_from": "2026-03-01", "value": 21, "source": "test: age of majority 21"}
    change = of_candidate(
        bundled_law(), kind="parameter_value", subject="adult_age_years", body=body, day=DAY
    )
    impact = request_impact(store, change, CECOT)
    assert impact.redecided == PERSONS
    assert impact.basis.startswith("everyone")
    before = screen_table(store=store, request=dataclasses.replace(CECOT, law=change.before))
    after = screen_table(store=store, request=dataclasses.replace(CECOT, law=change.after))
    differ = pc.not_equal(before.column("outcome"), after.column("outcome"))
    changed = {p.person_id for p in impact.changes}
    assert changed == set(before.column("person_id").filter(differ).to_pylist())
    assert {r.rule for p in impact.changes for r in p.rules} == {"adult"}
