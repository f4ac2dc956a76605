"""Missions cancelled and nominations withdrawn: coded reasons, passengers freed, and the
steps that must be refused (a departed mission is never cancelled)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from accord.db import read_session, verify_chain, write_session
from accord.errors import IllegalTransition, UnknownOperationsRecord
from accord.operations.missions import (
    add_to_mission,
    cancel_mission,
    create_mission,
    depart_mission,
    passengers,
)
from accord.operations.models import Mission, OperationsEvent, TransferCase
from accord.operations.reconcile import reconcile
from accord.operations.states import (
    ApproveReason,
    CaseState,
    MissionCancelReason,
    MissionState,
    WithdrawReason,
)
from accord.operations.workflow import nominate, review, serve_notices, withdraw
from accord.registry import record_list

from .conftest import Registry
from .people import (
    CECOT,
    at,
    audit_actions,
    departed_mission,
    load,
    protected_salvadoran,
    run_cli,
    salvadoran,
    snapshot,
    venezuelan,
)


def _ready(registry: Registry, records: list[dict[str, object]]) -> dict[str, int]:
    """Nominated on the 12th, approved on the 13th, noticed where owed on the 14th."""
    load(registry, records, at(10))  # type: ignore[arg-type]
    with write_session(registry.engine) as s:
        ids = {
            str(r["person_id"]): nominate(
                s,
                actor=registry.users["olivia"],
                person_id=str(r["person_id"]),
                now=at(12),
                **CECOT,
            ).id
            for r in records
        }
        for case_id in ids.values():
            review(
                s,
                actor=registry.users["lena"],
                case_id=case_id,
                approve=True,
                reason=ApproveReason.FACTS_VERIFIED,
                now=at(13),
            )
        owed = [i for i in ids.values() if s.get(TransferCase, i).state == CaseState.APPROVED]
        serve_notices(
            s,
            actor=registry.users["olivia"],
            case_ids=owed,
            served_on=dt.date(2025, 3, 14),
            counsel=True,
            source_document="DHS notice of removal to El Salvador",
            now=at(14, 9),
        )
    return ids


def _mission(registry: Registry, number: str, day: int, now: dt.datetime) -> None:
    with write_session(registry.engine) as s:
        create_mission(
            s,
            actor=registry.users["olivia"],
            mission_number=number,
            carrier="GlobalX",
            planned_departure=at(day, 18),
            seats=5,
            legs=[("Harlingen TX", "Comalapa SAL")],
            now=now,
            **CECOT,
        )


def _case(registry: Registry, case_id: int) -> TransferCase:
    with read_session(registry.engine) as s:
        case = s.get(TransferCase, case_id)
        assert case is not None
        return case


def test_cancel_frees_the_passengers_for_another_mission(registry: Registry) -> None:
    ids = _ready(registry, [venezuelan(1), salvadoran(1), salvadoran(2)])
    _mission(registry, "M-1", 15, at(14, 10))
    with write_session(registry.engine) as s:
        add_to_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-1",
            case_ids=list(ids.values()),
            now=at(14, 11),
        )
        record_list(  # learned before the flight: the boarding check strikes sv-002
            s,
            actor=registry.users["lena"],
            person_id="sv-002",
            list_name="protections",
            items=protected_salvadoran(2)["protections"],
            source_document="EOIR order 2019-10-10",
            now=at(15, 10),
        )
    with write_session(registry.engine) as s:
        refused = depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-1",
            departed_at=at(15, 18),
            now=at(15, 18, 5),
        )
    assert [x.person_id for x in refused.struck] == ["sv-002"]

    with write_session(registry.engine) as s:
        cancelled = cancel_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-1",
            reason=MissionCancelReason.WEATHER,
            note="tropical storm over the Gulf",
            now=at(15, 18, 10),
        )
        assert cancelled.state == MissionState.CANCELLED
        mission_id = cancelled.id
    assert _case(registry, ids["ve-001"]).state == CaseState.READY
    assert _case(registry, ids["ve-001"]).mission_id is None
    assert _case(registry, ids["sv-001"]).state == CaseState.READY
    assert _case(registry, ids["sv-002"]).state == CaseState.STRUCK  # struck stays struck
    with read_session(registry.engine) as s:
        events = list(
            s.scalars(
                select(OperationsEvent)
                .where(OperationsEvent.kind.in_(["unmanifested", "mission_cancelled"]))
                .order_by(OperationsEvent.id)
            )
        )
    assert [(e.kind, e.case_id, e.mission_id, e.reason_code, e.to_state) for e in events] == [
        ("unmanifested", ids["ve-001"], mission_id, "weather", "ready"),
        ("unmanifested", ids["sv-001"], mission_id, "weather", "ready"),
        ("mission_cancelled", None, mission_id, "weather", "cancelled"),
    ]
    assert events[-1].details == {"note": "tropical storm over the Gulf"}
    assert audit_actions(registry)[-3:] == [
        "operations.unmanifested",
        "operations.unmanifested",
        "operations.mission_cancelled",
    ]

    before = snapshot(registry)
    with write_session(registry.engine) as s, pytest.raises(IllegalTransition, match="cancelled"):
        cancel_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-1",
            reason=MissionCancelReason.COURT_ORDER,
            now=at(15, 19),
        )
    with write_session(registry.engine) as s, pytest.raises(IllegalTransition, match="cancelled"):
        add_to_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-1",
            case_ids=[ids["ve-001"]],
            now=at(15, 19),
        )
    with write_session(registry.engine) as s, pytest.raises(IllegalTransition, match="cancelled"):
        depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-1",
            departed_at=at(15, 18),
            now=at(15, 19),
        )
    with write_session(registry.engine) as s, pytest.raises(UnknownOperationsRecord, match="M-9"):
        cancel_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-9",
            reason=MissionCancelReason.WEATHER,
            now=at(15, 19),
        )
    assert snapshot(registry) == before

    # freed: the two join the next day's mission and fly
    _mission(registry, "M-2", 16, at(15, 20))
    with write_session(registry.engine) as s:
        add_to_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-2",
            case_ids=[ids["ve-001"], ids["sv-001"]],
            now=at(15, 21),
        )
        flown = depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="M-2",
            departed_at=at(16, 18),
            now=at(16, 18, 5),
        )
    assert flown.departed
    assert flown.cleared == 2
    with read_session(registry.engine) as s:
        m1 = s.scalars(select(Mission).where(Mission.mission_number == "M-1")).one()
        assert passengers(s, m1) == []
        report = reconcile(s, now=at(16, 19))
        assert verify_chain(s).intact
    assert report.clean, report.violations


def test_a_departed_mission_cannot_be_cancelled(registry: Registry) -> None:
    ids = departed_mission(registry, [venezuelan(1)])
    before = snapshot(registry)
    with write_session(registry.engine) as s, pytest.raises(IllegalTransition) as refused:
        cancel_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-1",
            reason=MissionCancelReason.RECEIVING_STATE_REFUSED,
            now=at(15, 20),
        )
    assert str(refused.value) == (
        "mission GST-1 is departed: cannot cancel (allowed from: planned)"
    )
    assert snapshot(registry) == before
    assert _case(registry, ids["ve-001"]).state == CaseState.DEPARTED

    bad_code = run_cli(registry, "missions", "cancel", "GST-1", "--reason", "fog", as_user="olivia")
    assert bad_code.returncode == 2
    assert "--reason 'fog' is not one of: weather" in bad_code.stderr
    departed = run_cli(
        registry, "missions", "cancel", "GST-1", "--reason", "weather", as_user="olivia"
    )
    assert departed.returncode == 2
    assert "mission GST-1 is departed: cannot cancel" in departed.stderr
    for result in (bad_code, departed):
        assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(registry) == before


def test_withdraw_a_nomination_with_a_coded_reason(registry: Registry) -> None:
    ids = _ready(registry, [venezuelan(1), salvadoran(1)])
    load(registry, [venezuelan(2)], at(14, 10))
    olivia = registry.users["olivia"]
    with write_session(registry.engine) as s:
        nominated = nominate(s, actor=olivia, person_id="ve-002", now=at(14, 11), **CECOT).id
        event = withdraw(
            s,
            actor=olivia,
            case_id=nominated,
            reason=WithdrawReason.NOMINATED_IN_ERROR,
            note="wrong A-number",
            now=at(14, 12),
        )
        assert (event.kind, event.from_state, event.to_state, event.reason_code) == (
            "withdrawn",
            "nominated",
            "withdrawn",
            "nominated_in_error",
        )
        assert event.details == {"note": "wrong A-number"}
        # withdrawn is not active: the person may be nominated again, as a new case
        again = nominate(s, actor=olivia, person_id="ve-002", now=at(14, 13), **CECOT).id
        assert again != nominated
    _mission(registry, "M-1", 15, at(14, 14))
    with write_session(registry.engine) as s:
        add_to_mission(
            s,
            actor=olivia,
            mission_number="M-1",
            case_ids=list(ids.values()),
            now=at(14, 15),
        )
        withdraw(  # off the manifest before departure
            s,
            actor=olivia,
            case_id=ids["sv-001"],
            reason=WithdrawReason.COURT_ORDER,
            now=at(15, 9),
        )
    withdrawn = _case(registry, ids["sv-001"])
    assert (withdrawn.state, withdrawn.mission_id) == (CaseState.WITHDRAWN, None)
    with write_session(registry.engine) as s:
        flown = depart_mission(
            s, actor=olivia, mission_number="M-1", departed_at=at(15, 18), now=at(15, 18, 5)
        )
    assert (flown.departed, flown.cleared) == (True, 1)
    assert audit_actions(registry).count("operations.withdrawn") == 2

    before = snapshot(registry)
    refusals: list[tuple[int, type[Exception], str]] = [
        (ids["sv-001"], IllegalTransition, "is withdrawn: cannot withdraw"),
        (ids["ve-001"], IllegalTransition, "is departed: cannot withdraw"),
        (999, UnknownOperationsRecord, "no transfer case 999"),
    ]
    for case_id, error, message in refusals:
        with write_session(registry.engine) as s, pytest.raises(error, match=message):
            withdraw(
                s,
                actor=olivia,
                case_id=case_id,
                reason=WithdrawReason.NOMINATED_IN_ERROR,
                now=at(15, 19),
            )
    cli_refusals = [
        ("olivia", ["withdraw", str(again), "--reason", "changed_mind"], "--reason 'changed_mind'"),
        ("lena", ["withdraw", str(again), "--reason", "court_order"], "may not"),
        ("olivia", ["withdraw", str(ids["ve-001"]), "--reason", "court_order"], "is departed"),
    ]
    for user, args, message in cli_refusals:
        result = run_cli(registry, *args, as_user=user)
        assert result.returncode == 2, result.stdout
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(registry) == before
    done = run_cli(registry, "withdraw", str(again), "--reason", "released_in_us", as_user="olivia")
    assert done.returncode == 0, done.stderr
    assert f"transfer case {again}: withdrawn (released_in_us)" in done.stdout
    assert _case(registry, again).state == CaseState.WITHDRAWN
    with read_session(registry.engine) as s:
        report = reconcile(s, now=at(15, 19))
    assert report.clean, report.violations
