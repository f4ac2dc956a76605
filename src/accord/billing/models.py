"""The billing tables: issued invoices, their lines, and credit notes.

All three are append-only (migration 0004 adds triggers that refuse UPDATE and
DELETE): an issued invoice is final, and a correction is a credit note that
references the invoice line it corrects, never an edit of the invoice.

Money is kept as decimal text (`Money`), never as a float or a backend's
NUMERIC, so a value reads back exactly as it was written on SQLite too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, Dialect, ForeignKey, Index, Integer, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

import accord.operations.models  # noqa: F401  (operations_events, which transfer lines cite)
from accord.db import Base, BigId, UTCDateTime
from accord.registry import PERSON_ID_LENGTH

MONEY_DIGITS = 40


class Money(TypeDecorator[Decimal]):
    """A Decimal stored as its text, so it reads back exactly on every backend."""

    impl = String(MONEY_DIGITS)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


class Invoice(Base):
    """One agreement's invoice for one calendar month, issued once the month has ended."""

    __tablename__ = "billing_invoices"
    __table_args__ = (Unique("agreement_id", "month", name="uq_billing_invoices_month"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agreement_id: Mapped[str] = mapped_column(String(64))
    agreement_version: Mapped[int] = mapped_column(Integer)
    agreement_digest: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Money)
    line_count: Mapped[int] = mapped_column(Integer)
    content_digest: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


class InvoiceLineRecord(Base):
    """One line: a person's days in custody at one fee unit, or one per-transfer fee.

    `periods` are the billed days as [first, last] ranges (ISO dates); `runs` the
    rates charged (fees.ChargeRun as JSON, amounts as decimal text).
    """

    __tablename__ = "billing_invoice_lines"
    __table_args__ = (
        Unique("invoice_id", "line_no", name="uq_billing_invoice_lines_no"),
        Index("ix_billing_invoice_lines_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("billing_invoices.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # custody | transfer
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH))
    facility_id: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(32))
    days_in_custody: Mapped[int] = mapped_column(Integer)
    days_billed: Mapped[int] = mapped_column(Integer)
    periods: Mapped[list[Any]] = mapped_column(JSON)
    runs: Mapped[list[Any]] = mapped_column(JSON)
    handover_event_id: Mapped[int | None] = mapped_column(ForeignKey("operations_events.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Money)


class CreditNote(Base):
    """Money credited against one invoice line for days disputed after issue.

    `items` say which days and why: each {"reason", "periods", "billed", "corrected"},
    where billed and corrected are daily charges [amount, divisor] (corrected [0, 1]
    for a day not in custody).
    """

    __tablename__ = "billing_credit_notes"
    __table_args__ = (Index("ix_billing_credit_notes_line", "invoice_line_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("billing_invoices.id"), index=True)
    invoice_line_id: Mapped[int] = mapped_column(ForeignKey("billing_invoice_lines.id"))
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH))
    reason: Mapped[str] = mapped_column(String(128))
    days: Mapped[int] = mapped_column(Integer)
    items: Mapped[list[Any]] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text)
    content_digest: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)


BILLING_APPEND_ONLY: tuple[str, ...] = (
    "billing_invoices",
    "billing_invoice_lines",
    "billing_credit_notes",
)
