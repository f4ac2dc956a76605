"""After the handover: court-ordered returns tracked until back in U.S. custody, and consular
notification (Vienna Convention art. 36), through the service functions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from accord.auth import add_user
from accord.db import read_session, verify_chain, write_session
from accord.errors import (
    IllegalTransition,
    InputError,
    OutsideFacilityScope,
    UnknownOperationsRecord,
    UnknownPerson,
)
from accord.operations.care import (
    complete_consular_task,
    list_consular_tasks,
    open_return,
    return_status,
    update_return,
)
from accord.operations.custody import census_count
from accord.operations.models import OperationsEvent, TransferCase
from accord.operations.reconcile import reconcile
from accord.operations.states import CaseState, ReturnStatus

from .conftest import Registry
from .people import at, audit_actions, audit_changes, in_custody, load, snapshot, venezuelan


def test_court_ordered_return_tracks_the_person_back_to_us_custody(registry: Registry) -> None:
    ids = in_custody(registry)
    lena, olivia = registry.users["lena"], registry.users["olivia"]
    with write_session(registry.engine) as s:
        opened = open_return(
            s,
            actor=lena,
            person_id="ve-001",
            court="U.S. District Court for the District of Maryland",
            order_reference="8:25-cv-00951 (facilitate return)",
            ordered_on=dt.date(2025, 3, 20),
            now=at(20),
        )
        return_id = opened.id
        assert opened.case_id == ids["ve-001"]  # linked to the transfer that took him there
        assert return_status(s, return_id) == ReturnStatus.OPEN
    assert [c["subject"] for c in audit_changes(registry, "operations.return_opened")] == [
        "person:ve-001"
    ]

    steps = [
        (ReturnStatus.DIPLOMATIC_REQUEST_MADE, 21),
        (ReturnStatus.IN_TRANSIT, 24),
    ]
    for status, day in steps:
        with write_session(registry.engine) as s:
            update_return(
                s,
                actor=olivia,
                return_id=return_id,
                status=status,
                occurred_on=dt.date(2025, 3, day),
                note=f"step of {day} March",
                now=at(day),
            )
            assert return_status(s, return_id) == status
            assert s.get(TransferCase, ids["ve-001"]).state == CaseState.IN_CUSTODY  # still held

    before = snapshot(registry)
    refused = [
        (ReturnStatus.DIPLOMATIC_REQUEST_MADE, "is in_transit: cannot move to diplomatic"),
        (ReturnStatus.IN_TRANSIT, "is in_transit: cannot move to in_transit"),
        (ReturnStatus.OPEN, "cannot move to open"),
    ]
    for status, message in refused:
        with write_session(registry.engine) as s, pytest.raises(IllegalTransition, match=message):
            update_return(
                s,
                actor=olivia,
                return_id=return_id,
                status=status,
                occurred_on=dt.date(2025, 3, 24),
                now=at(24, 13),
            )
    with write_session(registry.engine) as s, pytest.raises(InputError, match="future"):
        update_return(  # a return is recorded once it happened, not ahead of it
            s,
            actor=olivia,
            return_id=return_id,
            status=ReturnStatus.BACK_IN_US_CUSTODY,
            occurred_on=dt.date(2025, 3, 30),
            now=at(24, 13),
        )
    assert snapshot(registry) == before

    with write_session(registry.engine) as s:
        update_return(
            s,
            actor=olivia,
            return_id=return_id,
            status=ReturnStatus.BACK_IN_US_CUSTODY,
            occurred_on=dt.date(2025, 3, 25),
            note="received by ICE at Dulles",
            now=at(26),
        )
    with read_session(registry.engine) as s:
        case = s.get(TransferCase, ids["ve-001"])
        assert case is not None
        assert case.state == CaseState.RETURNED
        ended = s.scalars(
            select(OperationsEvent).where(
                OperationsEvent.case_id == case.id, OperationsEvent.kind == "returned"
            )
        ).one()
        assert ended.reason_code == "court_ordered_return"
        assert ended.occurred_at == dt.datetime(2025, 3, 25, 12, tzinfo=dt.UTC)
        assert ended.details == {"note": f"return case {return_id}"}
        # held until the return day, no longer after it
        assert census_count(s, facility_id="CECOT", day=dt.date(2025, 3, 24)) == 3
        assert census_count(s, facility_id="CECOT", day=dt.date(2025, 3, 25)) == 2
        report = reconcile(s, now=at(26, 13))
        assert verify_chain(s).intact
    assert report.clean, report.violations
    updates = audit_changes(registry, "operations.return_update")
    assert [(u["actor"], u["status"]) for u in updates] == [
        ("olivia", "diplomatic_request_made"),
        ("olivia", "in_transit"),
        ("olivia", "back_in_us_custody"),
    ]

    with (
        write_session(registry.engine) as s,
        pytest.raises(IllegalTransition, match="is back_in_us_custody"),
    ):
        update_return(
            s,
            actor=olivia,
            return_id=return_id,
            status=ReturnStatus.BACK_IN_US_CUSTODY,
            occurred_on=dt.date(2025, 3, 26),
            now=at(26, 13),
        )
    with write_session(registry.engine) as s, pytest.raises(UnknownOperationsRecord, match="99"):
        update_return(
            s,
            actor=olivia,
            return_id=99,
            status=ReturnStatus.IN_TRANSIT,
            occurred_on=dt.date(2025, 3, 26),
            now=at(26, 13),
        )


def test_return_case_refusals_and_a_person_not_held_by_us(registry: Registry) -> None:
    load(registry, [venezuelan(9)], at(10))
    lena = registry.users["lena"]
    with write_session(registry.engine) as s, pytest.raises(UnknownPerson, match="nobody"):
        open_return(
            s,
            actor=lena,
            person_id="nobody",
            court="D. Md.",
            order_reference="1",
            ordered_on=dt.date(2025, 3, 20),
            now=at(20),
        )
    with write_session(registry.engine) as s, pytest.raises(InputError, match="court"):
        open_return(
            s,
            actor=lena,
            person_id="ve-009",
            court=" ",
            order_reference="1",
            ordered_on=dt.date(2025, 3, 20),
            now=at(20),
        )
    assert audit_actions(registry) == []
    with write_session(registry.engine) as s:
        opened = open_return(
            s,
            actor=lena,
            person_id="ve-009",
            court="D. Md.",
            order_reference="8:25-cv-1",
            ordered_on=dt.date(2025, 3, 20),
            now=at(20),
        )
        assert opened.case_id is None  # never transferred under a case of ours
        update_return(
            s,
            actor=lena,
            return_id=opened.id,
            status=ReturnStatus.BACK_IN_US_CUSTODY,
            occurred_on=dt.date(2025, 3, 21),
            now=at(21),
        )
        assert return_status(s, opened.id) == ReturnStatus.BACK_IN_US_CUSTODY
    assert audit_actions(registry) == ["operations.return_opened", "operations.return_update"]
    assert registry.sql("SELECT count(*) FROM operations_events")[0][0] == 0


def test_consular_tasks_for_non_nationals_only_completed_once(registry: Registry) -> None:
    ids = in_custody(registry)
    with read_session(registry.engine) as s:
        tasks = list_consular_tasks(s)
        assert {(t.person_id, t.country, t.facility_id) for t, _ in tasks} == {
            ("ve-001", "VE", "CECOT"),
            ("ve-002", "CO", "CECOT"),
            ("ve-002", "VE", "CECOT"),
        }  # none for sv-001, a national of El Salvador
        assert all(done is None for _, done in tasks)
    opened = audit_changes(registry, "operations.consular_task")
    assert sorted((c["subject"], c["country"]) for c in opened) == [
        (f"case:{ids['ve-001']}", "VE"),
        (f"case:{ids['ve-002']}", "CO"),
        (f"case:{ids['ve-002']}", "VE"),
    ]
    task = next(t for t, _ in tasks if t.person_id == "ve-001")

    with write_session(registry.engine) as s:
        lara = add_user(
            s, actor=registry.users["root"], name="lara", role="receiving_liaison", now=at(16, 5)
        )
    before = snapshot(registry)
    with write_session(registry.engine) as s, pytest.raises(OutsideFacilityScope, match="lara"):
        complete_consular_task(
            s, actor=lara, task_id=task.id, notified_on=dt.date(2025, 3, 17), now=at(17, 1)
        )
    with write_session(registry.engine) as s, pytest.raises(InputError, match="future"):
        complete_consular_task(
            s,
            actor=registry.users["liam"],
            task_id=task.id,
            notified_on=dt.date(2025, 3, 19),
            now=at(17, 1),
        )
    with write_session(registry.engine) as s, pytest.raises(UnknownOperationsRecord, match="99"):
        complete_consular_task(
            s,
            actor=registry.users["liam"],
            task_id=99,
            notified_on=dt.date(2025, 3, 17),
            now=at(17, 1),
        )
    assert snapshot(registry) == before

    with write_session(registry.engine) as s:
        done = complete_consular_task(
            s,
            actor=registry.users["liam"],
            task_id=task.id,
            notified_on=dt.date(2025, 3, 17),
            note="Consulate of Venezuela notified by diplomatic note",
            now=at(17, 2),
        )
        assert (done.task_id, done.notified_on) == (task.id, dt.date(2025, 3, 17))
    with read_session(registry.engine) as s:
        assert len(list_consular_tasks(s)) == 2
        everything = list_consular_tasks(s, open_only=False)
        assert [(t.id, d is not None) for t, d in everything if d is not None] == [(task.id, True)]
    notified = audit_changes(registry, "operations.consular_notified")
    assert [(n["actor"], n["person_id"], n["country"]) for n in notified] == [
        ("liam", "ve-001", "VE")
    ]

    before = snapshot(registry)
    with (
        write_session(registry.engine) as s,
        pytest.raises(IllegalTransition, match=f"consular task {task.id} is completed"),
    ):
        complete_consular_task(
            s,
            actor=registry.users["olivia"],
            task_id=task.id,
            notified_on=dt.date(2025, 3, 18),
            now=at(18),
        )
    assert snapshot(registry) == before
