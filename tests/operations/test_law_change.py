"""An order entered now acts on operations (issue 20, section 1): the 15 March 2025 pattern.

A mission with Venezuelans departed for CECOT at 18:30; another is planned for 20:00. At
19:00 a legal reviewer enters a TRO barring removal of Venezuelan nationals. The planned
mission cannot depart with its Venezuelan aboard (the boarding check strikes him); each
Venezuelan in the air gets an incident and a court-ordered return case; reconcile fails
naming them until each is resolved; the Salvadoran is untouched. Fictional people and a
fictional order (the real J.G.G. order of that evening barred removal under the Alien
Enemies Act only, law/data/court_orders/jgg-v-trump.yaml).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from accord.db import read_session, verify_chain, write_session
from accord.errors import RuleOfLawBlock
from accord.law_entries import enter_law
from accord.operations import law_change
from accord.operations.care import assign_liaison, update_return
from accord.operations.handover import confirm_handover, list_incidents, resolve_incident
from accord.operations.law_change_open import open_acts
from accord.operations.missions import add_to_mission, create_mission, depart_mission
from accord.operations.models import OperationsEvent, ReturnCase, TransferCase
from accord.operations.reconcile import reconcile
from accord.operations.states import CaseState, ResolutionReason, ReturnStatus
from accord.registry import record_list

from .conftest import Registry
from .people import CECOT, at, audit_actions, load, ready_for_cecot, salvadoran, venezuelan

TRO_DOCUMENT = b"%PDF-1.4 fictional minute order of 2025-03-15, 19:00"


def tro(
    order_id: str = "ve-v-test",
    predicate: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "id": order_id,
        "title": "V.E. v. Test (removal of Venezuelan nationals)",
        "court": "D.D.C.",
        "docket": "No. 1:25-cv-99999",
        "class": {
            "definition": "All Venezuelan nationals in U.S. custody (fictional class)",
            "source": "Minute order of 2025-03-15 (fictional)",
            "predicate": predicate or {"nationality_in": ["VE"]},
        },
        "events": events
        or [
            {
                "date": "2025-03-15",
                "kind": "entered",
                "what": "temporary restraining order: halt removals, return planes in the air",
                "expires_on": "2025-03-29",
                "effect": {"kind": "bar_removal"},
                "source": "Minute order of 2025-03-15, 19:00 (fictional)",
            }
        ],
    }


def _ready(registry: Registry, records: list[dict[str, Any]]) -> dict[str, int]:
    """Nominated, approved and noticed on 14 March for CECOT."""
    load(registry, records, at(10))
    with write_session(registry.engine) as s:
        return ready_for_cecot(
            s, registry, records, nominated=at(12), approved=at(13), noticed=at(14, 9)
        )


def _mission(
    registry: Registry, number: str, case_ids: list[int], departure: dt.datetime, hour: int = 10
) -> None:
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
            now=at(14, hour),
            **CECOT,
        )
        add_to_mission(
            s, actor=olivia, mission_number=number, case_ids=case_ids, now=at(14, hour, 30)
        )


def _fifteenth_of_march(registry: Registry) -> dict[str, int]:
    """GST-1 (ve-001, ve-002, sv-001) departed at 18:30; GST-2 (ve-003, sv-002) planned."""
    people = [venezuelan(1), venezuelan(2), salvadoran(1), venezuelan(3), salvadoran(2)]
    ids = _ready(registry, people)
    _mission(registry, "GST-1", [ids["ve-001"], ids["ve-002"], ids["sv-001"]], at(15, 18, 30))
    _mission(registry, "GST-2", [ids["ve-003"], ids["sv-002"]], at(15, 20), hour=11)
    with write_session(registry.engine) as s:
        result = depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-1",
            departed_at=at(15, 18, 30),
            now=at(15, 18, 35),
        )
        assert result.departed, result.struck
        assign_liaison(
            s,
            actor=registry.users["root"],
            user_name="liam",
            facility_id="CECOT",
            now=at(15, 18, 40),
        )
    return ids


def _enter(registry: Registry, body: dict[str, Any], now: dt.datetime, **kw: Any) -> int:
    with write_session(registry.engine) as s:
        record = enter_law(
            s,
            actor=registry.users["lena"],
            kind=kw.get("kind", "court_order"),
            subject=kw.get("subject", body.get("id", "")),
            body=body,
            document=TRO_DOCUMENT,
            document_name="minute-order-2025-03-15.pdf",
            media_type="application/pdf",
            now=now,
        )
        return record.id


def _incidents(registry: Registry) -> list[tuple[str, str, bool]]:
    with read_session(registry.engine) as s:
        return [(i.kind, str(i.person_id), r is None) for i, r in list_incidents(s)]


def _returns(registry: Registry) -> list[tuple[str, str]]:
    with read_session(registry.engine) as s:
        return [
            (r.person_id, r.court) for r in s.scalars(select(ReturnCase).order_by(ReturnCase.id))
        ]


def test_the_order_of_19_00_acts_on_both_missions(registry: Registry) -> None:
    ids = _fifteenth_of_march(registry)
    with read_session(registry.engine) as s:
        assert reconcile(s, now=at(15, 18, 50)).clean
    entry = _enter(registry, tro(), at(15, 19))

    # in the air: one incident and one return case per Venezuelan; the Salvadoran untouched
    assert _incidents(registry) == [
        ("court_order_in_transit", "ve-001", True),
        ("court_order_in_transit", "ve-002", True),
    ]
    assert _returns(registry) == [("ve-001", "D.D.C."), ("ve-002", "D.D.C.")]
    with read_session(registry.engine) as s:
        acts = open_acts(s)
        assert {(a.what, a.person_id, a.order, a.law_entry) for a in acts} == {
            (what, person, "ve-v-test", entry)
            for what in ("incident", "return case")
            for person in ("ve-001", "ve-002")
        }
        hold = s.scalars(
            select(OperationsEvent).where(OperationsEvent.kind == law_change.HOLD)
        ).one()
        assert hold.details["persons"] == ["ve-003"]
        assert hold.details["law_entry"] == entry
        report = reconcile(s, now=at(15, 19, 5))
    lines = [(v.code, v.message) for v in report.violations]
    assert len(lines) == 4, lines
    for person in ("ve-001", "ve-002"):
        assert any(
            c == "unresolved_incident" and person in d and "law entry" in d for c, d in lines
        )
        assert any(c == "court_order_return_open" and person in d for c, d in lines)
    assert not any("sv-001" in d for _, d in lines)
    summary = [a for a in audit_actions(registry, "operations.law_change")]
    assert summary == ["operations.law_change"]

    # the planned mission cannot depart with ve-003: the boarding check strikes him, naming
    # the order and its law entry; then it departs with sv-002 alone
    with write_session(registry.engine) as s:
        refused = depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-2",
            departed_at=at(15, 20),
            now=at(15, 20, 1),
        )
    assert not refused.departed
    assert [s.person_id for s in refused.struck] == ["ve-003"]
    assert [r["rule"] for r in refused.struck[0].failed] == ["no_class_order_bar"]
    with read_session(registry.engine) as s:
        struck = s.scalars(select(OperationsEvent).where(OperationsEvent.kind == "struck")).one()
        assert struck.details["court_orders"] == [{"order": "ve-v-test", "law_entry": str(entry)}]
    with write_session(registry.engine) as s:
        second = depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-2",
            departed_at=at(15, 20, 2),
            now=at(15, 20, 3),
        )
    assert second.departed
    assert second.cleared == 1

    # resolution: GST-1 turns back with the Venezuelans; the Salvadoran is handed over
    liam, olivia, lena = (registry.users[n] for n in ("liam", "olivia", "lena"))
    with write_session(registry.engine) as s:
        confirm_handover(
            s,
            actor=liam,
            mission_number="GST-1",
            person_ids=["sv-001"],
            occurred_at=at(15, 21),
            now=at(15, 21, 5),
            commit=False,
        )
    with write_session(registry.engine) as s:
        incident_ids = [i.id for i, r in list_incidents(s) if r is None]
        resolve_incident(
            s,
            actor=olivia,
            incident_id=incident_ids[0],
            reason=ResolutionReason.RETURNED_ON_BOARD,
            note="aircraft turned back over the Gulf; ve-001 on board",
            now=at(15, 22),
        )
        # the liaison records ve-002 returned on board first; the incident resolves after
    with write_session(registry.engine) as s:
        confirm_handover(
            s,
            actor=liam,
            mission_number="GST-1",
            person_ids=["ve-002"],
            returned_on_board=True,
            occurred_at=at(15, 22),
            now=at(15, 22, 5),
            commit=False,
        )
    with write_session(registry.engine) as s:
        resolve_incident(
            s,
            actor=olivia,
            incident_id=incident_ids[1],
            reason=ResolutionReason.RETURNED_ON_BOARD,
            note="ve-002 came back on the aircraft",
            now=at(15, 22, 10),
        )
        states = {p: s.get(TransferCase, i).state for p, i in ids.items()}
        assert states["ve-001"] == states["ve-002"] == CaseState.RETURNED_ON_BOARD
        assert states["sv-001"] == CaseState.IN_CUSTODY
        report = reconcile(s, now=at(15, 23))
    assert [v.code for v in report.violations] == ["court_order_return_open"] * 2
    with write_session(registry.engine) as s:
        for returned in s.scalars(select(ReturnCase.id)).all():
            update_return(
                s,
                actor=lena,
                return_id=returned,
                status=ReturnStatus.BACK_IN_US_CUSTODY,
                occurred_on=dt.date(2025, 3, 15),
                note="landed at Harlingen",
                now=at(15, 23, 30),
            )
    with read_session(registry.engine) as s:
        assert reconcile(s, now=at(15, 23, 45)).clean
        assert open_acts(s) == []
        assert verify_chain(s).intact


def test_a_departure_recorded_late_is_checked_when_recorded(registry: Registry) -> None:
    """GST-3 took off at 18:30 with ve-004 but is recorded at 19:30, after the order of
    19:00: it boards under the law entered by 18:30, departs, and the order then acts."""
    ids = _ready(registry, [venezuelan(4)])
    _mission(registry, "GST-3", [ids["ve-004"]], at(15, 18, 30))
    entry = _enter(registry, tro(), at(15, 19))
    assert _incidents(registry) == []  # manifested, not in the air: the mission is held
    with write_session(registry.engine) as s:
        result = depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-3",
            departed_at=at(15, 18, 30),
            now=at(15, 19, 30),
        )
    assert result.departed
    assert _incidents(registry) == [("court_order_in_transit", "ve-004", True)]
    assert [p for p, _ in _returns(registry)] == ["ve-004"]
    with read_session(registry.engine) as s:
        assert {(a.what, a.law_entry) for a in open_acts(s)} == {
            ("incident", entry),
            ("return case", entry),
        }
        assert not reconcile(s, now=at(15, 19, 40)).clean
    # the order modified an hour later still protects ve-004: nothing is opened twice
    modified = {
        "date": "2025-03-15",
        "kind": "modified",
        "what": "TRO clarified: the class includes persons already on aircraft",
        "expires_on": "2025-03-29",
        "effect": {"kind": "bar_removal"},
        "source": "Minute order of 2025-03-15, 19:45 (fictional)",
    }
    _enter(registry, modified, at(15, 19, 45), kind="court_order_event", subject="ve-v-test")
    assert _incidents(registry) == [("court_order_in_transit", "ve-004", True)]
    assert audit_actions(registry, "operations.law_change") == ["operations.law_change"] * 2


def test_unknown_membership_opens_an_incident_for_a_reviewer(registry: Registry) -> None:
    """A class of Venezuelans subject to a designation the case file has no field for
    (`unrecorded`): for ve-005 the facts cannot tell: an incident, no return case;
    `not_in_class` is refused while the facts cannot tell."""
    ids = _ready(registry, [venezuelan(5)])
    _mission(registry, "GST-4", [ids["ve-005"]], at(15, 18, 30))
    with write_session(registry.engine) as s:
        depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-4",
            departed_at=at(15, 18, 30),
            now=at(15, 18, 35),
        )
    body = tro(
        "tda-v-test",
        {"all": [{"nationality_in": ["VE"]}, {"unrecorded": "alleged membership of a gang"}]},
    )
    _enter(registry, body, at(15, 19))
    assert _incidents(registry) == [("court_order_class_unknown", "ve-005", True)]
    assert _returns(registry) == []
    with write_session(registry.engine) as s:
        incident = list_incidents(s)[0][0]
        assert "cannot be told" in incident.description
        with pytest.raises(RuleOfLawBlock, match="possibly in its class"):
            resolve_incident(
                s,
                actor=registry.users["olivia"],
                incident_id=incident.id,
                reason=ResolutionReason.NOT_IN_CLASS,
                note="reviewer: not designated",
                now=at(15, 19, 30),
            )
    with read_session(registry.engine) as s:
        assert [v.code for v in reconcile(s, now=at(15, 19, 40)).violations] == [
            "unresolved_incident"
        ]


def test_a_reviewer_settles_unknown_membership_with_facts(registry: Registry) -> None:
    """A class of AEA designees; ve-007's designations are not known: an incident, no return
    case. `not_in_class` is refused until the facts say he is not designated, then accepted:
    the engine, not the note, decides."""
    person = venezuelan(7)
    person["designations"] = None
    ids = _ready(registry, [person])
    _mission(registry, "GST-6", [ids["ve-007"]], at(15, 18, 30))
    with write_session(registry.engine) as s:
        assert depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-6",
            departed_at=at(15, 18, 30),
            now=at(15, 18, 35),
        ).departed
    _enter(registry, tro("aea-v-test", {"designated_under": "aea_proclamation_10903"}), at(15, 19))
    assert _incidents(registry) == [("court_order_class_unknown", "ve-007", True)]
    assert _returns(registry) == []
    resolve = {
        "actor": registry.users["olivia"],
        "reason": ResolutionReason.NOT_IN_CLASS,
        "note": "reviewer: DHS confirms no designation under Proclamation 10903",
    }
    with write_session(registry.engine) as s:
        incident = list_incidents(s)[0][0].id
        with pytest.raises(RuleOfLawBlock, match="possibly in its class"):
            resolve_incident(s, incident_id=incident, now=at(15, 19, 30), **resolve)
    with write_session(registry.engine) as s:
        record_list(
            s,
            actor=registry.users["lena"],
            person_id="ve-007",
            list_name="designations",
            items=[],
            source_document="DHS response to the court: no designation",
            valid_from=dt.date(2025, 3, 1),
            now=at(15, 20),
        )
    with write_session(registry.engine) as s:
        resolve_incident(s, incident_id=incident, now=at(15, 20, 5), **resolve)
        assert s.get(TransferCase, ids["ve-007"]).state == CaseState.DEPARTED  # unmoved
    with read_session(registry.engine) as s:
        assert reconcile(s, now=at(15, 20, 10)).clean
        assert open_acts(s) == []


def test_an_order_stayed_administratively_does_not_act_under_agency_policy(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the agency_policy profile an administrative stay suspends the order: nothing is
    opened (court_orders.py: OrderState.applies); under the boarding check's own profile the
    stayed order still binds."""
    ids = _ready(registry, [venezuelan(6)])
    _mission(registry, "GST-5", [ids["ve-006"]], at(15, 18, 30))
    with write_session(registry.engine) as s:
        depart_mission(
            s,
            actor=registry.users["olivia"],
            mission_number="GST-5",
            departed_at=at(15, 18, 30),
            now=at(15, 18, 35),
        )
    body = tro()
    events = copy.deepcopy(body["events"])
    events[0]["date"] = "2025-03-14"
    events.append(
        {
            "date": "2025-03-15",
            "kind": "stayed",
            "stay": "administrative",
            "what": "administrative stay while the court of appeals considers the motion",
            "source": "Order of 2025-03-15 (fictional)",
        }
    )
    body["events"] = events
    monkeypatch.setattr(law_change, "OPERATIONS_PROFILE", "agency_policy")
    _enter(registry, body, at(15, 19))
    assert _incidents(registry) == []
    assert _returns(registry) == []
    with read_session(registry.engine) as s:
        from accord.law_entries import registry_law

        law = registry_law(s)
        day = dt.date(2025, 3, 15)
        assert law_change.barring(law, "ve-v-test", day, "agency_policy") is None
        assert law_change.barring(law, "ve-v-test", day, "most_protective") is not None
        assert reconcile(s, now=at(15, 19, 5)).clean
        assert verify_chain(s).intact


def test_operations_decide_under_the_boarding_checks_profile() -> None:
    """law_change acts under the profile the boarding check decides under (its default)."""
    from accord.engine import DecisionRequest

    default = DecisionRequest.__dataclass_fields__["notice_profile"].default
    assert default == law_change.OPERATIONS_PROFILE
