"""Court orders that act on the day they come into force (issue 20, section 1).

An order (or an event of one: a stay lifted, a modification) acts on operations in the
transaction that enters it, as of the day of the entry (law_change.act_on_law_entry). Two
entries need more, and this module gives it:

* entered before the day it takes effect (`effective_on`): nothing binds on the day of the
  entry, so it acts on its effective day, when the due acts first run on or after it;
* entered after that day (a late entry): it acts at its entry as of today, and at once on
  the persons it reached since its effective day: those who departed on or after it, or
  were in the air when it began, including those since handed over, released or
  transferred abroad (an incident and a return case each, as for a person in the air).

What "reached" means, by day as the boarding check decides (as of the departure's day): a
case that departed, is still abroad (departed, missing, in custody, released or
transferred), and was not handed over, returned on board or reported missing before the
start of the effective day. The day a reached person is decided as of is the later of the
departure's day and the effective day: the order's state then is what bound their transfer.
An entry recorded on its effective day acted as of that day at its entry (its own moment
stands for the start: what happened earlier that day happened before the order was known).

Who runs the due acts: every operation that moves a case (the boarding check, departure,
handover and its close) first, in its transaction; `accord law act-due` for a scheduler;
and reconcile fails while an entry in force has not acted, naming it. Each entry acts once
(law_entry_acts, one row per entry, written under the writer lock; its primary key stops
a second process that got past the lock some other way).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.orm import Session, defer

from accord.auth import User
from accord.db import append_audit
from accord.law.law_set import LawSet
from accord.law_entries.models import LawEntryRecord
from accord.law_entries.service import registry_law
from accord.operations import law_change
from accord.operations.events import begin
from accord.operations.law_change import (
    ORDER_ENTRY_KINDS,
    LawChangeActs,
    act_on_active_cases,
    act_on_case,
    acted,
    active_cases,
    barring,
    decide_case,
)
from accord.operations.models import LawEntryAct, Mission, OperationsEvent, TransferCase
from accord.operations.states import CaseState

# a departed person is abroad in these states (returned on board, returned or dead: not)
ABROAD = tuple(
    s.value
    for s in (
        CaseState.DEPARTED,
        CaseState.MISSING,
        CaseState.IN_CUSTODY,
        CaseState.RELEASED,
        CaseState.TRANSFERRED,
    )
)
# the events that end a flight: handed over, returned on board, reported missing
ARRIVALS = ("handover_received", "returned_on_board", "missing")


@dataclass(frozen=True)
class Reached:
    """A departed case an order reached: in the air at its start, or departed since."""

    case: TransferCase
    departed_at: dt.datetime
    arrived_at: dt.datetime | None  # None: still in the air


def reached_since(record: LawEntryRecord) -> dt.datetime:
    """The moment the entry's order reaches persons from: the start of its effective day
    (UTC), or its entry's moment when entered on that day."""
    recorded = record.recorded_at.astimezone(dt.UTC)
    if recorded.date() == record.effective_on:
        return recorded
    return dt.datetime.combine(record.effective_on, dt.time(), tzinfo=dt.UTC)


def _due(day: dt.date) -> Select[Any]:
    acted = select(LawEntryAct.law_entry_id).where(LawEntryAct.law_entry_id == LawEntryRecord.id)
    return select(LawEntryRecord).where(
        LawEntryRecord.kind.in_(ORDER_ENTRY_KINDS),
        LawEntryRecord.effective_on <= day,
        ~exists(acted),
    )


def due_entries(session: Session, *, day: dt.date) -> list[LawEntryRecord]:
    """The order entries in effect by `day` that have not acted as of their effective day,
    oldest first (without their documents)."""
    statement = _due(day).options(defer(LawEntryRecord.source_document))
    return list(session.scalars(statement.order_by(LawEntryRecord.id)))


