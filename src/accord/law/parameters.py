"""Law parameters with effective-dated values, each with its legal source.

`resolve_parameters(as_of, profile)` gives the values in force on a date; a
decision records which dated value it used, so it can be reproduced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from accord.errors import DataError, InputError

NoticeProfile = Literal["most_protective", "court_order", "agency_policy"]
NOTICE_PROFILES: tuple[str, ...] = ("most_protective", "court_order", "agency_policy")


@dataclass(frozen=True)
class NoticeTerms:
    basis: str
    waiting_hours: int
    exigent_waiting_hours: int
    assurances_waiting_hours: int
    counsel_service: bool
    source: str

    def waiting_days(self, *, exigent: bool, assurances: bool) -> int:
        """Whole days to wait after service: decisions are made per day, so hours round up."""
        hours = self.waiting_hours
        if assurances:
            hours = min(hours, self.assurances_waiting_hours)
        if exigent:
            hours = min(hours, self.exigent_waiting_hours)
        return -(-hours // 24)


@dataclass(frozen=True)
class ParameterValue:
    """The value of one parameter on a date, and where it comes from."""

    parameter: str
    effective_from: dt.date
    value: Any
    source: str

    def as_record(self) -> dict[str, str]:
        return {
            "parameter": self.parameter,
            "effective_from": self.effective_from.isoformat(),
            "value": str(
                self.value if not isinstance(self.value, NoticeTerms) else self.value.basis
            ),
            "source": self.source,
        }


@dataclass(frozen=True)
class LawParameters:
    appeal_period_days: ParameterValue
    adult_age_years: ParameterValue
    transfer_min_remaining_months: ParameterValue
    third_country_notice: ParameterValue
    profile: str

    @property
    def notice(self) -> NoticeTerms:
        terms = self.third_country_notice.value
        assert isinstance(terms, NoticeTerms)
        return terms

    def records(self) -> list[dict[str, str]]:
        return [
            v.as_record()
            for v in (
                self.appeal_period_days,
                self.adult_age_years,
                self.transfer_min_remaining_months,
                self.third_country_notice,
            )
        ]


def _data_text() -> str:
    return (resources.files("accord.law") / "data" / "parameters.yaml").read_text("utf-8")


@cache
def _load() -> dict[str, Any]:
    data = yaml.safe_load(_data_text())
    if not isinstance(data, dict):
        raise DataError("law/data/parameters.yaml must be a mapping")
    return data


@cache
def parameters_digest() -> str:
    return hashlib.sha256(_data_text().encode()).hexdigest()


def _value_on(name: str, as_of: dt.date) -> dict[str, Any]:
    values = sorted(_load()[name]["values"], key=lambda v: v["from"])
    in_force = [v for v in values if v["from"] <= as_of]
    if not in_force:
        raise InputError(f"no value of law parameter '{name}' is in force on {as_of}")
    return dict(in_force[-1])


def _scalar(name: str, as_of: dt.date) -> ParameterValue:
    v = _value_on(name, as_of)
    return ParameterValue(name, v["from"], v["value"], v["source"])


def _notice(as_of: dt.date, profile: str) -> ParameterValue:
    period = _value_on("third_country_notice", as_of)
    candidates = [NoticeTerms(**c) for c in period["candidates"]]
    if profile == "most_protective":
        chosen = max(candidates, key=lambda c: (c.waiting_hours, c.counsel_service))
    else:
        matching = [c for c in candidates if c.basis == profile]
        chosen = matching[0] if matching else candidates[0]
    return ParameterValue("third_country_notice", period["from"], chosen, chosen.source)


def resolve_parameters(as_of: dt.date, profile: str = "most_protective") -> LawParameters:
    if profile not in NOTICE_PROFILES:
        raise InputError(f"notice profile '{profile}' is not one of: {', '.join(NOTICE_PROFILES)}")
    return LawParameters(
        appeal_period_days=_scalar("appeal_period_days", as_of),
        adult_age_years=_scalar("adult_age_years", as_of),
        transfer_min_remaining_months=_scalar("transfer_min_remaining_months", as_of),
        third_country_notice=_notice(as_of, profile),
        profile=profile,
    )
