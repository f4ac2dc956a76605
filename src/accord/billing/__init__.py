"""Billing: fee schedules and invoice lines (fees.py), and the cost model (costs.py).

Monthly invoices from custody days live in the registry: billing/invoices.py
(compute, issue, read), billing/reconcile.py (reconcile, credit notes),
billing/custody.py (days in custody from the operations events) and
billing/models.py (the tables). They are imported from their modules, not from
here, so the simulator and the cost model load without SQLAlchemy.

Money is Decimal. See docs/design.md sections 4 and 7 for the terms and numbers.
"""

from accord.billing.costs import CostParameter, CostParameters, cost_parameters
from accord.billing.errors import (
    FeeNotProrated,
    FeeScheduleError,
    NegativeFee,
    NoFeeInForce,
    OverlappingFeePeriods,
    UnknownCostParameter,
    UnknownCurrency,
)
from accord.billing.fees import (
    DAILY_UNITS,
    FEE_UNITS,
    ChargeRun,
    FeeScheduleInput,
    FeeTable,
    InvoiceLine,
    Rate,
    daily_charge,
    fee_table,
    rate_in_force,
    round_cents,
    validate_fee_schedules,
    year_length,
)

__all__ = [
    "DAILY_UNITS",
    "FEE_UNITS",
    "ChargeRun",
    "CostParameter",
    "CostParameters",
    "FeeNotProrated",
    "FeeScheduleError",
    "FeeScheduleInput",
    "FeeTable",
    "InvoiceLine",
    "NegativeFee",
    "NoFeeInForce",
    "OverlappingFeePeriods",
    "Rate",
    "UnknownCostParameter",
    "UnknownCurrency",
    "cost_parameters",
    "daily_charge",
    "fee_table",
    "rate_in_force",
    "round_cents",
    "validate_fee_schedules",
    "year_length",
]