# built once: an operation that moves a case asks it first, every time
_ANY_DUE = (
    select(LawEntryRecord.id)
    .where(
        LawEntryRecord.kind.in_(ORDER_ENTRY_KINDS),
        LawEntryRecord.effective_on <= bindparam("day"),
        ~exists(
            select(LawEntryAct.law_entry_id).where(LawEntryAct.law_entry_id == LawEntryRecord.id)
        ),
    )
    .limit(1)
)


def anything_due(session: Session, *, day: dt.date) -> bool:
    """One small read: whether any entry is due (what an operation pays when none is)."""
    return session.execute(_ANY_DUE, {"day": day}).first() is not None


def reached_cases(session: Session, *, since: dt.datetime) -> list[Reached]:
    """Every departed case still abroad whose flight had not ended before `since`."""
    departures = session.execute(
        select(TransferCase, OperationsEvent.occurred_at)
        .join(OperationsEvent, OperationsEvent.case_id == TransferCase.id)
        .where(OperationsEvent.kind == "departed", TransferCase.state.in_(ABROAD))
        .order_by(TransferCase.id)
    ).all()
    if not departures:
        return []
    ids = sorted(case.id for case, _ in departures)
    arrivals: dict[int, dt.datetime] = {
        int(case_id or 0): when
        for case_id, when in session.execute(
            select(OperationsEvent.case_id, func.min(OperationsEvent.occurred_at))
            .where(OperationsEvent.case_id.in_(ids), OperationsEvent.kind.in_(ARRIVALS))
            .group_by(OperationsEvent.case_id)
        ).all()
    }
    out = []
    for case, departed_at in departures:
        arrived = arrivals.get(case.id)
        if arrived is None or arrived >= since:
            out.append(Reached(case, departed_at, arrived))
    return out


def _situation(session: Session, reached: Reached) -> str | None:
    """Where a reached person is, for the incident (None: in the air, law_change's words)."""
    case = reached.case
    if reached.arrived_at is None or case.state == CaseState.DEPARTED.value:
        return None
    mission = session.get(Mission, case.mission_id) if case.mission_id else None
    flight = f"mission {mission.mission_number}" if mission else "a mission"
    departed = f"departed on {flight} on {reached.departed_at.date()}"
    if case.state == CaseState.MISSING.value:
        return f"{departed} and was reported missing at the handover"
    return (
        f"{departed}, was handed over at {case.facility_id} on {reached.arrived_at.date()} "
        f"and is now {CaseState(case.state).description}"
    )


def record_acted(
    session: Session, *, actor: User, record: LawEntryRecord, at: dt.datetime, audit_seq: int
) -> None:
    """The entry has acted as of its effective day (a second row for it is refused)."""
    session.add(
        LawEntryAct(
            law_entry_id=record.id,
            effective_on=record.effective_on,
            acted_at=at,
            acted_by_id=actor.id,
            audit_seq=audit_seq,
        )
    )
    session.flush()


