"""Errors of the billing package: each an InputError (400 unless it says), one clear line.

InputError (accord.errors)
├── FeeScheduleError        a fee schedule is invalid (base of the next four)
│   ├── UnknownCurrency     not an ISO 4217 currency code
│   ├── NegativeFee         a fee amount below zero
│   ├── OverlappingFeePeriods  two schedules of one unit in force on the same day
│   └── FeeNotProrated      a per-person-year fee with proration 'none' asked for a daily charge
├── NoFeeInForce            no schedule of that unit covers the day
├── UnknownCostParameter    a cost override names no parameter of billing/data/costs.yaml
└── InvoiceError            invoices and credit notes (base of the next four)
    ├── NoFeeSchedule       the agreement sets no fee, so there is nothing to invoice
    ├── MonthNotBilled      a month that has not begun (or a bad month) cannot be invoiced
    ├── UnknownInvoice      no stored invoice with that number (404)
    └── NothingToCredit     reconcile finds no over-billed day on the invoice
"""

from __future__ import annotations

from accord.errors import InputError


class FeeScheduleError(InputError):
    """A fee schedule is invalid; the message names the agreement and the schedule."""


class UnknownCurrency(FeeScheduleError):
    """The currency is not an ISO 4217 code (pycountry's list)."""


class NegativeFee(FeeScheduleError):
    """A fee amount is below zero."""


class OverlappingFeePeriods(FeeScheduleError):
    """Two schedules of the same unit are in force on the same day."""


class FeeNotProrated(FeeScheduleError):
    """A daily charge was asked of a per-person-year schedule that is not prorated."""


class NoFeeInForce(InputError):
    """No schedule of the unit asked for is in force on the day."""


class UnknownCostParameter(InputError):
    """A cost override names a parameter the cost model does not have."""


class InvoiceError(InputError):
    """An invoice or credit note refused; the message names the agreement, month or invoice."""


class NoFeeSchedule(InvoiceError):
    """The agreement has no fee schedule: there is nothing to invoice."""


class MonthNotBilled(InvoiceError):
    """The month cannot be invoiced: it has not begun."""


class UnknownInvoice(InvoiceError):
    """No stored invoice (or invoice line) with that number."""

    status = 404


class NothingToCredit(InvoiceError):
    """The invoice has no over-billed day left to credit against current custody records."""
