"""The Impact page: a legal reviewer picks a law entry, or a court order and a day, and sees
what it changes: counts by request and by operations state, and the lists (a read of
personal data: FACTS_READ, audited as read.dashboard_impact).

Two lists, each filtered, sorted, paged and downloaded (listing_rows.py): every person whose
outcome changes on /impact, and the transfer cases touched on /impact/cases. Apart because
a list's sort and page parameters (`sort`, `page`) are the same names for every list: two
on one page would page each other. Both keep the change's own parameters (entry, order,
in_force_from, as_of) in every link, and each weighs the change again: on the registry's
docket held between impacts while no fact is written (impact/warm.py), so a page, a sort or a
CSV costs the persons the change touches, not a read of the whole registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from accord.api.deps import Ctx, require
from accord.auth import Permission
from accord.dashboard import listing_rows, lists_computed
from accord.dashboard.forms import FieldCheck
from accord.dashboard.listing import Listing, Page
from accord.dashboard.pages import PageRoute, render
from accord.errors import InputError
from accord.impact import service
from accord.impact.change import Change
from accord.impact.operations import STATE_GROUPS
from accord.law_entries.models import LawEntryRecord

router = APIRouter(include_in_schema=False, route_class=PageRoute)
# checked in the route: a bad value is shown beside its field
Text = Annotated[str | None, Query(max_length=64)]
KEEP = ("entry", "order", "in_force_from", "as_of")  # the change picked, in every link


@dataclass
class Weighed:
    """The forms' values and errors, and the change weighed when one was picked."""

    values: dict[str, str]
    form: str  # "entry", "order" or "" (nothing picked)
    check: FieldCheck
    entries: list[LawEntryRecord]
    orders: list[str]
    picked: dict[str, Any]
    change: Change | None = None
    impact: service.ImpactReport | None = None
    report: dict[str, Any] | None = None  # the counts (as_dict without the persons)


def _weigh(
    ctx: Ctx, entry: str | None, order: str | None, in_force_from: str | None, as_of: str | None
) -> Weighed:
    """Check the forms' values; with a change picked and no error, weigh it. A bad value
    comes back beside its field in the form it was typed in (forms.py)."""
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
    picked = {"entry": entry_id, "order": order, "in_force_from": in_force_from, "as_of": as_of}
    with ctx.read() as session:
        entries = list_law_entries(session)
        orders = sorted(service.base_law(session).orders)
        found = Weighed(values, form, check, entries, orders, picked)
        if form == "order" and order and order not in orders:
            check.fail("order", "Select an order from the list")
        if form and not check.errors:
            try:
                if entry_id is not None:
                    found.change = service.change_of_registry_entry(
                        session, entry_id=entry_id, as_of=day
                    )
                elif order and from_day is not None:
                    found.change = service.change_of_order_in_force(
                        session, order_id=order, from_day=from_day, as_of=day
                    )
            except InputError as exc:  # an unknown entry; a day the law cannot be read for
                check.fail("entry" if form == "entry" else "in_force_from", str(exc))
        if found.change is not None:
            found.impact = service.registry_impact(session, change=found.change)
            found.report = found.impact.as_dict(limit=0)  # the counts; the lists are paged
    return found


def _audit_of(weighed: Weighed, listed: str) -> tuple[tuple[str, str], dict[str, Any]]:
    """The read's audit entry (action, subject) and details; a CSV's adds format=csv."""
    change, report = weighed.change, weighed.report
    assert change is not None
    assert report is not None
    details = {
        "entry": change.entry_id,
        "day": change.day.isoformat(),
        "outcome_changes": sum(r["outcome_changes"] for r in report["requests"]),
        "list": listed,
    }
    return ("read.dashboard_impact", f"{change.kind} {change.subject}"), details


def _render(request: Request, ctx: Ctx, template: str, weighed: Weighed, **more: Any) -> Response:
    check = weighed.check
    return render(
        request,
        ctx,
        template,
        status=400 if check.errors else 200,
        errors=check.errors,
        values=weighed.values,
        failed_form=weighed.form if check.errors else "",
        entries=weighed.entries,
        orders=weighed.orders,
        picked=weighed.picked,
        report=weighed.report,
        groups=[label for _, label in STATE_GROUPS],
        kept=urlencode({k: weighed.values[k] for k in KEEP if weighed.values[k]}),
        **more,
    )


def _listed(
    request: Request,
    ctx: Ctx,
    weighed: Weighed,
    listing: Listing,
    rows: list[dict[str, Any]],
    *,
    listed: str,
    template: str,
) -> Response:
    """One of the change's lists: its page in `template`, or (`?format=csv`) its download
    impact-<listed>.csv; audited either way."""
    audit, details = _audit_of(weighed, listed)
    page = listing_rows.page_or_csv(
        listing,
        ctx,
        rows,
        request.query_params,
        filename=f"impact-{listed}.csv",
        audit=audit,
        audit_details=details,
        keep=KEEP,
    )
    if not isinstance(page, Page):
        return page  # the CSV
    return _render(request, ctx, template, weighed, page=page)


@router.get("/impact")
def impact_page(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(Permission.FACTS_READ))],
    entry: Text = None,
    order: Text = None,
    in_force_from: Text = None,
    as_of: Text = None,
) -> Response:
    """Pick a change; with one picked, its impact on the registry's docket and cases, and
    every person whose outcome changes (`?format=csv`: that list as CSV)."""
    weighed = _weigh(ctx, entry, order, in_force_from, as_of)
    if weighed.impact is None:
        return _render(request, ctx, "impact.html", weighed, page=None)
    requests = weighed.impact.requests
    listing = lists_computed.impact_persons_listing(requests)
    rows = lists_computed.impact_person_rows(requests)
    return _listed(request, ctx, weighed, listing, rows, listed="persons", template="impact.html")


@router.get("/impact/cases")
def impact_cases_page(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(Permission.FACTS_READ))],
    entry: Text = None,
    order: Text = None,
    in_force_from: Text = None,
    as_of: Text = None,
) -> Response:
    """The transfer cases the change touches, by state (`?format=csv`: as CSV). Without a
    change picked (or with a bad value): the Impact page, which says what is wrong."""
    weighed = _weigh(ctx, entry, order, in_force_from, as_of)
    if weighed.impact is None:  # nothing picked, or a bad value
        kept = urlencode({k: v for k, v in request.query_params.items() if k in KEEP})
        return RedirectResponse("/impact" + (f"?{kept}" if kept else ""), status_code=303)
    listing = lists_computed.impact_cases_listing()
    rows = lists_computed.impact_case_rows(weighed.impact.cases or ())
    return _listed(
        request, ctx, weighed, listing, rows, listed="cases", template="impact_cases.html"
    )
