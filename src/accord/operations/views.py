"""HTTP routes of transfer cases: nominate, review, notice, withdraw; incidents; reconcile.

Thin: parse, call one operations service function in one write transaction,
return. Missions, boarding and handover are in views_missions.py; custody,
census, returns, consular tasks, counsel, visits and liaisons in views_care.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from accord.api.deps import Ctx, PersonIdIn, RecordId, require
from accord.api.problems import PROBLEM_RESPONSES, problem
from accord.api.schemas import Done, In, Out
from accord.auth import Permission
from accord.errors import RuleOfLawBlock, UnknownOperationsRecord
from accord.limits import LongText
from accord.operations.events import check_facility_scope
from accord.operations.handover import resolve_incident
from accord.operations.incident_observations import (
    ObservationLevel,
    list_observations,
    record_observation,
)
from accord.operations.models import Incident, Mission
from accord.operations.reconcile import reconcile as run_reconcile
from accord.operations.schemas import (
    CaseDetailOut,
    CaseOut,
    EventOut,
    IncidentOut,
    NominateIn,
    NominationDecisionOut,
    NominationOut,
    NoticeIn,
    ReconcileOut,
    ResolveIn,
    ReviewIn,
    WithdrawIn,
)
from accord.operations.states import CaseState
from accord.operations.views_reads import case_events, list_cases, scoped_incidents
from accord.operations.workflow import (
    confirm_notice,
    nominate_with_decision,
    review,
    serve_notices,
    withdraw,
)

P = Permission
router = APIRouter(tags=["operations"], responses=PROBLEM_RESPONSES)


@router.post("/cases", status_code=201, response_model=NominationOut)
def nominate_case(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_NOMINATE))], body: NominateIn
) -> NominationOut | JSONResponse:
    """Nominate a person for transfer, deciding as of now (the decision record is kept).

    Refused (409, `rule_of_law_block`, with the `decision`) when a rule fails that no later
    step of the workflow can cure; accepted with `decision.warnings` when only rules the
    workflow completes (third-country notice) fail or rules are unknown. A legal reviewer
    must then review it."""
    with ctx.write() as session:
        done = nominate_with_decision(
            session,
            actor=ctx.user,
            person_id=body.person_id,
            agreement=body.agreement,
            pathway=body.pathway,
            destination=body.destination,
            facility=body.facility,
            note=body.note,
        )
        decision = NominationDecisionOut.of(done)
        case = CaseOut.model_validate(done.case) if done.case is not None else None
    if case is None:  # committed first: the refused nomination's decision record is kept
        return problem(
            status=RuleOfLawBlock.status,
            code=RuleOfLawBlock.code,
            detail=done.refusal_message(),
            instance=request.url.path,
            decision=decision.model_dump(mode="json"),
        )
    return NominationOut(**case.model_dump(), decision=decision)


@router.get("/cases")
def cases(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))],
    state: Annotated[CaseState | None, Query()] = None,
    person_id: Annotated[PersonIdIn | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CaseOut]:
    """Transfer cases, oldest first, by state and person."""
    with ctx.read() as session:
        rows = list_cases(session, state=state, person_id=person_id, limit=limit, offset=offset)
        out = [CaseOut.model_validate(c) for c in rows]
    subject = f"person:{person_id}" if person_id else "transfer cases"
    ctx.audit_read("read.cases", subject, state=state, count=len(out))
    return out


@router.get("/cases/{case_id}")
def show_case(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], case_id: RecordId
) -> CaseDetailOut:
    """One transfer case with every event of its history."""
    with ctx.read() as session:
        case, events = case_events(session, case_id=case_id)
        out = CaseDetailOut(
            case=CaseOut.model_validate(case), events=[EventOut.model_validate(e) for e in events]
        )
    ctx.audit_read("read.case", f"person:{out.case.person_id}", case_id=case_id)
    return out


@router.post("/cases/{case_id}/review")
def review_case(
    ctx: Annotated[Ctx, Depends(require(P.OPS_REVIEW))], case_id: RecordId, body: ReviewIn
) -> EventOut:
    """Approve or deny another user's nomination with a coded reason."""
    with ctx.write() as session:
        event = review(
            session,
            actor=ctx.user,
            case_id=case_id,
            approve=body.approve,
            reason=body.reason,
            note=body.note,
        )
        return EventOut.model_validate(event)


