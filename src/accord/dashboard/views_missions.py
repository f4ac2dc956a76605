"""Mission pages: the list with the form to create one, and a manifest with boarding results,
its incidents and the cases that may join it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response
from sqlalchemy import select

from accord.agreements import bundled_agreements
from accord.api.deps import NO_NUL, Ctx, require
from accord.auth import Permission
from accord.dashboard import lists, reads
from accord.dashboard.forms import FieldCheck, FormError, render_form_errors
from accord.dashboard.labels import label
from accord.dashboard.listing import wants_csv
from accord.dashboard.pages import PageRoute, act, render
from accord.errors import (
    InputError,
    UnknownAgreement,
    UnknownCountry,
    UnknownFacility,
    UnknownPathway,
)
from accord.operations.exports import manifest_rows
from accord.operations.mission_reads import boardable_cases, mission_counts, mission_incidents
from accord.operations.missions import create_mission
from accord.operations.models import MissionLeg, OperationsEvent
from accord.operations.states import MissionState
from accord.pathways import PATHWAYS

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
Number = Annotated[str, Path(min_length=1, max_length=64, pattern=NO_NUL)]


def _now() -> dt.datetime:
    # to the second: a fact recorded a moment ago is known at a departure recorded as "now"
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _missions_page(ctx: Ctx, params: Mapping[str, str]) -> dict[str, Any]:
    return {
        "page": lists.MISSIONS.page(ctx, lists.missions_statement(), params),
        "agreements": [(a, a) for a in sorted(bundled_agreements())],
        "pathways": [(p, label("pathway", p)) for p in PATHWAYS],
        "facilities": [(f.id, f.id) for f, _ in reads.facilities().values()],
        "default_departure": (_now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }


@router.get("/missions")
def missions(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """Missions, latest departure first, filtered, sorted and paged (lists.MISSIONS), with
    how many are on the manifest, departed and received (no person is named on this list)."""
    if wants_csv(request.query_params):
        return lists.MISSIONS.csv_response(
            ctx, lists.missions_statement(), request.query_params, filename="missions.csv"
        )
    return render(request, ctx, "missions.html", **_missions_page(ctx, request.query_params))


FormText = Annotated[str, Form(max_length=2000)]
# the form field a service's refusal of a value is about
_FIELD_OF = {
    UnknownAgreement: "agreement",
    UnknownPathway: "pathway",
    UnknownCountry: "destination",
    UnknownFacility: "facility",
}


def _legs(check: FieldCheck) -> list[tuple[str, str]]:
    text = check.text("legs", "Legs", required=True, max_length=2000) or ""
    pairs = []
    for leg in filter(None, (x.strip() for x in text.replace(";", ",").split(","))):
        pickup, sep, dropoff = leg.partition(":")
        if not (sep and pickup.strip() and dropoff.strip()):
            check.fail("legs", f"Leg '{leg}': write PICKUP:DROPOFF, legs separated by commas")
            return []
        pairs.append((pickup.strip(), dropoff.strip()))
    return pairs


@router.post("/missions")
def create_mission_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))],
    mission_number: FormText = "",
    carrier: FormText = "",
    agreement: FormText = "",
    pathway: FormText = "",
    destination: FormText = "",
    facility: FormText = "",
    planned_departure: FormText = "",
    seats: FormText = "",
    legs: FormText = "",
) -> Response:
    """Plan a mission; a refused value comes back beside its field with what was typed."""
    values = {
        "mission_number": mission_number,
        "carrier": carrier,
        "agreement": agreement,
        "pathway": pathway,
        "destination": destination,
        "facility": facility,
        "planned_departure": planned_departure,
        "seats": seats,
        "legs": legs,
    }

    def work() -> tuple[str, str]:
        check = FieldCheck(values)
        # the service says what a mission number may be (limits.check_identifier)
        number = check.text("mission_number", "Mission number", required=True, max_length=2000)
        airline = check.text("carrier", "Carrier", required=True, max_length=128)
        chosen = check.choice("agreement", "An agreement", sorted(bundled_agreements()))
        route = check.choice("pathway", "A pathway", PATHWAYS)
        country = check.text("destination", "Destination", required=True, max_length=2)
        place = check.choice(
            "facility", "A facility", [f.id for f, _ in reads.facilities().values()]
        )
        leaves = check.moment("planned_departure", "Planned departure", required=True)
        count = check.integer("seats", "Seats", required=True, low=1, high=10_000)
        pairs = _legs(check)
        check.done()
        try:
            with ctx.write() as session:
                create_mission(
                    session,
                    actor=ctx.user,
                    mission_number=str(number),
                    carrier=str(airline),
                    agreement=str(chosen),
                    pathway=str(route),
                    destination=str(country).upper(),
                    facility=str(place),
                    planned_departure=leaves or _now(),
                    seats=count or 1,
                    legs=pairs,
                )
        except InputError as exc:  # beside the field it is about (the number, by default)
            said = str(exc)
            field = next((f for kind, f in _FIELD_OF.items() if isinstance(exc, kind)), None)
            starts = {"carrier": "carrier", "leg": "legs", "--seats": "seats"}
            if field is None:
                field = next((f for w, f in starts.items() if said.startswith(w)), None)
            raise FormError({field or "mission_number": said}, values) from exc
        return f"Mission {number} planned.", "/missions/" + quote(str(number), safe="")

    try:
        return act("/missions", work)
    except FormError as exc:
        return render_form_errors(
            request, ctx, "missions.html", errors=exc.errors, values=exc.values,
            **_missions_page(ctx, {}),
        )  # fmt: skip


def mission_page_context(ctx: Ctx, number: str) -> dict[str, Any]:
    """Everything the mission page shows (also when a form on it comes back with errors)."""
    with ctx.read() as session:
        found, rows = manifest_rows(session, mission_number=number)
        legs = list(
            session.scalars(
                select(MissionLeg).where(MissionLeg.mission_id == found.id).order_by(MissionLeg.seq)
            )
        )
        latest = reads.latest_decisions(session, [r.person_id for r in rows])
        planned = found.state == MissionState.PLANNED.value
        candidates = boardable_cases(session, found) if planned else []
        events = list(
            session.scalars(
                select(OperationsEvent)
                .where(OperationsEvent.mission_id == found.id, OperationsEvent.case_id.is_(None))
                .order_by(OperationsEvent.id)
            )
        )
        incidents = mission_incidents(session, found)
        names = reads.user_names(session)
        counts = mission_counts(session, [found])[found.id]
    ctx.audit_read("read.dashboard_manifest", f"mission:{found.mission_number}", rows=len(rows))
    return {
        "mission": found,
        "rows": rows,
        "legs": legs,
        "latest": latest,
        "candidates": candidates,
        "events": events,
        "incidents": incidents,
        "names": names,
        "counts": counts,
        "on_board": counts.on_manifest,
        "now": _now().strftime("%Y-%m-%dT%H:%M:%S"),
    }


@router.get("/missions/{number}")
def mission(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number
) -> Response:
    """The manifest: every passenger ever on it with the decision behind their boarding
    (a strike or departure) and their latest check, the mission's incidents, and the
    forms for the next step (only the cases that may fly on its date are offered)."""
    return render(request, ctx, "mission.html", **mission_page_context(ctx, number))
