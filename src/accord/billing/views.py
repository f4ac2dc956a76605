"""HTTP routes of billing: monthly invoices, their preview, reconcile, credit notes.

Thin: parse, call the billing services in one session, return. Issuing is
final, so it has its own route and permission (`POST /invoices`, billing.issue);
every role that reads bills may preview (`GET /invoices/preview`), which never
stores anything. Reads that show person ids are recorded in the audit chain.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from accord.agreements import get_agreement
from accord.api.deps import Ctx, Name64, RecordId, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.auth import Permission, User
from accord.billing.custody import Month
from accord.billing.invoices import (
    compute_invoice,
    invoice_for_month,
    invoice_view,
    list_invoices,
    show_invoice,
)
from accord.billing.lines import InvoiceView
from accord.billing.reconcile import issue_credit_notes, reconcile_invoices
from accord.billing.schemas import (
    CreditNoteIn,
    CreditNoteOut,
    InvoiceIn,
    InvoiceOut,
    InvoiceSummaryOut,
    MonthText,
    ReconcileOut,
)
from accord.db import utc_now

P = Permission
router = APIRouter(tags=["billing"], responses=PROBLEM_RESPONSES)
AgreementQuery = Annotated[Name64, Query(examples=["sv-2025-offer"])]
MonthQuery = Annotated[MonthText, Query()]


def _audit_invoice(ctx: Ctx, out: InvoiceOut) -> None:
    ctx.audit_read(
        "read.invoice",
        f"invoice:{out.agreement_id}:{out.month}",
        invoice=out.number,
        status=out.status,
        lines=len(out.lines),
    )


def preview_invoice(
    session: Session, *, actor: User, agreement_id: str, month: str, now: dt.datetime
) -> InvoiceView:
    """The stored invoice, else a draft: through yesterday for a running month, the whole
    month for a closed one not yet issued (what issuing would store now). Stores nothing."""
    period = Month.parse(month)
    if not period.closed(now.date()):
        # the service drafts (or refuses) a month that has not ended; it never issues one
        return invoice_for_month(
            session, actor=actor, agreement_id=agreement_id, month=month, now=now
        )
    stored = list_invoices(session, agreement_id=agreement_id, month=month)
    if stored:
        return invoice_view(session, stored[0][0])
    agreement = get_agreement(agreement_id)
    return compute_invoice(
        session, agreement=agreement, month=period, through=period.last, status="draft"
    )


@router.post(
    "/invoices",
    status_code=201,
    responses={200: {"model": InvoiceOut, "description": "Already issued, or a draft"}},
)
def issue_invoice(
    ctx: Annotated[Ctx, Depends(require(P.BILLING_ISSUE))], body: InvoiceIn, response: Response
) -> InvoiceOut:
    """Issue the agreement's invoice for a month that has ended (201; final from then on).

    An invoice already issued is returned unchanged (200); a month still running gets a
    draft through yesterday, not stored (200).
    """
    with ctx.write() as session:
        view = invoice_for_month(
            session, actor=ctx.user, agreement_id=body.agreement, month=body.month
        )
        out = InvoiceOut.of(view)
    if not view.newly_issued:  # issuing is audited by the service; anything else is a read
        response.status_code = 200
        _audit_invoice(ctx, out)
    return out


# before /invoices/{invoice_id}, which would otherwise match "preview"
@router.get("/invoices/preview")
def preview(
    ctx: Annotated[Ctx, Depends(require(P.BILLING_READ))],
    agreement: AgreementQuery,
    month: MonthQuery,
) -> InvoiceOut:
    """The issued invoice for the month, or the draft issuing would store; stores nothing."""
    with ctx.read() as session:
        out = InvoiceOut.of(
            preview_invoice(
                session, actor=ctx.user, agreement_id=agreement, month=month, now=utc_now()
            )
        )
    _audit_invoice(ctx, out)
    return out


@router.get("/invoices")
def invoices(
    ctx: Annotated[Ctx, Depends(require(P.BILLING_READ))],
    agreement: Annotated[Name64 | None, Query()] = None,
    month: Annotated[MonthText | None, Query()] = None,
) -> list[InvoiceSummaryOut]:
    """Issued invoices, oldest first, with totals and credits (no lines, no person ids)."""
    with ctx.read() as session:
        rows = list_invoices(session, agreement_id=agreement, month=month)
    return [InvoiceSummaryOut.of(invoice, credited) for invoice, credited in rows]


@router.get("/invoices/{invoice_id}")
def show(ctx: Annotated[Ctx, Depends(require(P.BILLING_READ))], invoice_id: RecordId) -> InvoiceOut:
    """One issued invoice with its lines, rates, digest check and credit notes."""
    with ctx.read() as session:
        out = InvoiceOut.of(show_invoice(session, number=invoice_id))
    _audit_invoice(ctx, out)
    return out


@router.get("/billing/reconcile")
def reconcile(
    ctx: Annotated[Ctx, Depends(require(P.BILLING_READ))],
    agreement: Annotated[Name64 | None, Query()] = None,
    month: Annotated[MonthText | None, Query()] = None,
) -> ReconcileOut:
    """Every issued invoice line against today's custody records: the days billed wrongly."""
    with ctx.read() as session:
        out = ReconcileOut.of(reconcile_invoices(session, agreement_id=agreement, month=month))
    ctx.audit_read(
        "read.billing_reconcile",
        "invoices",
        agreement=agreement,
        month=month,
        differences=len(out.differences),
    )
    return out


@router.post("/invoices/{invoice_id}/credit-notes", status_code=201)
def credit_notes(
    ctx: Annotated[Ctx, Depends(require(P.BILLING_ISSUE))],
    invoice_id: RecordId,
    body: CreditNoteIn,
) -> list[CreditNoteOut]:
    """Credit the days of the invoice (or one line) that reconcile finds over-billed.

    The invoice never changes; each credit note names its line, the days and why.
    """
    with ctx.write() as session:
        notes = issue_credit_notes(
            session, actor=ctx.user, invoice_number=invoice_id, line_no=body.line, note=body.note
        )
    return [CreditNoteOut.of(note, invoice_id) for note in notes]
