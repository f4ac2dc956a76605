"""Terms decided from the registry's state (facility_capacity, quota): unknown from a case file
alone, decided from the registry's count when deciding from the registry, on SQLite and on
PostgreSQL; the count the decision used is recorded, and a replay decides on it again."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import insert

from accord.casefile.models import CaseFile
from accord.db import read_session, write_session
from accord.decisions import decide_from_registry, replay_decision
from accord.engine import DecisionRequest, PersonFacts, decide_facts
from accord.engine.compiler import compile_rules
from accord.law.framework import FacilityCounts
from accord.law.terms import REGISTRY_RULES
from accord.operations.models import TransferCase
from registry.conftest import Registry, pg_server, registry
from registry.factories import record_case

__all__ = ["pg_server", "registry"]

SCENARIOS = Path(__file__).resolve().parents[1] / "src" / "accord" / "law" / "scenarios"
PILOT_CECOT = DecisionRequest.build(
    agreement="sv-2025-pilot",
    pathway="custody_placement",
    destination="SV",
    facility="CECOT",
    as_of="2025-05-01",
)
OFFER_CECOT = DecisionRequest.build(
    agreement="sv-2025-offer",
    pathway="custody_placement",
    destination="SV",
    facility="CECOT",
    as_of="2025-03-16",
)
QUOTA = 300  # the pilot's quota at CECOT
CAPACITY = 40_000  # CECOT's capacity in both agreements


def _case(scenario: str, person_id: str) -> dict[str, Any]:
    """The case of a bundled law scenario (eligible but for the registry's terms)."""
    (path,) = SCENARIOS.glob(f"{scenario}_*.yaml")
    case = copy.deepcopy(yaml.safe_load(path.read_text("utf-8"))["case"])
    case["person_id"] = person_id
    return dict(case)


def _statuses(request: DecisionRequest, counts: FacilityCounts | None) -> dict[str, str]:
    facts = PersonFacts.of_case(CaseFile.model_validate(_case("114", "L26-unit")))
    return decide_facts(facts=facts, request=request, facility_counts=counts).statuses()


# ---- from a case file, and from counts ------------------------------------------------------


def test_from_a_case_file_alone_the_registry_terms_are_unknown() -> None:
    statuses = _statuses(PILOT_CECOT, None)
    assert {r: statuses[r] for r in REGISTRY_RULES} == {
        "facility_capacity": "unknown",
        "quota": "unknown",
    }
    others = {r: s for r, s in statuses.items() if r not in REGISTRY_RULES}
    assert set(others.values()) <= {"pass", "not_applicable"}, others


@pytest.mark.parametrize(
    ("under_agreement", "quota"),
    [(QUOTA - 1, "pass"), (QUOTA, "fail"), (QUOTA + 5, "fail")],
    ids=["last-place", "full", "over"],
)
def test_quota_on_the_count(under_agreement: int, quota: str) -> None:
    statuses = _statuses(PILOT_CECOT, FacilityCounts(under_agreement, under_agreement))
    assert (statuses["quota"], statuses["facility_capacity"]) == (quota, "pass")


@pytest.mark.parametrize(
    ("held", "capacity"), [(CAPACITY - 1, "pass"), (CAPACITY, "fail")], ids=["last", "full"]
)
def test_capacity_on_the_count(held: int, capacity: str) -> None:
    statuses = _statuses(PILOT_CECOT, FacilityCounts(held, 0))
    assert (statuses["facility_capacity"], statuses["quota"]) == (capacity, "pass")
    # the offer has no quota at CECOT: only its capacity
    offer = _statuses(OFFER_CECOT, FacilityCounts(held, 0))
    assert offer["facility_capacity"] == capacity
    assert "quota" not in offer


def test_rules_are_compiled_once_per_room_not_per_count() -> None:
    """A decision from the registry must not compile the rules again for every count (about
    0.4 s a context): the compiled rules depend on whether there is room, not on the count."""
    ctx = PILOT_CECOT.context()
    with_room = [replace(ctx, facility_counts=FacilityCounts(n, n)) for n in (3, 250)]
    full = replace(ctx, facility_counts=FacilityCounts(10, QUOTA))
    assert compile_rules(with_room[0]) is compile_rules(with_room[1])
    assert compile_rules(full) is not compile_rules(with_room[0])
    assert compile_rules(ctx) is not compile_rules(with_room[0])


# ---- from the registry --------------------------------------------------------------------

RECORDED = dt.datetime(2025, 4, 20, 12, tzinfo=dt.UTC)
DECIDED = dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC)


