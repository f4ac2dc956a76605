"""The review queue (legal reviewers): each nominated case with its decision as of today,
and the review form with that decision beside it.

The queue decides every case on the page again from the registry as of today, on the
facts known now, without keeping a record (a page view is not a decision anyone acted on;
the review records the decision it acts on). Deciding costs a one-person engine run per
row, so the queue is paged (QUEUE.page_size rows). Approval is offered only when no failed
rule is one that no later step cures (nomination.blocking_failures); the service refuses
such an approval anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from accord.agreements import bundled_agreements
from accord.api.deps import Ctx, RecordId, require
from accord.auth import Permission, User
from accord.dashboard.forms import FieldCheck, FormError, render_form_errors
from accord.dashboard.labels import label
from accord.dashboard.listing import Choice, Column, Listing, wants_csv
from accord.dashboard.pages import PageRoute, act, render
from accord.engine import Decision
from accord.limits import LONG_TEXT_MAX
from accord.operations.events import get_case
from accord.operations.models import TransferCase
from accord.operations.nomination import (
    COMPLETED_BY_WORKFLOW,
    blocking_failures,
    current_decision,
    decision_warnings,
)
from accord.operations.states import ApproveReason, CaseState, DenyReason
from accord.operations.workflow import review
from accord.registry import person_case_file

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)

QUEUE = Listing(
    columns=(
        Column("id", "Case", href="/review/{id}"),
        Column("person_id", "Person", mask=True, href="/people/{person_id}"),
        Column(
            "agreement_id",
            "Agreement",
            filter=Choice([(a, a) for a in sorted(bundled_agreements())]),
        ),
        Column("destination", "To"),
        Column("decision", "Decision today", sortable=False, csv=False),
        Column("nominated_at", "Waiting since"),
        Column("nominator", "Nominated by"),
    ),
    default_sort="nominated_at",  # oldest first: the longest wait is reviewed first
    unique="id",
    page_size=20,  # each row is decided again as the page is drawn
)


def decision_view(decision: Decision, record_id: int | None = None) -> dict[str, Any]:
    """What templates/_decision.html shows of a decision."""
    blocking = [r.rule for r in blocking_failures(decision)]
    return {
        "outcome": decision.outcome,
        "as_of": decision.as_of,
        "record_id": record_id,
        "failed": [r.as_dict() for r in decision.failed],
        "unknown": [r.as_dict() for r in decision.unknown],
        "blocking": blocking,
        "completed": sorted(COMPLETED_BY_WORKFLOW),
        "warnings": decision_warnings(decision),
        "approvable": not blocking,
    }


def person_summary(session: Session, person_id: str) -> dict[str, Any]:
    """Who the person is, to check identity beside a decision: name, birth, nationality."""
    found = person_case_file(session, person_id=person_id)
    return {
        "name": found.name,
        "birth_date": found.birth_date,
        "citizenship": found.citizenship,
        "nationalities": ", ".join(found.nationalities or []) or "not known",
    }


def _age(since: dt.datetime, now: dt.datetime) -> str:
    waited = now - since
    if waited.days >= 1:
        return f"{waited.days} day{'s' if waited.days != 1 else ''}"
    hours = waited.seconds // 3600
    return f"{hours} hour{'s' if hours != 1 else ''}" if hours else "under an hour"


def _queue_statement() -> Select[*tuple[Any, ...]]:
    return (
        select(
            TransferCase.id.label("id"),
            TransferCase.person_id.label("person_id"),
            TransferCase.agreement_id.label("agreement_id"),
            TransferCase.pathway.label("pathway"),
            TransferCase.destination.label("destination"),
            TransferCase.facility_id.label("facility_id"),
            TransferCase.nominated_at.label("nominated_at"),
            TransferCase.nominated_by_id.label("nominated_by_id"),
            User.name.label("nominator"),
        )
        .join(User, User.id == TransferCase.nominated_by_id)
        .where(TransferCase.state == CaseState.NOMINATED.value)
    )


@router.get("/review")
def review_queue(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_REVIEW))]) -> Response:
    """Nominated cases, longest waiting first, each decided as of today."""
    from accord.dashboard.pages import masker

    if wants_csv(request.query_params):  # the list without its decisions (those are drawn)
        return QUEUE.csv_response(
            ctx,
            _queue_statement(),
            request.query_params,
            filename="review-queue.csv",
            audit=("read.dashboard_review_queue", "transfer cases"),
        )
    now = dt.datetime.now(dt.UTC)
    with ctx.read() as session:
        page = QUEUE.apply(
            session, _queue_statement(), request.query_params, masked=ctx.masked, pid=masker(ctx)
        )
        for row in page.rows:
            case = get_case(session, row["id"])
            row["decision"] = decision_view(current_decision(session, case, now.date()))
            row["age"] = _age(row["nominated_at"], now)
            row["own"] = row["nominated_by_id"] == ctx.user.id
    ctx.audit_read("read.dashboard_review_queue", "transfer cases", count=len(page.rows))
    return render(request, ctx, "review_queue.html", page=page, today=now.date())


def _review_context(ctx: Ctx, case_id: int) -> dict[str, Any]:
    today = dt.datetime.now(dt.UTC).date()
    with ctx.read() as session:
        case = get_case(session, case_id)
        nominator = session.get(User, case.nominated_by_id)
        context = {
            "case": case,
            "person": person_summary(session, case.person_id),
            "nominator": nominator.name if nominator is not None else "?",
            "decision": (
                decision_view(current_decision(session, case, today))
                if case.state == CaseState.NOMINATED.value
                else None
            ),
            "own": case.nominated_by_id == ctx.user.id,
            "approve_reasons": [(r.value, label("approve_reason", r.value)) for r in ApproveReason],
            "deny_reasons": [(r.value, label("deny_reason", r.value)) for r in DenyReason],
            "failed_form": "",
        }
    ctx.audit_read("read.dashboard_review_case", f"person:{case.person_id}", case_id=case_id)
    return context


@router.get("/review/{case_id}")
def review_page(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_REVIEW))], case_id: RecordId
) -> Response:
    """One nominated case: who, the decision as of today beside the approve and deny forms."""
    return render(request, ctx, "review_case.html", **_review_context(ctx, case_id))


FormText = Annotated[str, Form(max_length=LONG_TEXT_MAX)]


@router.post("/review/{case_id}")  # the review page's forms: the queue's menu item stays lit
@router.post("/cases/{case_id}/review")  # the person page's forms
def review_form(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_REVIEW))],
    case_id: RecordId,
    decision: Annotated[str, Form(pattern=r"^(approve|deny)$")],
    reason: Annotated[str, Form(max_length=64)] = "",
    note: FormText = "",
    back: Annotated[str, Form(pattern=r"^(queue)?$")] = "",  # from the queue: back to it
) -> Response:
    """Approve or deny with a coded reason chosen (none is pre-selected). A missing reason
    comes back beside its field; a refusal by the service (a failed rule, the nominator
    reviewing) as a message on the page, nothing written."""
    approve = decision == "approve"
    kind = ApproveReason if approve else DenyReason
    values = {"reason": reason, "note": note}
    with ctx.read() as session:
        person_id = get_case(session, case_id).person_id
    person_page = "/people/" + quote(person_id, safe="") + f"#case-{case_id}"
    here = f"/review/{case_id}" if back == "queue" else person_page

    def work() -> tuple[str, str]:
        check = FieldCheck(values)
        chosen = check.choice(
            "reason",
            "an approval reason" if approve else "a denial reason",
            [k.value for k in kind],
        )
        text = check.text("note", "Note", max_length=LONG_TEXT_MAX) or ""
        check.done()
        assert chosen is not None
        code = ApproveReason(chosen) if approve else DenyReason(chosen)
        with ctx.write() as session:
            event = review(
                session, actor=ctx.user, case_id=case_id, approve=approve, reason=code, note=text
            )
        to = label("case_state", event.to_state or "")
        why = label("approve_reason" if approve else "deny_reason", chosen)
        message = f"Case {case_id} {event.kind} ({why}): now {to}."
        return message, "/review" if back == "queue" else person_page

    try:
        return act(here, work)
    except FormError as exc:
        context = _review_context(ctx, case_id) | {"failed_form": decision}
        return render_form_errors(
            request, ctx, "review_case.html", errors=exc.errors, values=exc.values, **context
        )
