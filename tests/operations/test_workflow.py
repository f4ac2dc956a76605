"""The transfer workflow through the service functions, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from accord.db import read_session, verify_chain, write_session
from accord.errors import (
    IllegalTransition,
    InputError,
    OutsideFacilityScope,
    RuleOfLawBlock,
    SeparationOfDuties,
)
from accord.operations.care import assign_liaison
from accord.operations.custody import census_count, end_custody, report_census
from accord.operations.handover import close_handover, confirm_handover, resolve_incident
from accord.operations.missions import add_to_mission, create_mission, depart_mission
from accord.operations.models import OperationsEvent, TransferCase
from accord.operations.reconcile import reconcile
from accord.operations.states import (
    ApproveReason,
    CaseState,
    CustodyEnd,
    CustodyEndReason,
    DenyReason,
    ResolutionReason,
)
from accord.operations.workflow import nominate, review, serve_notices
from accord.registry import record_list

from .conftest import Registry
from .people import at, load, protected_salvadoran, salvadoran, venezuelan

CECOT = {"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV"}


def _nominate(registry: Registry, person_id: str, now: dt.datetime) -> int:
    with write_session(registry.engine) as s:
        return nominate(
            s,
            actor=registry.users["olivia"],
            person_id=person_id,
            facility="CECOT",
            now=now,
            **CECOT,
        ).id


def _approve(registry: Registry, case_id: int, now: dt.datetime) -> None:
    with write_session(registry.engine) as s:
        review(
            s,
            actor=registry.users["lena"],
            case_id=case_id,
            approve=True,
            reason=ApproveReason.FACTS_VERIFIED,
            now=now,
        )


def _state(registry: Registry, case_id: int) -> str:
    with read_session(registry.engine) as s:
        case = s.get(TransferCase, case_id)
        assert case is not None
        return case.state


def _ready_mission(registry: Registry) -> dict[str, int]:
    """Two Venezuelans and two Salvadorans on mission GST-1; a withholding grant recorded
    for sv-002 after review, before departure."""
    load(registry, [venezuelan(1), venezuelan(2), salvadoran(1), salvadoran(2)], at(10))
    ids = {p: _nominate(registry, p, at(12)) for p in ("ve-001", "ve-002", "sv-001", "sv-002")}
    for case_id in ids.values():
        _approve(registry, case_id, at(13))
    assert _state(registry, ids["ve-001"]) == CaseState.APPROVED  # notice still owed
    assert _state(registry, ids["sv-001"]) == CaseState.READY  # nationals need none
    with write_session(registry.engine) as s:
        serve_notices(
            s,
            actor=registry.users["olivia"],
            case_ids=[ids["ve-001"], ids["ve-002"]],
            served_on=dt.date(2025, 3, 14),
            counsel=True,
            source_document="DHS notice of removal to El Salvador",
            now=at(14, 9),
        )
        create_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-1",
            carrier="GlobalX",
            facility="CECOT",
            planned_departure=at(15, 18),
            seats=10,
            legs=[("Harlingen TX", "San Salvador")],
            now=at(14, 10),
            **CECOT,
        )
        add_to_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-1",
            case_ids=list(ids.values()),
            now=at(14, 11),
        )
    with write_session(registry.engine) as s:
        record_list(
            s,
            actor=registry.users["lena"],
            person_id="sv-002",
            list_name="protections",
            items=protected_salvadoran(2)["protections"],
            source_document="EOIR order 2019-10-10",
            now=at(15, 10),
        )
        assign_liaison(
            s, actor=registry.users["root"], user_name="liam", facility_id="CECOT", now=at(15, 11)
        )
    return ids


def test_boarding_strikes_the_protected_and_a_second_depart_departs(registry: Registry) -> None:
    ids = _ready_mission(registry)
    with write_session(registry.engine) as s:
        first = depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-1",
            departed_at=at(15, 18),
            now=at(15, 18, 30),
        )
    assert not first.departed
    assert [x.person_id for x in first.struck] == ["sv-002"]
    assert [r["rule"] for r in first.struck[0].failed] == ["no_withholding"]
    assert "1231(b)(3)" in first.struck[0].reasons()
    assert _state(registry, ids["sv-002"]) == CaseState.STRUCK
    assert _state(registry, ids["ve-001"]) == CaseState.MANIFESTED
    with write_session(registry.engine) as s:
        second = depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-1",
            departed_at=at(15, 18),
            now=at(15, 18, 40),
        )
    assert second.departed
    assert second.cleared == 3
    with write_session(registry.engine) as s:
        confirm_handover(
            s,
            actor=registry.users["liam"],
            mission_number="GST-1",
            person_ids=["ve-001", "sv-001"],
            occurred_at=at(16, 2),
            now=at(16, 3),
        )
        closed = close_handover(
            s, actor=registry.users["liam"], mission_number="GST-1", now=at(16, 4)
        )
    assert (closed.departed, closed.received, closed.returned_on_board) == (3, 2, 0)
    assert len(closed.incidents) == 1
    with read_session(registry.engine) as s:
        report = reconcile(s, now=at(16, 5))
    assert [v.code for v in report.violations] == ["unresolved_incident"]
    assert "ve-002" in report.violations[0].message
    with write_session(registry.engine) as s:
        resolve_incident(
            s,
            actor=registry.users["liam"],
            incident_id=closed.incidents[0],
            reason=ResolutionReason.RECEIVED_LATE,
            note="found in intake block B",
            occurred_at=at(16, 6),
            now=at(16, 7),
        )
        report_census(
            s,
            actor=registry.users["liam"],
            facility_id="CECOT",
            day=dt.date(2025, 3, 16),
            count=3,
            now=at(17),
        )
    with read_session(registry.engine) as s:
        clean = reconcile(s, now=at(17, 1))
        assert census_count(s, facility_id="CECOT", day=dt.date(2025, 3, 15)) == 0
        assert verify_chain(s).intact
    assert clean.clean, clean.violations
    with write_session(registry.engine) as s:
        end_custody(
            s,
            actor=registry.users["liam"],
            person_id="sv-001",
            end=CustodyEnd.RELEASE,
            reason=CustodyEndReason.RELEASED_BY_RECEIVING_STATE,
            occurred_at=at(18),
            now=at(18, 13),
        )
    with read_session(registry.engine) as s:
        after = reconcile(s, now=at(18, 14))  # the census of the 16th still holds
        assert census_count(s, facility_id="CECOT", day=dt.date(2025, 3, 18)) == 2
    assert after.clean, after.violations


def _protect(registry: Registry, person_id: str, now: dt.datetime) -> None:
    """Record the 2019 withholding grant of protected_salvadoran for `person_id`."""
    with write_session(registry.engine) as s:
        record_list(
            s,
            actor=registry.users["lena"],
            person_id=person_id,
            list_name="protections",
            items=protected_salvadoran(1)["protections"],
            source_document="EOIR order 2019-10-10",
            now=now,
        )


def test_illegal_steps_are_refused_and_write_nothing(registry: Registry) -> None:
    load(registry, [venezuelan(1), salvadoran(1)], at(10))
    ve = _nominate(registry, "ve-001", at(12))
    sv = _nominate(registry, "sv-001", at(12))
    _protect(registry, "sv-001", at(12, 12, 30))  # learnt after nomination: review refuses
    with write_session(registry.engine) as s, pytest.raises(SeparationOfDuties, match="olivia"):
        review(
            s,
            actor=registry.users["olivia"],
            case_id=ve,
            approve=True,
            reason=ApproveReason.FACTS_VERIFIED,
            now=at(13),
        )
    with write_session(registry.engine) as s, pytest.raises(RuleOfLawBlock, match="no_withholding"):
        review(
            s,
            actor=registry.users["lena"],
            case_id=sv,
            approve=True,
            reason=ApproveReason.FACTS_VERIFIED,
            now=at(13),
        )
    with write_session(registry.engine) as s, pytest.raises(InputError, match="denial code"):
        review(
            s,
            actor=registry.users["lena"],
            case_id=sv,
            approve=True,
            reason=DenyReason.PROTECTION_GRANTED,
            now=at(13),
        )
    with write_session(registry.engine) as s:
        review(
            s,
            actor=registry.users["lena"],
            case_id=sv,
            approve=False,
            reason=DenyReason.PROTECTION_GRANTED,
            now=at(13),
        )
    with (
        write_session(registry.engine) as s,
        pytest.raises(IllegalTransition, match=rf"transfer case {sv} \(sv-001\) is denied"),
    ):
        review(
            s,
            actor=registry.users["lena"],
            case_id=sv,
            approve=True,
            reason=ApproveReason.FACTS_VERIFIED,
            now=at(13),
        )
    with write_session(registry.engine) as s, pytest.raises(IllegalTransition, match="already"):
        nominate(
            s,
            actor=registry.users["olivia"],
            person_id="ve-001",
            facility="CECOT",
            now=at(13),
            **CECOT,
        )
    with write_session(registry.engine) as s:
        create_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M1",
            carrier="X",
            facility="CECOT",
            planned_departure=at(15, 18),
            seats=1,
            legs=[("A", "B")],
            now=at(14),
            **CECOT,
        )
    with write_session(registry.engine) as s, pytest.raises(IllegalTransition, match="nominated"):
        add_to_mission(
            s, actor=registry.users["olivia"], mission_number="M1", case_ids=[ve], now=at(14)
        )
    with write_session(registry.engine) as s, pytest.raises(IllegalTransition, match="without"):
        depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M1",
            departed_at=at(14, 13),
            now=at(14, 14),
        )
    with write_session(registry.engine) as s, pytest.raises(OutsideFacilityScope, match="liam"):
        report_census(
            s,
            actor=registry.users["liam"],
            facility_id="CECOT",
            day=dt.date(2025, 3, 14),
            count=0,
            now=at(14, 15),
        )
    with read_session(registry.engine) as s:
        kinds = list(s.scalars(select(OperationsEvent.kind).order_by(OperationsEvent.id)))
        assert verify_chain(s).intact
    assert kinds == ["nominated", "nominated", "denied", "mission_created"]


def test_the_event_log_is_append_only(registry: Registry) -> None:
    load(registry, [venezuelan(1)], at(10))
    _nominate(registry, "ve-001", at(12))
    with pytest.raises(DBAPIError, match="append-only"):
        registry.sql("DELETE FROM operations_events")
    with pytest.raises(DBAPIError, match="append-only"):
        registry.sql("UPDATE operations_events SET kind = 'x'")
