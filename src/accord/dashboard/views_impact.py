"""The Impact page: a legal reviewer picks a law entry, or a court order and a day, and sees
what it changes: counts by request and by operations state, and the lists (a read of
personal data: FACTS_READ, audited as read.dashboard_impact)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from accord.api.deps import Ctx, require
from accord.auth import Permission
from accord.dashboard.forms import FieldCheck
from accord.dashboard.pages import PageRoute, render
from accord.errors import InputError
from accord.impact import service
from accord.impact.operations import STATE_GROUPS

router = APIRouter(include_in_schema=False, route_class=PageRoute)
LISTED = 200  # persons listed per request on the page (every one counted)
# checked in the route: a bad value is shown beside its field
Text = Annotated[str | None, Query(max_length=64)]


@router.get("/impact")
def impact_page(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(Permission.FACTS_READ))],
    entry: Text = None,
    order: Text = None,
    in_force_from: Text = None,
    as_of: Text = None,
) -> Response:
    """Pick a change; with one picked, its impact on the registry's docket and cases. A bad
    value comes back beside its field in the form it was typed in (forms.py)."""
    from accord.law_entries.service import list_law_entries

    values = {"entry": entry or "", "order": order or "", "in_force_from": in_force_from or ""}
    values["as_of"] = as_of or ""
    form = "entry" if entry is not None else "order" if order is not None else ""
    check = FieldCheck(values)
    entry_id = check.integer("entry", "Entry", required=form == "entry", low=1)
    day = check.date("as_of", "Day of the decisions")
    from_day = check.date("in_force_from", "In force from", required=form == "order")
    if form == "order":
        check.text("order", "Order", required=True, max_length=64)
    report: dict[str, Any] | None = None
    change = None
    with ctx.read() as session:
        entries = list_law_entries(session)
        orders = sorted(service.base_law(session).orders)
        if form == "order" and order and order not in orders:
            check.fail("order", "Select an order from the list")
        if form and not check.errors:
            try:
                if entry_id is not None:
                    change = service.change_of_registry_entry(session, entry_id=entry_id, as_of=day)
                elif order and from_day is not None:
                    change = service.change_of_order_in_force(
                        session, order_id=order, from_day=from_day, as_of=day
                    )
            except InputError as exc:  # an unknown entry; a day the law cannot be read for
                check.fail("entry" if form == "entry" else "in_force_from", str(exc))
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
        status=400 if check.errors else 200,
        errors=check.errors,
        values=values,
        failed_form=form if check.errors else "",
        entries=entries,
        orders=orders,
        picked={"entry": entry_id, "order": order, "in_force_from": in_force_from, "as_of": as_of},
        report=report,
        groups=[label for _, label in STATE_GROUPS],
        listed=LISTED,
    )
