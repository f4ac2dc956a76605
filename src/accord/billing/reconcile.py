"""Reconcile issued invoices with the custody records as they stand now; credit notes.

An issued invoice never changes. Custody records can: a release recorded late
with the day it happened, a handover resolved after the month was billed, a
corrected fee schedule. `reconcile` checks every stored line, day by day,
against the custody records and fee schedules of today and reports:

* ``billed_not_in_custody``: a day billed on which the person was not held
  (over-billed; a credit note refunds it);
* ``in_custody_not_billed``: a day held (with a fee in force) that no line bills
  (under-billed; reported, to be billed by hand or on a supplementary invoice);
* ``wrong_rate``: a day billed at a daily charge other than the one in force
  (over- or under-billed by the difference);
* ``transfer_not_handed_over`` / ``transfer_not_billed``: the same for
  per-transfer fees and the handovers of the month.

Credit notes settle over-billing: each references one invoice line, says which
days and why, and credits the line's amount less what the line would have been
at the corrected charges (rounded once, so crediting every day of a line credits
exactly its amount). Reconcile values an over-billing or wrong rate the same way
(`lines.line_change`: the line's rounded total before less after settling it), so it
reports to the cent what the credit note credits. Reconcile counts credited days at
their corrected charge, so a difference once credited is not reported again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agreements import get_agreement
from accord.auth import Permission, User, require_permission
from accord.billing.custody import Month, custody_days, days_of, handovers, periods
from accord.billing.errors import NothingToCredit, UnknownInvoice
from accord.billing.fees import DAILY_UNITS, FeeTable, FeeUnit, Rate, year_length
from accord.billing.invoices import billing_table, credit_notes, get_invoice, stored_lines
from accord.billing.lines import (
    NO_CHARGE,
    Charge,
    CreditView,
    Line,
    charge_text,
    line_change,
    round_total,
    same_charge,
)
from accord.billing.models import CreditNote, Invoice
from accord.db import append_audit, canonical_json, lock_for_write, record_time, sha256_hex

OVER = frozenset({"billed_not_in_custody", "transfer_not_handed_over"})
NOT_HELD = "not in custody"


@dataclass(frozen=True)
class Difference:
    """One kind of difference on one line (or for one person with no line), over some days."""

    invoice: int
    agreement_id: str
    month: str
    line_no: int | None
    person_id: str
    code: str
    periods: list[list[str]]
    days: int
    billed: str
    correct: str
    amount: Decimal  # positive: over-billed (owed back); negative: under-billed

    @property
    def over_billed(self) -> bool:
        return self.amount > 0 or self.code in OVER


@dataclass(frozen=True)
class ReconcileReport:
    invoices: int
    lines: int
    differences: tuple[Difference, ...]

    @property
    def clean(self) -> bool:
        return not self.differences

    @property
    def over_billed(self) -> Decimal:
        return sum((d.amount for d in self.differences if d.amount > 0), Decimal(0))

    @property
    def under_billed(self) -> Decimal:
        return -sum((d.amount for d in self.differences if d.amount < 0), Decimal(0))


@dataclass
class _LineCheck:
    """One stored line beside today's records: per day, the charge billed net of credit
    notes (`effective`) and the charge due now (`correct`; None: not in custody)."""

    line: Line
    effective: dict[dt.date, Charge]
    correct: dict[dt.date, Charge | None]

    def over_days(self) -> list[dt.date]:
        return [d for d, c in self.effective.items() if self.correct[d] is None and c[0] != 0]

    def rate_days(self) -> list[dt.date]:
        return [
            d
            for d, c in self.effective.items()
            if (due := self.correct[d]) is not None and not same_charge(c, due)
        ]

    def corrected(self) -> dict[dt.date, Charge]:
        """The line's charges once every over-billed day is credited (under-billing stays)."""
        out = dict(self.effective)
        for day, charge in self.effective.items():
            due = self.correct[day]
            if due is None:
                out[day] = NO_CHARGE
            elif charge[0] * due[1] > due[0] * charge[1]:
                out[day] = due
        return out


def _charge(rate: Rate, day: dt.date) -> Charge:
    if rate.unit == "per_person_year":
        return (rate.amount, year_length(day, rate.proration))
    return (rate.amount, 1)


def _effective(line: Line, notes: Iterable[CreditView]) -> dict[dt.date, Charge]:
    charges = line.billed_charges()
    for note in notes:
        for item in note.items:
            corrected = (Decimal(item["corrected"][0]), int(item["corrected"][1]))
            for day in days_of(item["periods"]):
                if day in charges:
                    charges[day] = corrected
    return charges


