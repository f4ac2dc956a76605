"""Nomination, legal review, third-country notice and withdrawal of transfer cases.

Each function takes the session of a write transaction and the acting user;
permissions are checked by the interface before the call. A legal reviewer
may not review their own nomination, and no one may approve a case whose
decision fails a rule of law (the rules the workflow completes aside: notice comes
after review). Nomination, which decides too, is in nomination.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agreements import get_agreement
from accord.auth import User
from accord.casefile.models import Notice
from accord.decisions.service import decide_from_registry
from accord.errors import (
    DateOutOfRange,
    IllegalTransition,
    InputError,
    RuleOfLawBlock,
    SeparationOfDuties,
)
from accord.law.parameters import resolve_parameters
from accord.limits import LONG_TEXT_MAX, check_text
from accord.operations.events import begin, case_subject, get_case, record_event, transition
from accord.operations.models import OperationsEvent, TransferCase
from accord.operations.nomination import (
    ACTIVE_STATES,
    NOTICE_RULE,
    Nomination,
    blocking_failures,
    case_request,
    nominate,
    nominate_with_decision,
    rule_reference,
)
from accord.operations.states import (
    CASE_STEPS,
    ApproveReason,
    CaseState,
    DenyReason,
    WithdrawReason,
)
from accord.registry import import_case_files, person_case_file

__all__ = [  # nomination's names, where callers have always imported them from
    "ACTIVE_STATES",
    "NOTICE_RULE",
    "Nomination",
    "case_request",
    "confirm_notice",
    "nominate",
    "nominate_with_decision",
    "review",
    "serve_notices",
    "withdraw",
]


def notice_required(session: Session, case: TransferCase) -> bool:
    """Third-country removal, or placement of anyone not known to be a national of the
    destination (docs/design.md section 2, pathway 3), needs written notice naming the country."""
    if case.pathway == "third_country_removal":
        return True
    if case.pathway != "custody_placement":
        return False
    nationalities = person_case_file(session, person_id=case.person_id).nationalities
    return nationalities is None or case.destination not in nationalities


def review(
    session: Session,
    *,
    actor: User,
    case_id: int,
    approve: bool,
    reason: ApproveReason | DenyReason,
    note: str = "",
    now: dt.datetime | None = None,
) -> OperationsEvent:
    """Approve or deny a nomination with a coded reason; the decision behind it is kept.

    Approval is refused when any rule of law fails as of the review that no later step
    cures (nomination.COMPLETED_BY_WORKFLOW aside: notice is served after review, the
    14 days after an INA 238(b) order run by themselves): no role overrides a failed rule.
    """
    at = begin(session, now)
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
    case = get_case(session, case_id)
    if case.nominated_by_id == actor.id:
        raise SeparationOfDuties(
            f"{case_subject(case)}: '{actor.name}' nominated it and may not review it; "
            "another legal reviewer must"
        )
    if approve != isinstance(reason, ApproveReason):
        raise InputError(
            f"reason '{reason.value}' is a {'denial' if approve else 'approval'} code; "
            f"use one of: {', '.join(r.value for r in (ApproveReason if approve else DenyReason))}"
        )
    if not approve:
        return transition(
            session,
            case,
            "deny",
            actor=actor,
            at=at,
            reason=reason.value,
            details={"note": note} if note else None,
        )
    if CaseState(case.state) != CaseState.NOMINATED:  # checked before deciding anything
        transition(session, case, "approve", actor=actor, at=at)
    decision, record = decide_from_registry(
        session,
        request=case_request(case, at.date()),
        person_id=case.person_id,
        actor=actor,
        now=at,
    )
    blocking = blocking_failures(decision)
    if blocking:
        rules = "; ".join(rule_reference(r) for r in blocking)
        raise RuleOfLawBlock(
            f"{case_subject(case)}: cannot approve, decision record {record.id} fails {rules}; "
            "deny it with a coded reason"
        )
    needs_notice = notice_required(session, case)
    return transition(
        session,
        case,
        "approve",
        actor=actor,
        at=at,
        reason=reason.value,
        decision_record_id=record.id,
        to=CaseState.APPROVED if needs_notice else CaseState.READY,
        details={"outcome": decision.outcome, "notice_required": needs_notice}
        | ({"note": note} if note else {}),
    )


# A notice recorded more than this many days after its stated service could be backdated:
# it counts only once a legal reviewer other than its recorder confirms it.
NOTICE_CONFIRM_AFTER_DAYS = 1
PENDING_NOTICE = "notice_pending_confirmation"


def _check_service_day(
    session: Session, case: TransferCase, served_on: dt.date, at: dt.datetime
) -> None:
    """A notice is served on or after the removal order in force it is given under (the latest
    not vacated when recorded), and not after it is recorded. It may precede the case's
    nomination: the notice is DHS's to the person, served whenever DHS served it; the
    nomination is only Accord's step."""
    if served_on > at.date():
        raise DateOutOfRange(
            f"--served-on {served_on}: notice cannot be served after it is recorded ({at.date()})"
        )
    orders = person_case_file(session, person_id=case.person_id).removal_orders or []
    in_force = [
        o
        for o in orders
        if o.issued_on <= at.date() and (o.vacated_on is None or o.vacated_on > at.date())
    ]
    if in_force:
        issued = max(o.issued_on for o in in_force)
        if served_on < issued:
            raise DateOutOfRange(
                f"--served-on {served_on}: before the removal order it is given under "
                f"(issued {issued}) for {case.person_id}"
            )


