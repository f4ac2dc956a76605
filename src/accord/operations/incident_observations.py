"""A monitor's observations on incidents: note, concern or urgent; append-only, audited.

Monitors may not resolve incidents (auth/users.py: a monitor writes no case data, which
keeps them independent of those whose work they watch). What they see still belongs on
the record, beside the incident, for everyone who can read it: an observation moves no
case and closes nothing. An `urgent` one on an open incident is raised in the alert area
of those who act on incidents (dashboard/alerts.py) until the incident is resolved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.auth import Permission, User, require_permission
from accord.db import append_audit
from accord.errors import InputError, UnknownOperationsRecord
from accord.limits import LONG_TEXT_MAX, check_text
from accord.operations.events import begin
from accord.operations.models import Incident, IncidentObservation, IncidentResolution


class ObservationLevel(StrEnum):
    NOTE = "note"
    CONCERN = "concern"
    URGENT = "urgent"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    ObservationLevel.NOTE: "for the record",
    ObservationLevel.CONCERN: "a concern those who act on the incident should weigh",
    ObservationLevel.URGENT: "needs action now: raised as an alert while the incident is open",
}


def parse_level(text: str, *, what: str = "--level") -> ObservationLevel:
    """The level `text` names, or an InputError listing every level."""
    try:
        return ObservationLevel(text)
    except ValueError:
        levels = "; ".join(f"{c.value} ({c.description})" for c in ObservationLevel)
        raise InputError(f"{what} '{text}' is not one of: {levels}") from None


@dataclass(frozen=True)
class ObservationRow:
    """An observation as shown: what, how urgent, who and when."""

    id: int
    incident_id: int
    level: str
    text: str
    recorded_at: dt.datetime
    recorded_by: str


def record_observation(
    session: Session,
    *,
    actor: User,
    incident_id: int,
    level: ObservationLevel,
    text: str,
    now: dt.datetime | None = None,
) -> IncidentObservation:
    """Append a monitor's observation to an incident, open or resolved, with its audit entry."""
    require_permission(actor, Permission.OPS_OBSERVE)  # the monitor's voice, no one else's
    at = begin(session, now)
    check_text(text, "--text", max_length=LONG_TEXT_MAX)
    if not text.strip():
        raise InputError("--text: say what was observed")
    if session.get(Incident, incident_id) is None:
        raise UnknownOperationsRecord(f"no incident {incident_id}")
    entry = append_audit(
        session,
        actor=actor,
        action="operations.incident_observation",
        subject=f"incident:{incident_id}",
        change={"level": level.value, "text": text},
        now=at,
    )
    observation = IncidentObservation(
        incident_id=incident_id,
        level=level.value,
        text=text,
        recorded_at=at,
        recorded_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(observation)
    session.flush()
    return observation


def list_observations(session: Session, *, incident_id: int) -> list[ObservationRow]:
    """An incident's observations, newest first, with who recorded each."""
    rows = session.execute(
        select(IncidentObservation, User.name)
        .join(User, User.id == IncidentObservation.recorded_by_id)
        .where(IncidentObservation.incident_id == incident_id)
        .order_by(IncidentObservation.id.desc())
    ).all()
    return [
        ObservationRow(
            id=o.id,
            incident_id=o.incident_id,
            level=o.level,
            text=o.text,
            recorded_at=o.recorded_at,
            recorded_by=name,
        )
        for o, name in rows
    ]


def urgent_open_incidents(session: Session) -> list[int]:
    """Ids of open incidents with at least one urgent observation, oldest first."""
    resolved = select(IncidentResolution.incident_id)
    return [
        int(i)
        for i in session.scalars(
            select(IncidentObservation.incident_id)
            .where(
                IncidentObservation.level == ObservationLevel.URGENT.value,
                IncidentObservation.incident_id.not_in(resolved),
            )
            .group_by(IncidentObservation.incident_id)
            .order_by(func.min(IncidentObservation.id))
        )
    ]
