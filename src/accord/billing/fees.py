"""Fee schedules: validated rates, the rate in force on a day, daily charges and invoice lines.

Money is Decimal throughout, never float. Amounts are kept exact (unrounded)
through every sum and rounded once, at a line total, to cents with
ROUND_HALF_EVEN (banker's rounding, so halves do not drift one way over many
lines).

Proration of a per-person-year fee (the schedule's `proration`):

* ``daily``: one day costs amount / the number of days in that calendar year
  (365, or 366 in a leap year), so a full calendar year in custody costs
  exactly the annual amount. This is the default, and what `proration: daily`
  in an agreement file means.
* ``daily_365``: one day costs amount / 365 in every year (a leap year costs
  one day more than the annual amount).
* ``none``: the fee is not divisible by day; asking for a daily charge is an
  error (FeeNotProrated).

A per-inmate-day fee is its amount for each day in custody; a per-transfer
fee is its amount for each person transferred, on the day of the transfer.

An invoice line is one person: the days in custody, the rate in force each
day (grouped into runs of days at one rate), and the amount. The custody
census will call `FeeTable.invoice_line` once per person and billing period.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from functools import cache
from typing import Any, Literal, get_args

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accord.agreements.models import Agreement, FeeSchedule, Interval
from accord.billing.errors import (
    FeeNotProrated,
    FeeScheduleError,
    NegativeFee,
    NoFeeInForce,
    OverlappingFeePeriods,
    UnknownCurrency,
)

FeeUnit = Literal["per_inmate_day", "per_person_year", "per_transfer"]
Proration = Literal["daily", "daily_365", "none"]
FEE_UNITS: tuple[str, ...] = get_args(FeeUnit)
DAILY_UNITS: tuple[FeeUnit, ...] = ("per_inmate_day", "per_person_year")
CENT = Decimal("0.01")
# ISO 4217 codes that name no money: "no currency" and "reserved for testing".
NOT_MONEY = frozenset({"XXX", "XTS"})
_PRECISION = 40  # digits for exact-enough intermediate sums; rounding happens only at totals


class FeeScheduleInput(BaseModel):
    """A fee schedule as written in a file, before validation of its currency and amount."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Decimal
    currency: str
    unit: FeeUnit
    effective: Interval
    proration: Proration = "daily"
    source: str = Field(min_length=1)


@dataclass(frozen=True)
class Rate:
    """One validated fee schedule of an agreement, with the source of its terms."""

    agreement_id: str
    label: str  # "fee schedule #1" (the agreement's list, 1-based) or "fee change #1"
    amount: Decimal
    currency: str
    unit: FeeUnit
    effective_from: dt.date
    effective_to: dt.date | None  # None: open-ended
    proration: Proration
    source: str

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def period(self) -> str:
        return f"{self.effective_from} to {self.effective_to or 'open'}"

    @property
    def name(self) -> str:
        """How errors and reports name this rate: agreement, schedule, unit and period."""
        return f"agreement '{self.agreement_id}' {self.label} ({self.unit}, {self.period})"


@dataclass(frozen=True)
class ChargeRun:
    """The days of one invoice line (not always consecutive) at one rate and one year length."""

    rate: Rate
    first_day: dt.date
    last_day: dt.date
    days: int
    daily_charge: Decimal  # exact; for a per-person-year fee, amount / year length
    amount: Decimal  # exact (unrounded): the line rounds only its total


@dataclass(frozen=True)
class InvoiceLine:
    """One person's charge for a billing period: days in custody, rates in force, amount."""

    person_id: str
    unit: FeeUnit
    currency: str
    days_in_custody: int
    runs: tuple[ChargeRun, ...]
    amount: Decimal  # rounded to cents, ROUND_HALF_EVEN, once


def round_cents(amount: Decimal) -> Decimal:
    """Round a line total to cents, half to even."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def year_length(day: dt.date, proration: Proration) -> int:
    """The divisor of a per-person-year fee on `day` under `proration`."""
    if proration == "daily_365":
        return 365
    return 366 if calendar.isleap(day.year) else 365


def daily_charge(rate: Rate, day: dt.date) -> Decimal:
    """The exact (unrounded) charge for one person held on `day` at `rate`."""
    if not rate.covers(day):
        raise NoFeeInForce(f"{rate.name} is not in force on {day}")
    if rate.unit == "per_inmate_day":
        return rate.amount
    if rate.unit == "per_transfer":
        raise FeeScheduleError(f"{rate.name} is charged per transfer, not per day in custody")
    if rate.proration == "none":
        raise FeeNotProrated(
            f"{rate.name} is not prorated (proration: none), so it has no daily charge"
        )
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return rate.amount / year_length(day, rate.proration)


def _run_amount(rate: Rate, days: int, day: dt.date) -> Decimal:
    """days x daily charge, multiplied before dividing so the sum stays exact."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        if rate.unit == "per_person_year":
            daily_charge(rate, day)  # the checks: in force, prorated
            return rate.amount * days / year_length(day, rate.proration)
        return daily_charge(rate, day) * days


