"""Fee schedules: validation errors, the rate in force, and exact proration arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accord.agreements import get_agreement
from accord.billing import (
    FeeNotProrated,
    FeeScheduleError,
    FeeTable,
    NegativeFee,
    NoFeeInForce,
    OverlappingFeePeriods,
    UnknownCurrency,
    daily_charge,
    fee_table,
    rate_in_force,
    validate_fee_schedules,
)
from accord.errors import InputError

D = dt.date


def schedule(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "amount": "20000.00",
        "currency": "USD",
        "unit": "per_person_year",
        "effective": {"from": "2024-01-01", "to": None},
        "proration": "daily",
        "source": "test",
    }
    return {**base, **overrides}


def table(*schedules: dict[str, Any]) -> FeeTable:
    return FeeTable("test-agreement", validate_fee_schedules("test-agreement", schedules))


def days(first: dt.date, count: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(count)]


# ---- validation ----------------------------------------------------------------------------


def test_unknown_currency_names_the_agreement_and_schedule() -> None:
    with pytest.raises(UnknownCurrency) as caught:
        validate_fee_schedules("sv-x", [schedule(), schedule(currency="USX")])
    message = str(caught.value)
    assert "sv-x" in message
    assert "fee schedule #2" in message
    assert "'USX'" in message
    assert "\n" not in message
    assert isinstance(caught.value, InputError)


@pytest.mark.parametrize("code", ["XXX", "XTS", "US", "dollars"])
def test_codes_that_name_no_money_are_refused(code: str) -> None:
    with pytest.raises(UnknownCurrency):
        validate_fee_schedules("sv-x", [schedule(currency=code)])


def test_other_iso_currencies_are_accepted_and_normalised() -> None:
    rates = validate_fee_schedules("sv-x", [schedule(currency="eur")])
    assert rates[0].currency == "EUR"


def test_negative_rate_is_refused() -> None:
    with pytest.raises(NegativeFee, match=r"agreement 'sv-x' fee schedule #1: amount -1\.00 USD"):
        validate_fee_schedules("sv-x", [schedule(amount="-1.00")])


def test_overlapping_periods_of_one_unit_name_both_schedules() -> None:
    first = schedule(effective={"from": "2025-01-01", "to": "2025-12-31"})
    second = schedule(effective={"from": "2025-06-01", "to": None})
    with pytest.raises(OverlappingFeePeriods) as caught:
        validate_fee_schedules("sv-x", [first, second])
    message = str(caught.value)
    assert "fee schedule #1" in message
    assert "fee schedule #2" in message
    assert "from 2025-06-01 to 2025-12-31" in message


def test_an_open_ended_schedule_overlaps_any_later_one() -> None:
    first = schedule(effective={"from": "2025-01-01", "to": None})
    third = schedule(effective={"from": "2030-01-01", "to": "2030-12-31"})
    middle = schedule(unit="per_inmate_day", amount="50")
    with pytest.raises(OverlappingFeePeriods, match=r"#1 .* and fee schedule #3"):
        validate_fee_schedules("sv-x", [first, middle, third])


def test_adjacent_periods_and_other_units_do_not_overlap() -> None:
    rates = validate_fee_schedules(
        "sv-x",
        [
            schedule(effective={"from": "2025-01-01", "to": "2025-12-31"}),
            schedule(effective={"from": "2026-01-01", "to": None}),
            schedule(unit="per_transfer", amount="500", effective={"from": "2025-01-01"}),
        ],
    )
    assert len(rates) == 3


def test_a_period_ending_before_it_begins_is_refused() -> None:
    with pytest.raises(FeeScheduleError, match=r"ends \(2024-12-31\) before it begins"):
        validate_fee_schedules(
            "sv-x", [schedule(effective={"from": "2025-01-01", "to": "2024-12-31"})]
        )


def test_an_unknown_field_is_one_clear_error() -> None:
    with pytest.raises(FeeScheduleError, match="fee schedule #1: field 'per_head'"):
        validate_fee_schedules("sv-x", [schedule(per_head="1")])


# ---- the rate in force -------------------------------------------------------------------


def test_rate_in_force_carries_its_source() -> None:
    pilot = get_agreement("sv-2025-pilot")
    rate = rate_in_force(pilot, D(2025, 6, 1), "per_person_year")
    assert rate.amount == Decimal("20000.00")
    assert rate.currency == "USD"
    assert "USD 6 million for about 300 people" in rate.source
    assert rate.agreement_id == "sv-2025-pilot"


def test_no_rate_in_force_outside_the_schedule() -> None:
    pilot = get_agreement("sv-2025-pilot")
    with pytest.raises(NoFeeInForce, match="no per_person_year fee in force on 2026-04-01"):
        rate_in_force(pilot, D(2026, 4, 1), "per_person_year")
    with pytest.raises(NoFeeInForce, match="per_inmate_day"):
        rate_in_force(pilot, D(2025, 6, 1), "per_inmate_day")


def test_every_bundled_agreement_has_valid_fees() -> None:
    for agreement_id in ("sv-2025-offer", "sv-2025-pilot", "aca-2019-gt"):
        fee_table(get_agreement(agreement_id))  # raises if invalid


# ---- proration ---------------------------------------------------------------------------


def test_daily_proration_divides_by_the_days_of_that_year() -> None:
    rate = table(schedule(amount="36500")).rates[0]
    assert daily_charge(rate, D(2025, 3, 1)) == Decimal(100)
    leap_day = daily_charge(rate, D(2024, 3, 1))  # 36500 / 366, not rounded to cents
    assert leap_day.quantize(Decimal("1e-20")) == Decimal("99.72677595628415300546")
    rate_365 = table(schedule(amount="36500", proration="daily_365")).rates[0]
    assert daily_charge(rate_365, D(2024, 3, 1)) == Decimal(100)


@pytest.mark.parametrize(
    ("proration", "first", "count", "expected"),
    [
        ("daily", D(2025, 1, 1), 365, "20000.00"),  # a whole year costs the annual amount
        ("daily", D(2024, 1, 1), 366, "20000.00"),  # leap year too
        ("daily", D(2025, 3, 1), 10, "547.95"),  # 20000 x 10 / 365 = 547.9452...
        ("daily", D(2024, 3, 1), 10, "546.45"),  # 20000 x 10 / 366 = 546.4480...
        ("daily_365", D(2024, 3, 1), 10, "547.95"),
        ("daily_365", D(2024, 1, 1), 366, "20054.79"),  # 20000 x 366 / 365 = 20054.7945...
        # 2 days of 2024 at /366 and 2 of 2025 at /365: 109.2896... + 109.5890... = 218.8786...
        ("daily", D(2024, 12, 30), 4, "218.88"),
    ],
)
def test_invoice_line_amounts_are_exact(
    proration: str, first: dt.date, count: int, expected: str
) -> None:
    line = table(schedule(proration=proration)).invoice_line(
        "p-1", days(first, count), "per_person_year"
    )
    assert line.amount == Decimal(expected)
    assert line.days_in_custody == count
    assert line.currency == "USD"


def test_rounding_happens_once_at_the_line_total() -> None:
    line = table(schedule()).invoice_line("p-1", days(D(2025, 1, 1), 365), "per_person_year")
    rounded_each_day = sum(
        (run.daily_charge.quantize(Decimal("0.01")) * run.days for run in line.runs), Decimal(0)
    )
    assert line.amount == Decimal("20000.00")
    assert rounded_each_day == Decimal("19998.35")  # what rounding every day would give


@pytest.mark.parametrize(
    ("amount", "count", "expected"),
    [("0.125", 1, "0.12"), ("0.125", 3, "0.38"), ("0.005", 1, "0.00"), ("0.015", 1, "0.02")],
)
def test_line_totals_round_half_to_even(amount: str, count: int, expected: str) -> None:
    fees = table(schedule(unit="per_inmate_day", amount=amount))
    line = fees.invoice_line("p-1", days(D(2025, 1, 1), count), "per_inmate_day")
    assert line.amount == Decimal(expected)


def test_a_line_shows_each_rate_in_force_and_counts_a_day_once() -> None:
    fees = table(
        schedule(
            unit="per_inmate_day", amount="50", effective={"from": "2025-01-01", "to": "2025-01-31"}
        ),
        schedule(unit="per_inmate_day", amount="60", effective={"from": "2025-02-01"}),
    )
    custody = [*days(D(2025, 1, 30), 4), D(2025, 1, 30), D(2025, 2, 10)]  # repeat, then a gap
    line = fees.invoice_line("p-1", custody, "per_inmate_day")
    assert line.days_in_custody == 5
    assert [(r.rate.amount, r.days) for r in line.runs] == [
        (Decimal("50"), 2),
        (Decimal("60"), 3),
    ]
    assert line.amount == Decimal("280.00")


def test_a_day_without_a_rate_is_an_error_on_an_invoice() -> None:
    fees = table(schedule(effective={"from": "2025-01-01", "to": "2025-01-31"}))
    with pytest.raises(NoFeeInForce, match="2025-02-01"):
        fees.invoice_line("p-1", days(D(2025, 1, 31), 2), "per_person_year")


def test_a_fee_that_is_not_prorated_has_no_daily_charge() -> None:
    fees = table(schedule(proration="none"))
    with pytest.raises(FeeNotProrated, match="fee schedule #1"):
        fees.daily_charge(D(2025, 1, 1), "per_person_year")


def test_one_line_does_not_mix_currencies() -> None:
    fees = table(
        schedule(
            unit="per_inmate_day", amount="5", effective={"from": "2025-01-01", "to": "2025-01-31"}
        ),
        schedule(
            unit="per_inmate_day", currency="EUR", amount="5", effective={"from": "2025-02-01"}
        ),
    )
    with pytest.raises(FeeScheduleError, match="change currency within one line"):
        fees.invoice_line("p-1", days(D(2025, 1, 31), 2), "per_inmate_day")


def test_transfer_fee_line() -> None:
    fees = table(schedule(unit="per_transfer", amount="1234.565"))
    line = fees.transfer_line("p-1", D(2025, 5, 5))
    assert line.amount == Decimal("1234.56")  # half to even
    assert line.unit == "per_transfer"


# ---- dated fee changes ---------------------------------------------------------------------


def test_a_fee_change_replaces_the_rate_from_its_date() -> None:
    fees = table(schedule()).with_changes(
        [schedule(amount="22000", effective={"from": "2027-04-01"}, source="renewal")]
    )
    assert fees.rate_in_force(D(2027, 3, 31), "per_person_year").amount == Decimal("20000.00")
    changed = fees.rate_in_force(D(2027, 4, 1), "per_person_year")
    assert changed.amount == Decimal("22000")
    assert changed.label == "fee change #1"
    assert changed.source == "renewal"


def test_a_temporary_change_lets_the_old_rate_resume() -> None:
    fees = table(schedule()).with_changes(
        [schedule(amount="0", effective={"from": "2025-06-01", "to": "2025-06-30"})]
    )
    assert fees.rate_in_force(D(2025, 5, 31), "per_person_year").amount == Decimal("20000.00")
    assert fees.rate_in_force(D(2025, 6, 15), "per_person_year").amount == Decimal("0")
    assert fees.rate_in_force(D(2025, 7, 1), "per_person_year").amount == Decimal("20000.00")
    line = fees.invoice_line("p-1", days(D(2025, 5, 31), 32), "per_person_year")
    assert line.amount == Decimal("109.59")  # 2 charged days x 20000 / 365


def test_fee_changes_are_validated_like_schedules() -> None:
    with pytest.raises(UnknownCurrency, match="fee change #1"):
        table(schedule()).with_changes([schedule(currency="ABC", effective={"from": "2026-01-01"})])
    with pytest.raises(NegativeFee, match="fee change #1"):
        table(schedule()).with_changes([schedule(amount="-5", effective={"from": "2026-01-01"})])
