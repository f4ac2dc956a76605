"""Build the documents of a mission from the registry: the manifest and each person's escort
record. Reads only; the routes audit the read (the documents name people)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.auth.models import User
from accord.decisions.models import DecisionRecord
from accord.documents.models import (
    CustodyEvent,
    EscortRecord,
    HandoverLine,
    Identity,
    IncidentLine,
    ManifestDocument,
    MissionHeader,
    Passenger,
    RuleLine,
)
from accord.errors import UnknownOperationsRecord
from accord.operations.events import get_mission
from accord.operations.missions import mission_cases
from accord.operations.models import (
    Incident,
    IncidentResolution,
    Mission,
    MissionLeg,
    OperationsEvent,
    TransferCase,
)
from accord.registry import FactVersion, persons_nationalities
from accord.registry.models import PERSON_LIST, PersonFact

# What happens to a person at the facility's door (events.STEP_KIND's handover steps).
HANDOVER_KINDS = ("handover_received", "returned_on_board", "missing", "died_in_transit")
# The events whose decision record is the one behind boarding (a strike or the departure).
BOARDING_KINDS = ("struck", "departed")


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)


def identities(session: Session, *, person_ids: Sequence[str]) -> dict[str, Identity]:
    """Name, date of birth and nationalities of each person as the registry knows them now
    (the newest version of each list), in two queries."""
    if not person_ids:
        return {}
    newest = (
        select(func.max(FactVersion.id).label("id"))
        .where(FactVersion.person_id.in_(person_ids), FactVersion.list_name == PERSON_LIST)
        .group_by(FactVersion.person_id)
        .subquery()
    )
    scalars = {
        person_id: (name, birth_date)
        for person_id, name, birth_date in session.execute(
            select(PersonFact.person_id, PersonFact.name, PersonFact.birth_date).join(
                newest, newest.c.id == PersonFact.version_id
            )
        )
    }
    nationalities = persons_nationalities(session, person_ids=person_ids)
    out = {}
    for person_id in person_ids:
        name, birth_date = scalars.get(person_id, (None, None))
        known = nationalities.get(person_id)
        out[person_id] = Identity(
            person_id, name, birth_date, None if known is None else tuple(known)
        )
    return out


def _rules(explanation: dict[str, Any], which: str) -> tuple[RuleLine, ...]:
    return tuple(
        RuleLine(
            rule=str(r.get("rule", "")),
            title=str(r.get("title", "")),
            citation=str(r.get("citation") or "agreement term"),
            passes_when=str(r.get("passes_when", "")),
        )
        for r in explanation.get(which, [])
    )


def _boarding_records(session: Session, mission: Mission) -> dict[int, DecisionRecord]:
    """Each case's latest boarding decision on this mission (a strike or its departure)."""
    latest = (
        select(func.max(OperationsEvent.id).label("id"))
        .where(
            OperationsEvent.mission_id == mission.id,
            OperationsEvent.kind.in_(BOARDING_KINDS),
            OperationsEvent.decision_record_id.is_not(None),
        )
        .group_by(OperationsEvent.case_id)
        .subquery()
    )
    rows = session.execute(
        select(OperationsEvent.case_id, DecisionRecord)
        .join(latest, latest.c.id == OperationsEvent.id)
        .join(DecisionRecord, DecisionRecord.id == OperationsEvent.decision_record_id)
    )
    return {case_id: record for case_id, record in rows if case_id is not None}


def _passenger(
    seq: int, case: TransferCase, identity: Identity, record: DecisionRecord | None
) -> Passenger:
    explanation = record.explanation if record is not None else {}
    return Passenger(
        seq=seq,
        identity=identity,
        case_id=case.id,
        state=case.state,
        outcome=record.outcome if record is not None else "not checked",
        decision_record_id=record.id if record is not None else None,
        decided_as_of=str(explanation.get("as_of")) if explanation.get("as_of") else None,
        failed=_rules(explanation, "failed"),
        unknown=_rules(explanation, "unknown"),
    )


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {int(user_id): str(name) for user_id, name in rows}


def _mission_events(session: Session, mission: Mission) -> list[OperationsEvent]:
    statement = (
        select(OperationsEvent)
        .where(OperationsEvent.mission_id == mission.id)
        .order_by(OperationsEvent.occurred_at, OperationsEvent.id)
    )
    return list(session.scalars(statement))


