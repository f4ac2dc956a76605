"""Handover at the receiving facility: persons received into custody or returned on board,
the close of a mission's handover, and the incidents it opens.

Handovers are the busiest write (a liaison confirming an aircraft's passengers
one by one), so `confirm_handover` reads what it needs before it takes the
registry's writer lock (an optimistic write: db/optimistic.py). On
PostgreSQL it then sends its lock, audit chain, room check, writes and commit
in one round trip (db/chain.py): the database takes
the lock, checks in the chain that nobody wrote the mission, the cases, the
persons' facts or the liaison's assignment since the reads began, and appends
the entries. If anybody did, or there is no room, nothing is written and the
handover is read and judged again under the lock, the way SQLite always runs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agreements import get_agreement
from accord.auth import User
from accord.db import (
    AuditWriter,
    Snapshot,
    StatementBatch,
    Writes,
    append_audit,
    for_one_service_call,
    write_once,
)
from accord.errors import IllegalTransition, InputError, UnknownOperationsRecord
from accord.limits import LONG_TEXT_MAX, check_text
from accord.operations.custody import (
    agreement_facility,
    check_room,
    room_requirement,
)
from accord.operations.events import (
    begin,
    check_facility_scope,
    get_mission,
    mission_transition,
    open_incident,
    require_mission_step,
    transition,
    transition_cases,
)
from accord.operations.handover_reads import (
    HandoverReads,
    Nationalities,
    read_for_handover,
    read_for_handover_pg,
    read_subjects,
)
from accord.operations.law_change_open import check_not_in_class
from accord.operations.law_due import due_acts_first
from accord.operations.models import (
    ConsularTask,
    Incident,
    IncidentResolution,
    OperationsEvent,
    TransferCase,
)
from accord.operations.results import HandoverClose
from accord.operations.states import (
    CASE_STEPS,
    RESOLUTION_STEP,
    CaseState,
    IncidentKind,
    ResolutionReason,
)
from accord.registry import persons_nationalities


def _open_consular_tasks(
    session: Session,
    cases: Sequence[TransferCase],
    at: dt.datetime,
    actor: User,
    audit: AuditWriter,
    batch: StatementBatch,
    nationalities: Nationalities | None = None,
) -> None:
    """Vienna Convention art. 36: every person held who is not a national of the receiving
    state gets a consular-notification task for each nationality (or one if none is known)."""
    if nationalities is None:
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
                {
                    "case_id": case.id,
                    "person_id": case.person_id,
                    "country": country,
                    "facility_id": facility.id,
                    "created_at": at,
                    "audit_seq": row["seq"],
                }
            )
    batch.insert(ConsularTask.__table__, tasks)  # rows: nothing reads them back here


def _places(cases: Sequence[TransferCase]) -> dict[tuple[str, str], int]:
    """How many of the cases go to each (facility, agreement)."""
    by_place: dict[tuple[str, str], int] = {}
    for case in cases:
        place = (case.facility_id or "", case.agreement_id)
        by_place[place] = by_place.get(place, 0) + 1
    return by_place


def place_in_custody(
    session: Session,
    cases: Sequence[TransferCase],
    step: str,
    *,
    actor: User,
    at: dt.datetime,
    occurred_at: dt.datetime,
    details: dict[str, Any] | None = None,
    nationalities: Nationalities | None = None,
) -> list[OperationsEvent]:
    """Put the cases into custody at their facility (one check of room for them all)."""
    for (facility_id, agreement_id), adding in _places(cases).items():
        check_room(session, facility_id=facility_id, agreement_id=agreement_id, adding=adding)
    audit = AuditWriter(session)  # one insert for the entries of events and tasks
    batch = StatementBatch(session)  # and the events, cases and tasks sent with them
    events = _custody_writes(
        session, cases, step, actor, at, occurred_at, details, nationalities, audit, batch
    )
    audit.flush(batch)
    batch.send()
    return events


def _custody_writes(
    session: Session,
    cases: Sequence[TransferCase],
    step: str,
    actor: User,
    at: dt.datetime,
    occurred_at: dt.datetime,
    details: dict[str, Any] | None,
    nationalities: Nationalities | None,
    audit: AuditWriter,
    batch: StatementBatch,
) -> list[OperationsEvent]:
    """The events, case states and consular tasks of a placement, added to `batch`."""
    events = transition_cases(
        session,
        cases,
        step,
        actor=actor,
        at=at,
        occurred_at=occurred_at,
        details=details,
        audit=audit,
        batch=batch,
    )
    _open_consular_tasks(session, cases, at, actor, audit, batch, nationalities)
    return events


def confirm_handover(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    person_ids: Sequence[str],
    returned_on_board: bool = False,
    occurred_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    commit: bool | None = None,
) -> list[OperationsEvent]:
    """The receiving liaison confirms each person received into custody (or returned on board).

    The persons confirmed together are written set-based: one statement per table,
    however many there are. An optimistic write (db/optimistic.py). `commit`:
    the handover is the whole of the session's transaction and commits with its
    write, on PostgreSQL in its round trip, so that the writer lock is not held while
    the reply travels back (the HTTP route, the CLI); by default, when the session was
    opened for this one call (`write_session(lock=False)`).
    """
    if commit is None:
        commit = for_one_service_call(session)
    # an order in force from today acts first (then under the lock: the locked path below)
    due_acts_first(session, actor=actor, now=now)

    def read_first() -> Snapshot[HandoverReads]:
        seen, reads = read_for_handover_pg(
            session,
            actor=actor,
            mission_number=mission_number,
            person_ids=person_ids,
            returned_on_board=returned_on_board,
        )
        return Snapshot(reads, seen, read_subjects(actor, reads))

    def read_locked(_at: dt.datetime) -> HandoverReads:
        return read_for_handover(
            session,
            actor=actor,
            mission_number=mission_number,
            person_ids=person_ids,
            returned_on_board=returned_on_board,
        )

    def write(reads: HandoverReads, writes: Writes) -> list[OperationsEvent]:
        when = occurred_at or writes.clock  # the record time may be later: the database gives it
        if returned_on_board:
            events = transition_cases(
                session,
                reads.cases,
                "return on board",
                actor=actor,
                at=writes.at,
                occurred_at=when,
                audit=writes.audit,
                batch=writes.batch,
            )
        else:
            for (facility_id, agreement_id), adding in _places(reads.cases).items():
                if writes.chained:  # checked by the database, under the lock
                    facility = agreement_facility(agreement_id, facility_id)
                    writes.require(
                        *room_requirement(
                            session, facility, agreement_id=agreement_id, adding=adding
                        )
                    )
                else:
                    check_room(
                        session, facility_id=facility_id, agreement_id=agreement_id, adding=adding
                    )
            events = _custody_writes(
                session,
                reads.cases,
                "confirm handover",
                actor,
                writes.at,
                when,
                None,
                reads.nationalities,
                writes.audit,
                writes.batch,
            )
        writes.returns(*events)
        return events

    return write_once(
        session, read_first=read_first, read_locked=read_locked, write=write, now=now, commit=commit
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
    due_acts_first(session, actor=actor, now=at)  # an order in force from today acts first
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
                open_incident(
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
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
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
    when = occurred_at or at
    details = {"incident": incident_id}
    if reason == ResolutionReason.NOT_IN_CLASS:  # the engine must agree; the case moves on
        check_not_in_class(session, incident=incident, actor=actor, at=at)  # by its handover
    elif case.state == CASE_STEPS[RESOLUTION_STEP[reason]][1].value:
        pass  # already there (a court-order incident and a missing one, or a handover first)
    elif reason == ResolutionReason.RECEIVED_LATE:
        step = RESOLUTION_STEP[reason]
        place_in_custody(
            session, [case], step, actor=actor, at=at, occurred_at=when, details=details
        )
    else:
        step = RESOLUTION_STEP[reason]
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
