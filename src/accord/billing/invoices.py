"""Monthly invoices from custody days: computed, issued once the month has ended, then final.

`invoice_for_month` is what `accord billing invoice` runs:

* a month that has not begun: refused (MonthNotBilled);
* a month still running: a draft, computed from the custody records through
  the last day that has ended (yesterday, UTC) and **not stored**; every run
  recomputes it, so it follows the records as they change;
* a month that has ended: the first run issues the invoice (needs
  `billing.issue`): its lines, total and content digest are stored with an audit
  entry, in one transaction. Every later run returns that stored invoice,
  unchanged, whatever the custody records say since; `accord billing
  reconcile` reports the differences and credit notes correct them.

One line per person and daily fee unit (per inmate-day, per person-year): the
days in custody at the agreement's facilities (midnight count, see
billing/custody.py) at the rate in force each day, from the agreement's fee
schedules (billing/fees.py, Decimal, rounded once per line). One line per
handover in the month for a per-transfer fee. Days with no rate of the unit in
force are shown as in custody but not billed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agreements import get_agreement
from accord.agreements.models import Agreement
from accord.auth import Permission, User, require_permission
from accord.billing.custody import (
    ONE_DAY,
    Month,
    custody_days,
    handovers,
    periods,
)
from accord.billing.errors import FeeScheduleError, MonthNotBilled, NoFeeSchedule, UnknownInvoice
from accord.billing.fees import (
    DAILY_UNITS,
    FeeTable,
    fee_table,
)
from accord.billing.fees import InvoiceLine as FeeLine
from accord.billing.lines import CreditView, InvoiceView, Line, content_digest, run_json
from accord.billing.models import CreditNote, Invoice, InvoiceLineRecord
from accord.db import append_audit, lock_after_reads, lock_for_write, record_time, utc_now


def billing_table(agreement: Agreement) -> FeeTable:
    """The agreement's fee table; NoFeeSchedule if it sets no fee."""
    table = fee_table(agreement)
    if not table.rates:
        raise NoFeeSchedule(
            f"agreement '{agreement.id}' has no fee schedule: there is nothing to invoice"
        )
    return table


def _fee_line(
    n: int, kind: str, facility: str, days: int, line: FeeLine, event: int | None = None
) -> Line:
    return Line(
        line_no=n,
        kind=kind,
        person_id=line.person_id,
        facility_id=facility,
        unit=line.unit,
        days_in_custody=days,
        days_billed=sum(run.days for run in line.runs) if kind == "custody" else 0,
        periods=[],
        runs=[run_json(run) for run in line.runs],
        currency=line.currency,
        amount=line.amount,
        handover_event_id=event,
    )


def compute_lines(
    session: Session, *, agreement: Agreement, month: Month, through: dt.date
) -> list[Line]:
    """The lines of the agreement's invoice for `month`, from custody as recorded now."""
    table = billing_table(agreement)
    last = min(through, month.last)
    custody = custody_days(session, agreement=agreement, first=month.first, last=last)
    lines: list[Line] = []
    units = [u for u in DAILY_UNITS if u in table.units()]
    for person_id, stay in custody.items() if units else ():
        billable = {
            unit: sorted(d for d in stay.days if table.find_rate(d, unit) is not None)
            for unit in units
        }
        # a person held on days with no fee in force still gets a line (billed 0 days)
        billed_units = [u for u in units if billable[u]] or units[:1]
        for unit in billed_units:
            fee = table.invoice_line(person_id, billable[unit], unit)
            line = _fee_line(len(lines) + 1, "custody", stay.facility_id, len(stay.days), fee)
            lines.append(replace(line, periods=periods(billable[unit])))
    if "per_transfer" in table.units():
        for handover in handovers(session, agreement=agreement, first=month.first, last=last):
            if table.find_rate(handover.day, "per_transfer") is None:
                continue
            fee = table.transfer_line(handover.person_id, handover.day)
            line = _fee_line(
                len(lines) + 1, "transfer", handover.facility_id, 0, fee, handover.event_id
            )
            lines.append(replace(line, periods=[[handover.day.isoformat()] * 2]))
    return lines