def serve_notices(
    session: Session,
    *,
    actor: User,
    case_ids: list[int],
    served_on: dt.date,
    counsel: bool,
    exigent: bool = False,
    source_document: str,
    now: dt.datetime | None = None,
) -> list[OperationsEvent]:
    """Record written notice naming each case's destination, served on the person (and on
    counsel), as an event and as a new version of the person's `notices` list, so the
    decision engine sees it. The waiting period is the law parameter in force on service.

    A notice recorded more than NOTICE_CONFIRM_AFTER_DAYS after its service is kept as a
    `notice_pending_confirmation` event only: the fact is written (and the case made
    ready) when another user confirms it with confirm_notice."""
    at = begin(session, now)
    if not source_document.strip():
        raise InputError("a source document is required for a notice")
    check_text(source_document, "--source")
    cases = [get_case(session, i) for i in case_ids]
    for case in cases:
        if not notice_required(session, case):
            raise IllegalTransition(
                subject=case_subject(case),
                state=f"{case.pathway} to {case.destination}",
                step="serve third-country notice (the person is a national of the destination)",
            )
        _check_service_day(session, case, served_on, at)
    notice = {
        "served_on": served_on.isoformat(),
        "served_on_counsel": counsel,
        "exigent": exigent,
        "source": source_document,
    }
    late_by = (at.date() - served_on).days
    if late_by <= NOTICE_CONFIRM_AFTER_DAYS:
        return _record_notices(session, actor=actor, cases=cases, notice=notice, at=at)
    allowed = CASE_STEPS["serve notice"][0]
    for case in cases:  # the step confirmation will take must be open now
        if CaseState(case.state) not in allowed:
            raise IllegalTransition(
                subject=case_subject(case),
                state=case.state,
                step="serve notice",
                allowed=tuple(sorted(s.value for s in allowed)),
            )
    return [
        record_event(
            session,
            actor=actor,
            kind=PENDING_NOTICE,
            at=at,
            case=case,
            details={"country": case.destination, **notice, "recorded_days_late": late_by},
        )
        for case in cases
    ]


