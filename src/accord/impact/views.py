"""HTTP routes of the impact of a change of law (a read: FACTS_READ, audited as read.impact).

GET  /impact/entries/{entry_id}            a registry law entry
GET  /impact/orders/{order_id}?in_force_from=T   a known order in force from T
POST /impact                               a candidate entry, not written
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from accord.api.deps import Ctx, Name64, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.api.schemas import Day
from accord.auth import Permission
from accord.errors import InputError
from accord.impact import service
from accord.impact.change import Change
from accord.impact.schemas import CandidateIn, ImpactOut
from accord.impact.service import RequestSpec

router = APIRouter(tags=["impact"], responses=PROBLEM_RESPONSES)
Namer = Callable[[Session], Change]
Limit = Annotated[int, Query(ge=0, le=100_000, description="Persons listed per request")]


def _given(
    agreement: str | None, pathway: str | None, destination: str | None, facility: str | None
) -> list[RequestSpec]:
    if not (agreement or pathway or destination or facility):
        return []
    if not (agreement and pathway and destination):
        raise InputError("a request needs agreement, pathway and destination")
    return [RequestSpec(agreement, pathway, destination, facility)]


def run_impact(
    ctx: Ctx,
    name: Namer,
    given: list[RequestSpec],
    limit: int,
) -> ImpactOut:
    """Name the change and weigh it on the registry, in one read session; audit the read."""
    with ctx.read() as session:
        change: Change = name(session)
        report = service.registry_impact(session, change=change, given=given)
    ctx.audit_read(
        "read.impact",
        f"{change.kind} {change.subject}",
        entry=change.entry_id,
        day=change.day.isoformat(),
        outcome_changes=sum(len(r.changes) for r in report.requests),
        cases=len(report.cases or ()),
    )
    return ImpactOut.model_validate(report.as_dict(limit=limit))


@router.get("/impact/entries/{entry_id}")
async def impact_of_entry(
    ctx: Annotated[Ctx, Depends(require(Permission.FACTS_READ))],
    entry_id: int,
    as_of: Annotated[Day | None, Query(description="Day of the decisions")] = None,
    agreement: Annotated[Name64 | None, Query()] = None,
    pathway: Annotated[Name64 | None, Query()] = None,
    destination: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    facility: Annotated[Name64 | None, Query()] = None,
    limit: Limit = 1000,
) -> ImpactOut:
    """What registry law entry `entry_id` changes (against the entries before it)."""
    given = _given(agreement, pathway, destination, facility)

    def name(session: Session) -> Change:
        return service.change_of_registry_entry(session, entry_id=entry_id, as_of=as_of)

    return await run_in_threadpool(run_impact, ctx, name, given, limit)


@router.get("/impact/orders/{order_id}")
async def impact_of_order(
    ctx: Annotated[Ctx, Depends(require(Permission.FACTS_READ))],
    order_id: Name64,
    in_force_from: Annotated[Day, Query(description="The order in force from this day")],
    as_of: Annotated[Day | None, Query(description="Day of the decisions")] = None,
    agreement: Annotated[Name64 | None, Query()] = None,
    pathway: Annotated[Name64 | None, Query()] = None,
    destination: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    facility: Annotated[Name64 | None, Query()] = None,
    limit: Limit = 1000,
) -> ImpactOut:
    """What changes if court order `order_id` is in force from `in_force_from`."""
    given = _given(agreement, pathway, destination, facility)

    def name(session: Session) -> Change:
        return service.change_of_order_in_force(
            session,
            order_id=order_id,
            from_day=in_force_from,
            as_of=as_of,
        )

    return await run_in_threadpool(run_impact, ctx, name, given, limit)


@router.post("/impact")
async def impact_of_candidate(
    ctx: Annotated[Ctx, Depends(require(Permission.FACTS_READ))], body: CandidateIn
) -> ImpactOut:
    """What a candidate law entry would change, without writing it."""
    given = _given(body.agreement, body.pathway, body.destination, body.facility)
    day: dt.date | None = body.as_of

    def name(session: Session) -> Change:
        return service.change_of_candidate(
            session,
            kind=body.kind,
            subject=body.subject,
            body=body.body,
            as_of=day,
        )

    return await run_in_threadpool(run_impact, ctx, name, given, body.limit)
