"""The court-order alerts page: every incident and return case opened for a court order
entered in the registry and still open (operations/law_change.py), with links."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from accord.api.deps import Ctx, require
from accord.auth import Permission
from accord.dashboard.pages import PageRoute, render
from accord.operations.law_change_open import open_acts
from accord.operations.models import Mission

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/alerts")
def alerts(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    with ctx.read() as session:
        acts = open_acts(session)
        ids = sorted({a.mission_id for a in acts if a.mission_id is not None})
        rows_read = session.execute(
            select(Mission.id, Mission.mission_number).where(Mission.id.in_(ids))
        ).all()
        numbers = {int(i): str(n) for i, n in rows_read}
    rows: list[dict[str, Any]] = [
        {
            "what": a.what,
            "id": a.id,
            "person_id": a.person_id,
            "mission": numbers.get(a.mission_id) if a.mission_id is not None else None,
            "order": a.order,
            "law_entry": a.law_entry,
            "membership": a.membership,
        }
        for a in acts
    ]
    ctx.audit_read("read.dashboard_law_alerts", "operations", count=len(rows))
    return render(request, ctx, "alerts.html", rows=rows)
