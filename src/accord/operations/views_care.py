"""HTTP routes of care after transfer: custody ends, census, court-ordered returns,
consular notification, counsel access, monitoring visits, liaison assignment.

Thin: parse, call one operations service function in one transaction, return.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from accord.api.deps import PERSON_ID_PATTERN, Ctx, RecordId, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.api.schemas import Done
from accord.auth import Permission
from accord.operations.care import (
    assign_liaison,
    complete_consular_task,
    log_counsel_access,
    open_return,
    record_visit,
    update_return,
)
from accord.operations.custody import end_custody, report_census
from accord.operations.schemas import (
    CensusIn,
    CensusOut,
    ConsularCompleteIn,
    ConsularTaskOut,
    CounselIn,
    CustodyEndIn,
    EventOut,
    LiaisonIn,
    ReturnCaseOut,
    ReturnIn,
    ReturnUpdateIn,
    VisitIn,
    VisitOut,
)
from accord.operations.views_reads import scoped_consular_tasks

P = Permission
router = APIRouter(tags=["care"], responses=PROBLEM_RESPONSES)
PersonPath = Annotated[str, Path(min_length=1, max_length=128, pattern=PERSON_ID_PATTERN)]


@router.post("/custody/{person_id}/end")
def custody_end(
    ctx: Annotated[Ctx, Depends(require(P.OPS_CUSTODY))], person_id: PersonPath, body: CustodyEndIn
) -> EventOut:
    """Record a release, transfer, return or death, with its coded reason."""
    with ctx.write() as session:
        event = end_custody(
            session,
            actor=ctx.user,
            person_id=person_id,
            end=body.end,
            reason=body.reason,
            occurred_at=body.occurred_at,
            note=body.note,
        )
        return EventOut.model_validate(event)


@router.post("/census", status_code=201)
def census(ctx: Annotated[Ctx, Depends(require(P.OPS_CENSUS))], body: CensusIn) -> CensusOut:
    """Report a facility's count for a day; kept beside the registry's own count."""
    with ctx.write() as session:
        report = report_census(
            session, actor=ctx.user, facility_id=body.facility_id, day=body.day, count=body.count
        )
        return CensusOut.model_validate(report)


@router.post("/returns", status_code=201)
def returns_open(
    ctx: Annotated[Ctx, Depends(require(P.OPS_RETURNS))], body: ReturnIn
) -> ReturnCaseOut:
    """Open a court-ordered return case."""
    with ctx.write() as session:
        case = open_return(
            session,
            actor=ctx.user,
            person_id=body.person_id,
            court=body.court,
            order_reference=body.order_reference,
            ordered_on=body.ordered_on,
        )
        return ReturnCaseOut.model_validate(case)


@router.post("/returns/{return_id}/updates")
def returns_update(
    ctx: Annotated[Ctx, Depends(require(P.OPS_RETURNS))], return_id: RecordId, body: ReturnUpdateIn
) -> Done:
    """Move a return case forward; back_in_us_custody closes it."""
    with ctx.write() as session:
        update_return(
            session,
            actor=ctx.user,
            return_id=return_id,
            status=body.status,
            occurred_on=body.occurred_on,
            note=body.note,
        )
    return Done(message=f"return case {return_id}: {body.status.value}")


@router.get("/consular-tasks")
def consular_tasks(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ, P.OPS_CONSULAR))],
    all_tasks: Annotated[bool, Query(alias="all")] = False,
) -> list[ConsularTaskOut]:
    """Consular notification tasks, open ones unless all=true (a liaison: its facilities')."""
    with ctx.read() as session:
        out = [
            ConsularTaskOut(
                id=t.id,
                case_id=t.case_id,
                person_id=t.person_id,
                country=t.country,
                facility_id=t.facility_id,
                notified_on=c.notified_on if c is not None else None,
            )
            for t, c in scoped_consular_tasks(session, user=ctx.user, open_only=not all_tasks)
        ]
    ctx.audit_read("read.consular_tasks", "consular tasks", count=len(out))
    return out


@router.post("/consular-tasks/{task_id}/complete")
def consular_complete(
    ctx: Annotated[Ctx, Depends(require(P.OPS_CONSULAR))],
    task_id: RecordId,
    body: ConsularCompleteIn,
) -> Done:
    """Record that the consulate was notified (Vienna Convention art. 36)."""
    with ctx.write() as session:
        complete_consular_task(
            session, actor=ctx.user, task_id=task_id, notified_on=body.notified_on, note=body.note
        )
    return Done(message=f"consular task {task_id}: notified on {body.notified_on}")


@router.post("/counsel-access", status_code=201)
def counsel_access(ctx: Annotated[Ctx, Depends(require(P.OPS_COUNSEL))], body: CounselIn) -> Done:
    """Log a contact with counsel, or a refused one."""
    with ctx.write() as session:
        log_counsel_access(
            session,
            actor=ctx.user,
            person_id=body.person_id,
            counsel=body.counsel,
            kind=body.kind,
            occurred_at=body.occurred_at,
            note=body.note,
        )
    return Done(message=f"{body.person_id}: counsel access logged ({body.kind.value})")


@router.post("/visits", status_code=201)
def visits(ctx: Annotated[Ctx, Depends(require(P.OPS_VISITS))], body: VisitIn) -> VisitOut:
    """Record a monitoring visit with its findings and recommendations."""
    with ctx.write() as session:
        visit = record_visit(
            session,
            actor=ctx.user,
            facility_id=body.facility_id,
            visited_on=body.visited_on,
            summary=body.summary,
            findings=[(f.severity, f.finding, f.recommendation) for f in body.findings],
        )
        return VisitOut(
            id=visit.id,
            facility_id=visit.facility_id,
            visited_on=visit.visited_on,
            summary=visit.summary,
            findings=len(body.findings),
        )


@router.post("/liaisons", status_code=201)
def liaisons(ctx: Annotated[Ctx, Depends(require(P.OPS_LIAISONS))], body: LiaisonIn) -> Done:
    """Assign a receiving liaison to the facility it acts for."""
    with ctx.write() as session:
        assign_liaison(
            session, actor=ctx.user, user_name=body.user_name, facility_id=body.facility_id
        )
    return Done(message=f"{body.user_name} acts for {body.facility_id}")