def _record_notices(
    session: Session,
    *,
    actor: User,
    cases: list[TransferCase],
    notice: dict[str, Any],
    at: dt.datetime,
    confirms: OperationsEvent | None = None,
) -> list[OperationsEvent]:
    """Write the notice as a fact in each person's `notices` and move each case to ready."""
    served_on = dt.date.fromisoformat(notice["served_on"])
    source_document: str = notice["source"]
    exigent: bool = notice["exigent"]
    files = []
    for case in cases:
        current = person_case_file(session, person_id=case.person_id)
        fact = Notice(
            country=case.destination,
            served_on=served_on,
            served_on_counsel=notice["served_on_counsel"],
            written=True,
            exigent=exigent,
            source=source_document,
        )
        files.append(current.model_copy(update={"notices": [*(current.notices or []), fact]}))
    confirmed = (
        {}
        if confirms is None
        else {
            "confirms_event": confirms.id,
            "recorded_at": confirms.recorded_at.astimezone(dt.UTC).isoformat(),
            "recorded_by_id": confirms.recorded_by_id,
        }
    )
    import_case_files(
        session,
        actor=actor,
        cases=files,
        source_document=source_document,
        valid_from=served_on,
        note="third-country notice (accord notice)"
        + (f", confirmed (event {confirms.id})" if confirms is not None else ""),
        now=at,
    )
    events = []
    for case in cases:
        terms = resolve_parameters(served_on).notice
        assurances = get_agreement(case.agreement_id).diplomatic_assurances_credited
        days = terms.waiting_days(exigent=exigent, assurances=assurances)
        events.append(
            transition(
                session,
                case,
                "serve notice",
                actor=actor,
                at=at,
                details={
                    "country": case.destination,
                    "served_on": served_on.isoformat(),
                    "served_on_counsel": notice["served_on_counsel"],
                    "exigent": exigent,
                    "waiting_days": days,
                    "earliest_departure": (served_on + dt.timedelta(days=days)).isoformat(),
                    "notice_basis": terms.basis,
                    "counsel_service_required": terms.counsel_service,
                    "source": source_document,
                }
                | confirmed,
            )
        )
    return events


def pending_notice(session: Session, case: TransferCase) -> OperationsEvent | None:
    """The case's latest notice awaiting confirmation, or None (none, or all confirmed)."""
    rows = session.scalars(
        select(OperationsEvent)
        .where(
            OperationsEvent.case_id == case.id,
            OperationsEvent.kind.in_([PENDING_NOTICE, "notice_served"]),
        )
        .order_by(OperationsEvent.id)
    ).all()
    confirmed = {e.details.get("confirms_event") for e in rows if e.kind == "notice_served"}
    waiting = [e for e in rows if e.kind == PENDING_NOTICE and e.id not in confirmed]
    return waiting[-1] if waiting else None


def confirm_notice(
    session: Session, *, actor: User, case_id: int, now: dt.datetime | None = None
) -> OperationsEvent:
    """A legal reviewer confirms a notice recorded late: only then is it a fact the notice
    rule reads (valid from its service, recorded now) and the case ready. The recorder may
    not confirm their own notice."""
    at = begin(session, now)
    case = get_case(session, case_id)
    pending = pending_notice(session, case)
    if pending is None:
        raise IllegalTransition(
            subject=case_subject(case),
            state=f"{case.state}, no notice awaiting confirmation",
            step="confirm a notice",
        )
    if pending.recorded_by_id == actor.id:
        raise SeparationOfDuties(
            f"{case_subject(case)}: '{actor.name}' recorded this notice and may not confirm "
            "it; another legal reviewer must"
        )
    notice = {
        k: pending.details[k] for k in ("served_on", "served_on_counsel", "exigent", "source")
    }
    (event,) = _record_notices(
        session, actor=actor, cases=[case], notice=notice, at=at, confirms=pending
    )
    return event


def earliest_departure(session: Session, case: TransferCase) -> dt.date | None:
    """The first day the latest notice's waiting period allows, or None if none was served."""
    event = session.scalars(
        select(OperationsEvent)
        .where(OperationsEvent.case_id == case.id, OperationsEvent.kind == "notice_served")
        .order_by(OperationsEvent.id.desc())
        .limit(1)
    ).first()
    return dt.date.fromisoformat(event.details["earliest_departure"]) if event else None


def withdraw(
    session: Session,
    *,
    actor: User,
    case_id: int,
    reason: WithdrawReason,
    note: str = "",
    now: dt.datetime | None = None,
) -> OperationsEvent:
    at = begin(session, now)
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
    case = get_case(session, case_id)
    event = transition(
        session,
        case,
        "withdraw",
        actor=actor,
        at=at,
        reason=reason.value,
        details={"note": note} if note else None,
    )
    case.mission_id = None
    return event
