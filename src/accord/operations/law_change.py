"""What a court order entered in the registry does to operations (issue 20, section 1).

On 15 March 2025 a court ordered a halt to removals and the return of planes in the
air; the flights went on. Here an order (or an event of one) entered in the registry acts
in the transaction that enters it (law_entries/service.enter_law calls `act_on_law_entry`):

* every active case of the destinations the order bars is decided again by the engine under
  the law with the entry, as of the day of the entry; `no_class_order_bar` says whether the
  order protects the person (its evidence names the order: the rule itself decides);
* a protected passenger of a planned mission: the mission gets a `court_order_hold` event,
  and its boarding check at departure strikes the passenger (missions.depart_mission);
* a protected person in the air (case departed): an incident `court_order_in_transit` and a
  court-ordered return case are opened, audited, and a `court_order_acted` event names both;
* a person in the air whose class membership the facts cannot tell: an incident
  `court_order_class_unknown` for a legal reviewer (no return case until the facts are
  known);

and a departure recorded after an order was entered, that occurred before it or on an
earlier day (a late record), is checked the same way once recorded (`act_on_departure`):
no protected person is on a departed mission without an open incident and return case.
Reconcile fails while any of them is open (reconcile.py, law_change_open.py); legal
reviewers and officers see an alert on every dashboard page (dashboard/alerts.py).

An entry that takes effect on a later day than its entry acts on that day, and one entered
after its effective day acts at once on the persons it reached since (law_due.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.auth import User
from accord.db import append_audit
from accord.decisions.models import DecisionRecord
from accord.decisions.service import decide_from_registry, person_facts_read
from accord.engine import Decision, DecisionRequest, decide_facts
from accord.law.court_orders import BARS_TITLE_8, CourtOrder, OrderState
from accord.law.law_set import LawSet
from accord.law_entries.models import LawEntryRecord
from accord.law_entries.service import law_as_of_entries, registry_law
from accord.operations.care import open_return, return_status
from accord.operations.events import open_incident, record_event
from accord.operations.models import (
    IncidentResolution,
    Mission,
    OperationsEvent,
    TransferCase,
)
from accord.operations.states import CaseState, IncidentKind, MissionState, ReturnStatus

ORDER_ENTRY_KINDS = ("court_order", "court_order_event")
# the profile the boarding check decides under (DecisionRequest's default; a test checks they
# agree): an order under an administrative stay binds operations as it binds boarding
OPERATIONS_PROFILE: str = "most_protective"
BAR_RULE = "no_class_order_bar"
ACTED = "court_order_acted"  # case event: an incident (and return case) opened for an order
HOLD = "court_order_hold"  # mission event: passengers the order protects are on board
ORDER_INCIDENTS = frozenset(
    {IncidentKind.COURT_ORDER_IN_TRANSIT.value, IncidentKind.COURT_ORDER_CLASS_UNKNOWN.value}
)
BEFORE_DEPARTURE = (CaseState.NOMINATED, CaseState.APPROVED, CaseState.READY)


@dataclass(frozen=True)
class LawChangeActs:
    """What an entry did to operations (also the change of its `operations.law_change`
    audit entry)."""

    law_entry: int
    order: str | None
    day: dt.date
    # protected persons' active cases by state (nominated .. departed)
    protected: dict[str, int] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()  # persons in the air whose class membership is not known
    held_missions: tuple[str, ...] = ()
    incidents: tuple[int, ...] = ()
    return_cases: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["day"] = self.day.isoformat()
        for name in ("unknown", "held_missions", "incidents", "return_cases"):
            out[name] = list(out[name])
        return out


def _head(order: CourtOrder) -> str:
    """How the rule's evidence names the order (class_orders._order_text)."""
    return f"{order.title} ({order.court}, {order.docket})"


def membership(decision: Decision, order: CourtOrder) -> str | None:
    """'in_class' when no_class_order_bar fails naming the order's class, 'unknown' when it
    says the facts cannot tell, else None: read from the rule's own result and evidence."""
    result = next((r for r in decision.results if r.rule == BAR_RULE), None)
    if result is None or result.status not in ("fail", "unknown"):
        return None
    head = _head(order)
    said = [f for f in result.facts if head in f]
    if result.status == "fail" and any("the person is in its class (" in f for f in said):
        return "in_class"
    if any("cannot be told from the facts recorded" in f for f in said):
        return "unknown"
    return None