def act_as_of_effective_day(
    session: Session,
    *,
    actor: User,
    record: LawEntryRecord,
    law: LawSet,
    at: dt.datetime,
    profile: str,
    hold: bool = True,
) -> LawChangeActs:
    """Act for one entry as of its effective day (module docstring), audited as
    `operations.law_due`, and record that it has. `hold=False`: the planned missions were
    decided as of today already (a late entry, at its entry)."""
    order_id = record.subject
    effective = record.effective_on
    since = reached_since(record)
    held: tuple[str, ...] = ()
    protected: dict[str, int] = {}
    standing = barring(law, order_id, at.date(), profile)
    if standing is not None and hold:  # planned missions: held, as for an entry binding today
        now = act_on_active_cases(
            session,
            actor=actor,
            record=record,
            state=standing,
            law=law,
            at=at,
            profile=profile,
            in_the_air=False,
        )
        held, protected = now.held_missions, dict(now.protected)
    unknown: list[str] = []
    incidents: list[int] = []
    returns: list[int] = []
    for reached in reached_cases(session, since=since):
        case = reached.case
        day = max(reached.departed_at.date(), effective)
        state = barring(law, order_id, day, profile)
        if state is None or state.effect is None:
            continue
        if not state.effect.bars_title_8_removal_to(case.destination):
            continue
        if acted(session, case.id, order_id):
            continue  # in the air when entered, or acted on by an earlier entry
        decision, decision_record = decide_case(
            session, actor=actor, case=case, day=day, law=law, profile=profile, at=at
        )
        done = act_on_case(
            session,
            actor=actor,
            at=at,
            case=case,
            state=state,
            decision=decision,
            decision_record_id=decision_record.id,
            entry_id=record.id,
            situation=_situation(session, reached),
            as_of=day,
        )
        if done is None:
            continue
        incidents.extend([done.incident] if done.incident is not None else [])
        returns.extend([done.return_case] if done.return_case is not None else [])
        if done.found == "in_class":
            protected[case.state] = protected.get(case.state, 0) + 1
        else:
            unknown.append(case.person_id)
    acts = LawChangeActs(
        record.id,
        order_id,
        effective,
        protected,
        tuple(unknown),
        held,
        tuple(incidents),
        tuple(returns),
    )
    order = law.orders.get(order_id)
    entry = append_audit(
        session,
        actor=actor,
        action="operations.law_due",
        subject=f"law_entry:{record.id}",
        change={
            **acts.as_dict(),
            "profile": profile,
            "reached_since": since.isoformat(),
            "order_on_effective_day": order.state_on(effective).words() if order else "not known",
        },
        now=at,
    )
    record_acted(session, actor=actor, record=record, at=at, audit_seq=entry.seq)
    return acts


def act_on_due_law(
    session: Session, *, actor: User, at: dt.datetime | None = None
) -> list[LawChangeActs]:
    """Every order entry in effect by today that has not acted as of its effective day acts
    now (module docstring), each once: the writer lock is taken before anything is read,
    so a second process waits and then finds nothing due."""
    moment = begin(session, at)
    entries = due_entries(session, day=moment.date())
    if not entries:
        return []
    law = registry_law(session)
    return [
        act_as_of_effective_day(
            session,
            actor=actor,
            record=record,
            law=law,
            at=moment,
            profile=law_change.OPERATIONS_PROFILE,
        )
        for record in entries
    ]


def due_acts_first(
    session: Session, *, actor: User, now: dt.datetime | None
) -> list[LawChangeActs]:
    """What an operation that moves a case runs first, in its transaction: nothing but one
    read when nothing is due."""
    day = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
    if not anything_due(session, day=day):
        return []
    return act_on_due_law(session, actor=actor, at=now)


@dataclass(frozen=True)
class Waiting:
    """An order entry in effect that has not acted, and the cases its acts would decide."""

    record: LawEntryRecord
    cases: int


def waiting_entries(session: Session, *, day: dt.date) -> list[Waiting]:
    """The entries due by `day` (reconcile names each), with how many cases wait on them:
    those before departure to a destination it bars today, and the departed it reached
    (to a destination it barred on the day it reached them)."""
    entries = due_entries(session, day=day)
    if not entries:
        return []
    law = registry_law(session)
    profile = law_change.OPERATIONS_PROFILE
    out = []
    for record in entries:
        count = 0
        today = barring(law, record.subject, day, profile)
        if today is not None and today.effect is not None:
            countries = today.effect.countries
            destinations = None if countries is None else set(countries)
            count += sum(
                case.state != CaseState.DEPARTED.value
                for case in active_cases(session, destinations)
            )
        for reached in reached_cases(session, since=reached_since(record)):
            when = max(reached.departed_at.date(), record.effective_on)
            state = barring(law, record.subject, when, profile)
            if state is not None and state.effect is not None:
                count += int(state.effect.bars_title_8_removal_to(reached.case.destination))
        out.append(Waiting(record, count))
    return out