def _currency(agreement: Agreement, table: FeeTable, lines: Sequence[Line]) -> str:
    found = sorted({line.currency for line in lines if line.runs})
    if len(found) > 1:
        raise FeeScheduleError(
            f"agreement '{agreement.id}' bills in {', '.join(found)} in one month; "
            "one invoice has one currency"
        )
    return found[0] if found else table.rates[0].currency


def compute_invoice(
    session: Session, *, agreement: Agreement, month: Month, through: dt.date, status: str
) -> InvoiceView:
    table = billing_table(agreement)
    lines = compute_lines(session, agreement=agreement, month=month, through=through)
    currency = _currency(agreement, table, lines)
    total = sum((line.amount for line in lines), Decimal(0))
    digest = content_digest(
        agreement_id=agreement.id,
        agreement_version=agreement.version,
        agreement_digest=agreement.digest,
        month=month.label,
        currency=currency,
        total=total,
        lines=lines,
    )
    return InvoiceView(
        status=status,
        agreement_id=agreement.id,
        agreement_version=agreement.version,
        agreement_digest=agreement.digest,
        month=month.label,
        period_start=month.first,
        period_end=month.last,
        through=min(through, month.last),
        currency=currency,
        total=total,
        lines=tuple(lines),
        content_digest=digest,
    )


def _stored(session: Session, agreement_id: str, month: str) -> Invoice | None:
    return session.scalars(
        select(Invoice).where(Invoice.agreement_id == agreement_id, Invoice.month == month)
    ).first()


def invoice_for_month(
    session: Session,
    *,
    actor: User,
    agreement_id: str,
    month: str,
    now: dt.datetime | None = None,
) -> InvoiceView:
    """The agreement's invoice for `month` (YYYY-MM): issued, stored or draft (module doc)."""
    lock_after_reads(session)  # most calls only read: the lock is taken to issue
    period = Month.parse(month)
    agreement = get_agreement(agreement_id)
    billing_table(agreement)
    today = (now or utc_now()).astimezone(dt.UTC).date()
    if not period.started(today):
        raise MonthNotBilled(
            f"--month {period.label} has not begun (today is {today}): nothing to invoice yet"
        )
    existing = _stored(session, agreement.id, period.label)
    if existing is not None:
        return invoice_view(session, existing)
    if not period.closed(today):
        return compute_invoice(
            session, agreement=agreement, month=period, through=today - ONE_DAY, status="draft"
        )
    require_permission(actor, Permission.BILLING_ISSUE)
    lock_for_write(session)
    at = record_time(session, now)
    existing = _stored(session, agreement.id, period.label)  # another writer may have issued
    if existing is not None:
        return invoice_view(session, existing)
    view = compute_invoice(
        session, agreement=agreement, month=period, through=period.last, status="issued"
    )
    return _issue(session, view, actor=actor, at=at)


