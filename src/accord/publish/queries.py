"""The SQL aggregates behind the transparency report, on SQLite and PostgreSQL.

Every query reads only rows whose audit entry is at or before the chain head the report is
built from (`audit_seq <= head`), so the figures are those of that head whatever was
written since, and `verify_bundle.py` can recompute them from a bundle of that head.
Months are calendar months in UTC. Each function returns counts keyed (category, month).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, literal, select, text
from sqlalchemy.orm import Session

from accord.billing.models import Invoice, InvoiceLineRecord
from accord.db import UTCDateTime
from accord.decisions.models import DecisionRecord
from accord.operations.events import CUSTODY_IN, CUSTODY_OUT
from accord.operations.models import (
    ConsularCompletion,
    ConsularTask,
    CounselAccess,
    Incident,
    IncidentResolution,
    MonitoringFinding,
    MonitoringVisit,
    OperationsEvent,
    ReturnCase,
    ReturnUpdate,
    TransferCase,
)
from accord.operations.states import ReturnStatus
from accord.publish.period import Period
from accord.registry.models import FactVersion, NationalityFact

Counts = dict[tuple[str, str], int]
NOT_KNOWN = "not known"
NONE = "(none)"


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def month_of(session: Session, column: Any, *, date: bool = False) -> ColumnElement[str]:
    """YYYY-MM of a UTC timestamp (or a date) column."""
    if _is_pg(session):
        value = column if date else func.timezone("UTC", column)
        return func.to_char(value, "YYYY-MM")
    return func.substr(column, 1, 7)  # SQLite keeps both as ISO text, timestamps in UTC


def _counts(rows: Iterable[Any]) -> Counts:
    return {(str(row), str(month)): int(n) for row, month, n in rows}


def _in(column: Any, period: Period) -> list[ColumnElement[bool]]:
    return [column >= period.start, column < period.end]


def transfers(session: Session, period: Period, head: int, head_at: dt.datetime, by: str) -> Counts:
    """Persons transferred: cases that departed in the month, by `by` (pathway, destination,
    facility or nationality: the first nationality on record at the head, else not known)."""
    e, c = OperationsEvent, TransferCase
    month = month_of(session, e.occurred_at)
    dimension: Any
    statement = select().select_from(e)
    if by == "facility":
        dimension = func.coalesce(e.facility_id, NONE)
    elif by in ("pathway", "destination"):
        dimension = getattr(c, by)
        statement = statement.join(c, c.id == e.case_id)
    elif by == "nationality":
        current = (
            select(FactVersion.person_id, func.max(FactVersion.id).label("id"))
            .where(FactVersion.list_name == "nationalities", FactVersion.recorded_at <= head_at)
            .group_by(FactVersion.person_id)
            .subquery()
        )
        first = (
            select(NationalityFact.version_id, NationalityFact.country)
            .where(NationalityFact.ordinal == 0)
            .subquery()
        )
        dimension = func.coalesce(first.c.country, NOT_KNOWN)
        statement = statement.outerjoin(current, current.c.person_id == e.person_id).outerjoin(
            first, first.c.version_id == current.c.id
        )
    else:
        raise ValueError(by)
    statement = (
        statement.add_columns(dimension, month, func.count())
        .where(e.kind == "departed", e.audit_seq <= head, *_in(e.occurred_at, period))
        .group_by(dimension, month)
    )
    return _counts(session.execute(statement))


def decisions_by_outcome(session: Session, period: Period, head: int) -> Counts:
    d = DecisionRecord
    month = month_of(session, d.decided_at)
    statement = (
        select(d.outcome, month, func.count())
        .where(d.audit_seq <= head, *_in(d.decided_at, period))
        .group_by(d.outcome, month)
    )
    return _counts(session.execute(statement))


_FAILED_RULES_PG = """
SELECT f.value ->> 'rule', to_char(timezone('UTC', d.decided_at), 'YYYY-MM'), count(*)
FROM decision_records d CROSS JOIN LATERAL json_array_elements(d.explanation -> 'failed') f
WHERE d.audit_seq <= :head AND d.decided_at >= :start AND d.decided_at < :end
GROUP BY 1, 2
"""
_FAILED_RULES_SQLITE = """
SELECT json_extract(f.value, '$.rule'), substr(d.decided_at, 1, 7), count(*)
FROM decision_records d, json_each(d.explanation, '$.failed') f
WHERE d.audit_seq <= :head AND d.decided_at >= :start AND d.decided_at < :end
GROUP BY 1, 2
"""


def failed_rules(session: Session, period: Period, head: int) -> Counts:
    """How many decisions failed each rule (a decision may fail several)."""
    statement = text(_FAILED_RULES_PG if _is_pg(session) else _FAILED_RULES_SQLITE).bindparams(
        bindparam("start", type_=UTCDateTime),
        bindparam("end", type_=UTCDateTime),
    )
    rows = session.execute(statement, {"head": head, "start": period.start, "end": period.end})
    return _counts(rows)


_UNAUDITED_RULES_PG = """
SELECT count(*) FROM decision_records d JOIN audit_log a ON a.seq = d.audit_seq
WHERE d.audit_seq <= :head AND d.decided_at >= :start AND d.decided_at < :end
AND (a.change::json -> 'failed_rules') IS NULL
"""
_UNAUDITED_RULES_SQLITE = """
SELECT count(*) FROM decision_records d JOIN audit_log a ON a.seq = d.audit_seq
WHERE d.audit_seq <= :head AND d.decided_at >= :start AND d.decided_at < :end
AND json_type(a.change, '$.failed_rules') IS NULL
"""


def decisions_without_failed_rules(session: Session, period: Period, head: int) -> int:
    """The decisions `failed_rules` counts whose audit entry does not name the rules they
    failed (recorded before it did): while any is, the table cannot be checked offline."""
    statement = text(_UNAUDITED_RULES_PG if _is_pg(session) else _UNAUDITED_RULES_SQLITE)
    statement = statement.bindparams(
        bindparam("start", type_=UTCDateTime), bindparam("end", type_=UTCDateTime)
    )
    found = session.execute(statement, {"head": head, "start": period.start, "end": period.end})
    return int(found.scalar_one())


def _events(session: Session, period: Period, head: int, kind: str, by: Any) -> Counts:
    e = OperationsEvent
    month = month_of(session, e.occurred_at)
    statement = (
        select(by, month, func.count())
        .where(e.kind == kind, e.audit_seq <= head, *_in(e.occurred_at, period))
        .group_by(by, month)
    )
    return _counts(session.execute(statement))


def boarding_strikes(session: Session, period: Period, head: int) -> Counts:
    reason = func.coalesce(OperationsEvent.reason_code, NONE)
    return _events(session, period, head, "struck", reason)


def incidents_by_kind(session: Session, period: Period, head: int) -> Counts:
    i = Incident
    month = month_of(session, i.opened_at)
    statement = (
        select(i.kind, month, func.count())
        .where(i.audit_seq <= head, *_in(i.opened_at, period))
        .group_by(i.kind, month)
    )
    return _counts(session.execute(statement))


DAYS_OPEN = ["within 1 day", "2 to 7 days", "8 to 30 days", "over 30 days", "open at period end"]


def _days_bucket(days: float | None) -> str:
    if days is None:
        return DAYS_OPEN[-1]
    if days <= 1:
        return DAYS_OPEN[0]
    if days <= 7:
        return DAYS_OPEN[1]
    return DAYS_OPEN[2] if days <= 30 else DAYS_OPEN[3]


def incidents_days_open(session: Session, period: Period, head: int) -> Counts:
    """Incidents opened in the month, by how long they stayed open (resolved by the period's
    end and by the head, or still open)."""
    i, r = Incident, IncidentResolution
    resolved = (
        select(r.incident_id, r.resolved_at)
        .where(r.audit_seq <= head, r.resolved_at < period.end)
        .subquery()
    )
    rows = session.execute(
        select(i.opened_at, resolved.c.resolved_at)
        .outerjoin(resolved, resolved.c.incident_id == i.id)
        .where(i.audit_seq <= head, *_in(i.opened_at, period))
    )
    counts: Counter[tuple[str, str]] = Counter()
    for opened, closed in rows:
        opened = _aware(opened)
        days = None if closed is None else (_aware(closed) - opened).total_seconds() / 86400
        counts[(_days_bucket(days), opened.strftime("%Y-%m"))] += 1
    return dict(counts)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


RETURN_OUTCOMES = [
    "back within 30 days of the order",
    "back in 31 to 90 days",
    "back after more than 90 days",
    "not back by period end",
]


def return_cases(session: Session, period: Period, head: int) -> Counts:
    """Court-ordered return cases opened in the month, by how long the return took (order
    to back in U.S. custody)."""
    rc, ru = ReturnCase, ReturnUpdate
    back = (
        select(ru.return_case_id, func.min(ru.occurred_on).label("on"))
        .where(
            ru.status == ReturnStatus.BACK_IN_US_CUSTODY.value,
            ru.audit_seq <= head,
            ru.occurred_on < period.end.date(),
        )
        .group_by(ru.return_case_id)
        .subquery()
    )
    rows = session.execute(
        select(rc.opened_at, rc.ordered_on, back.c.on)
        .outerjoin(back, back.c.return_case_id == rc.id)
        .where(rc.audit_seq <= head, *_in(rc.opened_at, period))
    )
    counts: Counter[tuple[str, str]] = Counter()
    for opened, ordered_on, back_on in rows:
        if back_on is None:
            outcome = RETURN_OUTCOMES[3]
        else:
            days = (back_on - ordered_on).days
            outcome = RETURN_OUTCOMES[0 if days <= 30 else 1 if days <= 90 else 2]
        counts[(outcome, _aware(opened).strftime("%Y-%m"))] += 1
    return dict(counts)


CONSULAR_OUTCOMES = [
    "notified in time",
    "notified late",
    "not notified, overdue at period end",
    "not notified, not yet due at period end",
]


def consular_notifications(
    session: Session, period: Period, head: int, *, deadline_days: int
) -> Counts:
    """Consular notifications owed (one per person and nationality at a handover), by the
    month owed and whether they were made within `deadline_days` of it."""
    t, c = ConsularTask, ConsularCompletion
    done = (
        select(c.task_id, c.notified_on)
        .where(c.audit_seq <= head, c.notified_on < period.end.date())
        .subquery()
    )
    rows = session.execute(
        select(t.created_at, done.c.notified_on)
        .outerjoin(done, done.c.task_id == t.id)
        .where(t.audit_seq <= head, *_in(t.created_at, period))
    )
    last_day = period.end.date() - dt.timedelta(days=1)
    counts: Counter[tuple[str, str]] = Counter()
    for created, notified_on in rows:
        owed = _aware(created).date()
        due = owed + dt.timedelta(days=deadline_days)
        if notified_on is not None:
            outcome = CONSULAR_OUTCOMES[0 if notified_on <= due else 1]
        else:
            outcome = CONSULAR_OUTCOMES[2 if due < last_day else 3]
        counts[(outcome, owed.strftime("%Y-%m"))] += 1
    return dict(counts)


def counsel_access(session: Session, period: Period, head: int) -> Counts:
    a = CounselAccess
    month = month_of(session, a.occurred_at)
    statement = (
        select(a.kind, month, func.count())
        .where(a.audit_seq <= head, *_in(a.occurred_at, period))
        .group_by(a.kind, month)
    )
    return _counts(session.execute(statement))


def monitoring_visits(session: Session, period: Period, head: int) -> Counts:
    v = MonitoringVisit
    month = month_of(session, v.visited_on, date=True)
    statement = (
        select(v.facility_id, month, func.count())
        .where(
            v.audit_seq <= head,
            v.visited_on >= period.start.date(),
            v.visited_on < period.end.date(),
        )
        .group_by(v.facility_id, month)
    )
    return _counts(session.execute(statement))


def monitoring_findings(session: Session, period: Period, head: int) -> Counts:
    v, f = MonitoringVisit, MonitoringFinding
    month = month_of(session, v.visited_on, date=True)
    statement = (
        select(f.severity, month, func.count())
        .join(v, v.id == f.visit_id)
        .where(
            v.audit_seq <= head,
            v.visited_on >= period.start.date(),
            v.visited_on < period.end.date(),
        )
        .group_by(f.severity, month)
    )
    return _counts(session.execute(statement))


def held_at_month_end(session: Session, period: Period, head: int, by: str) -> Counts:
    """Persons in custody at the end of each month by facility or agreement: received minus
    ended, counted from the custody events up to then."""
    e, c = OperationsEvent, TransferCase
    month = month_of(session, e.occurred_at)
    statement = select().select_from(e)
    place: Any
    if by == "facility":
        place = func.coalesce(e.facility_id, NONE)
    elif by == "agreement":
        place = c.agreement_id
        statement = statement.join(c, c.id == e.case_id)
    else:
        raise ValueError(by)
    moves = session.execute(
        statement.add_columns(place, month, e.kind, func.count())
        .where(
            e.kind.in_(sorted(CUSTODY_IN | CUSTODY_OUT)),
            e.audit_seq <= head,
            e.occurred_at < period.end,
        )
        .group_by(place, month, e.kind)
    )
    change: Counter[tuple[str, str]] = Counter()
    for where, moved_in, kind, n in moves:
        change[(str(where), str(moved_in))] += int(n) if kind in CUSTODY_IN else -int(n)
    counts: Counts = {}
    for where in {p for p, _ in change}:
        for month_name in period.months:
            held = sum(n for (p, m), n in change.items() if p == where and m <= month_name)
            counts[(where, month_name)] = held
    return counts


def fees(session: Session, period: Period, head: int) -> dict[str, Any]:
    """USD invoices issued for the months of the period: per month the invoices, their
    totals, the persons and custody days billed; and the persons billed over the period."""
    months = period.months
    invoices = session.execute(
        select(Invoice.month, Invoice.total).where(
            Invoice.audit_seq <= head, Invoice.currency == "USD", Invoice.month.in_(months)
        )
    ).all()
    lines = (
        select(InvoiceLineRecord)
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(Invoice.audit_seq <= head, Invoice.currency == "USD", Invoice.month.in_(months))
        .subquery()
    )
    per_month = session.execute(
        select(
            Invoice.month,
            func.count(func.distinct(lines.c.person_id)),
            func.coalesce(func.sum(lines.c.days_billed), literal(0)),
        )
        .join(Invoice, Invoice.id == lines.c.invoice_id)
        .group_by(Invoice.month)
    ).all()
    persons_in_period = session.scalar(select(func.count(func.distinct(lines.c.person_id))))
    count: Counter[str] = Counter()
    total: dict[str, Decimal] = {}
    for month, amount in invoices:
        count[month] += 1
        total[month] = total.get(month, Decimal(0)) + amount
    return {
        "invoices": dict(count),
        "fees": total,
        "persons": {m: int(p) for m, p, _ in per_month},
        "days": {m: int(d) for m, _, d in per_month},
        "persons_in_period": int(persons_in_period or 0),
    }
