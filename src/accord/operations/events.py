"""The operations event log: every step appended with its audit entry, in the caller's transaction.

Service modules never write `transfer_cases.state` or `missions.state` except
through `transition` and `mission_transition`, which check the state machine
of states.py, append the event and its audit entry, and update the projection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from accord.auth import User
from accord.db import AuditWriter, StatementBatch, append_audit, lock_for_write, record_time
from accord.errors import (
    IllegalTransition,
    InputError,
    OutsideFacilityScope,
    UnknownOperationsRecord,
)
from accord.operations.models import (
    Incident,
    LiaisonFacility,
    Mission,
    OperationsEvent,
    TransferCase,
)
from accord.operations.states import (
    CASE_STEPS,
    MISSION_STEPS,
    CaseState,
    IncidentKind,
    MissionState,
)

# The event kind of each case step (the step names in states.CASE_STEPS read as prose).
STEP_KIND: dict[str, str] = {
    "approve": "approved",
    "deny": "denied",
    "serve notice": "notice_served",
    "add to a manifest": "manifested",
    "strike at boarding": "struck",
    "depart": "departed",
    "confirm handover": "handover_received",
    "return on board": "returned_on_board",
    "report missing": "missing",
    "resolve as received": "handover_received",
    "resolve as returned on board": "returned_on_board",
    "resolve as died in transit": "died_in_transit",
    "release": "released",
    "transfer": "transferred",
    "return": "returned",
    "record death": "died",
    "withdraw": "withdrawn",
    "unmanifest (mission cancelled)": "unmanifested",
}
# Events that put a person into custody at a facility, and that take one out.
CUSTODY_IN = frozenset({"handover_received"})
CUSTODY_OUT = frozenset({"released", "transferred", "returned", "died"})


def begin(session: Session, now: dt.datetime | None) -> dt.datetime:
    """Take the writer lock (before any read that a write depends on) and fix the record time."""
    lock_for_write(session)
    return record_time(session, now)


def get_case(session: Session, case_id: int) -> TransferCase:
    case = session.get(TransferCase, case_id)
    if case is None:
        raise UnknownOperationsRecord(f"no transfer case {case_id}")
    return case


def get_mission(session: Session, mission_number: str) -> Mission:
    mission = session.scalars(
        select(Mission).where(Mission.mission_number == mission_number)
    ).first()
    if mission is None:
        raise UnknownOperationsRecord(f"no mission '{mission_number}'")
    return mission


def case_subject(case: TransferCase) -> str:
    return f"transfer case {case.id} ({case.person_id})"


_ASSIGNED_FACILITIES = select(LiaisonFacility.facility_id).where(
    LiaisonFacility.user_id == bindparam("user_id")
)


def check_facility_scope(session: Session, user: User, facility_id: str | None) -> None:
    """A receiving liaison acts only for the facility an admin assigned it; others pass."""
    if user.role != "receiving_liaison":
        return
    refuse_outside_scope(
        user, session.scalars(_ASSIGNED_FACILITIES, {"user_id": user.id}), facility_id
    )


def refuse_outside_scope(user: User, assigned_to: Iterable[str], facility_id: str | None) -> None:
    """check_facility_scope with the facilities assigned to a liaison already read."""
    if user.role != "receiving_liaison":
        return
    assigned = set(assigned_to)
    if facility_id is None or facility_id.upper() not in {f.upper() for f in assigned}:
        raise OutsideFacilityScope(
            f"receiving liaison '{user.name}' acts for {', '.join(sorted(assigned)) or 'no'} "
            f"facility, not {facility_id or 'a case with no facility'}"
        )


def _event(
    *,
    actor: User,
    kind: str,
    at: dt.datetime,
    occurred_at: dt.datetime | None,
    case: TransferCase | None,
    mission: Mission | None,
    facility_id: str | None,
    from_state: str | None,
    to_state: str | None,
    reason: str | None,
    details: dict[str, Any] | None,
    decision_record_id: int | None,
) -> tuple[OperationsEvent, str, dict[str, Any]]:
    """An event not yet written, with the subject and change of its audit entry."""
    occurred = occurred_at or at
    if occurred.tzinfo is None:
        raise InputError(f"{kind}: a time needs a timezone (e.g. 2025-03-15T18:00:00+00:00)")
    facility = facility_id or (case.facility_id if case is not None else None)
    if facility is None and mission is not None:
        facility = mission.facility_id
    mission_id = mission.id if mission is not None else (case.mission_id if case else None)
    subject = (
        f"case:{case.id}"
        if case is not None
        else f"mission:{mission.mission_number}"
        if (mission is not None)
        else f"facility:{facility}"
    )
    change: dict[str, Any] = {
        "kind": kind,
        "occurred_at": occurred.astimezone(dt.UTC).isoformat(),
        "person_id": case.person_id if case is not None else None,
        "mission_id": mission_id,
        "facility_id": facility,
        "from_state": from_state,
        "to_state": to_state,
        "reason_code": reason,
        "decision_record_id": decision_record_id,
        "details": details or {},
    }
    event = OperationsEvent(
        kind=kind,
        case_id=case.id if case is not None else None,
        mission_id=mission_id,
        person_id=case.person_id if case is not None else None,
        facility_id=facility,
        from_state=from_state,
        to_state=to_state,
        reason_code=reason,
        occurred_at=occurred,
        recorded_at=at,
        recorded_by_id=actor.id,
        details=details or {},
        decision_record_id=decision_record_id,
    )
    return event, subject, change


_EVENT_COLUMNS = tuple(c.name for c in OperationsEvent.__table__.columns if c.name != "id")


def _write_events(
    session: Session,
    actor: User,
    at: dt.datetime,
    events: list[tuple[OperationsEvent, str, dict[str, Any]]],
    audit: AuditWriter | None = None,
    batch: StatementBatch | None = None,
) -> list[OperationsEvent]:
    """Append the events and their audit entries.

    With a caller's `audit` writer the entries are only added to it, and with a
    caller's `batch` the events only join it: the caller sends them with its own
    writes, in one go. Events are inserted as rows, not through the unit of work
    (several times cheaper, and an event is never changed); the objects returned
    get their ids when the batch is sent.
    """
    writer = audit or AuditWriter(session)
    for event, subject, change in events:
        row = writer.add(
            actor=actor, action=f"operations.{event.kind}", subject=subject, change=change, at=at
        )
        event.audit_seq = row["seq"]
    writes = batch or StatementBatch(session)
    if audit is None:
        writer.flush(writes)
    written = [event for event, _, _ in events]

    def number(ids: list[int]) -> None:
        for event, event_id in zip(written, ids, strict=True):
            event.id = event_id

    rows = [{name: getattr(event, name) for name in _EVENT_COLUMNS} for event in written]
    writes.insert(OperationsEvent.__table__, rows, returning="id", on_result=number)
    if batch is None:
        writes.send()
    return written


def record_event(
    session: Session,
    *,
    actor: User,
    kind: str,
    at: dt.datetime,
    occurred_at: dt.datetime | None = None,
    case: TransferCase | None = None,
    mission: Mission | None = None,
    facility_id: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    decision_record_id: int | None = None,
) -> OperationsEvent:
    """Append one event and its audit entry (same transaction, same record time)."""
    prepared = _event(
        actor=actor,
        kind=kind,
        at=at,
        occurred_at=occurred_at,
        case=case,
        mission=mission,
        facility_id=facility_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        details=details,
        decision_record_id=decision_record_id,
    )
    return _write_events(session, actor, at, [prepared])[0]


def transition(
    session: Session,
    case: TransferCase,
    step: str,
    *,
    actor: User,
    at: dt.datetime,
    occurred_at: dt.datetime | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    decision_record_id: int | None = None,
    to: CaseState | None = None,
) -> OperationsEvent:
    """Move a case one step along its state machine, or raise IllegalTransition naming it."""
    return transition_cases(
        session,
        [case],
        step,
        actor=actor,
        at=at,
        occurred_at=occurred_at,
        reason=reason,
        details=details,
        decision_record_id=decision_record_id,
        to=to,
    )[0]


def transition_cases(
    session: Session,
    cases: Sequence[TransferCase],
    step: str,
    *,
    actor: User,
    at: dt.datetime,
    occurred_at: dt.datetime | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    decision_record_id: int | None = None,
    to: CaseState | None = None,
    audit: AuditWriter | None = None,
    batch: StatementBatch | None = None,
) -> list[OperationsEvent]:
    """`transition` for several cases at once, set-based: every case is checked before
    anything is written, then one insert per table (a group handed over together), sent
    together (or added to the caller's `batch`, which the caller sends)."""
    allowed, target = CASE_STEPS[step]
    target = to or target
    prepared = []
    for case in cases:
        state = CaseState(case.state)
        if state not in allowed:
            raise IllegalTransition(
                subject=case_subject(case),
                state=state.value,
                step=step,
                allowed=tuple(sorted(s.value for s in allowed)),
            )
        prepared.append(
            _event(
                actor=actor,
                kind=STEP_KIND[step],
                at=at,
                occurred_at=occurred_at,
                case=case,
                mission=None,
                facility_id=None,
                from_state=state.value,
                to_state=target.value,
                reason=reason,
                details=details,
                decision_record_id=decision_record_id,
            )
        )
    writes = batch or StatementBatch(session)
    written = _write_events(session, actor, at, prepared, audit, writes)
    # the projection, in the same batch; the loaded objects are told, not made dirty
    writes.update(
        TransferCase.__table__, ids=[case.id for case in cases], values={"state": target.value}
    )
    for case in cases:
        set_committed_value(case, "state", target.value)
    if batch is None:
        writes.send()
    return written


def require_mission_step(mission: Mission, step: str) -> MissionState:
    allowed, target = MISSION_STEPS[step]
    state = MissionState(mission.state)
    if state not in allowed:
        raise IllegalTransition(
            subject=f"mission {mission.mission_number}",
            state=state.value,
            step=step,
            allowed=tuple(sorted(s.value for s in allowed)),
        )
    return target


def mission_transition(
    session: Session,
    mission: Mission,
    step: str,
    *,
    kind: str,
    actor: User,
    at: dt.datetime,
    occurred_at: dt.datetime | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> OperationsEvent:
    target = require_mission_step(mission, step)
    event = record_event(
        session,
        actor=actor,
        kind=kind,
        at=at,
        occurred_at=occurred_at,
        mission=mission,
        from_state=mission.state,
        to_state=target.value,
        reason=reason,
        details=details,
    )
    mission.state = target.value
    session.flush()
    return event


def open_incident(
    session: Session,
    *,
    actor: User,
    at: dt.datetime,
    case: TransferCase,
    kind: IncidentKind,
    description: str,
    about: dict[str, Any] | None = None,
) -> int:
    """Open an incident on a case, audited; `about` adds to the audit entry's change (the
    court order and law entry behind an incident opened by an order, operations/law_change)."""
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
            **(about or {}),
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
