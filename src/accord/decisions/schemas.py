"""Request and response models of the decisions' HTTP routes (decisions/views.py).

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py` or beside its service, never here.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from accord.api.deps import KnownOn, Name64, PersonId, PersonIdIn
from accord.api.schemas import Day, In, Out
from accord.decisions.models import DecisionRecord
from accord.engine import Decision, DecisionRequest


class DecideIn(In):
    person_id: PersonIdIn
    agreement: Name64 = Field(examples=["sv-2025-offer"])
    pathway: Name64 = Field(examples=["custody_placement"])
    destination: str = Field(min_length=2, max_length=2, examples=["SV"])
    facility: Name64 | None = Field(default=None, examples=["CECOT"])
    as_of: Day
    notice_profile: Name64 = "most_protective"
    as_known_on: KnownOn = None

    def request(self) -> DecisionRequest:
        return DecisionRequest.build(
            agreement=self.agreement,
            pathway=self.pathway,
            destination=self.destination,
            facility=self.facility,
            as_of=self.as_of,
            notice_profile=self.notice_profile,
        )


class DecisionOut(Out):
    """A decision with every failed and unknown rule, its citation and the facts behind it."""

    person_id: PersonId
    pathway: str
    destination: str
    facility: str | None
    as_of: dt.date
    outcome: str
    failed: list[dict[str, Any]]
    unknown: list[dict[str, Any]]
    passed: list[str]
    not_applicable: list[str]
    not_in_effect: list[str]
    ruleset: dict[str, Any]
    agreement: dict[str, Any]
    parameters: list[dict[str, Any]]
    court_orders: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The class-wide court orders the rules read on the date, and how each "
        "was applied",
    )
    law_entries: list[dict[str, str]] = Field(
        default_factory=list,
        description="The registry's law entries applied (none: the bundled law data alone)",
    )
    decision_record: int | None = Field(
        default=None, description="The decision record kept, when the decision was recorded"
    )

    @classmethod
    def of(cls, decision: Decision, record_id: int | None = None) -> DecisionOut:
        return cls.model_validate(decision.as_dict() | {"decision_record": record_id})


class DecisionRecordOut(Out):
    id: int
    person_id: PersonId
    decided_at: dt.datetime
    decided_by: int
    request: dict[str, Any]
    facts_known_at: dt.datetime
    inputs_digest: str
    ruleset_hash: str
    agreement: dict[str, Any]
    parameters: list[dict[str, Any]]
    outcome: str
    explanation: dict[str, Any] | None = Field(default=None, description="Left out in lists")
    audit_seq: int

    @classmethod
    def of(cls, r: DecisionRecord, *, full: bool = True) -> DecisionRecordOut:
        return cls(
            id=r.id,
            person_id=r.person_id,
            decided_at=r.decided_at,
            decided_by=r.decided_by_id,
            request=dict(r.request),
            facts_known_at=r.facts_known_at,
            inputs_digest=r.inputs_digest,
            ruleset_hash=r.ruleset_hash,
            agreement={
                "id": r.agreement_id,
                "version": r.agreement_version,
                "digest": r.agreement_digest,
            },
            parameters=list(r.parameters),
            outcome=r.outcome,
            explanation=dict(r.explanation) if full else None,
            audit_seq=r.audit_seq,
        )


class ReplayOut(Out):
    decision_record: int
    person_id: PersonId
    facts_known_at: dt.datetime
    reproduces: bool
    recorded_outcome: str
    outcome_now: str
    differences: list[str]
