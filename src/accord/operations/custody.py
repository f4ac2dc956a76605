"""Handover, custody, incidents and the daily census.

Custody is derived from the event log: a `handover_received` event puts a
person into custody at a facility, `released`, `transferred`, `returned` and
`died` take them out. Capacity and quota are checked under the registry's
writer lock (taken before the count is read), so concurrent writers cannot
together exceed them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agreements import bundled_agreements, get_agreement
from accord.errors import CapacityExceeded, IllegalTransition, InputError, UnknownOperationsRecord
from accord.operations.events import (
    CUSTODY_IN,
    CUSTODY_OUT,
    begin,
    check_facility_scope,
    get_mission,
    mission_transition,
    require_mission_step,
    transition,
    transition_cases,
)
from accord.operations.models import (
    CensusReport,
    ConsularTask,
    Incident,
    IncidentResolution,
    OperationsEvent,
    TransferCase,
)
from accord.operations.schemas import (
    CUSTODY_END_REASONS,
    CUSTODY_END_STEP,
    RESOLUTION_STEP,
    CaseState,
    CustodyEnd,
    CustodyEndReason,
    HandoverClose,
    IncidentKind,
    ResolutionReason,
)
from accord.registry.audit import AuditWriter, append_audit
from accord.registry.models import User
from accord.registry.reads import persons_nationalities


def canonical_facility(facility_id: str) -> str:
    """The facility id as the agreements spell it (ids are matched case-insensitively)."""
    for agreement in bundled_agreements().values():
        found = agreement.facility(facility_id)
        if found is not None:
            return found.id
    raise UnknownOperationsRecord(f"no agreement names a facility '{facility_id}'")


def _held(
    session: Session, *, facility_id: str, agreement_id: str, in_flight: bool
) -> tuple[int, int]:
    """(persons held at the facility, those of them under the agreement), in one query."""
    states = [CaseState.IN_CUSTODY.value]
    if in_flight:
        states += [CaseState.MANIFESTED.value, CaseState.DEPARTED.value, CaseState.MISSING.value]
    # facility ids are stored as the agreement spells them: equality uses the index
    under = func.coalesce(
        func.sum(sql_case((TransferCase.agreement_id == agreement_id, 1), else_=0)), 0
    )
    row = session.execute(
        select(func.count(), under).where(
            TransferCase.facility_id == facility_id, TransferCase.state.in_(states)
        )
    ).one()
    return int(row[0]), int(row[1])


def occupancy(
    session: Session, *, facility_id: str, agreement_id: str | None = None, in_flight: bool = False
) -> int:
    """Persons in custody at the facility (under one agreement if given); with `in_flight`,
    also those manifested or departed towards it and not yet handed over."""
    held, under = _held(
        session, facility_id=facility_id, agreement_id=agreement_id or "", in_flight=in_flight
    )
    return under if agreement_id is not None else held


def check_room(
    session: Session,
    *,
    facility_id: str,
    agreement_id: str,
    adding: int = 1,
    include_in_flight: bool = False,
) -> None:
    """Refuse unless `adding` more persons fit the facility's capacity and the quota."""
    facility = get_agreement(agreement_id).facility(facility_id)
    if facility is None:
        raise UnknownOperationsRecord(f"agreement {agreement_id} names no facility {facility_id}")
    held, used = _held(
        session, facility_id=facility.id, agreement_id=agreement_id, in_flight=include_in_flight
    )
    what = "held or on the way" if include_in_flight else "held"
    if held + adding > facility.capacity:
        raise CapacityExceeded(
            f"{facility.id}: capacity {facility.capacity:,}, {held:,} {what}: "
            f"{adding} more would exceed it"
        )
    if facility.quota is not None and used + adding > facility.quota:
        raise CapacityExceeded(
            f"{facility.id}: agreement {agreement_id} quota {facility.quota:,}, "
            f"{used:,} {what} under it: {adding} more would exceed it"
        )


