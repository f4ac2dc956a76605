"""A court order acts on the day it comes into force, whenever it was entered (issue 20).

Fictional people and a fictional order: "V.E. v. Test", a temporary restraining order that
halts the removal of Venezuelan nationals and orders planes in the air to return, dated
15 March 2025 (the real J.G.G. order of that evening barred removal under the Alien
Enemies Act only: law/data/court_orders/jgg-v-trump.yaml).

1. Entered on 14 March, in force from 15 March: nothing happens on the 14th. A flight that
   took off at 23:00 on the 14th is in the air at midnight; when it lands on the 15th, the
   handover acts first: the Venezuelan aboard gets an incident and a return case, and the
   mission planned for the 15th is held; its boarding check strikes its Venezuelan.
2. Nobody moves a case on the 15th: reconcile fails, naming the order, its effective day
   and how many cases wait, until `accord law act-due` runs; running it twice opens
   nothing twice.
3. Entered late, on 20 March: a Venezuelan who departed on the 15th and was handed over on
   the 16th gets an incident and a return case at once; one handed over on the 14th, before
   the order, and a Salvadoran, outside its class, do not. Entered after it expired, it
   still reaches a person who departed while it was in force.
4. Two processes running the due acts at once (two PostgreSQL sessions) open one incident.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from accord.db import read_session, verify_chain, write_session
from accord.law_entries import enter_law
from accord.operations import law_change
from accord.operations.care import assign_liaison
from accord.operations.handover import confirm_handover, list_incidents
from accord.operations.law_due import act_on_due_law
from accord.operations.missions import add_to_mission, create_mission, depart_mission
from accord.operations.models import LawEntryAct, OperationsEvent, ReturnCase, TransferCase
from accord.operations.reconcile import reconcile
from accord.operations.states import CaseState

from .conftest import Registry
from .people import (
    CECOT,
    at,
    audit_actions,
    load,
    ready_for_cecot,
    run_cli,
    salvadoran,
    venezuelan,
)

ORDER = "ve-v-test"
DOCUMENT = b"%PDF-1.4 fictional temporary restraining order dated 2025-03-15"


def tro_of_15_march() -> dict[str, Any]:
    return {
        "id": ORDER,
        "title": "V.E. v. Test (removal of Venezuelan nationals)",
        "court": "D.D.C.",
        "docket": "No. 1:25-cv-99999",
        "class": {
            "definition": "All Venezuelan nationals in U.S. custody (fictional class)",
            "source": "Temporary restraining order of 2025-03-15 (fictional)",
            "predicate": {"nationality_in": ["VE"]},
        },
        "events": [
            {
                "date": "2025-03-15",
                "kind": "entered",
                "what": "temporary restraining order: halt removals, return planes in the air",
                "expires_on": "2025-03-29",
                "effect": {"kind": "bar_removal"},
                "source": "Temporary restraining order of 2025-03-15 (fictional)",
            }
        ],
    }


def enter_the_order(registry: Registry, now: dt.datetime) -> int:
    """Lena, a legal reviewer, enters the order with its document at `now`."""
    with write_session(registry.engine) as s:
        return enter_law(
            s,
            actor=registry.users["lena"],
            kind="court_order",
            subject=ORDER,
            body=tro_of_15_march(),
            document=DOCUMENT,
            document_name="tro-2025-03-15.pdf",
            media_type="application/pdf",
            now=now,
        ).id


def ready(registry: Registry, people: list[dict[str, Any]]) -> dict[str, int]:
    """Loaded on 10 March, nominated on the 11th, approved and noticed on the 12th."""
    load(registry, people, at(10))
    with write_session(registry.engine) as s:
        ids = ready_for_cecot(
            s, registry, people, nominated=at(11), approved=at(12), noticed=at(12, 15)
        )
        assign_liaison(
            s, actor=registry.users["root"], user_name="liam", facility_id="CECOT", now=at(12, 16)
        )
    return ids


def plan(
    registry: Registry, number: str, case_ids: list[int], departure: dt.datetime, hour: int = 9
) -> None:
    """Olivia plans the mission on 13 March at `hour` and puts the cases on its manifest."""
    olivia = registry.users["olivia"]
    with write_session(registry.engine) as s:
        create_mission(
            s,
            actor=olivia,
            mission_number=number,
            carrier="GlobalX",
            planned_departure=departure,
            seats=10,
            legs=[("Harlingen TX", "Comalapa SAL")],
            now=at(13, hour),
            **CECOT,
        )
        add_to_mission(
            s, actor=olivia, mission_number=number, case_ids=case_ids, now=at(13, hour, 30)
        )


def depart(registry: Registry, number: str, departed_at: dt.datetime) -> Any:
    with write_session(registry.engine) as s:
        return depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number=number,
            departed_at=departed_at,
            now=departed_at + dt.timedelta(minutes=5),
        )


def hand_over(registry: Registry, number: str, people: list[str], when: dt.datetime) -> None:
    with write_session(registry.engine) as s:
        confirm_handover(
            s,
            actor=registry.users["liam"],
            mission_number=number,
            person_ids=people,
            occurred_at=when,
            now=when + dt.timedelta(minutes=5),
            commit=False,
        )


def incidents(registry: Registry) -> list[tuple[str, str]]:
    """The open incidents: kind and person."""
    with read_session(registry.engine) as s:
        return [(i.kind, str(i.person_id)) for i, r in list_incidents(s) if r is None]


def returns(registry: Registry) -> list[str]:
    with read_session(registry.engine) as s:
        return list(s.scalars(select(ReturnCase.person_id).order_by(ReturnCase.id)))


def violations(registry: Registry, now: dt.datetime) -> list[tuple[str, str]]:
    with read_session(registry.engine) as s:
        return [(v.code, v.message) for v in reconcile(s, now=now).violations]


def test_entered_on_the_14th_it_acts_on_the_15th_at_the_handover(registry: Registry) -> None:
    ids = ready(registry, [venezuelan(1), venezuelan(2), salvadoran(1)])
    plan(registry, "GST-1", [ids["ve-001"]], at(14, 23))
    plan(registry, "GST-2", [ids["ve-002"], ids["sv-001"]], at(15, 18), hour=10)

    # 14 March, 16:00: the order is entered; it is not in force yet, and nothing happens
    entry = enter_the_order(registry, at(14, 16))
    assert incidents(registry) == []
    with read_session(registry.engine) as s:
        assert (
            s.scalars(
                select(OperationsEvent).where(OperationsEvent.kind == "court_order_hold")
            ).all()
            == []
        )
        assert s.get(LawEntryAct, entry) is None
        assert reconcile(s, now=at(14, 20)).clean

    # 14 March, 23:00: GST-1 takes off with ve-001; on the 14th no order bars it
    assert depart(registry, "GST-1", at(14, 23)).departed
    assert incidents(registry) == []

    # 15 March, 00:30: the order is in force and has not acted: reconcile says so
    found = violations(registry, at(15, 0, 30))
    assert [c for c, _ in found] == ["court_order_not_acted"]
    assert f"court order {ORDER} (law entry {entry}" in found[0][1]
    assert "took effect on 2025-03-15" in found[0][1]
    assert "3 case(s) waiting" in found[0][1]  # ve-001 in the air; ve-002, sv-001 planned

    # 15 March, 01:30: GST-1 lands and the liaison hands ve-001 over; the due acts run first:
    # ve-001 was in the air when the order took effect
    hand_over(registry, "GST-1", ["ve-001"], at(15, 1, 30))
    assert incidents(registry) == [("court_order_in_transit", "ve-001")]
    assert returns(registry) == ["ve-001"]
    with read_session(registry.engine) as s:
        assert s.get(TransferCase, ids["ve-001"]).state == CaseState.IN_CUSTODY
        acted = s.get(LawEntryAct, entry)
        assert acted is not None
        assert acted.effective_on == dt.date(2025, 3, 15)
        hold = s.scalars(
            select(OperationsEvent).where(OperationsEvent.kind == law_change.HOLD)
        ).one()
        assert hold.details["persons"] == ["ve-002"]  # the Salvadoran is not in the class
    assert audit_actions(registry, "operations.law_due") == ["operations.law_due"]
    assert sorted(c for c, _ in violations(registry, at(15, 2))) == [
        "court_order_return_open",
        "unresolved_incident",
    ]

    # 15 March, 18:00: GST-2's boarding check, as of the 15th, strikes ve-002 under the order
    refused = depart(registry, "GST-2", at(15, 18))
    assert not refused.departed
    assert [p.person_id for p in refused.struck] == ["ve-002"]
    assert [r["rule"] for r in refused.struck[0].failed] == ["no_class_order_bar"]
    again = depart(registry, "GST-2", at(15, 18, 10))
    assert again.departed
    assert again.cleared == 1

    # the due acts again: nothing is due, nothing is opened twice
    with write_session(registry.engine) as s:
        assert act_on_due_law(s, actor=registry.users["olivia"], at=at(15, 19)) == []
    assert incidents(registry) == [("court_order_in_transit", "ve-001")]
    assert returns(registry) == ["ve-001"]
    with read_session(registry.engine) as s:
        assert verify_chain(s).intact


def test_reconcile_fails_until_act_due_runs(registry: Registry) -> None:
    """No operation moves a case on the 15th: ve-003 is still in the air. Reconcile names the
    order until the due acts run; then it reports the open incident and return case, as for
    an order entered while they were in the air."""
    ids = ready(registry, [venezuelan(3)])
    plan(registry, "GST-3", [ids["ve-003"]], at(14, 23))
    entry = enter_the_order(registry, at(14, 16))
    assert depart(registry, "GST-3", at(14, 23)).departed

    found = violations(registry, at(15, 6))
    assert len(found) == 1
    code, message = found[0]
    assert code == "court_order_not_acted"
    assert f"law entry {entry}" in message
    assert "took effect on 2025-03-15" in message
    assert "1 case(s) waiting" in message

    with write_session(registry.engine) as s:
        acts = act_on_due_law(s, actor=registry.users["olivia"], at=at(15, 6, 5))
    assert [(a.law_entry, a.order, a.day) for a in acts] == [(entry, ORDER, dt.date(2025, 3, 15))]
    assert len(acts[0].incidents) == len(acts[0].return_cases) == 1
    assert incidents(registry) == [("court_order_in_transit", "ve-003")]
    assert returns(registry) == ["ve-003"]
    with read_session(registry.engine) as s:
        incident = list_incidents(s)[0][0]
        assert "is in the air on mission GST-3" in incident.description
    assert sorted(c for c, _ in violations(registry, at(15, 6, 10))) == [
        "court_order_return_open",
        "unresolved_incident",
    ]
    with write_session(registry.engine) as s:
        assert act_on_due_law(s, actor=registry.users["olivia"], at=at(15, 7)) == []
    assert incidents(registry) == [("court_order_in_transit", "ve-003")]
    # what has acted stays acted: the record of it is append-only
    for statement in (
        "UPDATE law_entry_acts SET acted_at = acted_at",
        "DELETE FROM law_entry_acts",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            registry.sql(statement)


def test_a_late_entry_reaches_persons_handed_over_since(registry: Registry) -> None:
    """ve-004 departed on 15 March and was handed over on the 16th; ve-005 departed and was
    handed over on the 14th, before the order; sv-002 flew with ve-004; ve-008 is on GST-8,
    planned for the 21st. The order dated the 15th is entered on the 20th: ve-004 gets an
    incident and a return case at once, and GST-8 is held once."""
    ids = ready(registry, [venezuelan(4), venezuelan(5), salvadoran(2), venezuelan(8)])
    plan(registry, "GST-4", [ids["ve-005"]], at(14, 8))
    plan(registry, "GST-5", [ids["ve-004"], ids["sv-002"]], at(15, 18), hour=10)
    plan(registry, "GST-8", [ids["ve-008"]], at(21, 18), hour=11)
    assert depart(registry, "GST-4", at(14, 8)).departed
    hand_over(registry, "GST-4", ["ve-005"], at(14, 12))
    assert depart(registry, "GST-5", at(15, 18)).departed  # the order is not entered yet
    hand_over(registry, "GST-5", ["ve-004", "sv-002"], at(16, 2))
    assert violations(registry, at(19)) == []

    entry = enter_the_order(registry, at(20, 10))
    assert incidents(registry) == [("court_order_in_transit", "ve-004")]
    assert returns(registry) == ["ve-004"]
    with read_session(registry.engine) as s:
        incident = list_incidents(s)[0][0]
        assert "departed on mission GST-5 on 2025-03-15" in incident.description
        assert "handed over at CECOT on 2025-03-16" in incident.description
        assert f"law entry {entry}" in incident.description
        assert s.get(LawEntryAct, entry) is not None  # acted as of the 15th at its entry
        holds = s.scalars(select(OperationsEvent).where(OperationsEvent.kind == law_change.HOLD))
        assert [h.details["persons"] for h in holds] == [["ve-008"]]
        states = {p: s.get(TransferCase, i).state for p, i in ids.items()}
    assert states == {**dict.fromkeys(ids, CaseState.IN_CUSTODY), "ve-008": CaseState.MANIFESTED}
    assert audit_actions(registry, "operations.law_") == [
        "operations.law_change",
        "operations.law_due",
    ]
    found = violations(registry, at(20, 11))
    assert sorted(c for c, _ in found) == ["court_order_return_open", "unresolved_incident"]
    assert all("ve-004" in m for _, m in found)
    with write_session(registry.engine) as s:
        assert act_on_due_law(s, actor=registry.users["olivia"], at=at(20, 12)) == []
    assert returns(registry) == ["ve-004"]


def test_a_late_entry_of_an_order_since_expired_reaches_who_it_bound(
    registry: Registry,
) -> None:
    """The order of the 15th expired on 29 March; it is entered on 2 April. ve-009 departed
    on the 16th, while it was in force: decided as of that day, he gets an incident and a
    return case (`not_in_class` would be checked as of the 16th, not the 2nd of April)."""
    ids = ready(registry, [venezuelan(9)])
    plan(registry, "GST-9", [ids["ve-009"]], at(16, 8))
    assert depart(registry, "GST-9", at(16, 8)).departed
    hand_over(registry, "GST-9", ["ve-009"], at(16, 14))

    with write_session(registry.engine) as s:
        entry = enter_law(
            s,
            actor=registry.users["lena"],
            kind="court_order",
            subject=ORDER,
            body=tro_of_15_march(),
            document=DOCUMENT,
            document_name="tro-2025-03-15.pdf",
            now=dt.datetime(2025, 4, 2, 10, tzinfo=dt.UTC),
        ).id
    assert incidents(registry) == [("court_order_in_transit", "ve-009")]
    assert returns(registry) == ["ve-009"]
    with read_session(registry.engine) as s:
        acted = s.scalars(
            select(OperationsEvent).where(OperationsEvent.kind == law_change.ACTED)
        ).one()
        assert acted.details["as_of"] == "2025-03-16"
        assert acted.details["law_entry"] == entry


def test_act_due_from_the_command_line(registry: Registry) -> None:
    """`accord law act-due`, as a scheduler runs it (the clock's today, after the 15th)."""
    ids = ready(registry, [venezuelan(6)])
    plan(registry, "GST-6", [ids["ve-006"]], at(14, 23))
    entry = enter_the_order(registry, at(14, 16))
    assert depart(registry, "GST-6", at(14, 23)).departed

    first = run_cli(registry, "law", "act-due", as_user="lena")
    assert first.returncode == 0, first.stderr
    assert f"law entry {entry} ({ORDER}, in effect from 2025-03-15)" in first.stdout
    assert "1 incident(s), 1 return case(s)" in first.stdout
    second = run_cli(registry, "law", "act-due", as_user="lena")
    assert second.returncode == 0, second.stderr
    assert "no court order in force is waiting to act" in second.stdout
    assert incidents(registry) == [("court_order_in_transit", "ve-006")]
    refused = run_cli(registry, "law", "act-due", as_user="mona")  # a monitor acts on nothing
    assert refused.returncode != 0


@pytest.mark.parametrize("registry", ["postgresql"], indirect=True)  # SQLite has one writer
def test_two_processes_acting_at_once_open_one_incident(registry: Registry) -> None:
    """Two PostgreSQL sessions run the due acts at once: the second waits for the writer
    lock, then finds the entry acted: one incident, one return case."""
    ids = ready(registry, [venezuelan(7)])
    plan(registry, "GST-7", [ids["ve-007"]], at(14, 23))
    enter_the_order(registry, at(14, 16))
    assert depart(registry, "GST-7", at(14, 23)).departed

    olivia, lena = registry.users["olivia"], registry.users["lena"]
    second: list[Any] = []

    def the_other_process() -> None:
        with write_session(registry.engine) as other:
            second.append(act_on_due_law(other, actor=lena, at=at(15, 6, 1)))

    with write_session(registry.engine) as s:
        first = act_on_due_law(s, actor=olivia, at=at(15, 6))
        other = threading.Thread(target=the_other_process)
        other.start()
        # the other session waits for the writer lock this one holds (not a timing check:
        # the wait is what the test sets up, and the outcome is the same if it comes late)
        waiting = 0
        with registry.engine.connect() as watch:
            for _ in range(600):
                waiting = watch.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    )
                ).scalar_one()
                if waiting:
                    break
                time.sleep(0.05)
        assert waiting == 1  # the other process is waiting for this one's lock
    other.join()
    assert [len(acts.incidents) for acts in first] == [1]
    assert second == [[]]
    assert incidents(registry) == [("court_order_in_transit", "ve-007")]
    assert returns(registry) == ["ve-007"]
    with read_session(registry.engine) as s:
        assert len(s.scalars(select(LawEntryAct)).all()) == 1
