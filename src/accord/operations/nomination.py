"""Nomination decides: a person is nominated only with a decision recorded as of now.

A nomination is refused when a rule fails that no later step of the workflow can
cure (citizenship, a protection, a status grant, a court order, a missing
conviction, ...). It is accepted, with a warning, when the only failures are
ones the workflow itself completes (COMPLETED_BY_WORKFLOW: third-country notice,
served after review; the 14 days after an INA 238(b) order, which run by
themselves before departure), and when rules are unknown (the legal reviewer
decides them; the boarding check strikes anyone still not `eligible`).

A refusal leaves no case. The decision record of the refused nomination is kept
with an `operations.nomination_refused` audit entry in the same transaction, so
the refusal itself is on the record: `nominate_with_decision` returns the refusal
for the interface to commit and then show; `nominate` (for code that wants an
exception) raises RuleOfLawBlock, and its caller's rollback writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agreements import get_agreement
from accord.auth import User
from accord.db import append_audit
from accord.decisions.facility_counts import registry_facility_counts
from accord.decisions.service import decide_from_registry, person_facts_read
from accord.engine import Decision, DecisionRequest, decide_facts
from accord.engine.decision import RuleResult
from accord.errors import IllegalTransition, InputError, RuleOfLawBlock
from accord.law.framework import FAIL
from accord.law.law_set import LawSet
from accord.law_entries.service import with_registry_law
from accord.limits import LONG_TEXT_MAX, check_text
from accord.operations.events import begin, case_subject, record_event
from accord.operations.models import TransferCase
from accord.operations.states import CaseState
from accord.registry import person_case_file

P = ParamSpec("P")
NOTICE_RULE = "third_country_notice"
# Failed rules a later step of the workflow completes, and how: they do not refuse a
# nomination nor an approval; the boarding check decides them again as of departure.
COMPLETED_BY_WORKFLOW: dict[str, str] = {
    NOTICE_RULE: "written notice naming the destination is served after review (accord notice) "
    "and its waiting period runs before departure",
    "execution_waiting_period": "the 14 days after the INA 238(b) order run by themselves "
    "before departure (or the person waives them)",
}
ACTIVE_STATES = frozenset(
    {
        CaseState.NOMINATED,
        CaseState.APPROVED,
        CaseState.READY,
        CaseState.MANIFESTED,
        CaseState.DEPARTED,
        CaseState.IN_CUSTODY,
        CaseState.MISSING,
    }
)


def blocking_failures(decision: Decision) -> list[RuleResult]:
    """The failed rules no later step of the workflow cures: they refuse a nomination and
    an approval alike. No role overrides them."""
    return [r for r in decision.failed if r.rule not in COMPLETED_BY_WORKFLOW]


def rule_reference(rule: RuleResult) -> str:
    return f"{rule.rule} ({'; '.join(rule.citations) or 'agreement term'})"


def decision_warnings(decision: Decision) -> list[str]:
    """What an accepted nomination (or an approvable case) still waits for, in words."""
    warnings = [
        f"{r.title} {'fails' if r.status == FAIL else 'is not met'} now ({r.rule}): "
        f"{COMPLETED_BY_WORKFLOW[r.rule]}"
        for r in (*decision.failed, *decision.unknown)
        if r.rule in COMPLETED_BY_WORKFLOW
    ]
    unknown = [r.rule for r in decision.unknown if r.rule not in COMPLETED_BY_WORKFLOW]
    if unknown:
        rules = ", ".join(unknown)
        warnings.append(
            f"not yet decided ({rules}): the legal reviewer decides these, recording the "
            "missing facts; the boarding check strikes anyone not eligible"
        )
    return warnings


@dataclass(frozen=True)
class Nomination:
    """A nomination's outcome: the case (None when refused) and the decision recorded."""

    person_id: str
    case: TransferCase | None
    decision: Decision
    decision_record_id: int

    @property
    def refused(self) -> bool:
        return self.case is None

    @property
    def blocking(self) -> list[RuleResult]:
        return blocking_failures(self.decision)

    @property
    def warnings(self) -> list[str]:
        return decision_warnings(self.decision)

    def refusal_message(self) -> str:
        rules = "; ".join(rule_reference(r) for r in self.blocking)
        return (
            f"{self.person_id} not nominated: decision record {self.decision_record_id} is "
            f"{self.decision.outcome} as of {self.decision.as_of}, failing {rules}; no later "
            "step of the workflow can cure this"
        )

    def raise_if_refused(self) -> None:
        """Raise the refusal (after the caller committed its decision record)."""
        if self.refused:
            raise RuleOfLawBlock(self.refusal_message())


