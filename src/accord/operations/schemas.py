"""Request and response models of the operations' HTTP routes (operations/views*.py).

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py` or beside its service, never here.)
Reason codes are the enumerations of operations/states.py, so the OpenAPI
document lists every allowed code.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, model_validator

from accord.api.deps import MAX_ID, Name64, Note, PersonId, PersonIdIn, ShortText
from accord.api.schemas import Day, In, Moment, Out
from accord.engine.decision import RuleResult
from accord.limits import Identifier, LongText, OneLineName, UserName
from accord.operations.nomination import Nomination
from accord.operations.states import (
    ApproveReason,
    CounselAccessKind,
    CustodyEnd,
    CustodyEndReason,
    DenyReason,
    FindingSeverity,
    MissionCancelReason,
    ResolutionReason,
    ReturnStatus,
    WithdrawReason,
)

CaseIds = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1, max_length=1000)
]
Short128 = OneLineName  # carriers and places: one line, as the columns hold (limits.NAME_MAX)


class NominateIn(In):
    person_id: PersonIdIn
    agreement: Name64
    pathway: Name64
    destination: str = Field(min_length=2, max_length=2)
    facility: Name64 | None = None
    note: Note = ""


class ReviewIn(In):
    approve: bool
    reason: ApproveReason | DenyReason
    note: Note = ""

    @model_validator(mode="after")
    def _reason_fits(self) -> ReviewIn:
        kind = ApproveReason if self.approve else DenyReason
        if not isinstance(self.reason, kind):
            codes = ", ".join(c.value for c in kind)
            raise ValueError(f"reason: to {'approve' if self.approve else 'deny'} use {codes}")
        return self


class NoticeIn(In):
    case_ids: CaseIds
    served_on: Day
    source_document: ShortText
    counsel: bool = False
    exigent: bool = False


class WithdrawIn(In):
    reason: WithdrawReason
    note: Note = ""


class LegIn(In):
    pickup: Short128
    dropoff: Short128


class MissionIn(In):
    mission_number: Identifier  # a URL path segment: no '/'
    carrier: Short128
    agreement: Name64
    pathway: Name64
    destination: str = Field(min_length=2, max_length=2)
    facility: Identifier
    planned_departure: Moment
    seats: int = Field(ge=1, le=10_000)
    legs: list[LegIn] = Field(min_length=1, max_length=20)


class AddCasesIn(In):
    case_ids: CaseIds


class DepartIn(In):
    departed_at: Moment


class CancelIn(In):
    reason: MissionCancelReason
    note: Note = ""


class HandoverIn(In):
    person_ids: list[PersonIdIn] = Field(min_length=1, max_length=1000)
    returned_on_board: bool = False
    occurred_at: Moment | None = None


class ResolveIn(In):
    reason: ResolutionReason
    note: Annotated[str, Field(min_length=1, max_length=10_000, pattern=r"^[^\x00]*$")]
    occurred_at: Moment | None = None


class CustodyEndIn(In):
    end: CustodyEnd
    reason: CustodyEndReason
    occurred_at: Moment | None = None
    note: Note = ""


class CensusIn(In):
    facility_id: Identifier
    day: Day
    count: int = Field(ge=0, le=1_000_000)


class ReturnIn(In):
    person_id: PersonIdIn
    court: ShortText
    order_reference: ShortText
    ordered_on: Day


class ReturnUpdateIn(In):
    status: ReturnStatus
    occurred_on: Day
    note: Note = ""


class ConsularCompleteIn(In):
    notified_on: Day
    note: Note = ""


class CounselIn(In):
    person_id: PersonIdIn
    counsel: ShortText
    kind: CounselAccessKind
    occurred_at: Moment
    note: Note = ""


class FindingIn(In):
    severity: FindingSeverity
    finding: ShortText
    recommendation: ShortText


class VisitIn(In):
    facility_id: Identifier
    visited_on: Day
    summary: Annotated[LongText, Field(min_length=1)]
    findings: list[FindingIn] = Field(default_factory=list, max_length=100)


class LiaisonIn(In):
    user_name: UserName
    facility_id: Identifier


class CaseOut(Out):
    id: int
    person_id: PersonId
    agreement_id: str
    pathway: str
    destination: str
    facility_id: str | None
    state: str
    mission_id: int | None
    nominated_at: dt.datetime


class RuleOut(Out):
    rule: str
    title: str
    status: str
    citation: str
    passes_when: str


class NominationDecisionOut(Out):
    """The decision a nomination recorded: refused when a failed rule is one no later
    step of the workflow cures (`blocking`), else accepted with `warnings`."""

    decision_record_id: int
    outcome: str
    as_of: dt.date
    failed: list[RuleOut]
    unknown: list[RuleOut]
    blocking: list[str]
    warnings: list[str]

    @classmethod
    def of(cls, nomination: Nomination) -> NominationDecisionOut:
        decision = nomination.decision

        def rules(found: list[RuleResult]) -> list[RuleOut]:
            return [RuleOut.model_validate(r.as_dict()) for r in found]

        return cls(
            decision_record_id=nomination.decision_record_id,
            outcome=decision.outcome,
            as_of=decision.as_of,
            failed=rules(decision.failed),
            unknown=rules(decision.unknown),
            blocking=[r.rule for r in nomination.blocking],
            warnings=nomination.warnings,
        )


class NominationOut(CaseOut):
    """The case nominated, with the decision recorded as of the nomination."""

    decision: NominationDecisionOut


class EventOut(Out):
    id: int
    kind: str
    case_id: int | None
    mission_id: int | None
    from_state: str | None
    to_state: str | None
    reason_code: str | None
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    decision_record_id: int | None
    details: dict[str, Any]


class CaseDetailOut(Out):
    case: CaseOut
    events: list[EventOut]


class MissionOut(Out):
    id: int
    mission_number: str
    carrier: str
    agreement_id: str
    pathway: str
    destination: str
    facility_id: str
    planned_departure: dt.datetime
    seats: int
    state: str


class MissionDetailOut(Out):
    mission: MissionOut
    cases: list[CaseOut]


class StruckOut(Out):
    case_id: int
    person_id: PersonId
    outcome: str
    decision_record_id: int
    failed: list[dict[str, Any]]
    unknown: list[dict[str, Any]]


class BoardingOut(Out):
    mission_number: str
    checked: int
    cleared: int
    departed: bool
    struck: list[StruckOut]


class ManifestRowOut(Out):
    seq: int
    person_id: PersonId
    case_id: int
    state: str
    outcome: str
    decision_record: int | None
    failed: str
    unknown: str


class HandoverCloseOut(Out):
    mission_number: str
    departed: int
    received: int
    returned_on_board: int
    incidents: list[int]
    balanced: bool


class IncidentOut(Out):
    id: int
    kind: str
    mission_id: int | None
    case_id: int | None
    person_id: PersonId | None
    description: str
    opened_at: dt.datetime
    resolution: str | None


class CensusOut(Out):
    facility_id: str
    day: dt.date
    reported_count: int
    registry_count: int


class ReturnCaseOut(Out):
    id: int
    person_id: PersonId
    court: str
    order_reference: str
    ordered_on: dt.date


class ConsularTaskOut(Out):
    id: int
    case_id: int
    person_id: PersonId
    country: str
    facility_id: str
    notified_on: dt.date | None


class VisitOut(Out):
    id: int
    facility_id: str
    visited_on: dt.date
    summary: str
    findings: int


class ViolationOut(Out):
    code: str
    subject: str
    message: str


class ReconcileOut(Out):
    clean: bool
    checked: dict[str, int]
    violations: list[ViolationOut]
