"""Handover, custody, incidents and the daily census.

Custody is derived from the event log: a `handover_received` event puts a
person into custody at a facility, `released`, `transferred`, `returned` and
`died` take them out. Capacity and quota are checked under the registry's
writer lock (taken before the count is read), so concurrent writers cannot
together exceed them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from accord.agreements import bundled_agreements, get_agreement
from accord.agreements.models import Facility
from accord.auth import User
from accord.db import LockedRead, append_audit, driver_sql
from accord.errors import CapacityExceeded, InputError, UnknownOperationsRecord
from accord.limits import LONG_TEXT_MAX, check_text
from accord.operations.events import (
    CUSTODY_IN,
    CUSTODY_OUT,
    begin,
    check_facility_scope,
    transition,
)
from accord.operations.models import (
    CensusReport,
    FacilityCount,
    OperationsEvent,
    TransferCase,
)
from accord.operations.states import (
    CUSTODY_END_REASONS,
    CUSTODY_END_STEP,
    CaseState,
    CustodyEnd,
    CustodyEndReason,
)


def canonical_facility(facility_id: str) -> str:
    """The facility id as the agreements spell it (ids are matched case-insensitively)."""
    for agreement in bundled_agreements().values():
        found = agreement.facility(facility_id)
        if found is not None:
            return found.id
    raise UnknownOperationsRecord(f"no agreement names a facility '{facility_id}'")


def _held_statement(in_flight: bool) -> Select[Any]:
    states = [CaseState.IN_CUSTODY.value]
    if in_flight:
        states += [CaseState.MANIFESTED.value, CaseState.DEPARTED.value, CaseState.MISSING.value]
    # facility ids are stored as the agreement spells them; the counts are kept by triggers
    under = sql_case(
        (FacilityCount.agreement_id == bindparam("agreement_id"), FacilityCount.persons), else_=0
    )
    return select(
        func.coalesce(func.sum(FacilityCount.persons), 0), func.coalesce(func.sum(under), 0)
    ).where(
        FacilityCount.facility_id == bindparam("facility_id"),
        or_(*(FacilityCount.state == state for state in states)),  # no IN list: see LockedRead
    )


# built once: the busiest writers run them under the writer lock (db.LockedRead)
_HELD = {False: _held_statement(False), True: _held_statement(True)}


def held_query(*, facility_id: str, agreement_id: str, in_flight: bool) -> LockedRead:
    """(persons held at the facility, those of them under the agreement), as one query."""
    return _HELD[in_flight], {"facility_id": facility_id, "agreement_id": agreement_id}


def _held(
    session: Session, *, facility_id: str, agreement_id: str, in_flight: bool
) -> tuple[int, int]:
    query, params = held_query(
        facility_id=facility_id, agreement_id=agreement_id, in_flight=in_flight
    )
    row: Any = session.execute(query, dict(params)).one()
    return int(row[0]), int(row[1])


def occupancy(
    session: Session, *, facility_id: str, agreement_id: str | None = None, in_flight: bool = False
) -> int:
    """Persons in custody at the facility (under one agreement if given); with `in_flight`,
    also those manifested or departed towards it and not yet handed over."""
    held, under = _held(
        session, facility_id=facility_id, agreement_id=agreement_id or "", in_flight=in_flight
    )
    return under if agreement_id is not None else held


def agreement_facility(agreement_id: str, facility_id: str) -> Facility:
    facility = get_agreement(agreement_id).facility(facility_id)
    if facility is None:
        raise UnknownOperationsRecord(f"agreement {agreement_id} names no facility {facility_id}")
    return facility


def refuse_unless_room(
    facility: Facility,
    *,
    agreement_id: str,
    held: int,
    used: int,
    adding: int,
    include_in_flight: bool = False,
) -> None:
    """Refuse unless `adding` more persons fit, `held` being at the facility and `used` of
    them under the agreement (as held_query counts them)."""
    what = "held or on the way" if include_in_flight else "held"
    if held + adding > facility.capacity:
        raise CapacityExceeded(
            f"{facility.id}: capacity {facility.capacity:,}, {held:,} {what}: "
            f"{adding} more would exceed it"
        )
    if facility.quota is not None and used + adding > facility.quota:
        raise CapacityExceeded(
            f"{facility.id}: agreement {agreement_id} quota {facility.quota:,}, "
            f"{used:,} {what} under it: {adding} more would exceed it"
        )


def room_requirement(
    session: Session, facility: Facility, *, agreement_id: str, adding: int
) -> tuple[str, dict[str, Any]]:
    """refuse_unless_room as an `accord_require` statement (PostgreSQL), for a write that
    checks room under the writer lock in the database (db/chain.py)."""
    held_sql, params = driver_sql(
        *held_query(facility_id=facility.id, agreement_id=agreement_id, in_flight=False),
        session.get_bind().dialect,
    )
    sql = (
        "SELECT accord_require(h.held + %(adding)s <= %(capacity)s AND "
        "(%(quota)s::integer IS NULL OR h.used + %(adding)s <= %(quota)s::integer), "
        f"'room at the facility') FROM ({held_sql}) AS h(held, used)"
    )
    return sql, {**params, "adding": adding, "capacity": facility.capacity, "quota": facility.quota}


def check_room(
    session: Session,
    *,
    facility_id: str,
    agreement_id: str,
    adding: int = 1,
    include_in_flight: bool = False,
) -> None:
    """Refuse unless `adding` more persons fit the facility's capacity and the quota."""
    facility = agreement_facility(agreement_id, facility_id)
    held, used = _held(
        session, facility_id=facility.id, agreement_id=agreement_id, in_flight=include_in_flight
    )
    refuse_unless_room(
        facility,
        agreement_id=agreement_id,
        held=held,
        used=used,
        adding=adding,
        include_in_flight=include_in_flight,
    )


