"""`accord reconcile`: check the whole registry's operations against its invariants.

Each violation has a code: a wrongful or lost transfer cannot pass silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agreements import bundled_agreements
from accord.decisions.models import DecisionRecord
from accord.operations.custody import census_count, occupancy
from accord.operations.events import CUSTODY_IN
from accord.operations.handover import list_incidents
from accord.operations.law_change_open import open_acts
from accord.operations.law_due import waiting_entries
from accord.operations.models import (
    CensusReport,
    FacilityCount,
    Mission,
    OperationsEvent,
    TransferCase,
)
from accord.operations.results import ReconcileReport, Violation
from accord.operations.states import CaseState, MissionState

HANDOVER_DUE = dt.timedelta(hours=72)  # a departed person must be handed over within this


def _derived_states(session: Session) -> dict[int, str]:
    """Each case's state as the event log says: the target of its last state-changing event."""
    last = (
        select(OperationsEvent.case_id, func.max(OperationsEvent.id).label("id"))
        .where(OperationsEvent.case_id.is_not(None), OperationsEvent.to_state.is_not(None))
        .group_by(OperationsEvent.case_id)
        .subquery()
    )
    rows = session.execute(
        select(OperationsEvent.case_id, OperationsEvent.to_state).join(
            last, last.c.id == OperationsEvent.id
        )
    )
    return {int(c or 0): str(s) for c, s in rows}


