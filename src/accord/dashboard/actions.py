"""The dashboard's forms: each POST calls one service function (as the CLI does) in one write
transaction and redirects back to the page it came from (POST-redirect-GET).

The API's `require` checks the role and, for a session cookie, the `csrf_token`
field. A refusal by the service (an illegal step, a failed rule of law, a bad
value) is shown as a message on that page, with nothing written.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path
from fastapi.responses import Response

from accord.api.deps import NO_NUL, PERSON_ID_PATTERN, Ctx, RecordId, require
from accord.auth import Permission
from accord.dashboard.pages import PageRoute, act
from accord.errors import InputError
from accord.limits import (
    IDENTIFIER_MAX,
    IDENTIFIER_PATTERN,
    LONG_TEXT_MAX,
    NAME_MAX,
    ONE_LINE_PATTERN,
    PERSON_ID_MAX,
    SHORT_TEXT_MAX,
)
from accord.operations.care import record_visit
from accord.operations.events import get_case
from accord.operations.missions import add_to_mission, check_mission, create_mission, depart_mission
from accord.operations.states import ApproveReason, DenyReason, FindingSeverity
from accord.operations.workflow import confirm_notice, nominate, review, serve_notices

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
# the limits of accord/limits.py, as the API's request models have them
PersonPath = Annotated[str, Path(min_length=1, max_length=PERSON_ID_MAX, pattern=PERSON_ID_PATTERN)]
Number = Annotated[str, Path(min_length=1, max_length=IDENTIFIER_MAX, pattern=NO_NUL)]
Short = Annotated[str, Form(max_length=IDENTIFIER_MAX, pattern=NO_NUL)]
NameField = Annotated[str, Form(min_length=1, max_length=NAME_MAX, pattern=ONE_LINE_PATTERN)]
Text = Annotated[str, Form(max_length=LONG_TEXT_MAX, pattern=NO_NUL)]
E = TypeVar("E", bound=StrEnum)


def _code(kind: type[E], value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        codes = ", ".join(k.value for k in kind)
        raise InputError(f"reason '{value}' is not one of: {codes}") from None


def _moment(value: str, what: str) -> dt.datetime:
    """A datetime-local field (no zone), read as UTC; or an ISO time with a zone."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} '{value}': use YYYY-MM-DDTHH:MM (UTC)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _day(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} '{value}': use YYYY-MM-DD") from None


def _person_page(person_id: str) -> str:
    return "/people/" + quote(person_id, safe="")


def _mission_page(number: str) -> str:
    return "/missions/" + quote(number, safe="")


@router.post("/people/{person_id}/nominate")
def nominate_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_NOMINATE))],
    person_id: PersonPath,
    agreement: Short,
    pathway: Short,
    destination: Short,
    facility: Short = "",
    note: Text = "",
) -> Response:
    def work() -> str:
        with ctx.write() as session:
            case = nominate(
                session,
                actor=ctx.user,
                person_id=person_id,
                agreement=agreement,
                pathway=pathway,
                destination=destination,
                facility=facility or None,
                note=note,
            )
            return f"Nominated: transfer case {case.id}. A legal reviewer must review it."

    return act(_person_page(person_id), work)


def _case_person(ctx: Ctx, case_id: int) -> str:
    with ctx.read() as session:
        return get_case(session, case_id).person_id


@router.post("/cases/{case_id}/review")
def review_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_REVIEW))],
    case_id: RecordId,
    decision: Annotated[str, Form(pattern=r"^(approve|deny)$")],
    reason: Short,
    note: Text = "",
) -> Response:
    approve = decision == "approve"

    def work() -> str:
        code = _code(ApproveReason, reason) if approve else _code(DenyReason, reason)
        with ctx.write() as session:
            event = review(
                session, actor=ctx.user, case_id=case_id, approve=approve, reason=code, note=note
            )
            return f"Case {case_id} {event.kind}: now {event.to_state}."

    return act(_person_page(_case_person(ctx, case_id)), work)


@router.post("/cases/{case_id}/notice")
def notice_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_NOTICE))],
    case_id: RecordId,
    served_on: Annotated[str, Form(max_length=10)],
    source_document: Annotated[str, Form(max_length=SHORT_TEXT_MAX, pattern=NO_NUL)],
    counsel: Annotated[bool, Form()] = False,
    exigent: Annotated[bool, Form()] = False,
) -> Response:
    def work() -> str:
        with ctx.write() as session:
            (event,) = serve_notices(
                session,
                actor=ctx.user,
                case_ids=[case_id],
                served_on=_day(served_on, "served on"),
                counsel=counsel,
                exigent=exigent,
                source_document=source_document,
            )
            if event.kind != "notice_served":
                return (
                    f"Notice recorded for case {case_id} "
                    f"{event.details['recorded_days_late']} days after service: "
                    "another legal reviewer must confirm it before it counts."
                )
            earliest = event.details.get("earliest_departure", "")
            return f"Notice recorded for case {case_id}: may depart from {earliest}."

    return act(_person_page(_case_person(ctx, case_id)), work)


