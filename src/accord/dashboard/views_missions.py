"""Mission pages: the list with the form to create one, and a manifest with boarding results."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy import select

from accord.agreements import bundled_agreements
from accord.api.deps import NO_NUL, Ctx, require
from accord.auth import Permission
from accord.dashboard import reads
from accord.dashboard.pages import PageRoute, render
from accord.operations.exports import manifest_rows
from accord.operations.models import MissionLeg, OperationsEvent
from accord.pathways import PATHWAYS

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
Number = Annotated[str, Path(min_length=1, max_length=64, pattern=NO_NUL)]
# states of a case that was on a manifest but did not fly with the mission
NOT_FLOWN = frozenset({"manifested", "struck", "ready", "withdrawn"})


def _now() -> dt.datetime:
    # to the second: a fact recorded a moment ago is known at a departure recorded as "now"
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@router.get("/missions")
def missions(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """Missions, latest departure first (no person is named on this list)."""
    with ctx.read() as session:
        rows = reads.missions(session)
    return render(
        request,
        ctx,
        "missions.html",
        rows=rows,
        agreements=sorted(bundled_agreements()),
        pathways=list(PATHWAYS),
        facilities=[f.id for f, _ in reads.facilities().values()],
        default_departure=(_now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )


@router.get("/missions/{number}")
def mission(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number
) -> Response:
    """The manifest: every passenger ever on it with the decision behind their boarding
    (a strike or departure) and their latest check, plus the forms for the next step."""
    with ctx.read() as session:
        found, rows = manifest_rows(session, mission_number=number)
        legs = list(
            session.scalars(
                select(MissionLeg).where(MissionLeg.mission_id == found.id).order_by(MissionLeg.seq)
            )
        )
        latest = reads.latest_decisions(session, [r.person_id for r in rows])
        ready = list(reads.ready_cases(session, found))
        events = list(
            session.scalars(
                select(OperationsEvent)
                .where(OperationsEvent.mission_id == found.id, OperationsEvent.case_id.is_(None))
                .order_by(OperationsEvent.id)
            )
        )
        names = reads.user_names(session)
    ctx.audit_read("read.dashboard_manifest", f"mission:{found.mission_number}", rows=len(rows))
    return render(
        request,
        ctx,
        "mission.html",
        mission=found,
        rows=rows,
        legs=legs,
        latest=latest,
        ready=ready,
        events=events,
        names=names,
        on_board=sum(1 for r in rows if r.state == "manifested"),
        flown=sum(1 for r in rows if r.state not in NOT_FLOWN),
        now=_now().strftime("%Y-%m-%dT%H:%M:%S"),
    )
