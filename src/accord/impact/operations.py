"""Which transfer cases a change of law touches, by the state of the case.

Reads the registry's operations tables (accord.operations, not changed here): every case
still under way whose person the change affects (their outcome changes for the case's own
request, or they are in the changed order's class, or not known to be outside it), grouped
by state: nominated, approved, ready, on a planned mission, departed and in the air,
handed over and in custody (and missing at the handover).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.engine.request import DecisionRequest
from accord.impact.compute import RequestImpact
from accord.operations.models import Mission, TransferCase

# (state of the case, how the impact names it), in the order a case goes through them
STATE_GROUPS: tuple[tuple[str, str], ...] = (
    ("nominated", "nominated"),
    ("approved", "approved"),
    ("ready", "ready"),
    ("manifested", "on a planned mission"),
    ("departed", "departed, in the air"),
    ("in_custody", "handed over, in custody"),
    ("missing", "missing at the handover"),
)
ACTIVE_STATES = tuple(state for state, _ in STATE_GROUPS)


@dataclass(frozen=True)
class ActiveCase:
    case_id: int
    person_id: str
    agreement_id: str
    pathway: str
    destination: str
    facility_id: str | None
    state: str
    mission: str | None
    planned_departure: dt.datetime | None

    def key(self) -> tuple[str, str, str, str | None]:
        return (self.agreement_id, self.pathway, self.destination, self.facility_id)


@dataclass(frozen=True)
class CaseImpact:
    case: ActiveCase
    before: str  # the outcome for the case's request
    after: str
    member: bool  # in the changed order's class (or not known to be outside it)

    def as_dict(self) -> dict[str, object]:
        c = self.case
        return {
            "case_id": c.case_id,
            "person_id": c.person_id,
            "state": c.state,
            "group": dict(STATE_GROUPS)[c.state],
            "agreement": c.agreement_id,
            "pathway": c.pathway,
            "destination": c.destination,
            "facility": c.facility_id,
            "mission": c.mission,
            "planned_departure": None
            if c.planned_departure is None
            else c.planned_departure.isoformat(),
            "before": self.before,
            "after": self.after,
            "class_member": self.member,
        }


def active_cases(session: Session) -> list[ActiveCase]:
    """Every transfer case under way, with its mission (if any)."""
    rows = session.execute(
        select(
            TransferCase.id,
            TransferCase.person_id,
            TransferCase.agreement_id,
            TransferCase.pathway,
            TransferCase.destination,
            TransferCase.facility_id,
            TransferCase.state,
            Mission.mission_number,
            Mission.planned_departure,
        )
        .outerjoin(Mission, Mission.id == TransferCase.mission_id)
        .where(TransferCase.state.in_(ACTIVE_STATES))
        .order_by(TransferCase.id)
    ).all()
    return [ActiveCase(*row) for row in rows]


def requests_of(cases: Iterable[ActiveCase], day: dt.date) -> list[DecisionRequest]:
    """The requests in use: one per agreement, pathway, destination and facility of a case."""
    keys = sorted({c.key() for c in cases}, key=lambda k: tuple(x or "" for x in k))
    return [
        DecisionRequest.build(agreement=a, pathway=p, destination=d, facility=f, as_of=day)
        for a, p, d, f in keys
    ]


def cases_touched(
    cases: Iterable[ActiveCase], impacts: Iterable[RequestImpact]
) -> list[CaseImpact]:
    """The cases whose person the change affects under the case's own request."""
    cases = list(cases)
    by_key = {}
    for i in impacts:
        asked = [c.person_id for c in cases if c.key() == i.key()]
        by_key[i.key()] = ({p.person_id: p for p in i.changes}, i.member_ids(asked))
    touched: list[CaseImpact] = []
    for case in cases:
        if case.key() not in by_key:
            continue
        changes, members = by_key[case.key()]
        changed = changes.get(case.person_id)
        member = case.person_id in members
        if changed is not None:
            touched.append(CaseImpact(case, changed.before, changed.after, member))
        elif member:
            touched.append(CaseImpact(case, "unchanged", "unchanged", member))
    order = {state: n for n, (state, _) in enumerate(STATE_GROUPS)}
    return sorted(touched, key=lambda t: (order[t.case.state], t.case.case_id))
