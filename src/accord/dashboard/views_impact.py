"""The Impact page: a legal reviewer picks a law entry, or a court order and a day, and sees
what it changes: counts by request and by operations state, and the lists (a read of
personal data: FACTS_READ, audited as read.dashboard_impact)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from accord.api.deps import Ctx, require
from accord.auth import Permission
from accord.dashboard.pages import PageRoute, render
from accord.impact import service
from accord.impact.change import parse_day
from accord.impact.operations import STATE_GROUPS

router = APIRouter(include_in_schema=False, route_class=PageRoute)
LISTED = 200  # persons listed per request on the page (every one counted)
Text = Annotated[str | None, Query(max_length=64)]


@router.get("/impact")
def impact_page(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(Permission.FACTS_READ))],
    entry: Annotated[int | None, Query(ge=1)] = None,
    order: Text = None,
    in_force_from: Text = None,
    as_of: Text = None,
) -> Response:
    """Pick a change; with one picked, its impact on the registry's docket and cases."""
    from accord.law_entries.service import list_law_entries

    day = parse_day(as_of, "day of the decisions") if as_of else None
    from_day = parse_day(in_force_from, "in force from") if in_force_from else None
    report: dict[str, Any] | None = None
    with ctx.read() as session:
        entries = list_law_entries(session)
        orders = sorted(service.base_law(session).orders)
        change = None
        if entry is not None:
            change = service.change_of_registry_entry(session, entry_id=entry, as_of=day)
        elif order:
            if from_day is None:
                from accord.errors import InputError

                raise InputError("name the day the order is in force from")
            change = service.change_of_order_in_force(
                session, order_id=order, from_day=from_day, as_of=day
            )
        if change is not None:
            weighed = service.registry_impact(session, change=change)
            report = weighed.as_dict(limit=LISTED)
    if change is not None and report is not None:
        ctx.audit_read(
            "read.dashboard_impact",
            f"{change.kind} {change.subject}",
            entry=change.entry_id,
            day=change.day.isoformat(),
            outcome_changes=sum(r["outcome_changes"] for r in report["requests"]),
        )
    return render(
        request,
        ctx,
        "impact.html",
        entries=entries,
        orders=orders,
        picked={"entry": entry, "order": order, "in_force_from": in_force_from, "as_of": as_of},
        report=report,
        groups=[label for _, label in STATE_GROUPS],
        listed=LISTED,
    )
