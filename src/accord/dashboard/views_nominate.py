"""Nominating on the web: the form, and the decision the nomination recorded.

GET shows the form beside who the person is. POST decides as of now
(operations/nomination.py): a field problem comes back beside its field (400); a
refusal (a rule fails that no later step cures) comes back as this page with the
decision, its failed rules and citations and the record kept (409), the typed
values still in the form; an accepted nomination goes to the person's page with
the outcome, the decision record and any warnings in the message.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response

from accord.agreements import bundled_agreements
from accord.api.deps import PERSON_ID_PATTERN, Ctx, require
from accord.auth import Permission
from accord.dashboard.forms import FieldCheck, FormError, render_form_errors
from accord.dashboard.labels import label
from accord.dashboard.pages import PageRoute, redirect, render
from accord.dashboard.views_review import decision_view, person_summary
from accord.errors import (
    AccordError,
    UnknownAgreement,
    UnknownCountry,
    UnknownFacility,
    UnknownPathway,
    UnknownPerson,
)
from accord.limits import IDENTIFIER_MAX, LONG_TEXT_MAX, PERSON_ID_MAX
from accord.operations.nomination import nominate_with_decision
from accord.pathways import PATHWAYS

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
PersonPath = Annotated[str, Path(min_length=1, max_length=PERSON_ID_MAX, pattern=PERSON_ID_PATTERN)]
Field = Annotated[str, Form(max_length=IDENTIFIER_MAX)]
# which form field a service's refusal of a value is about
FIELD_OF = {
    UnknownAgreement: "agreement",
    UnknownPathway: "pathway",
    UnknownCountry: "destination",
    UnknownFacility: "facility",
}


def _person_page(person_id: str) -> str:
    return "/people/" + quote(person_id, safe="")


def _page(ctx: Ctx, person_id: str) -> dict[str, Any]:
    with ctx.read() as session:
        person = person_summary(session, person_id)  # UnknownPerson: a 404 page
    ctx.audit_read("read.dashboard_nominate", f"person:{person_id}")
    return {
        "person_id": person_id,
        "person": person,
        "agreements": [(a, a) for a in sorted(bundled_agreements())],
        "pathways": [(p, label("pathway", p)) for p in PATHWAYS],
        "decision": None,
    }


@router.get("/people/{person_id}/nominate")
def nominate_page(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_NOMINATE))], person_id: PersonPath
) -> Response:
    """The nomination form: agreement, pathway, destination, facility; nothing pre-chosen."""
    return render(request, ctx, "nominate.html", **_page(ctx, person_id))


@router.post("/people/{person_id}/nominate")
def nominate_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_NOMINATE))],
    person_id: PersonPath,
    agreement: Field = "",
    pathway: Field = "",
    destination: Field = "",
    facility: Field = "",
    note: Annotated[str, Form(max_length=LONG_TEXT_MAX)] = "",
) -> Response:
    values = {
        "agreement": agreement,
        "pathway": pathway,
        "destination": destination,
        "facility": facility,
        "note": note,
    }
    check = FieldCheck(values)
    chosen_agreement = check.choice("agreement", "An agreement", sorted(bundled_agreements()))
    chosen_pathway = check.choice("pathway", "A pathway", PATHWAYS)
    country = check.text("destination", "Destination", required=True, max_length=2)
    if country is not None and not (len(country) == 2 and country.isalpha()):
        check.fail("destination", "Destination must be a two-letter country code, like SV")
    place = check.text("facility", "Facility", max_length=IDENTIFIER_MAX)
    text = check.text("note", "Note", max_length=LONG_TEXT_MAX) or ""
    try:
        check.done()
        assert chosen_agreement is not None
        assert chosen_pathway is not None
        assert country is not None
        with ctx.write() as session:
            done = nominate_with_decision(
                session,
                actor=ctx.user,
                person_id=person_id,
                agreement=chosen_agreement,
                pathway=chosen_pathway,
                destination=country.upper(),
                facility=place,
                note=text,
            )
            case_id = done.case.id if done.case is not None else None
    except FormError as exc:
        return render_form_errors(
            request, ctx, "nominate.html", errors=exc.errors, values=exc.values,
            **_page(ctx, person_id) | {"decision": None},
        )  # fmt: skip
    except UnknownPerson:
        raise
    except AccordError as exc:
        field = next((f for kind, f in FIELD_OF.items() if isinstance(exc, kind)), None)
        if field is None and "--facility" in str(exc):
            field = "facility"
        if field is None:  # not about one value (e.g. a case already active): the message
            return redirect(_person_page(person_id), str(exc), error=True)
        return render_form_errors(
            request, ctx, "nominate.html", errors={field: str(exc)}, values=values,
            **_page(ctx, person_id),
        )  # fmt: skip
    if case_id is None:  # refused, its decision record kept (committed above)
        return render(
            request,
            ctx,
            "nominate.html",
            status=409,
            **_page(ctx, person_id)
            | {
                "decision": decision_view(done.decision, done.decision_record_id),
                "refusal": done.refusal_message(),
                "values": values,
            },
        )
    warnings = "".join(f" Warning: {w}." for w in done.warnings)
    return redirect(
        _person_page(person_id) + f"#case-{case_id}",
        f"Nominated: transfer case {case_id}. Decision record {done.decision_record_id}: "
        f"{label('outcome', done.decision.outcome)} as of {done.decision.as_of}.{warnings} "
        "A legal reviewer must review it.",
    )
