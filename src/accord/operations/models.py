"""The operations tables: missions, transfer cases, the event log, incidents, custody records.

The truth is append-only: `operations_events` (every step of every case and
mission, with when it happened kept apart from when it was recorded),
incidents and their resolutions, census reports, consular tasks and their
completions, the counsel access log, monitoring visits and findings, return
case updates. Triggers created by migration 0003 refuse UPDATE and DELETE on
them. `transfer_cases.state` and `missions.state` are projections of the event
log kept for fast reads; `accord reconcile` recomputes them from the events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

import accord.decisions.models  # noqa: F401  (decision_records, which events reference)
import accord.law_entries.models as _law_entries  # noqa: F401  (law_entry_acts references it)
from accord.db import Base, BigId, UTCDateTime
from accord.registry import PERSON_ID_LENGTH

CODE = 48  # length of state names and reason codes


class Mission(Base):
    """One flight (or convoy) to a receiving facility; its state is a projection of events."""

    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    mission_number: Mapped[str] = mapped_column(String(64), unique=True)
    carrier: Mapped[str] = mapped_column(String(128))
    agreement_id: Mapped[str] = mapped_column(String(64))
    pathway: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(2))
    facility_id: Mapped[str] = mapped_column(String(64))
    planned_departure: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    seats: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(CODE))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class MissionLeg(Base):
    __tablename__ = "mission_legs"

    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    pickup: Mapped[str] = mapped_column(String(128))
    dropoff: Mapped[str] = mapped_column(String(128))


class TransferCase(Base):
    """One person nominated for one agreement, pathway, destination and facility."""

    __tablename__ = "transfer_cases"
    __table_args__ = (
        Index("ix_transfer_cases_person", "person_id"),
        Index("ix_transfer_cases_custody", "facility_id", "state", "agreement_id"),
        Index("ix_transfer_cases_mission_person", "mission_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH))
    agreement_id: Mapped[str] = mapped_column(String(64))
    pathway: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(2))
    facility_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(CODE))
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id"))
    nominated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class FacilityCount(Base):
    """Cases per facility, agreement and state, kept by triggers on transfer_cases
    (migration 0005): what capacity and quota checks read instead of counting cases."""

    __tablename__ = "facility_counts"

    facility_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # '' for none
    agreement_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)


class OperationsEvent(Base):
    """One step of a case or a mission: append-only, attributed, audited."""

    __tablename__ = "operations_events"
    __table_args__ = (
        Index("ix_operations_events_case", "case_id", "id"),
        Index("ix_operations_events_mission", "mission_id", "id"),
        Index("ix_operations_events_facility", "facility_id", "kind", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(CODE))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_cases.id"))
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id"))
    person_id: Mapped[str | None] = mapped_column(String(PERSON_ID_LENGTH))
    facility_id: Mapped[str | None] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(CODE))
    to_state: Mapped[str | None] = mapped_column(String(CODE))
    reason_code: Mapped[str | None] = mapped_column(String(CODE))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    decision_record_id: Mapped[int | None] = mapped_column(ForeignKey("decision_records.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class Incident(Base):
    """Something that must not pass silently; open until a resolution row exists."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(CODE))
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_cases.id"))
    person_id: Mapped[str | None] = mapped_column(String(PERSON_ID_LENGTH))
    description: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class IncidentResolution(Base):
    __tablename__ = "incident_resolutions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    reason_code: Mapped[str] = mapped_column(String(CODE))
    note: Mapped[str] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class CensusReport(Base):
    """The receiving facility's own count for a day, next to the registry's count then."""

    __tablename__ = "census_reports"
    __table_args__ = (Index("ix_census_reports_facility_day", "facility_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    facility_id: Mapped[str] = mapped_column(String(64))
    day: Mapped[dt.date] = mapped_column(Date)
    reported_count: Mapped[int] = mapped_column(Integer)
    registry_count: Mapped[int] = mapped_column(Integer)
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class ReturnCase(Base):
    """A court-ordered return (e.g. to "facilitate return"), tracked until back in U.S. custody."""

    __tablename__ = "return_cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_cases.id"))
    court: Mapped[str] = mapped_column(Text)
    order_reference: Mapped[str] = mapped_column(Text)
    ordered_on: Mapped[dt.date] = mapped_column(Date)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class ReturnUpdate(Base):
    __tablename__ = "return_updates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    return_case_id: Mapped[int] = mapped_column(ForeignKey("return_cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(CODE))
    note: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class ConsularTask(Base):
    """Vienna Convention art. 36 notification owed for a person held who is not a national there."""

    __tablename__ = "consular_tasks"
    __table_args__ = (UniqueConstraint("case_id", "country"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("transfer_cases.id"))
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH))
    country: Mapped[str] = mapped_column(String(2))  # the state whose consul is notified
    facility_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    audit_seq: Mapped[int] = mapped_column(BigId)


class ConsularCompletion(Base):
    __tablename__ = "consular_completions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("consular_tasks.id"), unique=True)
    notified_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class CounselAccess(Base):
    """One contact (or a refused contact) between a person in custody and counsel."""

    __tablename__ = "counsel_access_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH), index=True)
    counsel: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(CODE))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class MonitoringVisit(Base):
    __tablename__ = "monitoring_visits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    facility_id: Mapped[str] = mapped_column(String(64))
    visited_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class MonitoringFinding(Base):
    __tablename__ = "monitoring_findings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("monitoring_visits.id"), index=True)
    severity: Mapped[str] = mapped_column(String(CODE))
    finding: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(Text)


class LiaisonFacility(Base):
    """Which facility a receiving liaison acts for (assigned by an admin)."""

    __tablename__ = "liaison_facilities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    facility_id: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class IncidentObservation(Base):
    """A monitor's observation on an incident (note, concern or urgent): append-only, like
    the incidents themselves (migration 0018's triggers). A monitor writes no case data and
    resolves nothing; this is its voice on the record, beside the incident."""

    __tablename__ = "incident_observations"
    __table_args__ = (Index("ix_incident_observations_incident", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    level: Mapped[str] = mapped_column(String(CODE))
    text: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class LawEntryAct(Base):
    """A court-order law entry that has acted on operations as of its own effective day
    (operations/law_due.py): at its entry when entered on or after that day, else by the
    first due acts on or after it. One row per entry (the primary key): two processes
    running due acts at once cannot both act (migration 0019; append-only)."""

    __tablename__ = "law_entry_acts"

    law_entry_id: Mapped[int] = mapped_column(ForeignKey("law_entries.id"), primary_key=True)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    acted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    acted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


OPERATIONS_APPEND_ONLY: tuple[str, ...] = (
    "mission_legs",
    "operations_events",
    "incidents",
    "incident_resolutions",
    "census_reports",
    "return_cases",
    "return_updates",
    "consular_tasks",
    "consular_completions",
    "counsel_access_log",
    "monitoring_visits",
    "monitoring_findings",
    "liaison_facilities",
    "incident_observations",  # migration 0018
)
