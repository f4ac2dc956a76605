"""Small reads the operations routes need that the service modules do not offer.

Reads only; receiving liaisons see only what concerns the facilities assigned to them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.auth import User
from accord.operations.care import list_consular_tasks
from accord.operations.events import get_case, get_mission
from accord.operations.handover import list_incidents
from accord.operations.missions import mission_cases
from accord.operations.models import (
    ConsularCompletion,
    ConsularTask,
    Incident,
    IncidentResolution,
    LiaisonFacility,
    Mission,
    OperationsEvent,
    TransferCase,
)


def list_cases(
    session: Session, *, state: str | None, person_id: str | None, limit: int, offset: int
) -> Sequence[TransferCase]:
    statement = select(TransferCase).order_by(TransferCase.id).offset(offset).limit(limit)
    if state is not None:
        statement = statement.where(TransferCase.state == state)
    if person_id is not None:
        statement = statement.where(TransferCase.person_id == person_id)
    return session.scalars(statement).all()


def case_events(session: Session, *, case_id: int) -> tuple[TransferCase, list[OperationsEvent]]:
    case = get_case(session, case_id)
    events = session.scalars(
        select(OperationsEvent)
        .where(OperationsEvent.case_id == case_id)
        .order_by(OperationsEvent.id)
    ).all()
    return case, list(events)


def mission_with_cases(
    session: Session, *, mission_number: str
) -> tuple[Mission, list[TransferCase]]:
    mission = get_mission(session, mission_number)
    return mission, mission_cases(session, mission)


def _facilities(session: Session, user: User) -> set[str] | None:
    """The facilities a receiving liaison acts for (upper case); None for other roles."""
    if user.role != "receiving_liaison":
        return None
    rows = session.scalars(
        select(LiaisonFacility.facility_id).where(LiaisonFacility.user_id == user.id)
    )
    return {f.upper() for f in rows}


def scoped_incidents(
    session: Session, *, user: User, open_only: bool
) -> list[tuple[Incident, IncidentResolution | None]]:
    rows = list_incidents(session, open_only=open_only)
    facilities = _facilities(session, user)
    if facilities is None:
        return rows
    missions = {m.id: m.facility_id.upper() for m in session.scalars(select(Mission))}
    return [(i, r) for i, r in rows if i.mission_id and missions.get(i.mission_id) in facilities]


def scoped_consular_tasks(
    session: Session, *, user: User, open_only: bool
) -> list[tuple[ConsularTask, ConsularCompletion | None]]:
    rows = list_consular_tasks(session, open_only=open_only)
    facilities = _facilities(session, user)
    if facilities is None:
        return rows
    return [(t, c) for t, c in rows if t.facility_id.upper() in facilities]