def barring(law: LawSet, order_id: str, day: dt.date, profile: str) -> OrderState | None:
    """The order's state on `day` if it binds under `profile` and bars a Title 8 removal."""
    order = law.orders.get(order_id)
    if order is None:
        return None
    state = order.state_on(day)
    if not state.applies(profile) or state.effect is None:
        return None
    return state if state.effect.kind in BARS_TITLE_8 else None


def case_request(case: TransferCase, day: dt.date, law: LawSet, profile: str) -> DecisionRequest:
    return DecisionRequest.build(
        agreement=case.agreement_id,
        pathway=case.pathway,
        destination=case.destination,
        facility=case.facility_id,
        as_of=day,
        notice_profile=profile,
        law=law,
    )


def decide_case(
    session: Session,
    *,
    actor: User,
    case: TransferCase,
    day: dt.date,
    law: LawSet,
    profile: str,
    at: dt.datetime,
) -> tuple[Decision, DecisionRecord]:
    """The case decided as of `day` under `law`, recorded (its incident cites the record)."""
    return decide_from_registry(
        session,
        request=case_request(case, day, law, profile),
        person_id=case.person_id,
        actor=actor,
        now=at,
    )


def acted(session: Session, case_id: int, order_id: str) -> bool:
    """An incident or a return case opened for this case and order is open already (acting
    twice opens nothing): a person handed over after their incident was resolved is still
    owed the return case opened then."""
    events = session.scalars(
        select(OperationsEvent).where(
            OperationsEvent.case_id == case_id, OperationsEvent.kind == ACTED
        )
    )
    for event in events:
        if event.details.get("order") != order_id:
            continue
        done = session.scalars(
            select(IncidentResolution.id).where(
                IncidentResolution.incident_id == int(event.details["incident"])
            )
        ).first()
        if done is None:
            return True
        returned = event.details.get("return_case")
        if returned is not None and (
            return_status(session, int(returned)) != ReturnStatus.BACK_IN_US_CUSTODY
        ):
            return True
    return False


@dataclass(frozen=True)
class CaseAct:
    """What an order did for one departed case it reaches: `found` is its membership
    ('in_class' or 'unknown'); no incident when one for this case and order is open."""

    found: str
    incident: int | None = None
    return_case: int | None = None


def act_on_case(
    session: Session,
    *,
    actor: User,
    at: dt.datetime,
    case: TransferCase,
    state: OrderState,
    decision: Decision,
    decision_record_id: int,
    entry_id: int | None,
    situation: str | None = None,
    as_of: dt.date | None = None,
) -> CaseAct | None:
    """An order's step for a departed case decided as `decision` (None: the order does not
    reach the person): unless acted on already, the incident (and, for a class member, the
    return case) of a person in the air, or of one the order reached in the air or on
    departure and since handed over: `situation` then says where they are, and `as_of` the
    day they were decided as of (law_due.py)."""
    found = membership(decision, state.order)
    if found is None:
        return None
    if acted(session, case.id, state.order.id):
        return CaseAct(found)
    order = state.order
    mission = session.get(Mission, case.mission_id) if case.mission_id else None
    flight = f"mission {mission.mission_number}" if mission else "a departed mission"
    where = situation or f"is in the air on {flight} to {case.destination}"
    entered = f"law entry {entry_id}" if entry_id is not None else "the bundled law data"
    about = {"order": order.id, "law_entry": entry_id, "decision_record_id": decision_record_id}
    if found == "in_class":
        kind = IncidentKind.COURT_ORDER_IN_TRANSIT
        text = (
            f"{case.person_id} {where}, and "
            f"{order.title} ({order.court}, {order.docket}; {entered}) protects them: "
            f"it {state.effect.words() if state.effect else 'bars the removal'}; return them"
        )
    else:
        kind = IncidentKind.COURT_ORDER_CLASS_UNKNOWN
        text = (
            f"{case.person_id} {where}; whether "
            f"{order.title} ({order.court}, {order.docket}; {entered}) protects them cannot "
            "be told from the facts recorded: a legal reviewer must establish it"
        )
    incident = open_incident(
        session, actor=actor, at=at, case=case, kind=kind, description=text, about=about
    )
    returned: int | None = None
    if found == "in_class":
        assert state.event is not None
        returned = open_return(
            session,
            actor=actor,
            person_id=case.person_id,
            court=order.court,
            order_reference=f"{order.docket}; {order.title}; {entered}",
            ordered_on=state.event.on,
            now=at,
        ).id
    record_event(
        session,
        actor=actor,
        kind=ACTED,
        at=at,
        case=case,
        decision_record_id=decision_record_id,
        details={
            **about,
            "membership": found,
            "incident": incident,
            "return_case": returned,
            **({"as_of": as_of.isoformat()} if as_of is not None else {}),
        },
    )
    return CaseAct(found, incident, returned)


