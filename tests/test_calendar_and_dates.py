"""The appeal-period calendar and the date arithmetic both engines share."""

from __future__ import annotations

import datetime as dt

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.engine.one_person import shift_date
from accord.law.calendar import is_business_day, legal_holidays, non_business_days


def test_the_calendar_lists_weekends_and_holidays_with_the_next_business_day() -> None:
    rows = {r["day"]: r["next_business_day"] for r in non_business_days().to_pylist()}
    # Thanksgiving 2024 (Thursday) runs to Friday; Saturday 5 July 2025 to Monday 7 July.
    assert rows[dt.date(2024, 11, 28)] == dt.date(2024, 11, 29)
    assert rows[dt.date(2025, 7, 5)] == dt.date(2025, 7, 7)
    # Christmas 2022 fell on a Sunday and was observed on Monday 26 December.
    assert rows[dt.date(2022, 12, 24)] == dt.date(2022, 12, 27)
    # Juneteenth is a legal holiday from 2021 only.
    assert dt.date(2021, 6, 18) in rows  # observed on Friday 18 June 2021
    assert dt.date(2020, 6, 19) not in rows
    assert dt.date(2025, 3, 17) not in rows  # an ordinary Monday


def test_every_listed_day_rolls_to_the_first_business_day_after_it() -> None:
    holidays = legal_holidays(1997, 2100)
    for row in non_business_days().to_pylist()[:4000]:
        day, after = row["day"], row["next_business_day"]
        assert day.weekday() >= 5 or day in holidays
        assert after > day
        assert is_business_day(after)
        between = day + dt.timedelta(days=1)
        while between < after:
            assert not is_business_day(between), (day, between)
            between += dt.timedelta(days=1)


def test_month_and_year_shifts_land_on_the_last_day_of_a_shorter_month() -> None:
    assert shift_date("2024-01-31", 1, "month") == "2024-02-29"
    assert shift_date("2023-01-31", 1, "month") == "2023-02-28"
    assert shift_date("2004-02-29", 18, "year") == "2022-02-28"
    assert shift_date("2025-03-16", "30", "day") == "2025-04-15"  # literals arrive as text
    assert shift_date(None, 1, "day") is None


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)),
    amount=st.integers(min_value=-400, max_value=400),
    unit=st.sampled_from(["day", "month", "year"]),
)
def test_shifts_agree_with_duckdb(day: dt.date, amount: int, unit: str) -> None:
    (row,) = duckdb.sql(
        f"SELECT CAST(DATE '{day.isoformat()}' + INTERVAL ({amount}) {unit.upper()} AS DATE)"
    ).fetchall()
    assert shift_date(day.isoformat(), amount, unit) == row[0].isoformat()