def _header(
    session: Session, mission: Mission, events: list[OperationsEvent]
) -> tuple[MissionHeader, OperationsEvent | None]:
    legs = session.scalars(
        select(MissionLeg).where(MissionLeg.mission_id == mission.id).order_by(MissionLeg.seq)
    )

    def first(kinds: Sequence[str]) -> OperationsEvent | None:
        return next((e for e in events if e.kind in kinds), None)

    departed = first(["mission_departed"])
    handover = first(["handover_received", "returned_on_board"])
    closed = first(["handover_closed"])
    header = MissionHeader(
        mission_number=mission.mission_number,
        state=mission.state,
        carrier=mission.carrier,
        agreement_id=mission.agreement_id,
        pathway=mission.pathway,
        destination=mission.destination,
        facility_id=mission.facility_id,
        seats=mission.seats,
        legs=tuple((leg.pickup, leg.dropoff) for leg in legs),
        planned_departure=mission.planned_departure,
        departed_at=departed.occurred_at if departed else None,
        first_handover_at=handover.occurred_at if handover else None,
        handover_closed_at=closed.occurred_at if closed else None,
    )
    return header, departed


def _incidents(
    session: Session, mission: Mission, *, case_id: int | None = None
) -> tuple[IncidentLine, ...]:
    statement = (
        select(Incident, IncidentResolution)
        .outerjoin(IncidentResolution, IncidentResolution.incident_id == Incident.id)
        .where(Incident.mission_id == mission.id)
        .order_by(Incident.id)
    )
    if case_id is not None:
        statement = statement.where(Incident.case_id == case_id)
    return tuple(
        IncidentLine(
            id=incident.id,
            kind=incident.kind,
            person_id=incident.person_id,
            case_id=incident.case_id,
            description=incident.description,
            opened_at=incident.opened_at,
            resolved_at=resolution.resolved_at if resolution else None,
            resolution=(
                f"{resolution.reason_code}: {resolution.note}".rstrip(": ") if resolution else None
            ),
        )
        for incident, resolution in session.execute(statement)
    )


def _handovers(events: list[OperationsEvent], names: dict[int, str]) -> tuple[HandoverLine, ...]:
    return tuple(
        HandoverLine(
            person_id=e.person_id or "",
            case_id=e.case_id,
            kind=e.kind,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
            recorded_by=names.get(e.recorded_by_id, "?"),
        )
        for e in events
        if e.kind in HANDOVER_KINDS and e.case_id is not None
    )


def manifest_document(
    session: Session, *, mission_number: str, now: dt.datetime | None = None
) -> ManifestDocument:
    """The manifest of a mission: header, every passenger ever on it with the decision behind
    their boarding, the mission's incidents and handovers. Raises UnknownOperationsRecord."""
    mission = get_mission(session, mission_number)
    cases = mission_cases(session, mission)
    people = identities(session, person_ids=[c.person_id for c in cases])
    records = _boarding_records(session, mission)
    events = _mission_events(session, mission)
    names = _user_names(session, {e.recorded_by_id for e in events})
    header, departed = _header(session, mission, events)
    return ManifestDocument(
        header=header,
        passengers=tuple(
            _passenger(seq, case, people[case.person_id], records.get(case.id))
            for seq, case in enumerate(cases, start=1)
        ),
        incidents=_incidents(session, mission),
        handovers=_handovers(events, names),
        generated_at=_now(now),
        sending_officer=names.get(departed.recorded_by_id) if departed else None,
    )


def escort_record(
    session: Session, *, mission_number: str, case_id: int, now: dt.datetime | None = None
) -> EscortRecord:
    """One person's record of a mission: identity, case, boarding decision with its failed and
    unknown rules, every step of the case, its incidents. Raises UnknownOperationsRecord when
    the case was never on the mission's manifest."""
    mission = get_mission(session, mission_number)
    cases = mission_cases(session, mission)
    found = [(seq, c) for seq, c in enumerate(cases, start=1) if c.id == case_id]
    if not found:
        raise UnknownOperationsRecord(
            f"transfer case {case_id} was never on the manifest of mission '{mission_number}'"
        )
    seq, case = found[0]
    identity = identities(session, person_ids=[case.person_id])[case.person_id]
    records = _boarding_records(session, mission)
    mission_events = _mission_events(session, mission)
    case_events = list(
        session.scalars(
            select(OperationsEvent)
            .where(OperationsEvent.case_id == case.id)
            .order_by(OperationsEvent.occurred_at, OperationsEvent.id)
        )
    )
    names = _user_names(session, {e.recorded_by_id for e in mission_events + case_events})
    header, departed = _header(session, mission, mission_events)
    return EscortRecord(
        header=header,
        passenger=_passenger(seq, case, identity, records.get(case.id)),
        events=tuple(
            CustodyEvent(
                kind=e.kind,
                occurred_at=e.occurred_at,
                recorded_at=e.recorded_at,
                recorded_by=names.get(e.recorded_by_id, "?"),
                reason=e.reason_code,
                facility_id=e.facility_id,
            )
            for e in case_events
        ),
        incidents=_incidents(session, mission, case_id=case.id),
        generated_at=_now(now),
        sending_officer=names.get(departed.recorded_by_id) if departed else None,
        handovers=_handovers([e for e in case_events if e.mission_id == mission.id], names),
    )
