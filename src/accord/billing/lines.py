"""Invoice lines and invoices as values: what is hashed, printed, stored and reconciled.

A daily charge is kept as (amount, divisor), amount / divisor a day (divisor 1
for a per-inmate-day fee, the year length for a per-person-year fee), so sums
stay exact until a total is rounded once, as billing/fees.py does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from accord.billing.custody import days_of
from accord.billing.fees import ChargeRun, round_cents, year_length
from accord.billing.models import InvoiceLineRecord
from accord.db import canonical_json, sha256_hex

# A daily charge as (amount, divisor): amount / divisor per day, kept exact until a total.
Charge = tuple[Decimal, int]
NO_CHARGE: Charge = (Decimal(0), 1)
_PRECISION = 40


def charge_total(charges: Iterable[Charge]) -> Decimal:
    """The exact sum of daily charges: amount x days / divisor per distinct charge."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return sum(
            (amount * n / divisor for (amount, divisor), n in Counter(charges).items()),
            Decimal(0),
        )


def same_charge(a: Charge, b: Charge) -> bool:
    return a[0] * b[1] == b[0] * a[1]


def charge_text(charge: Charge) -> str:
    amount, divisor = charge
    return f"{amount}" if divisor == 1 else f"{amount}/{divisor}"


def run_json(run: ChargeRun) -> dict[str, Any]:
    rate = run.rate
    # a run groups days of one year length, so its first day gives the divisor
    divisor = year_length(run.first_day, rate.proration) if rate.unit == "per_person_year" else 1
    return {
        "first": run.first_day.isoformat(),
        "last": run.last_day.isoformat(),
        "days": run.days,
        "rate": rate.label,
        "unit": rate.unit,
        "amount": str(rate.amount),
        "divisor": divisor,
        "daily_charge": str(run.daily_charge),
        "charge": str(run.amount),
        "effective_from": rate.effective_from.isoformat(),
        "effective_to": rate.effective_to.isoformat() if rate.effective_to else None,
        "proration": rate.proration,
        "source": rate.source,
    }


@dataclass(frozen=True)
class Line:
    """One invoice line, computed or as stored."""

    line_no: int
    kind: str  # custody | transfer
    person_id: str
    facility_id: str
    unit: str
    days_in_custody: int
    days_billed: int
    periods: list[list[str]]
    runs: list[dict[str, Any]]
    currency: str
    amount: Decimal
    handover_event_id: int | None = None
    id: int | None = None  # the stored line's id

    def content(self) -> dict[str, Any]:
        """What the content digest covers (every field but the stored id)."""
        return {
            "line_no": self.line_no,
            "kind": self.kind,
            "person_id": self.person_id,
            "facility_id": self.facility_id,
            "unit": self.unit,
            "days_in_custody": self.days_in_custody,
            "days_billed": self.days_billed,
            "periods": self.periods,
            "runs": self.runs,
            "handover_event_id": self.handover_event_id,
            "currency": self.currency,
            "amount": str(self.amount),
        }

    def billed_charges(self) -> dict[dt.date, Charge]:
        """The daily charge billed for each day of the line (a transfer: its one day)."""
        if self.kind == "transfer":
            run = self.runs[0]
            return {dt.date.fromisoformat(run["first"]): (Decimal(run["amount"]), 1)}
        out: dict[dt.date, Charge] = {}
        for day in sorted(days_of(self.periods)):
            for run in self.runs:
                if run["first"] <= day.isoformat() <= run["last"]:
                    out[day] = (Decimal(run["amount"]), int(run["divisor"]))
                    break
        return out

    @classmethod
    def stored(cls, row: InvoiceLineRecord) -> Line:
        return cls(
            row.line_no,
            row.kind,
            row.person_id,
            row.facility_id,
            row.unit,
            row.days_in_custody,
            row.days_billed,
            row.periods,
            row.runs,
            row.currency,
            row.amount,
            row.handover_event_id,
            row.id,
        )


@dataclass(frozen=True)
class CreditView:
    number: int
    line_no: int
    person_id: str
    reason: str
    days: int
    amount: Decimal
    currency: str
    note: str
    issued_at: dt.datetime
    issued_by: str
    items: list[dict[str, Any]]


@dataclass(frozen=True)
class InvoiceView:
    """An invoice as printed: issued (stored, with its number) or a draft (not stored)."""

    status: str  # issued | draft
    agreement_id: str
    agreement_version: int
    agreement_digest: str
    month: str
    period_start: dt.date
    period_end: dt.date
    through: dt.date  # the last day counted (a draft stops at yesterday)
    currency: str
    total: Decimal
    lines: tuple[Line, ...]
    content_digest: str
    number: int | None = None
    issued_at: dt.datetime | None = None
    issued_by: str | None = None
    newly_issued: bool = False
    digest_verified: bool = True  # the stored lines still hash to the stored digest
    credit_notes: tuple[CreditView, ...] = field(default=())

    @property
    def credited(self) -> Decimal:
        return sum((c.amount for c in self.credit_notes), Decimal(0))


def content_digest(
    *,
    agreement_id: str,
    agreement_version: int,
    agreement_digest: str,
    month: str,
    currency: str,
    total: Decimal,
    lines: Sequence[Line],
) -> str:
    return sha256_hex(
        canonical_json(
            {
                "agreement": {
                    "id": agreement_id,
                    "version": agreement_version,
                    "digest": agreement_digest,
                },
                "month": month,
                "currency": currency,
                "total": str(total),
                "lines": [line.content() for line in lines],
            }
        )
    )


def round_total(charges: Iterable[Charge]) -> Decimal:
    return round_cents(charge_total(charges))


def line_change(before: Iterable[Charge], after: Iterable[Charge]) -> Decimal:
    """What changing a line's daily charges from `before` to `after` is worth: its total
    rounded once before less its total rounded once after. Reconcile reports and credit
    notes both count money this way, so a credit note credits exactly what reconcile
    reported, and crediting every day of a line credits exactly the line's amount
    (rounding the changed days on their own can differ by a cent)."""
    return round_total(before) - round_total(after)
