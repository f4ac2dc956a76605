"""The period a transparency report covers: whole calendar months, in UTC."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from accord.errors import InputError

MAX_MONTHS = 120  # ten years: a report's tables have one column a month
_PERIOD = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")
DEFAULT_THRESHOLD = 11
CONSULAR_PARAMETER = "consular_notification_days"  # law/data/parameters.yaml
THRESHOLD_RANGE = (2, 1000)


def _month_start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)


def _next_month(moment: dt.datetime) -> dt.datetime:
    if moment.month == 12:
        return _month_start(moment.year + 1, 1)
    return _month_start(moment.year, moment.month + 1)


@dataclass(frozen=True)
class Period:
    """From the first moment of `first` to the last of `last` (both YYYY-MM, UTC)."""

    first: str
    last: str

    @property
    def text(self) -> str:
        return f"{self.first}..{self.last}"

    @property
    def start(self) -> dt.datetime:
        return _month_start(int(self.first[:4]), int(self.first[5:]))

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period."""
        return _next_month(_month_start(int(self.last[:4]), int(self.last[5:])))

    @property
    def months(self) -> list[str]:
        found, moment = [], self.start
        while moment < self.end:
            found.append(moment.strftime("%Y-%m"))
            moment = _next_month(moment)
        return found

    def month_ends(self) -> list[dt.datetime]:
        """The first moment after each month (a stock is counted just before it)."""
        return [_next_month(_month_start(int(m[:4]), int(m[5:]))) for m in self.months]


def parse_period(text: str, *, today: dt.date | None = None) -> Period:
    """`YYYY-MM..YYYY-MM`, first not after last, at most MAX_MONTHS, not ending after this
    month (a month not yet begun has nothing to publish); InputError naming what is wrong."""
    match = _PERIOD.match(text.strip())
    if match is None:
        raise InputError(f"--period '{text}': give whole months as YYYY-MM..YYYY-MM")
    y1, m1, y2, m2 = (int(g) for g in match.groups())
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or not (2000 <= y1 <= 2100 and 2000 <= y2 <= 2100):
        raise InputError(f"--period '{text}': months are 01 to 12 of a year from 2000 to 2100")
    if (y1, m1) > (y2, m2):
        raise InputError(f"--period '{text}': the first month is after the last")
    months = (y2 - y1) * 12 + (m2 - m1) + 1
    if months > MAX_MONTHS:
        raise InputError(f"--period '{text}': {months} months; at most {MAX_MONTHS}")
    now = today or dt.datetime.now(dt.UTC).date()
    if (y2, m2) > (now.year, now.month):
        raise InputError(f"--period '{text}': ends after this month ({now:%Y-%m})")
    return Period(f"{y1:04d}-{m1:02d}", f"{y2:04d}-{m2:02d}")


def check_threshold(value: int) -> int:
    low, high = THRESHOLD_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(
            f"--threshold {value}: the smallest count published is a whole number of persons "
            f"from {low} to {high} (default {DEFAULT_THRESHOLD})"
        )
    return value
