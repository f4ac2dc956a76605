"""The receiving liaison's page (issue 21): the missions arriving at their own facility, each
person with name, date of birth, nationality and case so that identity can be checked at the
door, the handover confirmation, and the daily census. Above the handover forms, every
expected arrival as one list (lists_computed.py: filtered, sorted, paged, and downloaded as
the door list, `?format=csv`, audited as the page's read): the passengers of the missions
whose handover is open, waiting, arrived or returned on board. Once a mission's handover is
closed its persons are in the census, no longer at the door.

A liaison acts only for the facility an admin assigned them (operations/events.py
check_facility_scope); the forms call the same service functions as the CLI and the API
(operations/handover.py, custody.py), which check the scope again and audit each write.
A refused form comes back as the page with each error beside its field (forms.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.api.deps import NO_NUL, Ctx, require
from accord.auth import Permission
from accord.dashboard import listing_rows, lists_computed, reads
from accord.dashboard.forms import FieldCheck, FormError, field_error, render_form_errors
from accord.dashboard.listing import Listing, wants_csv
from accord.dashboard.pages import PageRoute, act, masker, render
from accord.documents.service import identities
from accord.errors import InputError
from accord.limits import IDENTIFIER_MAX
from accord.operations.custody import census_count, report_census
from accord.operations.events import check_facility_scope
from accord.operations.handover import close_handover, confirm_handover
from accord.operations.models import LiaisonFacility, Mission, TransferCase
from accord.operations.states import CaseState, MissionState

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
Number = Annotated[str, Path(min_length=1, max_length=IDENTIFIER_MAX, pattern=NO_NUL)]
FacilityQuery = Annotated[str, Query(max_length=64, pattern=r"^[A-Za-z0-9_-]*$")]
LIAISON = (P.OPS_HANDOVER, P.OPS_CENSUS)
# a case that flew with the mission (the others never left: not the liaison's to receive)
FLOWN = frozenset(
    {
        CaseState.DEPARTED,
        CaseState.IN_CUSTODY,
        CaseState.RETURNED_ON_BOARD,
        CaseState.MISSING,
        CaseState.RELEASED,
        CaseState.TRANSFERRED,
        CaseState.RETURNED,
        CaseState.DIED,
    }
)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def assigned_facilities(session: Session, user_id: int) -> list[str]:
    """The facilities an admin assigned this liaison, in the order assigned (no repeats)."""
    rows = session.scalars(
        select(LiaisonFacility.facility_id)
        .where(LiaisonFacility.user_id == user_id)
        .order_by(LiaisonFacility.id)
    )
    return list(dict.fromkeys(f.upper() for f in rows))


def _arrivals(session: Session, facility_id: str) -> list[dict[str, Any]]:
    """Departed missions to the facility (the handover is open), each with its passengers."""
    missions = session.scalars(
        select(Mission)
        .where(Mission.state == MissionState.DEPARTED.value)
        .order_by(Mission.planned_departure, Mission.id)
    ).all()
    missions = [m for m in missions if m.facility_id.upper() == facility_id.upper()]
    if not missions:
        return []
    cases = session.scalars(
        select(TransferCase)
        .where(TransferCase.mission_id.in_([m.id for m in missions]))
        .order_by(TransferCase.id)
    ).all()
    flown = [c for c in cases if c.state in FLOWN]
    people = identities(session, person_ids=[c.person_id for c in flown])
    out = []
    for mission in missions:
        on_it = [c for c in flown if c.mission_id == mission.id]
        out.append(
            {
                "mission": mission,
                "passengers": [{"case": c, "who": people[c.person_id]} for c in on_it],
                "waiting": sum(1 for c in on_it if c.state == CaseState.DEPARTED),
            }
        )
    return out


def _read(ctx: Ctx, facility: str) -> dict[str, Any]:
    """Everything the page shows, read in one session (the facility's scope checked)."""
    today = _today()
    with ctx.read() as session:
        assigned = assigned_facilities(session, ctx.user.id)
        chosen = (facility or (assigned[0] if assigned else "")).upper()
        if not chosen:
            return {"assigned": [], "facility": None, "today": today}
        check_facility_scope(session, ctx.user, chosen)
        gauge = reads.gauge(session, chosen)
        arrivals = _arrivals(session, gauge.facility.id)
        count = census_count(session, facility_id=gauge.facility.id, day=today)
        reports = list(reads.census_reports(session, gauge.facility.id, limit=14))
    return {
        "assigned": assigned,
        "facility": gauge.facility,
        "gauge": gauge,
        "arrivals": arrivals,
        "count": count,
        "reports": reports,
        "today": today,
    }


def _expected(arrivals: list[dict[str, Any]]) -> tuple[Listing, list[dict[str, Any]]]:
    """The list of expected arrivals: every passenger of the missions whose handover is
    open (waiting at the door, arrived, or returned on board), filtered by mission."""
    missions = [a["mission"].mission_number for a in arrivals]
    return lists_computed.arrivals_listing(missions), lists_computed.arrival_rows(arrivals)


def _page_context(ctx: Ctx, facility: str, params: Mapping[str, str]) -> dict[str, Any]:
    """The page's context, with the list of expected arrivals (`params`: its filters, sort
    and page), and the read's audit entry."""
    context = _read(ctx, facility)
    if context["facility"] is None:
        return context
    listing, rows = _expected(context["arrivals"])
    page = listing_rows.page(
        listing, rows, params, masked=ctx.masked, pid=masker(ctx), keep=("facility",)
    )
    ctx.audit_read(
        "read.dashboard_liaison",
        f"facility:{context['facility'].id}",
        arriving=len(rows),
    )
    return {**context, "page": page}


def _liaison_page(facility_id: str) -> str:
    return "/liaison?facility=" + quote(facility_id, safe="")


def _again(request: Request, ctx: Ctx, facility: str, form: str, exc: FormError) -> Response:
    """The page again with the refused form's errors and typed values (HTTP 400)."""
    return render_form_errors(
        request,
        ctx,
        "liaison.html",
        errors=exc.errors,
        values=exc.values,
        failed_form=form,
        **_page_context(ctx, facility, {}),
    )


@router.get("/liaison")
def liaison_page(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(*LIAISON))],
    facility: FacilityQuery = "",
) -> Response:
    """The liaison's facility: the expected arrivals (`?format=csv`: the door list as CSV),
    the handover to confirm per mission, and the census."""
    params = request.query_params
    if wants_csv(params):
        context = _read(ctx, facility)
        if context["facility"] is None:
            raise InputError("no facility is assigned to you: there is no door list")
        listing, rows = _expected(context["arrivals"])
        facility_id = context["facility"].id
        return listing_rows.csv_response(
            listing,
            ctx,
            rows,
            params,
            filename=f"arrivals-{facility_id}.csv",
            audit=("read.dashboard_liaison", f"facility:{facility_id}"),
            audit_details={"arriving": len(rows)},
        )
    context = _page_context(ctx, facility, params)
    return render(request, ctx, "liaison.html", failed_form="", **context)