@router.post("/cases/{case_id}/notice/confirm")
def confirm_notice_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_REVIEW))], case_id: RecordId
) -> Response:
    def work() -> str:
        with ctx.write() as session:
            event = confirm_notice(session, actor=ctx.user, case_id=case_id)
            earliest = event.details.get("earliest_departure", "")
            return f"Notice confirmed for case {case_id}: may depart from {earliest}."

    return act(_person_page(_case_person(ctx, case_id)), work)


@router.post("/missions")
def create_mission_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))],
    mission_number: Annotated[str, Form(max_length=IDENTIFIER_MAX, pattern=IDENTIFIER_PATTERN)],
    carrier: NameField,
    agreement: Short,
    pathway: Short,
    destination: Short,
    facility: Short,
    planned_departure: Annotated[str, Form(max_length=32)],
    seats: Annotated[int, Form(ge=1, le=10_000)],
    legs: Annotated[str, Form(max_length=2000, pattern=NO_NUL)],
) -> Response:
    def work() -> tuple[str, str]:
        pairs = []
        for leg in legs.replace(";", ",").split(","):
            pickup, sep, dropoff = leg.strip().partition(":")
            if not (sep and pickup.strip() and dropoff.strip()):
                raise InputError(f"leg '{leg.strip()}': write PICKUP:DROPOFF, comma-separated")
            pairs.append((pickup.strip(), dropoff.strip()))
        with ctx.write() as session:
            create_mission(
                session,
                actor=ctx.user,
                mission_number=mission_number,
                carrier=carrier,
                agreement=agreement,
                pathway=pathway,
                destination=destination,
                facility=facility,
                planned_departure=_moment(planned_departure, "planned departure"),
                seats=seats,
                legs=pairs,
            )
        return f"Mission {mission_number} planned.", _mission_page(mission_number)

    return act("/missions", work)


@router.post("/missions/{number}/passengers")
def add_passengers_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))],
    number: Number,
    case_id: Annotated[list[int], Form(min_length=1, max_length=500)],
) -> Response:
    def work() -> str:
        with ctx.write() as session:
            added = add_to_mission(session, actor=ctx.user, mission_number=number, case_ids=case_id)
            return f"Added to the manifest: case(s) {', '.join(str(c.id) for c in added)}."

    return act(_mission_page(number), work)


@router.post("/missions/{number}/check")
def check_form(ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))], number: Number) -> Response:
    def work() -> str:
        with ctx.write() as session:
            result = check_mission(session, actor=ctx.user, mission_number=number)
        struck = ", ".join(f"case {s.case_id} {s.outcome}" for s in result.struck)
        return (
            f"Boarding check: {result.checked} checked, {result.cleared} eligible, "
            f"{len(result.struck)} would be struck" + (f" ({struck})." if struck else ".")
        )

    return act(_mission_page(number), work)


@router.post("/missions/{number}/depart")
def depart_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_MISSIONS))],
    number: Number,
    departed_at: Annotated[str, Form(max_length=32)],
) -> Response:
    def work() -> str:
        moment = _moment(departed_at, "departed at")
        with ctx.write() as session:
            result = depart_mission(
                session, actor=ctx.user, mission_number=number, departed_at=moment
            )
        if result.departed:
            return f"Mission {number} departed with {result.cleared} passenger(s)."
        struck = ", ".join(f"case {s.case_id} {s.outcome}" for s in result.struck)
        return (
            f"Departure refused: {len(result.struck)} struck at boarding ({struck}); they are "
            "off the manifest. Depart again to depart the verified manifest."
        )

    return act(_mission_page(number), work)


@router.post("/visits")
def visit_form(
    ctx: Annotated[Ctx, Depends(require(P.OPS_VISITS))],
    facility: Short,
    visited_on: Annotated[str, Form(max_length=10)],
    summary: Text,
    severity: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006 (FastAPI copies it)
    finding: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006
    recommendation: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006
) -> Response:
    def work() -> str:
        findings = [
            (_code(FindingSeverity, s), f.strip(), r.strip())
            for s, f, r in zip(severity, finding, recommendation, strict=False)
            if f.strip()
        ]
        with ctx.write() as session:
            visit = record_visit(
                session,
                actor=ctx.user,
                facility_id=facility,
                visited_on=_day(visited_on, "visited on"),
                summary=summary,
                findings=findings,
            )
            return f"Visit {visit.id} to {facility} recorded with {len(findings)} finding(s)."

    return act("/visits", work)
