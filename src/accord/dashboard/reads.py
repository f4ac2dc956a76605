"""Reads the pages need that the service modules do not offer: aggregates and short lists.

Read-only, each in the caller's read session; no query per row of a long list.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agreements import bundled_agreements
from accord.agreements.models import Facility
from accord.auth import User
from accord.decisions.models import DecisionRecord
from accord.errors import UnknownOperationsRecord
from accord.operations.custody import occupancy
from accord.operations.models import (
    CensusReport,
    Mission,
    MonitoringFinding,
    MonitoringVisit,
    OperationsEvent,
    TransferCase,
)
from accord.operations.states import CaseState
from accord.registry import Person


@dataclass(frozen=True)
class Quota:
    agreement_id: str
    quota: int
    used: int


@dataclass(frozen=True)
class Gauge:
    """A facility's places: held now against capacity, and each agreement's quota."""

    facility: Facility
    agreements: tuple[str, ...]
    held: int
    quotas: tuple[Quota, ...]


def facilities() -> dict[str, tuple[Facility, tuple[str, ...]]]:
    """Each facility an agreement names (by id, upper case), with the agreements naming it."""
    found: dict[str, tuple[Facility, list[str]]] = {}
    for agreement in bundled_agreements().values():
        for facility in agreement.facilities:
            entry = found.setdefault(facility.id.upper(), (facility, []))
            entry[1].append(agreement.id)
    return {key: (f, tuple(ids)) for key, (f, ids) in found.items()}


def gauges(session: Session) -> list[Gauge]:
    out = []
    for facility, agreement_ids in facilities().values():
        quotas = []
        for agreement_id in agreement_ids:
            place = bundled_agreements()[agreement_id].facility(facility.id)
            if place is not None and place.quota is not None:
                used = occupancy(session, facility_id=facility.id, agreement_id=agreement_id)
                quotas.append(Quota(agreement_id, place.quota, used))
        held = occupancy(session, facility_id=facility.id)
        out.append(Gauge(facility, agreement_ids, held, tuple(quotas)))
    return out


def gauge(session: Session, facility_id: str) -> Gauge:
    for found in gauges(session):
        if found.facility.id.upper() == facility_id.upper():
            return found
    raise UnknownOperationsRecord(f"no agreement names a facility '{facility_id}'")


def people_by_state(session: Session) -> list[tuple[str, int]]:
    """Transfer cases by state (in the state machine's order), and persons with no case."""
    counts = dict(
        session.execute(select(TransferCase.state, func.count()).group_by(TransferCase.state)).all()
    )
    rows = [(s.value, int(counts.get(s.value, 0))) for s in CaseState]
    persons = int(session.scalar(select(func.count()).select_from(Person)) or 0)
    with_case = int(session.scalar(select(func.count(func.distinct(TransferCase.person_id)))) or 0)
    return [("no case", persons - with_case), *rows]


def transfers_per_month(
    session: Session, *, today: dt.date, months: int = 12
) -> list[tuple[str, int]]:
    """Persons departed per calendar month, the last `months` months up to `today`."""
    labels = []
    year, month = today.year, today.month
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    labels.reverse()
    start = dt.datetime(int(labels[0][:4]), int(labels[0][5:]), 1, tzinfo=dt.UTC)
    moments = session.scalars(
        select(OperationsEvent.occurred_at).where(
            OperationsEvent.kind == "departed", OperationsEvent.occurred_at >= start
        )
    )
    counted = Counter(m.astimezone(dt.UTC).strftime("%Y-%m") for m in moments)
    return [(label, counted.get(label, 0)) for label in labels]


def user_names(session: Session) -> dict[int, str]:
    return {i: n for i, n in session.execute(select(User.id, User.name))}


def person_cases(
    session: Session, person_id: str
) -> list[tuple[TransferCase, list[OperationsEvent]]]:
    found = list(
        session.scalars(
            select(TransferCase)
            .where(TransferCase.person_id == person_id)
            .order_by(TransferCase.id.desc())
        )
    )
    events = session.scalars(
        select(OperationsEvent)
        .where(OperationsEvent.case_id.in_([c.id for c in found]))
        .order_by(OperationsEvent.id)
    )
    by_case: dict[int, list[OperationsEvent]] = {c.id: [] for c in found}
    for event in events:
        by_case[event.case_id or 0].append(event)
    return [(c, by_case[c.id]) for c in found]


def decision_records(session: Session, person_id: str, limit: int = 20) -> Sequence[DecisionRecord]:
    return session.scalars(
        select(DecisionRecord)
        .where(DecisionRecord.person_id == person_id)
        .order_by(DecisionRecord.id.desc())
        .limit(limit)
    ).all()


def latest_decisions(session: Session, person_ids: Sequence[str]) -> dict[str, DecisionRecord]:
    """Each person's latest decision record (the last boarding check, on a manifest)."""
    latest = (
        select(func.max(DecisionRecord.id))
        .where(DecisionRecord.person_id.in_(person_ids))
        .group_by(DecisionRecord.person_id)
    )
    rows = session.scalars(select(DecisionRecord).where(DecisionRecord.id.in_(latest)))
    return {r.person_id: r for r in rows}


def ready_cases(session: Session, mission: Mission) -> Sequence[TransferCase]:
    """Cases ready to board this mission: same agreement, pathway, destination and facility."""
    return session.scalars(
        select(TransferCase)
        .where(
            TransferCase.state == CaseState.READY.value,
            TransferCase.agreement_id == mission.agreement_id,
            TransferCase.pathway == mission.pathway,
            TransferCase.destination == mission.destination,
            func.upper(TransferCase.facility_id) == mission.facility_id.upper(),
        )
        .order_by(TransferCase.id)
    ).all()


def census_reports(session: Session, facility_id: str, limit: int = 60) -> Sequence[CensusReport]:
    return session.scalars(
        select(CensusReport)
        .where(func.upper(CensusReport.facility_id) == facility_id.upper())
        .order_by(CensusReport.day.desc(), CensusReport.id.desc())
        .limit(limit)
    ).all()


@dataclass(frozen=True)
class Visit:
    visit: MonitoringVisit
    recorded_by: str
    findings: tuple[MonitoringFinding, ...]


def visits(session: Session, *, facility_id: str | None = None, limit: int = 100) -> list[Visit]:
    statement = (
        select(MonitoringVisit, User.name)
        .join(User, User.id == MonitoringVisit.recorded_by_id)
        .order_by(MonitoringVisit.visited_on.desc(), MonitoringVisit.id.desc())
        .limit(limit)
    )
    if facility_id is not None:
        statement = statement.where(func.upper(MonitoringVisit.facility_id) == facility_id.upper())
    rows = session.execute(statement).all()
    findings: dict[int, list[MonitoringFinding]] = {v.id: [] for v, _ in rows}
    for finding in session.scalars(
        select(MonitoringFinding)
        .where(MonitoringFinding.visit_id.in_(list(findings)))
        .order_by(MonitoringFinding.id)
    ):
        findings[finding.visit_id].append(finding)
    return [Visit(v, name, tuple(findings[v.id])) for v, name in rows]


def visit_findings(
    session: Session, visit_ids: Sequence[int]
) -> dict[int, list[MonitoringFinding]]:
    """The findings of each visit (one query for a page of visits)."""
    found: dict[int, list[MonitoringFinding]] = {i: [] for i in visit_ids}
    for finding in session.scalars(
        select(MonitoringFinding)
        .where(MonitoringFinding.visit_id.in_(list(visit_ids)))
        .order_by(MonitoringFinding.id)
    ):
        found[finding.visit_id].append(finding)
    return found


def subject_links(session: Session, subjects: Sequence[str]) -> dict[str, str]:
    """The page of each record a reconcile violation names ("case:12", "facility:CECOT",
    "incident:3", "return:2", "mission:..."): a case on its person's page."""
    case_ids = [int(s[5:]) for s in subjects if s.startswith("case:") and s[5:].isdigit()]
    persons = dict(
        session.execute(
            select(TransferCase.id, TransferCase.person_id).where(TransferCase.id.in_(case_ids))
        ).all()
    )
    links: dict[str, str] = {}
    for subject in subjects:
        kind, _, key = subject.partition(":")
        if kind == "case" and key.isdigit() and int(key) in persons:
            links[subject] = f"/people/{quote(persons[int(key)], safe='')}#case-{key}"
        elif kind == "incident" and key.isdigit():
            links[subject] = f"/monitoring/incidents/{key}"
        elif kind == "return" and key.isdigit():
            links[subject] = f"/monitoring/returns?id={key}"
        elif kind == "mission" and key:
            links[subject] = f"/missions/{quote(key, safe='')}"
        elif kind == "facility" and key and key != "none":
            links[subject] = f"/facilities/{quote(key, safe='')}"
    return links