def reconcile(session: Session, *, now: dt.datetime | None = None) -> ReconcileReport:
    moment = now or dt.datetime.now(dt.UTC)
    out: list[Violation] = []
    cases = {c.id: c for c in session.scalars(select(TransferCase))}
    missions = {m.id: m for m in session.scalars(select(Mission))}
    derived = _derived_states(session)
    for case in cases.values():
        if derived.get(case.id) != case.state:
            out.append(
                Violation(
                    "state_mismatch",
                    f"case:{case.id}",
                    f"{case.person_id}: case says {case.state}, events say {derived.get(case.id)}",
                )
            )
    out.extend(_count_mismatches(session, cases.values()))
    handed = set(
        session.scalars(
            select(OperationsEvent.case_id).where(OperationsEvent.kind.in_(sorted(CUSTODY_IN)))
        )
    )
    for case in cases.values():
        if case.state == CaseState.IN_CUSTODY.value and case.id not in handed:
            out.append(
                Violation(
                    "custody_without_handover",
                    f"case:{case.id}",
                    f"{case.person_id} is in custody at {case.facility_id} "
                    "with no handover recorded",
                )
            )
    departures = session.execute(
        select(OperationsEvent, DecisionRecord)
        .outerjoin(DecisionRecord, DecisionRecord.id == OperationsEvent.decision_record_id)
        .where(OperationsEvent.kind == "departed")
    ).all()
    for event, record in departures:
        day = event.occurred_at.date().isoformat()
        if record is None:
            problem = "no boarding decision"
        elif record.person_id != event.person_id:
            problem = f"decision record {record.id} is for {record.person_id}"
        elif record.outcome != "eligible":
            problem = f"decision record {record.id} is {record.outcome}"
        elif record.request.get("as_of") != day:
            problem = f"decision record {record.id} is as of {record.request.get('as_of')}"
        else:
            continue
        out.append(
            Violation(
                "departure_not_eligible",
                f"case:{event.case_id}",
                f"{event.person_id} departed on {day}: {problem}",
            )
        )
    for report in session.scalars(select(CensusReport).order_by(CensusReport.id)):
        ours = census_count(session, facility_id=report.facility_id, day=report.day)
        if ours != report.reported_count:
            out.append(
                Violation(
                    "census_mismatch",
                    f"facility:{report.facility_id}",
                    f"{report.day}: reported {report.reported_count}, "
                    f"handovers minus exits {ours} (census report {report.id})",
                )
            )
    for agreement in bundled_agreements().values():
        for facility in agreement.facilities:
            held = occupancy(session, facility_id=facility.id)
            if held > facility.capacity:
                out.append(
                    Violation(
                        "capacity_exceeded",
                        f"facility:{facility.id}",
                        f"{held:,} held, capacity {facility.capacity:,}",
                    )
                )
            used = occupancy(session, facility_id=facility.id, agreement_id=agreement.id)
            if facility.quota is not None and used > facility.quota:
                out.append(
                    Violation(
                        "quota_exceeded",
                        f"facility:{facility.id}",
                        f"{used:,} held under {agreement.id}, quota {facility.quota:,}",
                    )
                )
    incidents = list_incidents(session)
    open_cases = {i.case_id for i, r in incidents if r is None}
    for incident, resolution in incidents:
        if resolution is None:
            out.append(
                Violation(
                    "unresolved_incident",
                    f"incident:{incident.id}",
                    f"{incident.kind}: {incident.description}",
                )
            )
    # a court order entered while they were in the air (law_change.py): the incident is
    # reported above; the return case stays open until the person is back in U.S. custody
    for act in open_acts(session):
        if act.what == "return case":
            entry = f"law entry {act.law_entry}" if act.law_entry is not None else "bundled"
            out.append(
                Violation(
                    "court_order_return_open",
                    f"return:{act.id}",
                    f"{act.person_id}: return case {act.id} under court order {act.order} "
                    f"({entry}) is open until the person is back in U.S. custody",
                )
            )
    # an order in force that has not acted (nobody ran `accord law act-due`): law_due.py
    for waiting in waiting_entries(session, day=moment.date()):
        law_entry = waiting.record
        out.append(
            Violation(
                "court_order_not_acted",
                f"law_entry:{law_entry.id}",
                f"court order {law_entry.subject} (law entry {law_entry.id}, {law_entry.kind}) "
                f"took effect on {law_entry.effective_on} and has not acted on operations: "
                f"{waiting.cases} case(s) waiting; run `accord law act-due`",
            )
        )
    for case in cases.values():
        if case.state == CaseState.MISSING.value and case.id not in open_cases:
            out.append(
                Violation(
                    "unaccounted",
                    f"case:{case.id}",
                    f"{case.person_id} is missing with no open incident",
                )
            )
        if case.state == CaseState.DEPARTED.value:
            mission = missions.get(case.mission_id or -1)
            departed_at = _departed_at(session, case.id)
            closed = mission is not None and mission.state == MissionState.HANDOVER_CLOSED.value
            if closed or departed_at is None or moment - departed_at > HANDOVER_DUE:
                out.append(
                    Violation(
                        "unaccounted",
                        f"case:{case.id}",
                        f"{case.person_id} departed and was neither received nor returned on board",
                    )
                )
    checked = {
        "cases": len(cases),
        "missions": len(missions),
        "departures": len(departures),
        "in_custody": sum(c.state == CaseState.IN_CUSTODY.value for c in cases.values()),
        "incidents": len(incidents),
    }
    return ReconcileReport(checked=checked, violations=tuple(out))


def _count_mismatches(session: Session, cases: Iterable[TransferCase]) -> list[Violation]:
    """The counts that capacity and quota checks read (kept by triggers) against the cases."""
    counted: dict[tuple[str, str, str], int] = {}
    for case in cases:
        key = (case.facility_id or "", case.agreement_id, case.state)
        counted[key] = counted.get(key, 0) + 1
    rows = session.execute(
        select(
            FacilityCount.facility_id, FacilityCount.agreement_id, FacilityCount.state
        ).add_columns(FacilityCount.persons)
    )
    kept = {(f, a, state): n for f, a, state, n in rows if n}
    return [
        Violation(
            "count_mismatch",
            f"facility:{key[0] or 'none'}",
            f"{key[2]} under {key[1]}: {counted.get(key, 0)} cases, "
            f"the count capacity checks read says {kept.get(key, 0)}",
        )
        for key in sorted(set(counted) | set(kept))
        if counted.get(key, 0) != kept.get(key, 0)
    ]


def _departed_at(session: Session, case_id: int) -> dt.datetime | None:
    return session.scalars(
        select(OperationsEvent.occurred_at).where(
            OperationsEvent.case_id == case_id, OperationsEvent.kind == "departed"
        )
    ).first()
