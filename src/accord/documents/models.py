"""What a printable document shows, as plain values (no database rows, no HTML).

The service (documents/service.py) builds them from the registry; the templates
(documents/templates/) lay them out; render.py turns them into HTML and PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RuleLine:
    """A failed or unknown rule of a boarding decision, with what it cites."""

    rule: str
    title: str
    citation: str
    passes_when: str


@dataclass(frozen=True)
class Identity:
    """Who the person is, as the registry knows now: what is checked at the door."""

    person_id: str
    name: str | None
    birth_date: dt.date | None
    nationalities: tuple[str, ...] | None  # None: not known


@dataclass(frozen=True)
class Passenger:
    """One case ever on the manifest, with the decision behind their boarding."""

    seq: int
    identity: Identity
    case_id: int
    state: str
    outcome: str  # eligible, ineligible, undetermined, or "not checked"
    decision_record_id: int | None
    decided_as_of: str | None
    failed: tuple[RuleLine, ...] = ()
    unknown: tuple[RuleLine, ...] = ()


@dataclass(frozen=True)
class CustodyEvent:
    """One step of a case (nominated ... departed, received, released ...)."""

    kind: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    reason: str | None
    facility_id: str | None


@dataclass(frozen=True)
class IncidentLine:
    id: int
    kind: str
    person_id: str | None
    case_id: int | None
    description: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str | None  # the reason code and note


@dataclass(frozen=True)
class HandoverLine:
    """A person received into custody (or returned on board) at the facility."""

    person_id: str
    case_id: int
    kind: str  # handover_received, returned_on_board, missing, died_in_transit
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str


@dataclass(frozen=True)
class MissionHeader:
    """The header every document of a mission repeats."""

    mission_number: str
    state: str
    carrier: str
    agreement_id: str
    pathway: str
    destination: str
    facility_id: str
    seats: int
    legs: tuple[tuple[str, str], ...]
    planned_departure: dt.datetime
    departed_at: dt.datetime | None  # as recorded (occurred_at of the departure)
    first_handover_at: dt.datetime | None  # arrival as recorded: the first handover
    handover_closed_at: dt.datetime | None


@dataclass(frozen=True)
class ManifestDocument:
    header: MissionHeader
    passengers: tuple[Passenger, ...]
    incidents: tuple[IncidentLine, ...]
    handovers: tuple[HandoverLine, ...]
    generated_at: dt.datetime
    sending_officer: str | None  # the user who recorded the departure, if it departed
    title: str = "Manifest"


@dataclass(frozen=True)
class EscortRecord:
    header: MissionHeader
    passenger: Passenger
    events: tuple[CustodyEvent, ...]
    incidents: tuple[IncidentLine, ...]
    generated_at: dt.datetime
    sending_officer: str | None
    title: str = "Escort record"
    handovers: tuple[HandoverLine, ...] = field(default=())
