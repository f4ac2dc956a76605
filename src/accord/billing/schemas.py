"""Request and response models of the billing HTTP routes (billing/views.py).

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py` or beside its service, never here.)

Money is Decimal and goes out as decimal text ("1643.84"), never as a JSON
number, so no client reads a bill through a float. Person ids are `PersonId`:
masked for analysts by the API, whatever the route.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, PlainSerializer, StringConstraints, WithJsonSchema

from accord.api.deps import MAX_ID, Name64, Note, PersonId
from accord.api.schemas import In, Out
from accord.billing.custody import Month
from accord.billing.lines import CreditView, InvoiceView, Line
from accord.billing.models import Invoice
from accord.billing.reconcile import Difference, ReconcileReport
from accord.errors import InputError

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def _month(text: str) -> str:
    try:
        return Month.parse(text).label
    except InputError:  # year 0000: the pattern lets it through, the calendar does not
        raise ValueError("expected a month as YYYY-MM, e.g. 2025-04") from None


# A calendar month, YYYY-MM
MonthText = Annotated[
    str,
    StringConstraints(min_length=7, max_length=7, pattern=MONTH_PATTERN),
    AfterValidator(_month),
]


def _money_text(value: Decimal) -> str:
    return format(value, "f")  # never exponent notation


Money = Annotated[
    Decimal,
    PlainSerializer(_money_text, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "examples": ["1643.84"]},
        mode="serialization",
    ),
]


class InvoiceIn(In):
    agreement: Name64 = Field(examples=["sv-2025-offer"])
    month: MonthText = Field(examples=["2025-04"])


class CreditNoteIn(In):
    line: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Only this line of the invoice"
    )
    note: Note = Field(default="", description="Why, in words (kept with the credit note)")


class LineOut(Out):
    line_no: int
    kind: Literal["custody", "transfer"]
    person_id: PersonId
    facility_id: str
    unit: str
    days_in_custody: int
    days_billed: int
    periods: list[list[str]] = Field(description="Days billed as [first, last] ISO dates")
    runs: list[dict[str, Any]] = Field(description="Rates charged; amounts as decimal text")
    handover_event_id: int | None
    currency: str
    amount: Money

    @classmethod
    def of(cls, line: Line) -> LineOut:
        return cls.model_validate(line)


class CreditNoteOut(Out):
    number: int
    invoice: int
    line_no: int
    person_id: PersonId
    reason: str
    days: int
    amount: Money
    currency: str
    note: str
    issued_at: dt.datetime
    issued_by: str
    items: list[dict[str, Any]] = Field(
        description="Days credited and why: reason, periods, billed and corrected daily charges"
    )

    @classmethod
    def of(cls, view: CreditView, invoice: int) -> CreditNoteOut:
        return cls.model_validate(vars(view) | {"invoice": invoice})


class InvoiceOut(Out):
    """An invoice: issued (stored, final, with its number) or a draft (not stored)."""

    number: int | None = Field(description="None for a draft")
    status: Literal["issued", "draft"]
    newly_issued: bool = Field(description="Issued by this request")
    agreement_id: str
    agreement_version: int
    agreement_digest: str
    month: str
    period_start: dt.date
    period_end: dt.date
    through: dt.date = Field(description="Last day counted (a running month's draft: yesterday)")
    currency: str
    total: Money
    credited: Money
    net: Money
    lines: list[LineOut]
    content_digest: str
    digest_verified: bool = Field(description="The stored lines still hash to the digest")
    issued_at: dt.datetime | None
    issued_by: str | None
    credit_notes: list[CreditNoteOut]

    @classmethod
    def of(cls, view: InvoiceView) -> InvoiceOut:
        number = view.number
        return cls(
            number=number,
            status="issued" if view.status == "issued" else "draft",
            newly_issued=view.newly_issued,
            agreement_id=view.agreement_id,
            agreement_version=view.agreement_version,
            agreement_digest=view.agreement_digest,
            month=view.month,
            period_start=view.period_start,
            period_end=view.period_end,
            through=view.through,
            currency=view.currency,
            total=view.total,
            credited=view.credited,
            net=view.total - view.credited,
            lines=[LineOut.of(line) for line in view.lines],
            content_digest=view.content_digest,
            digest_verified=view.digest_verified,
            issued_at=view.issued_at,
            issued_by=view.issued_by,
            credit_notes=[CreditNoteOut.of(c, number or 0) for c in view.credit_notes],
        )


class InvoiceSummaryOut(Out):
    """A stored invoice without its lines."""

    number: int
    agreement_id: str
    agreement_version: int
    month: str
    currency: str
    total: Money
    credited: Money
    net: Money
    lines: int
    content_digest: str
    issued_at: dt.datetime

    @classmethod
    def of(cls, invoice: Invoice, credited: Decimal) -> InvoiceSummaryOut:
        return cls(
            number=invoice.id,
            agreement_id=invoice.agreement_id,
            agreement_version=invoice.agreement_version,
            month=invoice.month,
            currency=invoice.currency,
            total=invoice.total,
            credited=credited,
            net=invoice.total - credited,
            lines=invoice.line_count,
            content_digest=invoice.content_digest,
            issued_at=invoice.issued_at,
        )


class DifferenceOut(Out):
    invoice: int
    agreement_id: str
    month: str
    line_no: int | None = Field(description="None: days no line bills")
    person_id: PersonId
    code: str = Field(examples=["billed_not_in_custody"])
    periods: list[list[str]]
    days: int
    billed: str
    correct: str
    amount: Money = Field(description="Positive: over-billed (owed back); negative: under-billed")
    over_billed: bool

    @classmethod
    def of(cls, d: Difference) -> DifferenceOut:
        return cls.model_validate(vars(d) | {"over_billed": d.over_billed})


class ReconcileOut(Out):
    """Stored invoices against today's custody records and fee schedules."""

    invoices: int
    lines: int
    clean: bool
    over_billed: Money
    under_billed: Money
    differences: list[DifferenceOut]

    @classmethod
    def of(cls, report: ReconcileReport) -> ReconcileOut:
        return cls(
            invoices=report.invoices,
            lines=report.lines,
            clean=report.clean,
            over_billed=report.over_billed,
            under_billed=report.under_billed,
            differences=[DifferenceOut.of(d) for d in report.differences],
        )
