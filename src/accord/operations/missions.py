"""Missions: create, build the manifest within the seats, the boarding check, departure, cancel.

The boarding check decides every passenger again from the registry, as of the
departure date and with the facts on record at the departure time, and keeps
a decision record per passenger per check. A passenger who is not `eligible`
is struck with the failed and unknown rules and their citations. `depart`
refuses while the check strikes anyone: the strikes are committed, and a
second `depart` departs the verified manifest. No role overrides a strike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.auth import User
from accord.decisions.service import decide_from_registry
from accord.engine import DecisionRequest
from accord.errors import IllegalTransition, InputError
from accord.law.law_set import LawSet
from accord.limits import LONG_TEXT_MAX, check_identifier, check_name, check_text
from accord.operations.custody import check_room
from accord.operations.events import (
    begin,
    case_subject,
    get_case,
    get_mission,
    mission_transition,
    record_event,
    require_mission_step,
    transition,
)
from accord.operations.law_change import act_on_departure, law_known_at
from accord.operations.law_due import due_acts_first
from accord.operations.models import Mission, MissionLeg, OperationsEvent, TransferCase
from accord.operations.nomination import case_request
from accord.operations.results import BoardingResult, Struck
from accord.operations.states import CaseState, MissionCancelReason, MissionState, StrikeReason
from accord.operations.workflow import earliest_departure, notice_required


def create_mission(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    carrier: str,
    agreement: str,
    pathway: str,
    destination: str,
    facility: str,
    planned_departure: dt.datetime,
    seats: int,
    legs: Sequence[tuple[str, str]],
    now: dt.datetime | None = None,
) -> Mission:
    at = begin(session, now)
    if not mission_number.strip() or not carrier.strip():
        raise InputError("a mission needs a mission number and a carrier")
    # a mission number is a URL path segment: one with '/' could never be reached again
    check_identifier(mission_number, "mission number")
    check_name(carrier, "carrier")
    for pickup, dropoff in legs:
        check_name(pickup, "leg pickup")
        check_name(dropoff, "leg dropoff")
    if seats < 1:
        raise InputError(f"--seats {seats}: a mission needs at least one seat")
    if not legs:
        raise InputError("a mission needs at least one leg (--leg PICKUP:DROPOFF)")
    if planned_departure.tzinfo is None:
        raise InputError("--departure needs a timezone (e.g. 2025-03-15T18:00:00+00:00)")
    request = DecisionRequest.build(
        agreement=agreement,
        pathway=pathway,
        destination=destination,
        facility=facility,
        as_of=planned_departure.date(),
    )
    if session.scalars(select(Mission.id).where(Mission.mission_number == mission_number)).first():
        raise InputError(f"mission '{mission_number}' already exists")
    context = request.context()
    assert context.facility is not None  # facility was given and checked by build()
    mission = Mission(
        mission_number=mission_number,
        carrier=carrier,
        agreement_id=request.agreement_id,
        pathway=request.pathway,
        destination=request.destination,
        facility_id=context.facility.id,
        planned_departure=planned_departure,
        seats=seats,
        state=MissionState.PLANNED.value,
        created_at=at,
        created_by_id=actor.id,
    )
    session.add(mission)
    session.flush()
    for seq, (pickup, dropoff) in enumerate(legs, start=1):
        session.add(MissionLeg(mission_id=mission.id, seq=seq, pickup=pickup, dropoff=dropoff))
    record_event(
        session,
        actor=actor,
        kind="mission_created",
        at=at,
        mission=mission,
        to_state=MissionState.PLANNED.value,
        details={
            "carrier": carrier,
            "seats": seats,
            "legs": [list(leg) for leg in legs],
            "planned_departure": planned_departure.astimezone(dt.UTC).isoformat(),
        },
    )
    return mission


def passengers(session: Session, mission: Mission) -> list[TransferCase]:
    """The cases on the manifest now (not struck), in the order they were added."""
    return list(
        session.scalars(
            select(TransferCase)
            .where(
                TransferCase.mission_id == mission.id,
                TransferCase.state == CaseState.MANIFESTED.value,
            )
            .order_by(TransferCase.id)
        )
    )


def notice_wait(session: Session, case: TransferCase, departure: dt.date) -> str | None:
    """Why a ready case cannot depart on `departure` for its notice's waiting period (as
    words for a refusal), or None when no notice is owed or its wait has run by then."""
    if case.state != CaseState.READY.value or not notice_required(session, case):
        return None
    earliest = earliest_departure(session, case)
    if earliest is not None and departure >= earliest:
        return None
    return f"noticed, waiting period until {earliest}"


def add_to_mission(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    case_ids: Sequence[int],
    now: dt.datetime | None = None,
) -> list[TransferCase]:
    """Add ready cases to a planned mission: same agreement, pathway, destination and
    facility; within the seats; after each notice's waiting period; within the facility's
    capacity and quota as they will be. All or nothing."""
    at = begin(session, now)
    mission = get_mission(session, mission_number)
    require_mission_step(mission, "change the manifest")
    on_board = len(passengers(session, mission))
    if on_board + len(case_ids) > mission.seats:
        raise InputError(
            f"mission {mission.mission_number} has {mission.seats} seats and {on_board} "
            f"passengers: {len(case_ids)} more do not fit"
        )
    if len(set(case_ids)) != len(case_ids):
        raise InputError("a case appears twice in one manifest change")
    cases = [get_case(session, i) for i in case_ids]
    departure = mission.planned_departure.date()
    for case in cases:
        mine = (case.agreement_id, case.pathway, case.destination, (case.facility_id or "").upper())
        its = (
            mission.agreement_id,
            mission.pathway,
            mission.destination,
            mission.facility_id.upper(),
        )
        if mine != its:
            raise InputError(
                f"{case_subject(case)} is for {'/'.join(mine)}; mission "
                f"{mission.mission_number} flies {'/'.join(its)}"
            )
        waiting = notice_wait(session, case, departure)
        if waiting is not None:
            raise IllegalTransition(
                subject=case_subject(case),
                state=waiting,
                step=f"join mission {mission.mission_number} departing {departure}",
            )
    check_room(
        session,
        facility_id=mission.facility_id,
        agreement_id=mission.agreement_id,
        adding=len(cases),
        include_in_flight=True,
    )
    for case in cases:
        case.mission_id = mission.id  # first, so that the event names the mission
        transition(
            session,
            case,
            "add to a manifest",
            actor=actor,
            at=at,
            details={"mission": mission.mission_number},
        )
    session.flush()
    return cases


def _check(
    session: Session,
    mission: Mission,
    *,
    actor: User,
    at: dt.datetime,
    as_of: dt.date,
    known_at: dt.datetime,
    strike: bool,
    law: LawSet | None = None,
) -> tuple[list[tuple[TransferCase, int]], list[Struck]]:
    cleared: list[tuple[TransferCase, int]] = []
    struck: list[Struck] = []
    for case in passengers(session, mission):
        decision, record = decide_from_registry(
            session,
            request=case_request(case, as_of, law=law),
            person_id=case.person_id,
            actor=actor,
            as_known_on=known_at,
            now=at,
        )
        if decision.outcome == "eligible":
            cleared.append((case, record.id))
            continue
        item = Struck(
            case_id=case.id,
            person_id=case.person_id,
            outcome=decision.outcome,
            decision_record_id=record.id,
            failed=tuple(r.as_dict() for r in decision.failed),
            unknown=tuple(r.as_dict() for r in decision.unknown),
        )
        struck.append(item)
        if strike:
            reason = (
                StrikeReason.BOARDING_INELIGIBLE
                if decision.outcome == "ineligible"
                else StrikeReason.BOARDING_UNDETERMINED
            )
            transition(
                session,
                case,
                "strike at boarding",
                actor=actor,
                at=at,
                occurred_at=known_at,
                reason=reason.value,
                decision_record_id=record.id,
                details={
                    "mission": mission.mission_number,
                    "outcome": decision.outcome,
                    "failed": [{"rule": r["rule"], "citation": r["citation"]} for r in item.failed],
                    "unknown": [
                        {"rule": r["rule"], "citation": r["citation"]} for r in item.unknown
                    ],
                    # the registry's law entries of the orders that bar the removal
                    "court_orders": [
                        {"order": o["id"], "law_entry": o["law_entry"]}
                        for o in decision.court_orders
                        if "law_entry" in o and "bars removal of class members" in o["applied"]
                    ],
                },
            )
    return cleared, struck


def check_mission(
    session: Session, *, actor: User, mission_number: str, now: dt.datetime | None = None
) -> BoardingResult:
    """The boarding check ahead of departure, as of the planned departure date with the facts
    known now: decision records are kept, nobody is struck (that is `depart`'s job)."""
    at = begin(session, now)
    mission = get_mission(session, mission_number)
    require_mission_step(mission, "run the boarding check")
    due_acts_first(session, actor=actor, now=at)  # an order in force from today acts first
    cleared, struck = _check(
        session,
        mission,
        actor=actor,
        at=at,
        as_of=mission.planned_departure.date(),
        known_at=at,
        strike=False,
    )
    return BoardingResult(
        mission.mission_number,
        len(cleared) + len(struck),
        len(cleared),
        tuple(struck),
        departed=False,
    )


def depart_mission(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    departed_at: dt.datetime,
    now: dt.datetime | None = None,
) -> BoardingResult:
    """Run the boarding check as of `departed_at` and depart if nobody is struck.

    If the check strikes anyone, the strikes are recorded (commit the session) and the
    mission stays planned: `departed` is False and the struck are listed.
    """
    at = begin(session, now)
    if departed_at.tzinfo is None:
        raise InputError("--at needs a timezone (e.g. 2025-03-15T18:00:00+00:00)")
    if departed_at > at:
        raise InputError(
            f"--at {departed_at.isoformat()} is in the future: record a departure once it happened"
        )
    mission = get_mission(session, mission_number)
    require_mission_step(mission, "depart")
    due_acts_first(session, actor=actor, now=at)  # an order in force from today acts first
    if not passengers(session, mission):  # a departure of nobody is not a departure
        raise IllegalTransition(
            subject=f"mission {mission.mission_number}",
            state="without passengers (its manifest is empty)",
            step="record a departure: add passengers first",
        )
    cleared, struck = _check(
        session,
        mission,
        actor=actor,
        at=at,
        as_of=departed_at.date(),
        known_at=departed_at,
        strike=True,
        # boarded under the law entered by the time it departed; the entries recorded since
        # act on the persons in the air once the departure is recorded (law_change.py)
        law=law_known_at(session, departed_at),
    )
    if struck:
        record_event(
            session,
            actor=actor,
            kind="departure_refused",
            at=at,
            occurred_at=departed_at,
            mission=mission,
            reason="passengers_struck",
            details={"struck": [s.case_id for s in struck], "cleared": len(cleared)},
        )
        return BoardingResult(
            mission.mission_number,
            len(cleared) + len(struck),
            len(cleared),
            tuple(struck),
            departed=False,
            occurred_at=departed_at,
        )
    for case, record_id in cleared:
        transition(
            session,
            case,
            "depart",
            actor=actor,
            at=at,
            occurred_at=departed_at,
            decision_record_id=record_id,
            details={"mission": mission.mission_number},
        )
    mission_transition(
        session,
        mission,
        "depart",
        kind="mission_departed",
        actor=actor,
        at=at,
        occurred_at=departed_at,
        details={"passengers": len(cleared)},
    )
    act_on_departure(
        session,
        actor=actor,
        cases=[case for case, _ in cleared],
        departed_at=departed_at,
        at=at,
    )
    return BoardingResult(
        mission.mission_number,
        len(cleared),
        len(cleared),
        (),
        departed=True,
        occurred_at=departed_at,
    )


def cancel_mission(
    session: Session,
    *,
    actor: User,
    mission_number: str,
    reason: MissionCancelReason,
    note: str = "",
    now: dt.datetime | None = None,
) -> Mission:
    """Cancel a planned mission; its passengers are ready again for another mission."""
    at = begin(session, now)
    check_text(note, "--note", max_length=LONG_TEXT_MAX)
    mission = get_mission(session, mission_number)
    require_mission_step(mission, "cancel")
    for case in passengers(session, mission):
        transition(
            session,
            case,
            "unmanifest (mission cancelled)",
            actor=actor,
            at=at,
            reason=reason.value,
            details={"mission": mission.mission_number},
        )
        case.mission_id = None
    mission_transition(
        session,
        mission,
        "cancel",
        kind="mission_cancelled",
        actor=actor,
        at=at,
        reason=reason.value,
        details={"note": note} if note else None,
    )
    return mission


def mission_cases(session: Session, mission: Mission) -> list[TransferCase]:
    """Every case that was ever on the mission's manifest (struck ones included)."""
    ids = select(OperationsEvent.case_id).where(
        OperationsEvent.kind == "manifested", OperationsEvent.mission_id == mission.id
    )
    statement = select(TransferCase).where(TransferCase.id.in_(ids)).order_by(TransferCase.id)
    return list(session.scalars(statement))