def _hold(
    registry: Registry, n: int, *, agreement: str, person: str = "held", state: str = "in_custody"
) -> None:
    """`n` transfer cases holding a place at CECOT, written straight to the table (as the
    capacity race test does): the triggers of migration 0005 keep facility_counts."""
    rows = [
        {
            "person_id": f"{person}-{agreement}-{i}",
            "state": state,
            "nominated_at": dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
            "nominated_by_id": registry.users["olivia"].id,
            "facility_id": "CECOT",
            "agreement_id": agreement,
            "pathway": "custody_placement",
            "destination": "SV",
        }
        for i in range(n)
    ]
    if rows:
        with registry.engine.begin() as conn:
            conn.execute(insert(TransferCase), rows)


def _decide(
    registry: Registry, person_id: str, *, lock: bool = True, at: dt.datetime = DECIDED
) -> Any:
    with write_session(registry.engine, lock=lock) as session:
        decision, record = decide_from_registry(
            session,
            request=PILOT_CECOT,
            person_id=person_id,
            actor=registry.users["olivia"],
            now=at,
        )
        return decision, record.id, dict(record.request)


def test_quota_from_the_registry(registry: Registry) -> None:
    record_case(registry, _case("114", "L26-reg"), RECORDED)
    _hold(registry, QUOTA - 1, agreement="sv-2025-pilot")
    _hold(registry, 2, agreement="sv-2025-offer")  # held there under another agreement
    room, room_id, request = _decide(registry, "L26-reg")
    assert room.statuses()["quota"] == "pass"
    assert room.statuses()["facility_capacity"] == "pass"
    assert room.outcome == "eligible", room.as_dict()
    assert request["facility_counts"] == {"held": QUOTA + 1, "under_agreement": QUOTA - 1}

    _hold(registry, 1, agreement="sv-2025-pilot", person="later")
    full, full_id, request = _decide(
        registry, "L26-reg", lock=registry.backend == "sqlite", at=DECIDED + dt.timedelta(hours=1)
    )
    assert full.statuses()["quota"] == "fail"
    assert full.outcome == "ineligible"
    assert request["facility_counts"] == {"held": QUOTA + 2, "under_agreement": QUOTA}
    (quota,) = [r for r in full.failed if r.rule == "quota"]
    assert any("sv-2025-pilot" in c for c in quota.citations), quota.citations

    # a replay decides on the counts the decision recorded, not on today's
    with read_session(registry.engine) as session:
        assert replay_decision(session, decision_id=room_id).decision.outcome == "eligible"
        assert replay_decision(session, decision_id=full_id).decision.outcome == "ineligible"


def test_the_person_does_not_take_their_own_place(registry: Registry) -> None:
    """A person already manifested for CECOT (a boarding check decides again) is counted
    among those on the way: the decision leaves their own case out."""
    record_case(registry, _case("114", "L26-own"), RECORDED)
    _hold(registry, QUOTA - 1, agreement="sv-2025-pilot")
    with registry.engine.begin() as conn:
        conn.execute(
            insert(TransferCase),
            [
                {
                    "person_id": "L26-own",
                    "state": "manifested",
                    "nominated_at": dt.datetime(2025, 4, 21, tzinfo=dt.UTC),
                    "nominated_by_id": registry.users["olivia"].id,
                    "facility_id": "CECOT",
                    "agreement_id": "sv-2025-pilot",
                    "pathway": "custody_placement",
                    "destination": "SV",
                }
            ],
        )
    decision, _, request = _decide(registry, "L26-own")
    assert request["facility_counts"] == {"held": QUOTA - 1, "under_agreement": QUOTA - 1}
    assert decision.statuses()["quota"] == "pass"


def test_a_decision_without_a_facility_reads_no_count(registry: Registry) -> None:
    record_case(registry, _case("010", "L26-ret"), RECORDED)
    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="return_of_nationals",
        destination="SV",
        as_of="2025-03-16",
    )
    with write_session(registry.engine) as session:
        decision, record = decide_from_registry(
            session,
            request=request,
            person_id="L26-ret",
            actor=registry.users["olivia"],
            now=DECIDED,
        )
        assert "facility_counts" not in record.request
    assert decision.outcome == "eligible"
    assert not set(REGISTRY_RULES) & set(decision.statuses())
