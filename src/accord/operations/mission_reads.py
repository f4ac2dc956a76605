"""What a mission's pages read: its counts in words, its incidents, and the cases that may
join its manifest on its date.

Reads only. The cases that may fly are decided as the boarding check decides them
(nomination.case_request, the registry's law, the facts known now, as of the planned
departure date) but not recorded: offering a case is not boarding it, and `depart`
decides every passenger again, with a record, as of the moment it departs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.engine import Decision
from accord.operations.missions import notice_wait
from accord.operations.models import (
    Incident,
    IncidentResolution,
    Mission,
    OperationsEvent,
    TransferCase,
)
from accord.operations.nomination import current_decision
from accord.operations.states import CaseState, MissionState

# ready cases decided per mission page at most (each is a one-person engine run)
CANDIDATES_MAX = 200


@dataclass(frozen=True)
class MissionCounts:
    """How many persons are where in a mission's life, from its events."""

    seats: int
    state: str
    on_manifest: int = 0
    struck: int = 0
    departed: int = 0
    received: int = 0
    returned_on_board: int = 0

    def words(self) -> str:
        """'12 on the manifest of 30 seats', '28 departed / 27 received', never '0 / 30'."""
        if self.state == MissionState.PLANNED.value:
            struck = f" · {self.struck} struck at boarding" if self.struck else ""
            return f"{self.on_manifest} on the manifest of {self.seats} seats{struck}"
        if self.state == MissionState.CANCELLED.value:
            return "cancelled before departure"
        said = f"{self.departed} departed / {self.received} received"
        if self.returned_on_board:
            said += f" / {self.returned_on_board} returned on board"
        if self.state == MissionState.HANDOVER_CLOSED.value:
            waiting = self.departed - self.received - self.returned_on_board
            if waiting:
                said += f" / {waiting} missing at handover"
            return said + " · handover closed"
        return said + " · handover open"


_COUNTED = {
    "struck": "struck",
    "departed": "departed",
    "handover_received": "received",
    "returned_on_board": "returned_on_board",
}


def mission_counts(session: Session, missions: Sequence[Mission]) -> dict[int, MissionCounts]:
    """Each mission's counts: persons on its manifest now, and distinct persons struck,
    departed, received and returned on board by its events."""
    ids = [m.id for m in missions]
    if not ids:
        return {}
    events = session.execute(
        select(
            OperationsEvent.mission_id,
            OperationsEvent.kind,
            func.count(func.distinct(OperationsEvent.case_id)),
        )
        .where(OperationsEvent.mission_id.in_(ids), OperationsEvent.kind.in_(list(_COUNTED)))
        .group_by(OperationsEvent.mission_id, OperationsEvent.kind)
    ).all()
    manifested = dict(
        session.execute(
            select(TransferCase.mission_id, func.count())
            .where(
                TransferCase.mission_id.in_(ids),
                TransferCase.state == CaseState.MANIFESTED.value,
            )
            .group_by(TransferCase.mission_id)
        ).all()
    )
    found: dict[int, dict[str, int]] = {i: {} for i in ids}
    for mission_id, kind, count in events:
        if mission_id is not None:  # the query's filter: never None here
            found[mission_id][_COUNTED[kind]] = int(count)
    return {
        m.id: MissionCounts(
            seats=m.seats,
            state=m.state,
            on_manifest=int(manifested.get(m.id, 0)),
            **found[m.id],
        )
        for m in missions
    }


def mission_incidents(
    session: Session, mission: Mission
) -> list[tuple[Incident, IncidentResolution | None]]:
    """The mission's incidents, open ones first, each with its resolution if any."""
    rows = session.execute(
        select(Incident, IncidentResolution)
        .outerjoin(IncidentResolution, IncidentResolution.incident_id == Incident.id)
        .where(Incident.mission_id == mission.id)
        .order_by(IncidentResolution.id.is_not(None), Incident.id)
    ).all()
    return [(incident, resolution) for incident, resolution in rows]


@dataclass(frozen=True)
class Candidate:
    """A ready case that may join the mission, with its decision as of the mission's date."""

    case: TransferCase
    decision: Decision


def boarding_refusal(
    session: Session, mission: Mission, case: TransferCase
) -> tuple[str | None, Decision | None]:
    """Why `case` may not join `mission` for its date (None if it may), and its decision as
    of that date when one was made: not ready, for another mission, its notice's waiting
    period running past the date (as add_to_mission refuses), or `ineligible` then."""
    departure = mission.planned_departure.date()
    if case.state != CaseState.READY.value:
        return f"case {case.id} is {case.state}, not ready", None
    mine = (case.agreement_id, case.pathway, case.destination, (case.facility_id or "").upper())
    its = (mission.agreement_id, mission.pathway, mission.destination, mission.facility_id.upper())
    if mine != its:
        return f"case {case.id} is for {'/'.join(mine)}, not {'/'.join(its)}", None
    waiting = notice_wait(session, case, departure)
    if waiting is not None:
        return f"case {case.id} is {waiting}, after {departure}", None
    decision = current_decision(session, case, departure)
    if decision.outcome == "ineligible":
        rules = ", ".join(r.rule for r in decision.failed)
        return f"case {case.id} is ineligible as of {departure} ({rules})", decision
    return None, decision


def boardable_cases(session: Session, mission: Mission) -> list[Candidate]:
    """Ready cases for the mission's agreement, pathway, destination and facility that may
    fly on its date (boarding_refusal finds no reason not to). Oldest case first; at most
    CANDIDATES_MAX are decided."""
    ready = session.scalars(
        select(TransferCase)
        .where(
            TransferCase.state == CaseState.READY.value,
            TransferCase.agreement_id == mission.agreement_id,
            TransferCase.pathway == mission.pathway,
            TransferCase.destination == mission.destination,
            func.upper(TransferCase.facility_id) == mission.facility_id.upper(),
        )
        .order_by(TransferCase.id)
        .limit(CANDIDATES_MAX)
    ).all()
    found = []
    for case in ready:
        refusal, decision = boarding_refusal(session, mission, case)
        if refusal is None and decision is not None:
            found.append(Candidate(case, decision))
    return found