def case_request(case: TransferCase, as_of: dt.date, law: LawSet | None = None) -> DecisionRequest:
    """The request a case is decided on (review, boarding check, the pages); `law`: a law
    set the caller fixes (a departure boards under the law entered by its time)."""
    return DecisionRequest.build(
        agreement=case.agreement_id,
        pathway=case.pathway,
        destination=case.destination,
        facility=case.facility_id,
        as_of=as_of,
        law=law,
    )


def current_decision(session: Session, case: TransferCase, as_of: dt.date) -> Decision:
    """The case's decision as of `as_of` on the facts known now, as a page shows it:
    decided as decide_from_registry does (the registry's law and facility counts), but
    not recorded. A review or a boarding check records the decision it acts on."""
    request = with_registry_law(session, case_request(case, as_of))
    facts, _ = person_facts_read(session, person_id=case.person_id, as_known_on=None)
    counts = registry_facility_counts(session, request=request, person_id=case.person_id)
    return decide_facts(facts=facts, request=request, all_facts=True, facility_counts=counts)


def nominate_with_decision(
    session: Session,
    *,
    actor: User,
    person_id: str,
    agreement: str,
    pathway: str,
    destination: str,
    facility: str | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Nomination:
    """Nominate a person known to the registry, deciding as of now and keeping the record.

    Refused while another case of theirs is active (IllegalTransition, nothing written).
    When a rule fails that no later step cures, no case is made: the decision record and
    an `operations.nomination_refused` audit entry are written in the session, and the
    result says `refused`; commit, then show `refusal_message()` (raise_if_refused)."""
    at = begin(session, now)
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
    person_case_file(session, person_id=person_id)  # UnknownPerson if not in the registry
    request = DecisionRequest.build(
        agreement=agreement,
        pathway=pathway,
        destination=destination,
        facility=facility,
        as_of=at.date(),
    )
    if request.pathway == "custody_placement" and request.facility_id is None:
        raise InputError("custody_placement needs --facility (the facility to hold the person)")
    facility_id = None
    if request.facility_id is not None:
        found = get_agreement(request.agreement_id).facility(request.facility_id)
        facility_id = found.id if found is not None else request.facility_id
    active = session.scalars(
        select(TransferCase).where(
            TransferCase.person_id == person_id,
            TransferCase.state.in_([s.value for s in ACTIVE_STATES]),
        )
    ).first()
    if active is not None:
        raise IllegalTransition(
            subject=f"person {person_id}",
            state=f"already in {case_subject(active)}, {active.state}",
            step="nominate again",
        )
    decision, record = decide_from_registry(
        session, request=request, person_id=person_id, actor=actor, now=at
    )
    blocking = blocking_failures(decision)
    if blocking:
        append_audit(
            session,
            actor=actor,
            action="operations.nomination_refused",
            subject=f"person:{person_id}",
            change={
                "decision_record_id": record.id,
                "outcome": decision.outcome,
                "agreement": request.agreement_id,
                "pathway": request.pathway,
                "destination": request.destination,
                "facility_id": facility_id,
                "failed": [r.rule for r in blocking],
            },
            now=at,
        )
        return Nomination(person_id, None, decision, record.id)
    case = TransferCase(
        person_id=person_id,
        agreement_id=request.agreement_id,
        pathway=request.pathway,
        destination=request.destination,
        facility_id=facility_id,
        state=CaseState.NOMINATED.value,
        mission_id=None,
        nominated_at=at,
        nominated_by_id=actor.id,
    )
    session.add(case)
    session.flush()
    warnings = decision_warnings(decision)
    record_event(
        session,
        actor=actor,
        kind="nominated",
        at=at,
        case=case,
        to_state=CaseState.NOMINATED.value,
        decision_record_id=record.id,
        details={"outcome": decision.outcome}
        | ({"warnings": warnings} if warnings else {})
        | ({"note": note} if note else {}),
    )
    return Nomination(person_id, case, decision, record.id)


def _case_or_refusal(nominating: Callable[P, Nomination]) -> Callable[P, TransferCase]:
    """`nominating` with the same arguments (one signature to keep), returning the case."""

    def nominate(*args: P.args, **kwargs: P.kwargs) -> TransferCase:
        """nominate_with_decision (the same arguments) for code that wants the case or an
        exception: a refusal raises RuleOfLawBlock (the caller's rollback then keeps nothing
        of it)."""
        done = nominating(*args, **kwargs)
        done.raise_if_refused()
        assert done.case is not None
        return done.case

    return nominate


nominate = _case_or_refusal(nominate_with_decision)