def active_cases(session: Session, destinations: set[str] | None) -> list[TransferCase]:
    """The cases an order can still reach, before departure or in the air, to
    `destinations` (None: every destination), oldest first."""
    states = [s.value for s in (*BEFORE_DEPARTURE, CaseState.MANIFESTED, CaseState.DEPARTED)]
    statement = select(TransferCase).where(TransferCase.state.in_(states))
    if destinations is not None:
        statement = statement.where(TransferCase.destination.in_(sorted(destinations)))
    return list(session.scalars(statement.order_by(TransferCase.id)))


def act_on_law_entry(
    session: Session,
    *,
    actor: User,
    record: LawEntryRecord,
    before: LawSet,
    after: LawSet,
    at: dt.datetime,
    profile: str | None = None,
) -> LawChangeActs:
    """Act on the cases the entered order protects (module docstring); in the entering
    transaction, audited as `operations.law_change`. `before` is the law without the entry
    (the order's state there is recorded beside the new one); `profile` how a stayed order
    counts (court_orders.py), by default the one the boarding check decides under."""
    used = profile or OPERATIONS_PROFILE
    day = at.date()
    if record.kind not in ORDER_ENTRY_KINDS:
        return LawChangeActs(record.id, None, day)
    order_id = record.subject
    state = barring(after, order_id, day, used)
    acts = LawChangeActs(record.id, order_id, day)
    if state is not None:
        acts = act_on_active_cases(
            session, actor=actor, record=record, state=state, law=after, at=at, profile=used
        )
    previous = before.orders.get(order_id)
    entry = append_audit(
        session,
        actor=actor,
        action="operations.law_change",
        subject=f"law_entry:{record.id}",
        change={
            **acts.as_dict(),
            "profile": used,
            "order_before": previous.state_on(day).words() if previous else "not known",
            "order_after": after.order(order_id).state_on(day).words(),
        },
        now=at,
    )
    # entered on its effective day, it has acted as of that day; entered later, it acts now
    # on the persons it reached since that day (handed over too); entered earlier, it acts
    # on that day (law_due.py: the operations that move a case, `accord law act-due`)
    from accord.operations import law_due  # law_due builds on this module

    if record.effective_on == day:
        law_due.record_acted(session, actor=actor, record=record, at=at, audit_seq=entry.seq)
    elif record.effective_on < day:
        law_due.act_as_of_effective_day(
            session, actor=actor, record=record, law=after, at=at, profile=used, hold=False
        )
    return acts


