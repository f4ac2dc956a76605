"""The court-order alerts page: every incident and return case opened for a court order
entered in the registry and still open (operations/law_change.py), with links; a list that
filters, sorts, pages and downloads (lists_facility.py, computed in Python: listing_rows.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from accord.api.deps import Ctx, require
from accord.auth import Permission
from accord.dashboard import listing_rows
from accord.dashboard import lists_facility as lf
from accord.dashboard.listing import Page
from accord.dashboard.pages import PageRoute, act, render
from accord.operations.law_change_open import open_acts
from accord.operations.models import Mission

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/alerts")
def alerts(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """The open acts, filtered by what is open, court order, class membership and person;
    `?format=csv` downloads the filtered list."""
    with ctx.read() as session:
        acts = open_acts(session)
        ids = sorted({a.mission_id for a in acts if a.mission_id is not None})
        rows_read = session.execute(
            select(Mission.id, Mission.mission_number).where(Mission.id.in_(ids))
        ).all()
        numbers = {int(i): str(n) for i, n in rows_read}
    rows = lf.alert_rows(acts, numbers)
    page = listing_rows.page_or_csv(
        lf.alerts_listing(sorted({a.order for a in acts})),
        ctx,
        rows,
        request.query_params,
        filename="court-order-alerts.csv",
        audit=("read.dashboard_law_alerts", "operations"),
        audit_details={"open": len(rows)},
    )
    if not isinstance(page, Page):
        return page  # the CSV
    return render(
        request,
        ctx,
        "alerts.html",
        page=page,
        anything_open=bool(rows),
        membership=lf.membership_words,
    )


@router.post("/alerts/act-due")
def act_due(ctx: Annotated[Ctx, Depends(require(P.OPS_RETURNS))]) -> Response:
    """What `accord law act-due` does, from the banner: every order in effect that has not
    acted acts now (operations/law_due.py), audited; running it twice opens nothing twice."""
    from accord.operations.law_due import act_on_due_law

    def work() -> str:
        with ctx.write() as session:
            done = act_on_due_law(session, actor=ctx.user)
        if not done:
            return "No court order in effect was waiting to act."
        incidents = sum(len(a.incidents) for a in done)
        returns = sum(len(a.return_cases) for a in done)
        held = sorted({m for a in done for m in a.held_missions})
        return (
            f"{len(done)} law entr{'y' if len(done) == 1 else 'ies'} acted: {incidents} "
            f"incident(s), {returns} return case(s), missions held: {', '.join(held) or 'none'}."
        )

    return act("/alerts", work)
