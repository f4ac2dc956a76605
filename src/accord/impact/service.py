"""`accord impact`: what a change of law changes, in the docket and in operations.

Names the change (a registry entry, a candidate entry, or an order in force from a day:
change.py), finds the requests in use (the registry's transfer cases under way, and any
given), decides again only the persons the change can touch (compute.py), and lists the
transfer cases it touches by state (operations.py). Nothing is written: an impact is a
read (the CLI and the API audit it as one, since it names persons).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from accord.engine.request import DecisionRequest
from accord.engine.store import FactStore
from accord.errors import InputError
from accord.impact import warm
from accord.impact.change import (
    Change,
    UnknownImpactSubject,
    in_force_from,
    of_candidate,
    of_entry,
)
from accord.impact.compute import RequestImpact, docket_size, request_impact
from accord.impact.operations import (
    STATE_GROUPS,
    ActiveCase,
    CaseImpact,
    active_cases,
    cases_touched,
    requests_of,
)
from accord.law.law_set import LawSet, bundled_law, law_with

Progress = Callable[[int, int, str], None]  # (done, total, what)


@dataclass(frozen=True)
class RequestSpec:
    """A request named by its caller (its day is the change's)."""

    agreement: str
    pathway: str
    destination: str
    facility: str | None = None
    notice_profile: str = "most_protective"

    def build(self, day: dt.date) -> DecisionRequest:
        return DecisionRequest.build(
            agreement=self.agreement,
            pathway=self.pathway,
            destination=self.destination,
            facility=self.facility,
            as_of=day,
            notice_profile=self.notice_profile,
        )


@dataclass(frozen=True)
class ImpactReport:
    change: Change
    docket: str  # where the persons came from
    persons: int
    requests: tuple[RequestImpact, ...]
    cases: tuple[CaseImpact, ...] | None  # None: no registry, no operations
    seconds: float

    def by_state(self) -> dict[str, int]:
        counts = Counter(c.case.state for c in self.cases or ())
        return {label: counts.get(state, 0) for state, label in STATE_GROUPS}

    def as_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """Plain data; `limit` caps each request's list of persons (the counts stay whole)."""
        return {
            "change": self.change.as_record(),
            "docket": self.docket,
            "persons": self.persons,
            "requests": [_request_record(r, limit) for r in self.requests],
            "operations": None
            if self.cases is None
            else {
                "by_state": self.by_state(),
                "cases": [c.as_dict() for c in self.cases],
            },
            "seconds": round(self.seconds, 3),
        }


def _request_record(impact: RequestImpact, limit: int | None) -> dict[str, Any]:
    r = impact.request
    moves = Counter(f"{p.before} -> {p.after}" for p in impact.changes)
    rules = Counter(rc.rule for p in impact.changes for rc in p.rules)
    shown = impact.changes if limit is None else impact.changes[:limit]
    return {
        "agreement": r.agreement_id,
        "pathway": r.pathway,
        "destination": r.destination,
        "facility": r.facility_id,
        "as_of": r.as_of.isoformat(),
        "redecided": impact.redecided,
        "basis": impact.basis,
        "class_members": len(impact.members),
        "outcome_changes": len(impact.changes),
        "statuses_only": impact.statuses_only,
        "by_outcome": dict(sorted(moves.items())),
        "by_rule": dict(sorted(rules.items())),
        "changes": [p.as_dict() for p in shown],
        "changes_shown": len(shown),
    }


# ---- naming the change --------------------------------------------------------------------


def change_of_registry_entry(
    session: Session, *, entry_id: int, as_of: dt.date | None = None
) -> Change:
    """Registry entry `entry_id` against the registry's law of the entries before it."""
    from accord.law_entries.service import as_law_entry, list_law_entries

    records = list_law_entries(session)
    record = next((r for r in records if r.id == entry_id), None)
    if record is None:
        raise UnknownImpactSubject(f"no law entry {entry_id}")
    before = law_with([as_law_entry(r) for r in records if r.id < entry_id])
    return of_entry(before, as_law_entry(record), effective_on=record.effective_on, day=as_of)


def base_law(session: Session | None) -> LawSet:
    """The registry's law, or the bundled law where there is no registry."""
    if session is None:
        return bundled_law()
    from accord.law_entries.service import registry_law

    return registry_law(session)


def change_of_candidate(
    session: Session | None,
    *,
    kind: str,
    subject: str | None,
    body: Mapping[str, Any],
    as_of: dt.date | None = None,
) -> Change:
    return of_candidate(base_law(session), kind=kind, subject=subject, body=body, day=as_of)


def change_of_order_in_force(
    session: Session | None,
    *,
    order_id: str,
    from_day: dt.date,
    as_of: dt.date | None = None,
) -> Change:
    return in_force_from(base_law(session), order_id=order_id, from_day=from_day, day=as_of)


# ---- the requests and the docket ----------------------------------------------------------


def requests_in_use(
    session: Session | None, *, given: Sequence[RequestSpec], day: dt.date
) -> tuple[list[DecisionRequest], list[ActiveCase] | None]:
    """The requests of the registry's transfer cases under way and those given, on `day`."""
    if session is None and not given:
        raise InputError(
            "name a request or a registry: --agreement, --pathway and --destination "
            "(and --facility), or a registry whose transfer cases say which are in use"
        )
    cases = active_cases(session) if session is not None else None
    requests = requests_of(cases or (), day)
    seen = {(r.agreement_id, r.pathway, r.destination, r.facility_id) for r in requests}
    for spec in given:
        request = spec.build(day)
        key = (request.agreement_id, request.pathway, request.destination, request.facility_id)
        if key not in seen:
            seen.add(key)
            requests.append(request)
    if not requests:
        raise InputError(
            "no request in use: the registry has no transfer case under way; name one with "
            "--agreement, --pathway and --destination"
        )
    return requests, cases


def weigh(
    store: FactStore,
    change: Change,
    requests: Sequence[DecisionRequest],
    *,
    cases: Sequence[ActiveCase] | None,
    docket: str,
    progress: Progress | None = None,
) -> ImpactReport:
    """The impact of `change` on the store's docket for each request, and on the cases."""
    started = time.perf_counter()
    persons = docket_size(store)
    impacts: list[RequestImpact] = []
    for n, request in enumerate(requests):
        if progress is not None:
            progress(n, len(requests), _label(request))
        impacts.append(request_impact(store, change, request, persons=persons))
    if progress is not None:
        progress(len(requests), len(requests), "done")
    touched = None if cases is None else tuple(cases_touched(cases, impacts))
    return ImpactReport(
        change, docket, persons, tuple(impacts), touched, time.perf_counter() - started
    )


def _label(request: DecisionRequest) -> str:
    at = f" at {request.facility_id}" if request.facility_id else ""
    return f"{request.agreement_id} {request.pathway} to {request.destination}{at}"


def registry_impact(
    session: Session,
    *,
    change: Change,
    given: Sequence[RequestSpec] = (),
    store: FactStore | None = None,
    docket: str = "the registry",
    progress: Progress | None = None,
) -> ImpactReport:
    """The impact on the registry's docket (or on `store`), its requests and its cases. The
    registry's docket is held between impacts and brought up to date as facts are written
    (warm.py)."""
    requests, cases = requests_in_use(session, given=given, day=change.day)
    if store is not None:
        return weigh(store, change, requests, cases=cases, docket=docket, progress=progress)
    with warm.held_docket(session) as held:
        return weigh(held, change, requests, cases=cases, docket=docket, progress=progress)
