"""HTTP routes of decisions: decide (recorded), explain (not recorded), list, show, replay.

Thin: parse, call the decisions service in one session, return.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from accord.api.deps import Ctx, KnownOn, PersonIdIn, RecordId, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.auth import Permission
from accord.decisions.schemas import DecideIn, DecisionOut, DecisionRecordOut, ReplayOut
from accord.decisions.service import (
    decide_from_registry,
    get_decision_record,
    list_decision_records,
    replay_decision,
)
from accord.engine import Decision, DecisionRequest, decide_facts
from accord.law_entries.service import with_registry_law
from accord.registry import person_fact_tables

P = Permission
router = APIRouter(tags=["decisions"], responses=PROBLEM_RESPONSES)


@router.post("/decisions", status_code=201)
async def decide(
    ctx: Annotated[Ctx, Depends(require(P.DECISIONS_RECORD))], body: DecideIn
) -> DecisionOut:
    """Decide for one person from the registry and keep the decision record (replayable)."""
    # One hop to a worker thread for the database work. A plain `def` route would take
    # two: FastAPI validates a sync route's return value in the thread pool as well.
    return await run_in_threadpool(decide_and_record, ctx, body)


def decide_and_record(ctx: Ctx, body: DecideIn) -> DecisionOut:
    request = body.request()
    with ctx.write() as session:
        decision, record = decide_from_registry(
            session,
            request=request,
            person_id=body.person_id,
            actor=ctx.user,
            as_known_on=body.as_known_on,
            commit=True,  # the record is this session's only write
        )
    return DecisionOut.of(decision, record.id)


def explain_person(
    session: Session, *, request: DecisionRequest, person_id: str, as_known_on: KnownOn
) -> Decision:
    """The decision with every fact behind it, from the registry, kept nowhere."""
    facts = person_fact_tables(session, person_id=person_id, as_known_on=as_known_on)
    # the registry's law, as decide_from_registry applies it
    request = with_registry_law(session, request)
    return decide_facts(facts=facts, request=request, all_facts=True)


@router.post("/decisions/explain")
def explain(ctx: Annotated[Ctx, Depends(require(P.FACTS_READ))], body: DecideIn) -> DecisionOut:
    """The same decision with every fact cited, without keeping a record (a read, audited)."""
    request = body.request()
    with ctx.read() as session:
        decision = explain_person(
            session, request=request, person_id=body.person_id, as_known_on=body.as_known_on
        )
    ctx.audit_read("read.explain", f"person:{body.person_id}", outcome=decision.outcome)
    return DecisionOut.of(decision)


@router.get("/decisions")
def list_decisions(
    ctx: Annotated[Ctx, Depends(require(P.DECISIONS_READ))],
    person_id: Annotated[PersonIdIn | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[DecisionRecordOut]:
    """The latest decision records, newest first (without their explanations)."""
    with ctx.read() as session:
        rows = [
            DecisionRecordOut.of(r, full=False)
            for r in list_decision_records(session, person_id=person_id, limit=limit)
        ]
    subject = f"person:{person_id}" if person_id else "decisions"
    ctx.audit_read("read.decisions", subject, count=len(rows))
    return rows


@router.get("/decisions/{decision_id}")
def show_decision(
    ctx: Annotated[Ctx, Depends(require(P.DECISIONS_READ))], decision_id: RecordId
) -> DecisionRecordOut:
    """One decision record as stored, with its explanation."""
    with ctx.read() as session:
        out = DecisionRecordOut.of(get_decision_record(session, decision_id=decision_id))
    ctx.audit_read("read.decision", f"person:{out.person_id}", decision_record=decision_id)
    return out


@router.post("/decisions/{decision_id}/replay")
def replay(
    ctx: Annotated[Ctx, Depends(require(P.DECISIONS_READ))], decision_id: RecordId
) -> ReplayOut:
    """Decide again from the same facts with today's code, and say what differs."""
    with ctx.read() as session:
        result = replay_decision(session, decision_id=decision_id)
        out = ReplayOut(
            decision_record=decision_id,
            person_id=result.record.person_id,
            facts_known_at=result.record.facts_known_at,
            reproduces=result.reproduces,
            recorded_outcome=result.record.outcome,
            outcome_now=result.decision.outcome,
            differences=list(result.differences),
        )
    ctx.audit_read("read.replay", f"person:{out.person_id}", decision_record=decision_id)
    return out