def _issue(session: Session, view: InvoiceView, *, actor: User, at: dt.datetime) -> InvoiceView:
    entry = append_audit(
        session,
        actor=actor,
        action="billing.invoice_issued",
        subject=f"invoice:{view.agreement_id}:{view.month}",
        change={
            "agreement_id": view.agreement_id,
            "agreement_version": view.agreement_version,
            "agreement_digest": view.agreement_digest,
            "month": view.month,
            "currency": view.currency,
            "total": str(view.total),
            "lines": len(view.lines),
            "content_digest": view.content_digest,
        },
        now=at,
    )
    invoice = Invoice(
        agreement_id=view.agreement_id,
        agreement_version=view.agreement_version,
        agreement_digest=view.agreement_digest,
        month=view.month,
        period_start=view.period_start,
        period_end=view.period_end,
        currency=view.currency,
        total=view.total,
        line_count=len(view.lines),
        content_digest=view.content_digest,
        issued_at=at,
        issued_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(invoice)
    session.flush()
    session.add_all(
        InvoiceLineRecord(
            invoice_id=invoice.id,
            line_no=line.line_no,
            kind=line.kind,
            person_id=line.person_id,
            facility_id=line.facility_id,
            unit=line.unit,
            days_in_custody=line.days_in_custody,
            days_billed=line.days_billed,
            periods=line.periods,
            runs=line.runs,
            handover_event_id=line.handover_event_id,
            currency=line.currency,
            amount=line.amount,
        )
        for line in view.lines
    )
    session.flush()
    return replace(invoice_view(session, invoice), newly_issued=True)


# ---- reads ---------------------------------------------------------------------------------


def get_invoice(session: Session, number: int) -> Invoice:
    invoice = session.get(Invoice, number)
    if invoice is None:
        raise UnknownInvoice(f"no invoice {number} (accord billing list shows them)")
    return invoice


def stored_lines(session: Session, invoice: Invoice) -> list[Line]:
    rows = session.scalars(
        select(InvoiceLineRecord)
        .where(InvoiceLineRecord.invoice_id == invoice.id)
        .order_by(InvoiceLineRecord.line_no)
    )
    return [Line.stored(row) for row in rows]


def credit_notes(session: Session, invoice_id: int) -> list[CreditView]:
    rows = session.execute(
        select(CreditNote, InvoiceLineRecord.line_no, User.name)
        .join(InvoiceLineRecord, CreditNote.invoice_line_id == InvoiceLineRecord.id)
        .join(User, CreditNote.issued_by_id == User.id)
        .where(CreditNote.invoice_id == invoice_id)
        .order_by(CreditNote.id)
    ).all()
    return [
        CreditView(
            note.id,
            line_no,
            note.person_id,
            note.reason,
            note.days,
            note.amount,
            note.currency,
            note.note,
            note.issued_at,
            name,
            note.items,
        )
        for note, line_no, name in rows
    ]


def invoice_view(session: Session, invoice: Invoice) -> InvoiceView:
    """A stored invoice with its lines and credit notes; checks the lines against its digest."""
    lines = stored_lines(session, invoice)
    issuer = session.get(User, invoice.issued_by_id)
    recomputed = content_digest(
        agreement_id=invoice.agreement_id,
        agreement_version=invoice.agreement_version,
        agreement_digest=invoice.agreement_digest,
        month=invoice.month,
        currency=invoice.currency,
        total=invoice.total,
        lines=lines,
    )
    return InvoiceView(
        status="issued",
        agreement_id=invoice.agreement_id,
        agreement_version=invoice.agreement_version,
        agreement_digest=invoice.agreement_digest,
        month=invoice.month,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        through=invoice.period_end,
        currency=invoice.currency,
        total=invoice.total,
        lines=tuple(lines),
        content_digest=invoice.content_digest,
        number=invoice.id,
        issued_at=invoice.issued_at,
        issued_by=issuer.name if issuer is not None else None,
        digest_verified=recomputed == invoice.content_digest,
        credit_notes=tuple(credit_notes(session, invoice.id)),
    )


def show_invoice(session: Session, *, number: int) -> InvoiceView:
    return invoice_view(session, get_invoice(session, number))


def list_invoices(
    session: Session, *, agreement_id: str | None = None, month: str | None = None
) -> list[tuple[Invoice, Decimal]]:
    """Stored invoices (oldest first), each with the total of its credit notes."""
    statement = select(Invoice).order_by(Invoice.agreement_id, Invoice.month, Invoice.id)
    if agreement_id is not None:
        statement = statement.where(Invoice.agreement_id == get_agreement(agreement_id).id)
    if month is not None:
        statement = statement.where(Invoice.month == Month.parse(month).label)
    invoices = list(session.scalars(statement))
    credited: dict[int, Decimal] = {}
    for invoice_id, amount in session.execute(
        select(CreditNote.invoice_id, CreditNote.amount).where(
            CreditNote.invoice_id.in_([i.id for i in invoices])
        )
    ):
        credited[invoice_id] = credited.get(invoice_id, Decimal(0)) + amount
    return [(i, credited.get(i.id, Decimal(0))) for i in invoices]