def _open_consular_tasks(
    session: Session,
    cases: Sequence[TransferCase],
    at: dt.datetime,
    actor: User,
    audit: AuditWriter,
) -> None:
    """Vienna Convention art. 36: every person held who is not a national of the receiving
    state gets a consular-notification task for each nationality (or one if none is known)."""
    nationalities = persons_nationalities(session, person_ids=[c.person_id for c in cases])
    tasks = []
    for case in cases:
        facility = get_agreement(case.agreement_id).facility(case.facility_id or "")
        if facility is None:
            continue
        known = nationalities[case.person_id]
        if known is not None and facility.country in known:
            continue
        for country in known or ["XX"]:
            row = audit.add(
                actor=actor,
                action="operations.consular_task",
                subject=f"case:{case.id}",
                change={
                    "person_id": case.person_id,
                    "country": country,
                    "facility_id": facility.id,
                },
                at=at,
            )
            tasks.append(
                ConsularTask(
                    case_id=case.id,
                    person_id=case.person_id,
                    country=country,
                    facility_id=facility.id,
                    created_at=at,
                    audit_seq=row["seq"],
                )
            )
    session.add_all(tasks)


def place_in_custody(
    session: Session,
    cases: Sequence[TransferCase],
    step: str,
    *,
    actor: User,
    at: dt.datetime,
    occurred_at: dt.datetime,
    details: dict[str, Any] | None = None,
) -> list[OperationsEvent]:
    """Put the cases into custody at their facility (one check of room for them all)."""
    by_place: dict[tuple[str, str], int] = {}
    for case in cases:
        place = (case.facility_id or "", case.agreement_id)
        by_place[place] = by_place.get(place, 0) + 1
    for (facility_id, agreement_id), adding in by_place.items():
        check_room(session, facility_id=facility_id, agreement_id=agreement_id, adding=adding)
    audit = AuditWriter(session)  # one insert for the entries of events and tasks
    events = transition_cases(
        session,
        cases,
        step,
        actor=actor,
        at=at,
        occurred_at=occurred_at,
        details=details,
        audit=audit,
    )
    _open_consular_tasks(session, cases, at, actor, audit)
    audit.flush()
    session.flush()
    return events


def _mission_cases(
    session: Session, mission_id: int, person_ids: Sequence[str], number: str
) -> list[TransferCase]:
    """The mission's cases of these persons, in the order given (one query)."""
    found = {
        case.person_id: case
        for case in session.scalars(
            select(TransferCase).where(
                TransferCase.mission_id == mission_id, TransferCase.person_id.in_(person_ids)
            )
        )
    }
    missing = [p for p in person_ids if p not in found]
    if missing:
        raise UnknownOperationsRecord(f"person {missing[0]} is not on mission {number}")
    if len(set(person_ids)) != len(person_ids):
        raise InputError(f"a person is named twice in one handover on mission {number}")
    return [found[p] for p in person_ids]