def _checks(session: Session, invoice: Invoice) -> tuple[list[_LineCheck], list[Difference]]:
    """Each stored line against today's records, and the persons and handovers no line bills."""
    agreement = get_agreement(invoice.agreement_id)
    table = billing_table(agreement)
    month = Month.parse(invoice.month)
    held = custody_days(session, agreement=agreement, first=month.first, last=month.last)
    handed = {
        h.event_id: h
        for h in handovers(session, agreement=agreement, first=month.first, last=month.last)
    }
    notes = credit_notes(session, invoice.id)
    checks: list[_LineCheck] = []
    billed_keys: set[tuple[str, str]] = set()
    billed_transfers: set[int] = set()
    unbilled: list[Difference] = []

    def under(line: Line | None, person: str, code: str, due: dict[dt.date, Charge]) -> None:
        unbilled.append(
            Difference(
                invoice.id,
                invoice.agreement_id,
                invoice.month,
                line.line_no if line else None,
                person,
                code,
                periods(due),
                len(due),
                "not billed",
                ", ".join(sorted({charge_text(c) for c in due.values()})),
                -round_total(due.values()),
            )
        )

    for line in stored_lines(session, invoice):
        effective = _effective(line, (n for n in notes if n.line_no == line.line_no))
        if line.kind == "transfer":
            event = handed.get(line.handover_event_id or -1)
            billed_transfers.add(line.handover_event_id or -1)
            rate = table.find_rate(event.day, "per_transfer") if event else None
            correct = {d: (rate.amount, 1) if rate else None for d in effective}
            checks.append(_LineCheck(line, effective, correct))
            continue
        unit: FeeUnit = line.unit  # type: ignore[assignment]
        billed_keys.add((line.person_id, unit))
        days = held[line.person_id].days if line.person_id in held else set()
        correct = {d: _due(table, d, unit) if d in days else None for d in effective}
        checks.append(_LineCheck(line, effective, correct))
        missing = {d: c for d in days - set(effective) if (c := _due(table, d, unit)) != NO_CHARGE}
        if missing:
            under(line, line.person_id, "in_custody_not_billed", missing)
    for person_id, stay in held.items():
        for unit in (u for u in DAILY_UNITS if u in table.units()):
            if (person_id, unit) in billed_keys:
                continue
            owed = {d: c for d in stay.days if (c := _due(table, d, unit)) != NO_CHARGE}
            if owed:
                under(None, person_id, "in_custody_not_billed", owed)
    for event_id, handover in handed.items():
        rate = table.find_rate(handover.day, "per_transfer")
        if event_id not in billed_transfers and rate is not None:
            under(
                None,
                handover.person_id,
                "transfer_not_billed",
                {handover.day: _charge(rate, handover.day)},
            )
    return checks, unbilled


def _due(table: FeeTable, day: dt.date, unit: FeeUnit) -> Charge:
    rate = table.find_rate(day, unit)
    return _charge(rate, day) if rate is not None else NO_CHARGE


def _line_differences(invoice: Invoice, check: _LineCheck) -> list[Difference]:
    line = check.line
    found: list[Difference] = []
    # each difference is worth what settling it changes the line's rounded total by (as a
    # credit note counts it): first the days not held, then the wrong rates
    without_over = dict(check.effective)
    settled = dict(check.effective)
    over = check.over_days()
    if over:
        charged = [check.effective[d] for d in over]
        without_over.update({d: NO_CHARGE for d in over})
        settled.update(without_over)
        found.append(
            Difference(
                invoice.id,
                invoice.agreement_id,
                invoice.month,
                line.line_no,
                line.person_id,
                "transfer_not_handed_over" if line.kind == "transfer" else "billed_not_in_custody",
                periods(over),
                len(over),
                ", ".join(sorted({charge_text(c) for c in charged})),
                NOT_HELD,
                line_change(check.effective.values(), without_over.values()),
            )
        )
    wrong = check.rate_days()
    if wrong:
        billed = [check.effective[d] for d in wrong]
        due = [c for d in wrong if (c := check.correct[d]) is not None]
        settled.update({d: c for d in wrong if (c := check.correct[d]) is not None})
        found.append(
            Difference(
                invoice.id,
                invoice.agreement_id,
                invoice.month,
                line.line_no,
                line.person_id,
                "wrong_rate",
                periods(wrong),
                len(wrong),
                ", ".join(sorted({charge_text(c) for c in billed})),
                ", ".join(sorted({charge_text(c) for c in due})),
                line_change(without_over.values(), settled.values()),
            )
        )
    return found


def _invoices(session: Session, agreement_id: str | None, month: str | None) -> list[Invoice]:
    statement = select(Invoice).order_by(Invoice.agreement_id, Invoice.month, Invoice.id)
    if agreement_id is not None:
        statement = statement.where(Invoice.agreement_id == get_agreement(agreement_id).id)
    if month is not None:
        statement = statement.where(Invoice.month == Month.parse(month).label)
    return list(session.scalars(statement))


