"""HTTP routes of missions: create, manifest, boarding check, depart, cancel, handover.

Thin: parse, call one operations service function in one transaction, return.
The boarding check decides for every passenger from the registry; nobody can
board past a failed rule, whoever calls.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from accord.api.deps import NO_NUL, Ctx, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.api.schemas import Done
from accord.auth import Permission
from accord.operations import exports
from accord.operations.handover import close_handover, confirm_handover
from accord.operations.missions import (
    add_to_mission,
    cancel_mission,
    check_mission,
    create_mission,
    depart_mission,
)
from accord.operations.schemas import (
    AddCasesIn,
    BoardingOut,
    CancelIn,
    CaseOut,
    DepartIn,
    HandoverCloseOut,
    HandoverIn,
    ManifestRowOut,
    MissionDetailOut,
    MissionIn,
    MissionOut,
)
from accord.operations.views_reads import mission_with_cases

P = Permission
router = APIRouter(tags=["missions"], responses=PROBLEM_RESPONSES)
Number = Annotated[
    str, Path(min_length=1, max_length=64, pattern=NO_NUL, description="Mission number")
]


@router.post("/missions", status_code=201)
def create(ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))], body: MissionIn) -> MissionOut:
    """Create a planned mission with its legs."""
    with ctx.write() as session:
        mission = create_mission(
            session,
            actor=ctx.user,
            mission_number=body.mission_number,
            carrier=body.carrier,
            agreement=body.agreement,
            pathway=body.pathway,
            destination=body.destination,
            facility=body.facility,
            planned_departure=body.planned_departure,
            seats=body.seats,
            legs=[(leg.pickup, leg.dropoff) for leg in body.legs],
        )
        return MissionOut.model_validate(mission)


@router.get("/missions/{number}")
def show(ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number) -> MissionDetailOut:
    """A mission with every case ever on its manifest."""
    with ctx.read() as session:
        mission, cases = mission_with_cases(session, mission_number=number)
        out = MissionDetailOut(
            mission=MissionOut.model_validate(mission),
            cases=[CaseOut.model_validate(c) for c in cases],
        )
    ctx.audit_read("read.mission", f"mission:{number}", cases=len(out.cases))
    return out


@router.post("/missions/{number}/cases")
def add_cases(
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))], number: Number, body: AddCasesIn
) -> list[CaseOut]:
    """Add ready cases to a planned mission's manifest (all or nothing)."""
    with ctx.write() as session:
        cases = add_to_mission(
            session, actor=ctx.user, mission_number=number, case_ids=list(body.case_ids)
        )
        return [CaseOut.model_validate(c) for c in cases]


@router.post("/missions/{number}/check")
def check(ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))], number: Number) -> BoardingOut:
    """Boarding check ahead of departure: decision records kept, nobody struck yet."""
    with ctx.write() as session:
        result = check_mission(session, actor=ctx.user, mission_number=number)
    return BoardingOut.model_validate(result)


@router.post("/missions/{number}/depart")
def depart(
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))], number: Number, body: DepartIn
) -> BoardingOut:
    """Boarding check, then departure; anyone struck is kept struck and the mission stays
    planned (`departed` false): depart again to fly the verified manifest."""
    with ctx.write() as session:
        result = depart_mission(
            session, actor=ctx.user, mission_number=number, departed_at=body.departed_at
        )
    return BoardingOut.model_validate(result)


@router.post("/missions/{number}/cancel")
def cancel(
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))], number: Number, body: CancelIn
) -> MissionOut:
    """Cancel a planned mission; its passengers are ready for another."""
    with ctx.write() as session:
        mission = cancel_mission(
            session, actor=ctx.user, mission_number=number, reason=body.reason, note=body.note
        )
        return MissionOut.model_validate(mission)


@router.get(
    "/missions/{number}/manifest",
    response_model=list[ManifestRowOut],
    responses={200: {"content": {"text/csv": {}, "application/json": {}}}},
)
def manifest(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))],
    number: Number,
    fmt: Annotated[str, Query(alias="format", pattern="^(json|csv)$")] = "json",
) -> list[ManifestRowOut] | Response:
    """Every passenger with the decision behind their boarding (JSON, or CSV)."""
    with ctx.read() as session:
        _mission, rows = exports.manifest_rows(session, mission_number=number)
    ctx.audit_read("read.manifest", f"mission:{number}", rows=len(rows), format=fmt)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(exports.COLUMNS)
        writer.writerows(r.values() for r in rows)
        return Response(buffer.getvalue(), media_type="text/csv")
    return [ManifestRowOut.model_validate(r) for r in rows]


@router.post("/missions/{number}/handover")
def handover(
    ctx: Annotated[Ctx, Depends(require(P.OPS_HANDOVER))], number: Number, body: HandoverIn
) -> Done:
    """Confirm persons received into custody (or returned on board) at the mission's facility."""
    with ctx.write() as session:
        confirm_handover(
            session,
            actor=ctx.user,
            mission_number=number,
            person_ids=list(body.person_ids),
            returned_on_board=body.returned_on_board,
            occurred_at=body.occurred_at,
            commit=True,  # the handover is this session's only write
        )
    what = "returned on board" if body.returned_on_board else "received into custody"
    return Done(message=f"mission {number}: {len(body.person_ids)} {what}")


@router.post("/missions/{number}/handover/close")
def handover_close(
    ctx: Annotated[Ctx, Depends(require(P.OPS_HANDOVER))], number: Number
) -> HandoverCloseOut:
    """Close the handover: anyone neither received nor returned opens an incident."""
    with ctx.write() as session:
        result = close_handover(session, actor=ctx.user, mission_number=number)
    return HandoverCloseOut.model_validate(result)