def act_on_active_cases(
    session: Session,
    *,
    actor: User,
    record: LawEntryRecord,
    state: OrderState,
    law: LawSet,
    at: dt.datetime,
    profile: str,
    in_the_air: bool = True,
) -> LawChangeActs:
    """What an order binding as `state` today does to the active cases of the destinations
    it bars (module docstring). `in_the_air=False`: the cases before departure only
    (law_due.py decides the departed as of the day the order reached them)."""
    effect = state.effect
    assert effect is not None
    day = at.date()
    destinations = None if effect.countries is None else set(effect.countries)
    protected: dict[str, int] = {}
    unknown: list[str] = []
    holds: dict[int, list[str]] = {}
    incidents: list[int] = []
    returns: list[int] = []
    for case in active_cases(session, destinations):
        if case.state == CaseState.DEPARTED.value and not in_the_air:
            continue
        if case.state == CaseState.DEPARTED.value:
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
            )
            if done is None:
                continue
            incidents.extend([done.incident] if done.incident is not None else [])
            returns.extend([done.return_case] if done.return_case is not None else [])
            if done.found != "in_class":
                unknown.append(case.person_id)
                continue
        else:  # not yet departed: decided, not recorded (the boarding check records)
            facts, _ = person_facts_read(session, person_id=case.person_id, as_known_on=None)
            decision = decide_facts(
                facts=facts, request=case_request(case, day, law, profile), all_facts=True
            )
            if membership(decision, state.order) != "in_class":
                continue
            if case.state == CaseState.MANIFESTED.value and case.mission_id is not None:
                holds.setdefault(case.mission_id, []).append(case.person_id)
        protected[case.state] = protected.get(case.state, 0) + 1
    held = []
    for mission_id, persons in sorted(holds.items()):
        mission = session.get(Mission, mission_id)
        if mission is None or mission.state != MissionState.PLANNED.value:
            continue
        held.append(mission.mission_number)
        record_event(
            session,
            actor=actor,
            kind=HOLD,
            at=at,
            mission=mission,
            details={
                "order": state.order.id,
                "law_entry": record.id,
                "persons": persons,
                "note": "the boarding check at departure strikes them while the order applies",
            },
        )
    return LawChangeActs(
        record.id,
        state.order.id,
        day,
        protected,
        tuple(unknown),
        tuple(held),
        tuple(incidents),
        tuple(returns),
    )


# ---- a departure recorded after an entry ------------------------------------------------


def _entries_after(session: Session, moment: dt.datetime) -> list[int]:
    return list(
        session.scalars(
            select(LawEntryRecord.id)
            .where(LawEntryRecord.recorded_at > moment)
            .order_by(LawEntryRecord.id)
        )
    )


def law_known_at(session: Session, moment: dt.datetime) -> LawSet:
    """The registry's law as entered by `moment`: a departure that happened then is boarded
    under it, whenever it is recorded (the entries after it act once it is recorded)."""
    if not _entries_after(session, moment):
        return registry_law(session)
    ids = session.scalars(
        select(LawEntryRecord.id).where(LawEntryRecord.recorded_at <= moment)
    ).all()
    return law_as_of_entries(session, entry_ids=ids)


def act_on_departure(
    session: Session,
    *,
    actor: User,
    cases: Sequence[TransferCase],
    departed_at: dt.datetime,
    at: dt.datetime,
) -> tuple[int, ...]:
    """A departure recorded at `at` that occurred at `departed_at`, before an order was
    entered or on an earlier day: each person in the air that an order barring removal
    protects today gets an incident and a return case (membership unknown: an incident).
    Nothing to do when the departure is recorded on its day under the law it boarded
    under. Returns the incidents opened."""
    if departed_at.date() == at.date() and not _entries_after(session, departed_at):
        return ()
    law = registry_law(session)
    day = at.date()
    opened: list[int] = []
    for case in cases:
        standing = [
            s
            for order_id in law.orders
            if (s := barring(law, order_id, day, OPERATIONS_PROFILE)) is not None
            and s.effect is not None
            and s.effect.bars_title_8_removal_to(case.destination)
        ]
        if not standing:
            continue
        decision, decision_record = decide_case(
            session, actor=actor, case=case, day=day, law=law, profile=OPERATIONS_PROFILE, at=at
        )
        for state in standing:
            done = act_on_case(
                session,
                actor=actor,
                at=at,
                case=case,
                state=state,
                decision=decision,
                decision_record_id=decision_record.id,
                entry_id=law.order_entries.get(state.order.id),
            )
            if done is not None and done.incident is not None:
                opened.append(done.incident)
    return tuple(opened)
