"""Persons in custody at CECOT, quickly: Salvadorans handed over on the days a test names.

Fictional people. Each is nominated, approved and flown on one mission that
departs on 15 March 2025; the receiving liaison confirms each handover with the
day it happened. Record times are injected and only move forward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from accord.db import write_session
from accord.operations.care import assign_liaison
from accord.operations.custody import end_custody
from accord.operations.handover import confirm_handover
from accord.operations.missions import add_to_mission, create_mission, depart_mission
from accord.operations.states import ApproveReason, CustodyEnd, CustodyEndReason
from accord.operations.workflow import nominate, review
from operations.people import load, salvadoran

from .conftest import Registry

OFFER = "sv-2025-offer"
CECOT = {"agreement": OFFER, "pathway": "custody_placement", "destination": "SV"}
MISSION = "GST-2025-0315"


def utc(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def flown(registry: Registry, count: int) -> list[str]:
    """`count` Salvadorans (sv-001 ...) departed for CECOT on 15 March 2025, not yet received."""
    people = [salvadoran(n) for n in range(1, count + 1)]
    load(registry, people, utc(2025, 3, 10))
    olivia, lena = registry.users["olivia"], registry.users["lena"]
    cases: list[int] = []
    with write_session(registry.engine) as s:
        for p in people:
            cases.append(
                nominate(
                    s,
                    actor=olivia,
                    person_id=p["person_id"],
                    facility="CECOT",
                    now=utc(2025, 3, 11),
                    **CECOT,
                ).id
            )
    with write_session(registry.engine) as s:
        for case_id in cases:
            review(
                s,
                actor=lena,
                case_id=case_id,
                approve=True,
                reason=ApproveReason.FACTS_VERIFIED,
                now=utc(2025, 3, 12),
            )
    with write_session(registry.engine) as s:
        create_mission(
            s,
            actor=olivia,
            mission_number=MISSION,
            carrier="GlobalX",
            facility="CECOT",
            planned_departure=utc(2025, 3, 15, 18),
            seats=len(people),
            legs=[("Harlingen TX", "Comalapa SAL")],
            now=utc(2025, 3, 13),
            **CECOT,
        )
        add_to_mission(
            s, actor=olivia, mission_number=MISSION, case_ids=cases, now=utc(2025, 3, 13)
        )
        assign_liaison(
            s,
            actor=registry.users["root"],
            user_name="liam",
            facility_id="CECOT",
            now=utc(2025, 3, 13),
        )
    with write_session(registry.engine) as s:
        result = depart_mission(
            s,
            actor=olivia,
            mission_number=MISSION,
            departed_at=utc(2025, 3, 15, 18),
            now=utc(2025, 3, 15, 19),
        )
    assert result.departed, result.struck
    return [p["person_id"] for p in people]


def hand_over(
    registry: Registry, person_id: str, on: dt.date, *, recorded: dt.datetime | None = None
) -> None:
    """The liaison confirms `person_id` received into custody on day `on` (at 02:00 UTC)."""
    occurred = dt.datetime.combine(on, dt.time(2), dt.UTC)
    with write_session(registry.engine) as s:
        confirm_handover(
            s,
            actor=registry.users["liam"],
            mission_number=MISSION,
            person_ids=[person_id],
            occurred_at=occurred,
            now=recorded or occurred,
        )


def release(
    registry: Registry, person_id: str, on: dt.date, *, recorded: dt.datetime | None = None
) -> None:
    """The liaison records `person_id` released on day `on` (at 15:00 UTC)."""
    occurred = dt.datetime.combine(on, dt.time(15), dt.UTC)
    with write_session(registry.engine) as s:
        end_custody(
            s,
            actor=registry.users["liam"],
            person_id=person_id,
            end=CustodyEnd.RELEASE,
            reason=CustodyEndReason.RELEASED_BY_RECEIVING_STATE,
            occurred_at=occurred,
            now=recorded or occurred,
        )


def in_custody(
    registry: Registry,
    handovers: Mapping[str, dt.date],
    releases: Mapping[str, dt.date] | None = None,
) -> None:
    """Everyone departed; each person in `handovers` received that day, then released on the
    day in `releases`, all recorded as they happened (in date order)."""
    flown(registry, len(handovers))
    steps = [(day, 0, pid) for pid, day in handovers.items()]
    steps += [(day, 1, pid) for pid, day in (releases or {}).items()]
    for day, kind, pid in sorted(steps):
        (hand_over if kind == 0 else release)(registry, pid, day)