# ---- validation ----------------------------------------------------------------------------


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"field '{field}': {error['msg']}{more}" if field else f"{error['msg']}{more}"


def _as_input(
    agreement_id: str, label: str, schedule: FeeSchedule | FeeScheduleInput | Mapping[str, Any]
) -> FeeScheduleInput:
    if isinstance(schedule, FeeScheduleInput):
        return schedule
    raw = schedule.model_dump(by_alias=True) if isinstance(schedule, BaseModel) else schedule
    try:
        return FeeScheduleInput.model_validate(raw)
    except ValidationError as exc:
        raise FeeScheduleError(f"agreement '{agreement_id}' {label}: {_first_error(exc)}") from None


def _currency(agreement_id: str, label: str, code: str) -> str:
    upper = code.strip().upper()
    known = len(upper) == 3 and pycountry.currencies.get(alpha_3=upper) is not None
    if not known or upper in NOT_MONEY:
        raise UnknownCurrency(
            f"agreement '{agreement_id}' {label}: "
            f"currency '{code}' is not an ISO 4217 currency code"
        )
    return upper


def _rate(agreement_id: str, label: str, raw: FeeScheduleInput) -> Rate:
    currency = _currency(agreement_id, label, raw.currency)
    if raw.amount < 0:
        raise NegativeFee(
            f"agreement '{agreement_id}' {label}: amount {raw.amount} {currency} is negative; "
            "a fee cannot be below zero"
        )
    start, end = raw.effective.from_, raw.effective.to
    if end is not None and end < start:
        raise FeeScheduleError(
            f"agreement '{agreement_id}' {label}: effective period ends ({end}) "
            f"before it begins ({start})"
        )
    return Rate(
        agreement_id, label, raw.amount, currency, raw.unit, start, end, raw.proration, raw.source
    )


def check_no_overlap(rates: Iterable[Rate]) -> None:
    """One rate per unit per day: raise OverlappingFeePeriods naming the first clash."""
    by_unit: dict[str, list[Rate]] = {}
    for rate in rates:
        by_unit.setdefault(rate.unit, []).append(rate)
    for unit_rates in by_unit.values():
        unit_rates.sort(key=lambda r: r.effective_from)
        latest = unit_rates[0]  # of the rates seen so far, the one that ends last
        for rate in unit_rates[1:]:
            if latest.effective_to is None or rate.effective_from <= latest.effective_to:
                ends = [d for d in (latest.effective_to, rate.effective_to) if d is not None]
                until = min(ends) if ends else None
                raise OverlappingFeePeriods(
                    f"agreement '{rate.agreement_id}': {latest.label} ({latest.unit}, "
                    f"{latest.period}) and {rate.label} ({rate.unit}, {rate.period}) are both in "
                    f"force from {rate.effective_from} to {until or 'open'}; "
                    "a unit can have one rate a day"
                )
            if rate.effective_to is None or (
                latest.effective_to is not None and rate.effective_to > latest.effective_to
            ):
                latest = rate


def validate_fee_schedules(
    agreement_id: str,
    schedules: Sequence[FeeSchedule | FeeScheduleInput | Mapping[str, Any]],
    *,
    label: str = "fee schedule",
) -> tuple[Rate, ...]:
    """Validate an agreement's fee schedules: currency, sign, period, no overlap per unit.

    Each error is one FeeScheduleError naming the agreement and the schedule
    (`label` #n, counted from 1 in the order given).
    """
    rates = tuple(
        _rate(agreement_id, f"{label} #{n}", _as_input(agreement_id, f"{label} #{n}", s))
        for n, s in enumerate(schedules, start=1)
    )
    check_no_overlap(rates)
    return rates


# ---- the table of an agreement's rates -----------------------------------------------------


def _without(rate: Rate, start: dt.date, end: dt.date | None) -> list[Rate]:
    """`rate` with the days from `start` to `end` (None: open) taken out: 0, 1 or 2 pieces."""
    pieces: list[Rate] = []
    if rate.effective_from < start:
        before_end = start - dt.timedelta(days=1)
        if rate.effective_to is not None:
            before_end = min(before_end, rate.effective_to)
        pieces.append(replace(rate, effective_to=before_end))
    if end is not None and (rate.effective_to is None or rate.effective_to > end):
        after_start = max(rate.effective_from, end + dt.timedelta(days=1))
        pieces.append(replace(rate, effective_from=after_start))
    return pieces


