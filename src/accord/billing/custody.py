"""Days in custody, read from the operations event log, for billing.

A day is billed when the person is in custody at the end of it (UTC), the
midnight count that `operations.custody.census_count` also makes: the day of
handover counts, the day of release, transfer, return or death does not. So a
person handed over on 16 March and released on 20 April is billed 16-31 March
and 1-19 April; a person released on 1 May is billed nothing in May.

Only the agreement's own transfer cases at the agreement's facilities count,
so two agreements that use one facility never bill the same person-day twice.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agreements.models import Agreement
from accord.errors import InputError
from accord.operations.events import CUSTODY_IN, CUSTODY_OUT
from accord.operations.models import OperationsEvent, TransferCase

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Month:
    """A calendar month: its label (YYYY-MM), first and last day."""

    label: str
    first: dt.date
    last: dt.date

    @classmethod
    def parse(cls, text: str) -> Month:
        found = _MONTH.match(text.strip())
        year, month = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        if not found or not 1 <= month <= 12 or year < 1:
            raise InputError(f"--month '{text}': expected a month as YYYY-MM, e.g. 2025-04")
        last = calendar.monthrange(year, month)[1]
        return cls(f"{year:04d}-{month:02d}", dt.date(year, month, 1), dt.date(year, month, last))

    def closed(self, today: dt.date) -> bool:
        """The month has ended (its last day is over, UTC)."""
        return today > self.last

    def started(self, today: dt.date) -> bool:
        return today >= self.first


@dataclass
class PersonCustody:
    """One person's days in custody under the agreement in a period, and where."""

    person_id: str
    days: set[dt.date] = field(default_factory=set)
    facility_id: str = ""


@dataclass(frozen=True)
class Handover:
    """A handover into custody: the event a per-transfer fee is charged for."""

    event_id: int
    person_id: str
    facility_id: str
    day: dt.date


def day_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.UTC).date()


def start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def day_range(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def periods(days: Iterable[dt.date]) -> list[list[str]]:
    """Days as [first, last] ranges of consecutive days (ISO text, for JSON)."""
    out: list[list[str]] = []
    start = prev = None
    for day in sorted(set(days)):
        if prev is not None and day == prev + ONE_DAY:
            prev = day
            continue
        if start is not None and prev is not None:
            out.append([start.isoformat(), prev.isoformat()])
        start = prev = day
    if start is not None and prev is not None:
        out.append([start.isoformat(), prev.isoformat()])
    return out


def days_of(ranges: Iterable[Iterable[str]]) -> set[dt.date]:
    """The inverse of `periods`."""
    days: set[dt.date] = set()
    for first, last in (tuple(r) for r in ranges):
        days.update(day_range(dt.date.fromisoformat(first), dt.date.fromisoformat(last)))
    return days


def _events(
    session: Session, agreement: Agreement, kinds: frozenset[str], before: dt.date
) -> Sequence[Any]:
    """The agreement's custody events that occurred before `before`, by case and time."""
    facilities = [f.id for f in agreement.facilities]
    return session.execute(
        select(
            OperationsEvent.id,
            OperationsEvent.kind,
            OperationsEvent.occurred_at,
            TransferCase.id,
            TransferCase.person_id,
            TransferCase.facility_id,
        )
        .join(TransferCase, OperationsEvent.case_id == TransferCase.id)
        .where(
            TransferCase.agreement_id == agreement.id,
            TransferCase.facility_id.in_(facilities),
            OperationsEvent.kind.in_(sorted(kinds)),
            OperationsEvent.occurred_at < start_of(before),
        )
        .order_by(TransferCase.id, OperationsEvent.occurred_at, OperationsEvent.id)
    ).all()


def custody_days(
    session: Session, *, agreement: Agreement, first: dt.date, last: dt.date
) -> dict[str, PersonCustody]:
    """Each person's days in custody from `first` to `last` under the agreement (midnight count)."""
    stays: dict[str, PersonCustody] = {}
    rows = _events(session, agreement, CUSTODY_IN | CUSTODY_OUT, last + ONE_DAY)
    since: dict[int, dt.date] = {}  # case id -> day custody began, while it lasts

    def add(person_id: str, facility_id: str, start: dt.date, end: dt.date) -> None:
        lo, hi = max(start, first), min(end, last)
        if lo > hi:
            return
        stay = stays.setdefault(person_id, PersonCustody(person_id))
        stay.days.update(day_range(lo, hi))
        stay.facility_id = facility_id

    facility_of: dict[int, tuple[str, str]] = {}
    for _event_id, kind, occurred_at, case_id, person_id, facility_id in rows:
        facility_of[case_id] = (person_id, facility_id or "")
        day = day_of(occurred_at)
        if kind in CUSTODY_IN:
            since.setdefault(case_id, day)
        elif case_id in since:
            add(person_id, facility_id or "", since.pop(case_id), day - ONE_DAY)
    for case_id, start in since.items():
        person_id, facility_id = facility_of[case_id]
        add(person_id, facility_id, start, last)
    return dict(sorted(stays.items()))


def handovers(
    session: Session, *, agreement: Agreement, first: dt.date, last: dt.date
) -> list[Handover]:
    """Every handover into custody under the agreement that occurred from `first` to `last`."""
    found = [
        Handover(event_id, person_id, facility_id or "", day_of(occurred_at))
        for event_id, _kind, occurred_at, _case, person_id, facility_id in _events(
            session, agreement, CUSTODY_IN, last + ONE_DAY
        )
        if day_of(occurred_at) >= first
    ]
    return sorted(found, key=lambda h: (h.day, h.person_id, h.event_id))
