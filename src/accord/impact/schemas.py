"""Request and response models of the impact routes (impact/views.py)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from accord.api.deps import Name64
from accord.api.schemas import Day, In, Out


class RuleChangeOut(Out):
    rule: str
    before: str
    after: str


class PersonChangeOut(Out):
    person_id: str
    before: str = Field(description="The outcome before the change")
    after: str
    rules: list[RuleChangeOut] = Field(description="The rules whose status changed")


class RequestImpactOut(Out):
    agreement: str
    pathway: str
    destination: str
    facility: str | None
    as_of: str
    redecided: int = Field(description="Persons decided again (incremental re-decision)")
    basis: str = Field(description="How the persons decided again were chosen")
    class_members: int
    outcome_changes: int
    statuses_only: int = Field(description="Persons whose rule statuses change, not outcome")
    by_outcome: dict[str, int]
    by_rule: dict[str, int]
    changes: list[PersonChangeOut]
    changes_shown: int


class CaseImpactOut(Out):
    case_id: int
    person_id: str
    state: str
    group: str
    agreement: str
    pathway: str
    destination: str
    facility: str | None
    mission: str | None
    planned_departure: str | None
    before: str
    after: str
    class_member: bool


class OperationsOut(Out):
    by_state: dict[str, int]
    cases: list[CaseImpactOut]


class ImpactOut(Out):
    """What a change of law changes: per request in use, every person whose outcome changes
    (up to `limit` listed, all counted), and every transfer case it touches, by state."""

    change: dict[str, Any]
    docket: str
    persons: int
    requests: list[RequestImpactOut]
    operations: OperationsOut | None
    seconds: float


class CandidateIn(In):
    """A candidate law entry, weighed and not written (the layout of a law entry's body)."""

    kind: Name64 = Field(examples=["court_order"])
    subject: Name64 | None = Field(
        default=None, description="The order id, parameter or agreement (a court order: its id)"
    )
    body: dict[str, Any]
    as_of: Day | None = None
    agreement: Name64 | None = None
    pathway: Name64 | None = None
    destination: str | None = Field(default=None, min_length=2, max_length=2)
    facility: Name64 | None = None
    limit: int = Field(default=1000, ge=0, le=100_000)