@dataclass(frozen=True)
class FeeTable:
    """The validated rates of one agreement (and any dated changes applied to them)."""

    agreement_id: str
    rates: tuple[Rate, ...]

    def units(self) -> set[str]:
        return {r.unit for r in self.rates}

    def find_rate(self, day: dt.date, unit: FeeUnit) -> Rate | None:
        return next((r for r in self.rates if r.unit == unit and r.covers(day)), None)

    def rate_in_force(self, day: dt.date, unit: FeeUnit) -> Rate:
        """The rate of `unit` in force on `day`, with its source; NoFeeInForce if none."""
        rate = self.find_rate(day, unit)
        if rate is None:
            periods = ", ".join(r.period for r in self.rates if r.unit == unit) or "none"
            raise NoFeeInForce(
                f"agreement '{self.agreement_id}' has no {unit} fee in force on {day} "
                f"({unit} periods: {periods})"
            )
        return rate

    def with_changes(
        self, changes: Sequence[FeeScheduleInput | Mapping[str, Any]], *, label: str = "fee change"
    ) -> FeeTable:
        """Apply dated fee changes: each replaces its unit's rate over its own period.

        A change from A to B (or open) takes those days out of every rate of the
        same unit; a rate that runs past B resumes after it. Changes are applied
        in date order; each is validated like a schedule (`label` #n).
        """
        new = validate_fee_schedules(self.agreement_id, changes, label=label)
        rates = list(self.rates)
        for change in sorted(new, key=lambda r: r.effective_from):
            rates = [
                piece
                for rate in rates
                for piece in (
                    _without(rate, change.effective_from, change.effective_to)
                    if rate.unit == change.unit
                    else [rate]
                )
            ]
            rates.append(change)
        check_no_overlap(rates)
        return FeeTable(self.agreement_id, tuple(rates))

    def daily_charge(self, day: dt.date, unit: FeeUnit) -> Decimal:
        return daily_charge(self.rate_in_force(day, unit), day)

    def invoice_line(
        self, person_id: str, custody_days: Iterable[dt.date], unit: FeeUnit
    ) -> InvoiceLine:
        """One person's line: every day in custody at the rate in force that day.

        `custody_days` may have gaps and repeats (a day counts once). The runs
        group the days by rate and year length; the amount is their exact sum,
        rounded once to cents.
        """
        if unit not in DAILY_UNITS:
            raise FeeScheduleError(
                f"an invoice line by custody days needs a daily unit, not {unit}"
            )
        days = sorted(set(custody_days))
        runs: list[ChargeRun] = []
        group: list[dt.date] = []
        key: tuple[Rate, int] | None = None
        for day in days:
            rate = self.rate_in_force(day, unit)
            this = (rate, year_length(day, rate.proration))
            if key is not None and this != key:
                runs.append(self._run(key[0], group))
                group = []
            key = this
            group.append(day)
        if key is not None:
            runs.append(self._run(key[0], group))
        return self._line(person_id, unit, len(days), runs)

    def transfer_line(self, person_id: str, day: dt.date) -> InvoiceLine:
        """The per-transfer fee for one person transferred on `day`."""
        rate = self.rate_in_force(day, "per_transfer")
        run = ChargeRun(rate, day, day, 0, rate.amount, rate.amount)
        return self._line(person_id, "per_transfer", 0, [run])

    @staticmethod
    def _run(rate: Rate, days: list[dt.date]) -> ChargeRun:
        first = days[0]
        amount = _run_amount(rate, len(days), first)
        return ChargeRun(rate, first, days[-1], len(days), daily_charge(rate, first), amount)

    def _line(self, person_id: str, unit: FeeUnit, days: int, runs: list[ChargeRun]) -> InvoiceLine:
        currencies = sorted({run.rate.currency for run in runs})
        if len(currencies) > 1:
            raise FeeScheduleError(
                f"agreement '{self.agreement_id}': the {unit} rates for {person_id} change "
                f"currency within one line ({', '.join(currencies)}); bill each currency apart"
            )
        currency = currencies[0] if currencies else "USD"
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            total = sum((run.amount for run in runs), Decimal(0))
        return InvoiceLine(person_id, unit, currency, days, tuple(runs), round_cents(total))


@cache
def _table(agreement_id: str, digest: str, fees: tuple[FeeSchedule, ...]) -> FeeTable:
    return FeeTable(agreement_id, validate_fee_schedules(agreement_id, fees))


def fee_table(agreement: Agreement) -> FeeTable:
    """The agreement's validated fee table (validated once per version of its terms)."""
    return _table(agreement.id, agreement.digest, tuple(agreement.fees))


def rate_in_force(agreement: Agreement, day: dt.date, unit: FeeUnit) -> Rate:
    """The agreement's rate of `unit` in force on `day`, with its source."""
    return fee_table(agreement).rate_in_force(day, unit)