@router.post("/cases/notices")
def notices(ctx: Annotated[Ctx, Depends(require(P.OPS_NOTICE))], body: NoticeIn) -> list[EventOut]:
    """Record written third-country notice served (also a fact in each person's notices)."""
    with ctx.write() as session:
        events = serve_notices(
            session,
            actor=ctx.user,
            case_ids=list(body.case_ids),
            served_on=body.served_on,
            counsel=body.counsel,
            exigent=body.exigent,
            source_document=body.source_document,
        )
        return [EventOut.model_validate(e) for e in events]


@router.post("/cases/{case_id}/notice/confirm")
def confirm_case_notice(
    ctx: Annotated[Ctx, Depends(require(P.OPS_REVIEW))], case_id: RecordId
) -> EventOut:
    """Confirm a notice recorded more than a day after its service (not by its recorder):
    only then is it a fact the decision relies on."""
    with ctx.write() as session:
        return EventOut.model_validate(confirm_notice(session, actor=ctx.user, case_id=case_id))


@router.post("/cases/{case_id}/withdraw")
def withdraw_case(
    ctx: Annotated[Ctx, Depends(require(P.OPS_NOMINATE))], case_id: RecordId, body: WithdrawIn
) -> EventOut:
    """Withdraw a nomination before departure, with a coded reason."""
    with ctx.write() as session:
        event = withdraw(
            session, actor=ctx.user, case_id=case_id, reason=body.reason, note=body.note
        )
        return EventOut.model_validate(event)


@router.get("/incidents")
def incidents(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ, P.OPS_INCIDENTS))],
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> list[IncidentOut]:
    """Incidents with their resolution (a liaison sees its facilities' only)."""
    with ctx.read() as session:
        out = [
            IncidentOut(
                id=i.id,
                kind=i.kind,
                mission_id=i.mission_id,
                case_id=i.case_id,
                person_id=i.person_id,
                description=i.description,
                opened_at=i.opened_at,
                resolution=r.reason_code if r is not None else None,
            )
            for i, r in scoped_incidents(session, user=ctx.user, open_only=open_only)
        ]
    ctx.audit_read("read.incidents", "incidents", count=len(out))
    return out


@router.post("/incidents/{incident_id}/resolve")
def resolve(
    ctx: Annotated[Ctx, Depends(require(P.OPS_INCIDENTS))], incident_id: RecordId, body: ResolveIn
) -> Done:
    """Resolve an incident with a coded reason (officer, or the facility's liaison)."""
    with ctx.write() as session:
        resolve_incident(
            session,
            actor=ctx.user,
            incident_id=incident_id,
            reason=body.reason,
            note=body.note,
            occurred_at=body.occurred_at,
        )
    return Done(message=f"incident {incident_id} resolved ({body.reason.value})")


class ObservationIn(In):
    level: ObservationLevel
    text: Annotated[LongText, Field(min_length=1)]


class ObservationOut(Out):
    id: int
    incident_id: int
    level: ObservationLevel
    text: str
    recorded_at: str
    recorded_by: str


@router.post("/incidents/{incident_id}/observations", status_code=201)
def observe(
    ctx: Annotated[Ctx, Depends(require(P.OPS_OBSERVE))],
    incident_id: RecordId,
    body: ObservationIn,
) -> Done:
    """A monitor's observation on an incident (note, concern, urgent); it resolves nothing.
    An urgent one on an open incident alerts officers and legal reviewers."""
    with ctx.write() as session:
        observation = record_observation(
            session, actor=ctx.user, incident_id=incident_id, level=body.level, text=body.text
        )
        observation_id = observation.id
    return Done(message=f"observation {observation_id} on incident {incident_id} recorded")


@router.get("/incidents/{incident_id}/observations")
def observations(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ, P.OPS_INCIDENTS))], incident_id: RecordId
) -> list[ObservationOut]:
    """An incident's observations, newest first, with who recorded each and when (a
    receiving liaison: of its facility's incidents, those it resolves)."""
    with ctx.read() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise UnknownOperationsRecord(f"no incident {incident_id}")
        mission = session.get(Mission, incident.mission_id) if incident.mission_id else None
        check_facility_scope(session, ctx.user, mission.facility_id if mission else None)
        out = [
            ObservationOut(
                id=o.id,
                incident_id=o.incident_id,
                level=ObservationLevel(o.level),
                text=o.text,
                recorded_at=o.recorded_at.isoformat(),
                recorded_by=o.recorded_by,
            )
            for o in list_observations(session, incident_id=incident_id)
        ]
    ctx.audit_read("read.incident_observations", f"incident:{incident_id}", count=len(out))
    return out


@router.get("/reconcile")
def reconcile(ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> ReconcileOut:
    """Check every invariant of operations; list each violation with its code."""
    with ctx.read() as session:
        report = run_reconcile(session)
    return ReconcileOut.model_validate(report)