def custody_case(session: Session, person_id: str) -> TransferCase:
    case = session.scalars(
        select(TransferCase).where(
            TransferCase.person_id == person_id, TransferCase.state == CaseState.IN_CUSTODY.value
        )
    ).first()
    if case is None:
        raise UnknownOperationsRecord(f"person {person_id} is not in custody under any case")
    return case


def end_custody(
    session: Session,
    *,
    actor: User,
    person_id: str,
    end: CustodyEnd,
    reason: CustodyEndReason,
    occurred_at: dt.datetime | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> OperationsEvent:
    """Release, transfer, return or death in custody, each with a reason code of its own."""
    at = begin(session, now)
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
    if reason not in CUSTODY_END_REASONS[end]:
        allowed = ", ".join(sorted(r.value for r in CUSTODY_END_REASONS[end]))
        raise InputError(f"reason '{reason.value}' does not fit a {end.value}; use: {allowed}")
    case = custody_case(session, person_id)
    check_facility_scope(session, actor, case.facility_id)
    when = occurred_at or at
    if when.tzinfo is None:
        raise InputError("a time needs a timezone (e.g. 2025-03-15T18:00:00+00:00)")
    if when > at:
        raise InputError(f"{when.isoformat()}: custody ends once it happened, not in the future")
    began = session.scalar(
        select(func.max(OperationsEvent.occurred_at)).where(
            OperationsEvent.case_id == case.id, OperationsEvent.kind.in_(CUSTODY_IN)
        )
    )
    if began is not None and when < began:
        # the census of the days between would count the person twice as gone
        raise InputError(
            f"{when.isoformat()}: before the handover into custody ({began.isoformat()})"
        )
    return transition(
        session,
        case,
        CUSTODY_END_STEP[end],
        actor=actor,
        at=at,
        occurred_at=when,
        reason=reason.value,
        details={"note": note} if note else None,
    )


def census_count(session: Session, *, facility_id: str, day: dt.date) -> int:
    """Persons in custody at the facility at the end of `day` (UTC), from the events:
    handovers minus releases, transfers, returns and deaths that occurred by then."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
    rows = session.execute(
        select(OperationsEvent.kind, func.count())
        .where(
            OperationsEvent.facility_id == facility_id,
            OperationsEvent.kind.in_(sorted(CUSTODY_IN | CUSTODY_OUT)),
            OperationsEvent.occurred_at < end,
        )
        .group_by(OperationsEvent.kind)
    ).all()
    return sum(n if kind in CUSTODY_IN else -n for kind, n in rows)


def report_census(
    session: Session,
    *,
    actor: User,
    facility_id: str,
    day: dt.date,
    count: int,
    now: dt.datetime | None = None,
) -> CensusReport:
    """The liaison's count of persons held on `day`, kept beside the registry's own count."""
    at = begin(session, now)
    facility_id = canonical_facility(facility_id)
    check_facility_scope(session, actor, facility_id)
    if count < 0:
        raise InputError(f"--count {count}: a census cannot be negative")
    if day > at.date():
        raise InputError(f"--date {day}: a census is reported for a day that has begun")
    ours = census_count(session, facility_id=facility_id, day=day)
    entry = append_audit(
        session,
        actor=actor,
        action="operations.census",
        subject=f"facility:{facility_id}",
        change={"day": day.isoformat(), "reported_count": count, "registry_count": ours},
        now=at,
    )
    report = CensusReport(
        facility_id=facility_id,
        day=day,
        reported_count=count,
        registry_count=ours,
        reported_at=at,
        reported_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(report)
    session.flush()
    return report
