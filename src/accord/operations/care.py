"""After the handover: court-ordered returns, consular notification, counsel access,
monitoring visits, and which facility each receiving liaison acts for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.auth import User, get_user
from accord.db import append_audit
from accord.errors import IllegalTransition, InputError, UnknownOperationsRecord
from accord.limits import LONG_TEXT_MAX, check_text
from accord.operations.custody import canonical_facility, custody_case, end_custody
from accord.operations.events import begin, check_facility_scope
from accord.operations.models import (
    ConsularCompletion,
    ConsularTask,
    CounselAccess,
    LiaisonFacility,
    MonitoringFinding,
    MonitoringVisit,
    ReturnCase,
    ReturnUpdate,
    TransferCase,
)
from accord.operations.states import (
    RETURN_ORDER,
    CounselAccessKind,
    CustodyEnd,
    CustodyEndReason,
    FindingSeverity,
    ReturnStatus,
)
from accord.registry import person_case_file


def open_return(
    session: Session,
    *,
    actor: User,
    person_id: str,
    court: str,
    order_reference: str,
    ordered_on: dt.date,
    now: dt.datetime | None = None,
) -> ReturnCase:
    """Record a court order to return (or "facilitate the return" of) a transferred person."""
    at = begin(session, now)
    check_text(court, "--court")
    check_text(order_reference, "--order")
    person_case_file(session, person_id=person_id)  # the person must be known
    if not court.strip() or not order_reference.strip():
        raise InputError("a return case needs the court and the order's reference")
    latest = session.scalars(
        select(TransferCase.id)
        .where(TransferCase.person_id == person_id)
        .order_by(TransferCase.id.desc())
        .limit(1)
    ).first()
    entry = append_audit(
        session,
        actor=actor,
        action="operations.return_opened",
        subject=f"person:{person_id}",
        change={
            "court": court,
            "order_reference": order_reference,
            "ordered_on": ordered_on.isoformat(),
            "case_id": latest,
        },
        now=at,
    )
    case = ReturnCase(
        person_id=person_id,
        case_id=latest,
        court=court,
        order_reference=order_reference,
        ordered_on=ordered_on,
        opened_at=at,
        opened_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(case)
    session.flush()
    return case


def return_status(session: Session, return_id: int) -> ReturnStatus:
    latest = session.scalars(
        select(ReturnUpdate.status)
        .where(ReturnUpdate.return_case_id == return_id)
        .order_by(ReturnUpdate.id.desc())
        .limit(1)
    ).first()
    return ReturnStatus(latest) if latest else ReturnStatus.OPEN


def update_return(
    session: Session,
    *,
    actor: User,
    return_id: int,
    status: ReturnStatus,
    occurred_on: dt.date,
    note: str = "",
    now: dt.datetime | None = None,
) -> ReturnUpdate:
    """Move a return case forward; `back_in_us_custody` closes it and, if the person is still
    held abroad under a transfer case, ends that custody as a court-ordered return."""
    at = begin(session, now)
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
    case = session.get(ReturnCase, return_id)
    if case is None:
        raise UnknownOperationsRecord(f"no return case {return_id}")
    if occurred_on > at.date():
        raise InputError(
            f"--on {occurred_on}: a return step is recorded once it happened, not in the future"
        )
    current = return_status(session, return_id)
    if RETURN_ORDER.index(status) <= RETURN_ORDER.index(current):
        raise IllegalTransition(
            subject=f"return case {return_id} ({case.person_id})",
            state=current.value,
            step=f"move to {status.value}",
        )
    if status == ReturnStatus.BACK_IN_US_CUSTODY:
        try:
            custody_case(session, case.person_id)
        except UnknownOperationsRecord:
            pass  # not held under a case of ours (released, or never handed over)
        else:
            end_custody(
                session,
                actor=actor,
                person_id=case.person_id,
                end=CustodyEnd.RETURN,
                reason=CustodyEndReason.COURT_ORDERED_RETURN,
                occurred_at=dt.datetime.combine(occurred_on, dt.time(12), dt.UTC)
                if occurred_on < at.date()
                else at,
                note=f"return case {return_id}",
                now=at,
            )
    entry = append_audit(
        session,
        actor=actor,
        action="operations.return_update",
        subject=f"return:{return_id}",
        change={"status": status.value, "occurred_on": occurred_on.isoformat(), "note": note},
        now=at,
    )
    update = ReturnUpdate(
        return_case_id=return_id,
        status=status.value,
        note=note,
        occurred_on=occurred_on,
        recorded_at=at,
        recorded_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(update)
    session.flush()
    return update


def list_consular_tasks(
    session: Session, *, open_only: bool = True, facility_id: str | None = None
) -> list[tuple[ConsularTask, ConsularCompletion | None]]:
    statement = (
        select(ConsularTask, ConsularCompletion)
        .outerjoin(ConsularCompletion, ConsularCompletion.task_id == ConsularTask.id)
        .order_by(ConsularTask.id)
    )
    if facility_id is not None:
        statement = statement.where(ConsularTask.facility_id == facility_id)
    rows = session.execute(statement).all()
    return [(t, c) for t, c in rows if not (open_only and c is not None)]


def complete_consular_task(
    session: Session,
    *,
    actor: User,
    task_id: int,
    notified_on: dt.date,
    note: str = "",
    now: dt.datetime | None = None,
) -> ConsularCompletion:
    at = begin(session, now)
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
    task = session.get(ConsularTask, task_id)
    if task is None:
        raise UnknownOperationsRecord(f"no consular task {task_id}")
    check_facility_scope(session, actor, task.facility_id)
    if notified_on > at.date():
        raise InputError(
            f"--on {notified_on}: a notification is recorded once made, not in the future"
        )
    if (
        session.scalars(
            select(ConsularCompletion.id).where(ConsularCompletion.task_id == task_id)
        ).first()
        is not None
    ):
        raise IllegalTransition(
            subject=f"consular task {task_id}", state="completed", step="complete again"
        )
    entry = append_audit(
        session,
        actor=actor,
        action="operations.consular_notified",
        subject=f"consular:{task_id}",
        change={
            "person_id": task.person_id,
            "country": task.country,
            "notified_on": notified_on.isoformat(),
            "note": note,
        },
        now=at,
    )
    done = ConsularCompletion(
        task_id=task_id,
        notified_on=notified_on,
        note=note,
        recorded_at=at,
        recorded_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(done)
    session.flush()
    return done


def log_counsel_access(
    session: Session,
    *,
    actor: User,
    person_id: str,
    counsel: str,
    kind: CounselAccessKind,
    occurred_at: dt.datetime,
    note: str = "",
    now: dt.datetime | None = None,
) -> CounselAccess:
    """One contact with counsel, or a refusal of one (a refusal is logged, never dropped)."""
    at = begin(session, now)
    check_text(counsel, "--counsel")
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
    person_case_file(session, person_id=person_id)
    if actor.role == "receiving_liaison":
        check_facility_scope(session, actor, custody_case(session, person_id).facility_id)
    if not counsel.strip():
        raise InputError("--counsel: name the lawyer or organisation")
    if occurred_at.tzinfo is None or occurred_at > at:
        raise InputError("--at: a past time with a timezone")
    entry = append_audit(
        session,
        actor=actor,
        action="operations.counsel_access",
        subject=f"person:{person_id}",
        change={
            "counsel": counsel,
            "kind": kind.value,
            "occurred_at": occurred_at.isoformat(),
            "note": note,
        },
        now=at,
    )
    row = CounselAccess(
        person_id=person_id,
        counsel=counsel,
        kind=kind.value,
        occurred_at=occurred_at,
        note=note,
        recorded_at=at,
        recorded_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(row)
    session.flush()
    return row


def record_visit(
    session: Session,
    *,
    actor: User,
    facility_id: str,
    visited_on: dt.date,
    summary: str,
    findings: Sequence[tuple[FindingSeverity, str, str]] = (),
    now: dt.datetime | None = None,
) -> MonitoringVisit:
    """A monitor's visit to a facility with findings, each with a recommendation."""
    at = begin(session, now)
    facility_id = canonical_facility(facility_id)  # an unknown facility is refused, as for census
    if visited_on > at.date():
        raise InputError(f"--on {visited_on}: a visit is recorded after it took place")
    if not summary.strip():
        raise InputError("--summary: say what was seen")
    check_text(summary, "--summary", max_length=LONG_TEXT_MAX)
    for number, (_severity, finding, recommendation) in enumerate(findings, start=1):
        check_text(finding, f"finding {number}")  # SHORT_TEXT_MAX, as the API's FindingIn
        check_text(recommendation, f"recommendation {number}")
    entry = append_audit(
        session,
        actor=actor,
        action="operations.monitoring_visit",
        subject=f"facility:{facility_id}",
        change={
            "visited_on": visited_on.isoformat(),
            "summary": summary,
            "findings": [[s.value, f, r] for s, f, r in findings],
        },
        now=at,
    )
    visit = MonitoringVisit(
        facility_id=facility_id,
        visited_on=visited_on,
        summary=summary,
        recorded_at=at,
        recorded_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(visit)
    session.flush()
    for severity, finding, recommendation in findings:
        session.add(
            MonitoringFinding(
                visit_id=visit.id,
                severity=severity.value,
                finding=finding,
                recommendation=recommendation,
            )
        )
    session.flush()
    return visit


def assign_liaison(
    session: Session,
    *,
    actor: User,
    user_name: str,
    facility_id: str,
    now: dt.datetime | None = None,
) -> LiaisonFacility:
    at = begin(session, now)
    facility_id = canonical_facility(facility_id)  # only a facility an agreement names
    user = get_user(session, name=user_name)
    if user.role != "receiving_liaison":
        raise InputError(f"user '{user_name}' is a {user.role}, not a receiving_liaison")
    entry = append_audit(
        session,
        actor=actor,
        action="operations.liaison_assigned",
        subject=f"user:{user_name}",
        change={"facility_id": facility_id},
        now=at,
    )
    row = LiaisonFacility(
        user_id=user.id,
        facility_id=facility_id,
        assigned_at=at,
        assigned_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(row)
    session.flush()
    return row