def confirm_handover(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    person_ids: Sequence[str],
    returned_on_board: bool = False,
    occurred_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> list[OperationsEvent]:
    """The receiving liaison confirms each person received into custody (or returned on board).

    The persons confirmed together are written set-based: one statement per table,
    however many there are.
    """
    at = begin(session, now)
    mission = get_mission(session, mission_number)
    check_facility_scope(session, actor, mission.facility_id)
    require_mission_step(mission, "confirm handover")
    when = occurred_at or at
    cases = _mission_cases(session, mission.id, person_ids, mission_number)
    if returned_on_board:
        return transition_cases(
            session, cases, "return on board", actor=actor, at=at, occurred_at=when
        )
    return place_in_custody(
        session, cases, "confirm handover", actor=actor, at=at, occurred_at=when
    )


def close_handover(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    now: dt.datetime | None = None,
) -> HandoverClose:
    """Departed must equal received + returned on board: each person neither received nor
    returned opens a `missing_at_handover` incident that stays open until resolved."""
    at = begin(session, now)
    mission = get_mission(session, mission_number)
    check_facility_scope(session, actor, mission.facility_id)
    require_mission_step(mission, "close the handover")
    departed = list(
        session.scalars(
            select(TransferCase)
            .join(OperationsEvent, OperationsEvent.case_id == TransferCase.id)
            .where(OperationsEvent.kind == "departed", OperationsEvent.mission_id == mission.id)
            .order_by(TransferCase.id)
        )
    )
    received = returned = 0
    incidents = []
    for case in departed:
        if case.state == CaseState.DEPARTED.value:
            transition(
                session,
                case,
                "report missing",
                actor=actor,
                at=at,
                reason=IncidentKind.MISSING_AT_HANDOVER.value,
                details={"mission": mission.mission_number},
            )
            incidents.append(
                _open_incident(
                    session,
                    actor=actor,
                    at=at,
                    case=case,
                    kind=IncidentKind.MISSING_AT_HANDOVER,
                    description=f"{case.person_id} departed on mission {mission.mission_number} "
                    "but was neither received nor returned on board",
                )
            )
        elif case.state == CaseState.RETURNED_ON_BOARD.value:
            returned += 1
        else:
            received += 1
    mission_transition(
        session,
        mission,
        "close the handover",
        kind="handover_closed",
        actor=actor,
        at=at,
        details={
            "departed": len(departed),
            "received": received,
            "returned_on_board": returned,
            "incidents": incidents,
        },
    )
    return HandoverClose(
        mission.mission_number, len(departed), received, returned, tuple(incidents)
    )


def _open_incident(
    session: Session,
    *,
    actor: User,
    at: dt.datetime,
    case: TransferCase,
    kind: IncidentKind,
    description: str,
) -> int:
    entry = append_audit(
        session,
        actor=actor,
        action="operations.incident_opened",
        subject=f"case:{case.id}",
        change={
            "kind": kind.value,
            "person_id": case.person_id,
            "mission_id": case.mission_id,
            "description": description,
        },
        now=at,
    )
    incident = Incident(
        kind=kind.value,
        mission_id=case.mission_id,
        case_id=case.id,
        person_id=case.person_id,
        description=description,
        opened_at=at,
        opened_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(incident)
    session.flush()
    return incident.id


def list_incidents(
    session: Session, *, open_only: bool = False
) -> list[tuple[Incident, IncidentResolution | None]]:
    rows = session.execute(
        select(Incident, IncidentResolution)
        .outerjoin(IncidentResolution, IncidentResolution.incident_id == Incident.id)
        .order_by(Incident.id)
    ).all()
    return [(i, r) for i, r in rows if not (open_only and r is not None)]


def resolve_incident(
    session: Session,
    *,
    actor: User,
    incident_id: int,
    reason: ResolutionReason,
    note: str,
    occurred_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> IncidentResolution:
    """Close an incident with a coded reason; the person's case moves accordingly."""
    at = begin(session, now)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise UnknownOperationsRecord(f"no incident {incident_id}")
    if not note.strip():
        raise InputError("a resolution needs a note saying how the person was accounted for")
    done = session.scalars(
        select(IncidentResolution).where(IncidentResolution.incident_id == incident_id)
    ).first()
    if done is not None:
        raise IllegalTransition(
            subject=f"incident {incident_id}",
            state=f"resolved ({done.reason_code})",
            step="resolve again",
        )
    case = session.get(TransferCase, incident.case_id) if incident.case_id else None
    if case is None:
        raise UnknownOperationsRecord(f"incident {incident_id} names no transfer case")
    check_facility_scope(session, actor, case.facility_id)
    step = RESOLUTION_STEP[reason]
    when = occurred_at or at
    details = {"incident": incident_id}
    if reason == ResolutionReason.RECEIVED_LATE:
        place_in_custody(
            session, [case], step, actor=actor, at=at, occurred_at=when, details=details
        )
    else:
        transition(session, case, step, actor=actor, at=at, occurred_at=when, details=details)
    entry = append_audit(
        session,
        actor=actor,
        action="operations.incident_resolved",
        subject=f"incident:{incident_id}",
        change={"reason_code": reason.value, "note": note, "case_id": case.id},
        now=at,
    )
    resolution = IncidentResolution(
        incident_id=incident_id,
        reason_code=reason.value,
        note=note,
        resolved_at=at,
        resolved_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(resolution)
    session.flush()
    return resolution


def custody_case(session: Session, person_id: str) -> TransferCase:
    case = session.scalars(
        select(TransferCase).where(
            TransferCase.person_id == person_id, TransferCase.state == CaseState.IN_CUSTODY.value
        )
    ).first()
    if case is None:
        raise UnknownOperationsRecord(f"person {person_id} is not in custody under any case")
    return case


def end_custody(
    session: Session,
    *,
    actor: User,
    person_id: str,
    end: CustodyEnd,
    reason: CustodyEndReason,
    occurred_at: dt.datetime | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> OperationsEvent:
    """Release, transfer, return or death in custody, each with a reason code of its own."""
    at = begin(session, now)
    if reason not in CUSTODY_END_REASONS[end]:
        allowed = ", ".join(sorted(r.value for r in CUSTODY_END_REASONS[end]))
        raise InputError(f"reason '{reason.value}' does not fit a {end.value}; use: {allowed}")
    case = custody_case(session, person_id)
    check_facility_scope(session, actor, case.facility_id)
    when = occurred_at or at
    if when.tzinfo is None:
        raise InputError("a time needs a timezone (e.g. 2025-03-15T18:00:00+00:00)")
    if when > at:
        raise InputError(f"{when.isoformat()}: custody ends once it happened, not in the future")
    began = session.scalar(
        select(func.max(OperationsEvent.occurred_at)).where(
            OperationsEvent.case_id == case.id, OperationsEvent.kind.in_(CUSTODY_IN)
        )
    )
    if began is not None and when < began:
        # the census of the days between would count the person twice as gone
        raise InputError(
            f"{when.isoformat()}: before the handover into custody ({began.isoformat()})"
        )
    return transition(
        session,
        case,
        CUSTODY_END_STEP[end],
        actor=actor,
        at=at,
        occurred_at=when,
        reason=reason.value,
        details={"note": note} if note else None,
    )


def census_count(session: Session, *, facility_id: str, day: dt.date) -> int:
    """Persons in custody at the facility at the end of `day` (UTC), from the events:
    handovers minus releases, transfers, returns and deaths that occurred by then."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
    rows = session.execute(
        select(OperationsEvent.kind, func.count())
        .where(
            OperationsEvent.facility_id == facility_id,
            OperationsEvent.kind.in_(sorted(CUSTODY_IN | CUSTODY_OUT)),
            OperationsEvent.occurred_at < end,
        )
        .group_by(OperationsEvent.kind)
    ).all()
    return sum(n if kind in CUSTODY_IN else -n for kind, n in rows)


def report_census(
    session: Session,
    *,
    actor: User,
    facility_id: str,
    day: dt.date,
    count: int,
    now: dt.datetime | None = None,
) -> CensusReport:
    """The liaison's count of persons held on `day`, kept beside the registry's own count."""
    at = begin(session, now)
    facility_id = canonical_facility(facility_id)
    check_facility_scope(session, actor, facility_id)
    if count < 0:
        raise InputError(f"--count {count}: a census cannot be negative")
    if day > at.date():
        raise InputError(f"--date {day}: a census is reported for a day that has begun")
    ours = census_count(session, facility_id=facility_id, day=day)
    entry = append_audit(
        session,
        actor=actor,
        action="operations.census",
        subject=f"facility:{facility_id}",
        change={"day": day.isoformat(), "reported_count": count, "registry_count": ours},
        now=at,
    )
    report = CensusReport(
        facility_id=facility_id,
        day=day,
        reported_count=count,
        registry_count=ours,
        reported_at=at,
        reported_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(report)
    session.flush()
    return report