def reconcile_invoices(
    session: Session, *, agreement_id: str | None = None, month: str | None = None
) -> ReconcileReport:
    """Every stored invoice (of the agreement, of the month) against today's custody records."""
    invoices = _invoices(session, agreement_id, month)
    differences: list[Difference] = []
    lines = 0
    for invoice in invoices:
        checks, unbilled = _checks(session, invoice)
        lines += len(checks)
        for check in checks:
            differences.extend(_line_differences(invoice, check))
        differences.extend(unbilled)
    differences.sort(key=lambda d: (d.invoice, d.line_no or 1 << 30, d.person_id, d.code))
    return ReconcileReport(len(invoices), lines, tuple(differences))


# ---- credit notes --------------------------------------------------------------------------


def _items(check: _LineCheck, corrected: dict[dt.date, Charge]) -> list[dict[str, Any]]:
    """The days a credit changes, grouped by reason, charge billed and charge corrected."""
    groups: dict[tuple[str, Charge, Charge], list[dt.date]] = {}
    for day, charge in sorted(check.effective.items()):
        new = corrected[day]
        if new == charge:
            continue
        reason = (
            "wrong_rate"
            if check.correct[day] is not None
            else (
                "transfer_not_handed_over"
                if check.line.kind == "transfer"
                else "billed_not_in_custody"
            )
        )
        groups.setdefault((reason, charge, new), []).append(day)
    return [
        {
            "reason": reason,
            "periods": periods(days),
            "billed": [str(billed[0]), billed[1]],
            "corrected": [str(new[0]), new[1]],
        }
        for (reason, billed, new), days in groups.items()
    ]


def issue_credit_notes(
    session: Session,
    *,
    actor: User,
    invoice_number: int,
    line_no: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> list[CreditView]:
    """A credit note for each line of the invoice (or line `line_no`) that reconcile finds
    over-billed; the invoice itself is never changed. NothingToCredit if none is."""
    require_permission(actor, Permission.BILLING_ISSUE)
    lock_for_write(session)
    at = record_time(session, now)
    invoice = get_invoice(session, invoice_number)
    checks, _ = _checks(session, invoice)
    if line_no is not None:
        checks = [c for c in checks if c.line.line_no == line_no]
        if not checks:
            raise UnknownInvoice(f"invoice {invoice.id} has no line {line_no}")
    issued: list[int] = []
    for check in checks:
        line = check.line
        corrected = check.corrected()
        items = _items(check, corrected)
        # the line's amount net of earlier notes (its effective total), less the corrected total
        amount = line_change(check.effective.values(), corrected.values())
        if not items or amount <= 0:
            continue
        assert line.id is not None
        issued.append(_store(session, actor, at, invoice, line, items, amount, note))
    if not issued:
        where = f"line {line_no} of invoice {invoice.id}" if line_no else f"invoice {invoice.id}"
        raise NothingToCredit(
            f"{where}: no over-billed day against today's custody records; nothing to credit"
        )
    return [v for v in credit_notes(session, invoice.id) if v.number in issued]


def _store(
    session: Session,
    actor: User,
    at: dt.datetime,
    invoice: Invoice,
    line: Line,
    items: list[dict[str, Any]],
    amount: Decimal,
    note: str,
) -> int:
    days = sum(len(days_of(item["periods"])) for item in items)
    reason = ",".join(sorted({item["reason"] for item in items}))
    content = {
        "invoice": invoice.id,
        "invoice_digest": invoice.content_digest,
        "line_no": line.line_no,
        "person_id": line.person_id,
        "reason": reason,
        "days": days,
        "items": items,
        "currency": line.currency,
        "amount": str(amount),
        "note": note,
    }
    digest = sha256_hex(canonical_json(content))
    entry = append_audit(
        session,
        actor=actor,
        action="billing.credit_note",
        subject=f"invoice:{invoice.id}:line:{line.line_no}",
        change=content | {"content_digest": digest},
        now=at,
    )
    credit = CreditNote(
        invoice_id=invoice.id,
        invoice_line_id=line.id,
        person_id=line.person_id,
        reason=reason,
        days=days,
        items=items,
        currency=line.currency,
        amount=amount,
        note=note,
        content_digest=digest,
        issued_at=at,
        issued_by_id=actor.id,
        audit_seq=entry.seq,
    )
    session.add(credit)
    session.flush()
    return credit.id


def credit_over_billed(
    session: Session,
    *,
    actor: User,
    agreement_id: str | None = None,
    month: str | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> list[CreditView]:
    """Credit notes for every over-billed line of every invoice reconcile checks."""
    require_permission(actor, Permission.BILLING_ISSUE)
    lock_for_write(session)
    issued: list[CreditView] = []
    for invoice in _invoices(session, agreement_id, month):
        try:
            issued += issue_credit_notes(
                session, actor=actor, invoice_number=invoice.id, note=note, now=now
            )
        except NothingToCredit:
            continue
    return issued
