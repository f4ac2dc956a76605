"""The federal calendar the appeal period runs on, as a law table.

8 C.F.R. 1003.38(b): if the last day to appeal falls on a Saturday, Sunday or
legal holiday, the time runs to the next business day. Rather than inline a
list of holidays in every compiled rule, the calendar is one small table that
every store holds: each day that is not a business day, with the next one
that is. A rule looks a date up with a left join; a date not in the table is
itself a business day.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import ibis
import pyarrow as pa

from accord.law.framework import Expr

NON_BUSINESS_DAYS = "non_business_days"
CALENDAR_CITATIONS = (
    "5 U.S.C. 6103(a)-(c) (legal public holidays, observed days, Inauguration Day)",
    "8 C.F.R. 1003.38(b) (appeal time runs to the next business day)",
)
# The years the table covers: from IIRIRA's effective date to well past any date a case file holds.
FIRST_YEAR, LAST_YEAR = 1997, 2099

NON_BUSINESS_DAYS_SCHEMA = pa.schema([("day", pa.date32()), ("next_business_day", pa.date32())])


def _observed(day: dt.date) -> dt.date:
    """5 U.S.C. 6103(b): a holiday on a Saturday is observed the Friday before, on a Sunday the
    Monday after."""
    return day + dt.timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th `weekday` (Monday 0) of the month; n = -1: the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


@cache
def legal_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    """Legal public holidays (5 U.S.C. 6103(a)) on the days observed (6103(b)), and Inauguration
    Day (6103(c): the Board sits in Falls Church, Virginia). Closures by executive order are not
    included."""
    days: set[dt.date] = set()
    for y in range(first_year, last_year + 1):
        fixed = [(1, 1), (7, 4), (11, 11), (12, 25)] + ([(6, 19)] if y >= 2021 else [])
        days.update(_observed(dt.date(y, m, d)) for m, d in fixed)
        days.update(
            _nth_weekday(y, m, wd, n)
            for m, wd, n in ((1, 0, 3), (2, 0, 3), (5, 0, -1), (9, 0, 1), (10, 0, 2), (11, 3, 4))
        )
        if y % 4 == 1:
            inauguration = dt.date(y, 1, 20)
            days.add(inauguration + dt.timedelta(days=1 if inauguration.weekday() == 6 else 0))
    return frozenset(days)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in legal_holidays(day.year - 1, day.year + 1)


@cache
def non_business_days() -> pa.Table:
    """Every Saturday, Sunday and legal holiday of the covered years, with the next business day."""
    holidays = legal_holidays(FIRST_YEAR, LAST_YEAR + 1)
    rows: list[tuple[dt.date, dt.date]] = []
    day, end = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    pending: list[dt.date] = []
    while day <= end or pending:
        if day.weekday() >= 5 or day in holidays:
            pending.append(day)
        else:
            rows.extend((p, day) for p in pending)
            pending = []
        day += dt.timedelta(days=1)
    return pa.table(
        {
            "day": pa.array([r[0] for r in rows], pa.date32()),
            "next_business_day": pa.array([r[1] for r in rows], pa.date32()),
        },
        schema=NON_BUSINESS_DAYS_SCHEMA,
    )


# Law tables every store holds under these names, next to the fact tables.
LAW_TABLES: dict[str, pa.Schema] = {NON_BUSINESS_DAYS: NON_BUSINESS_DAYS_SCHEMA}


def law_table_data(name: str) -> pa.Table:
    return {NON_BUSINESS_DAYS: non_business_days}[name]()


def calendar_table() -> Expr:
    return ibis.table(ibis.Schema.from_pyarrow(NON_BUSINESS_DAYS_SCHEMA), name=NON_BUSINESS_DAYS)


def with_business_day(table: Expr, day: Expr, *, out: str) -> Expr:
    """`table` with column `out`: `day`, or if that is not a business day, the next one."""
    marked = table.mutate(_day=day.cast("date"))
    cal = calendar_table()
    joined = marked.left_join(cal, marked._day == cal.day)
    looked_up = joined.select(
        *table.columns, **{out: ibis.coalesce(joined.next_business_day, joined._day)}
    )
    # A view ends the join chain here: later joins on the result start a chain of their own.
    return looked_up.view()