@router.post("/liaison/missions/{number}/handover")
def handover_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_HANDOVER))],
    number: Number,
    facility: Annotated[str, Form(max_length=64, pattern=NO_NUL)] = "",
    person_id: Annotated[list[str], Form(max_length=1000)] = [],  # noqa: B006 (FastAPI copies)
    outcome: Annotated[str, Form(max_length=32)] = "received",
) -> Response:
    """Confirm the ticked persons received into custody (or returned on board)."""
    values: dict[str, Any] = {"person_id": person_id, "outcome": outcome}
    form = "handover:" + number

    def work() -> str:
        check = FieldCheck(values)
        check.choice("outcome", "What happened", ("received", "returned_on_board"))
        if not person_id:
            check.fail("person_id", "Select each person you have checked at the door")
        check.done()
        returned = outcome == "returned_on_board"
        try:
            with ctx.write(lock=False) as session:
                events = confirm_handover(
                    session,
                    actor=ctx.user,
                    mission_number=number,
                    person_ids=person_id,
                    returned_on_board=returned,
                )
        except InputError as exc:  # not on this mission, already received, no room, scope
            raise field_error(exc, "person_id", values) from exc
        what = "returned on board" if returned else "received into custody"
        return f"Mission {number}: {len(events)} person(s) {what}."

    try:
        return act(_liaison_page(facility), work)
    except FormError as exc:
        return _again(request, ctx, facility, form, exc)


@router.post("/liaison/missions/{number}/close")
def close_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_HANDOVER))],
    number: Number,
    facility: Annotated[str, Form(max_length=64, pattern=NO_NUL)] = "",
) -> Response:
    """Close the mission's handover: anyone neither received nor returned opens an incident."""

    def work() -> str:
        with ctx.write() as session:
            closed = close_handover(session, actor=ctx.user, mission_number=number)
        text = (
            f"Handover of mission {number} closed: {closed.departed} departed, "
            f"{closed.received} received, {closed.returned_on_board} returned on board"
        )
        missing = len(closed.incidents)
        return text + (f"; {missing} missing (incident opened)." if missing else ".")

    return act(_liaison_page(facility), work)


@router.post("/liaison/census")
def census_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_CENSUS))],
    facility: Annotated[str, Form(max_length=64, pattern=NO_NUL)] = "",
    day: Annotated[str, Form(max_length=32)] = "",
    count: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """The liaison's count of persons held on `day`, kept beside the registry's own count."""
    values = {"day": day, "count": count}

    def work() -> str:
        check = FieldCheck(values)
        when = check.date("day", "Day", required=True)
        held = check.integer("count", "Number of persons held", required=True, low=0)
        check.done()
        assert when is not None  # done() raised otherwise
        assert held is not None
        try:
            with ctx.write() as session:
                report = report_census(
                    session, actor=ctx.user, facility_id=facility, day=when, count=held
                )
                registry_count = report.registry_count
        except InputError as exc:  # a day not yet begun; a facility not theirs
            raise field_error(exc, "day", values) from exc
        differs = "" if registry_count == held else f" (the registry counts {registry_count})"
        return f"Census for {when} reported: {held} held{differs}."

    try:
        return act(_liaison_page(facility), work)
    except FormError as exc:
        return _again(request, ctx, facility, "census", exc)
