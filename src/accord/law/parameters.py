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
from typing import Any

import yaml

from accord.errors import DataError, InputError
from accord.law.law_set import LawSet, bundled_law

NOTICE_PROFILES: tuple[str, ...] = ("most_protective", "court_order", "agency_policy")


@dataclass(frozen=True)
class NoticeTerms:
    basis: str
    waiting_hours: int
    exigent_waiting_hours: int
    assurances_waiting_hours: int
    counsel_service: bool
    source: str
    # after a negative fear determination about the country, the days to move to reopen
    # (D.V.D. v. DHS preliminary injunction): removal waits until they have run
    reopen_days_after_negative_fear: int = 0

    @property
    def strictness(self) -> tuple[int, bool, int]:
        """How protective the terms are: the longer wait, service on counsel, reopening days."""
        return (self.waiting_hours, self.counsel_service, self.reopen_days_after_negative_fear)

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
class OrderNotice:
    """Notice terms of a class-wide court order binding on the date (law/court_orders.py),
    for the members of its class."""

    order_id: str
    terms: NoticeTerms


@dataclass(frozen=True)
class LawParameters:
    appeal_period_days: ParameterValue
    adult_age_years: ParameterValue
    transfer_min_remaining_months: ParameterValue
    # the regulation's or the agency's terms, for a person no court order's terms cover
    third_country_notice: ParameterValue
    profile: str
    # court orders requiring notice that bind on the date under the profile
    notice_orders: tuple[OrderNotice, ...] = ()

    @property
    def notice_outside_orders(self) -> NoticeTerms:
        terms = self.third_country_notice.value
        assert isinstance(terms, NoticeTerms)
        return terms

    @property
    def notice(self) -> NoticeTerms:
        """The most protective terms in force on the date (a class member's): what an officer
        serving notice must allow for (operations/workflow.py)."""
        candidates = [self.notice_outside_orders, *(o.terms for o in self.notice_orders)]
        return max(candidates, key=lambda t: t.strictness)

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


def _scalar(name: str, as_of: dt.date, law: LawSet) -> ParameterValue:
    """The value in force on `as_of`: the registry's (law/law_set.py) where it has one from
    on or after the bundled value's date, otherwise the bundled one."""
    v = _value_on(name, as_of)
    entered = law.value_on(name, as_of)
    if entered is not None and entered.effective_from >= v["from"]:
        source = f"{entered.source} (law entry {entered.entry})"
        return ParameterValue(name, entered.effective_from, entered.value, source)
    return ParameterValue(name, v["from"], v["value"], v["source"])


def parameter_on(name: str, as_of: dt.date, law: LawSet | None = None) -> ParameterValue:
    """A scalar parameter's value in force on `as_of`, with its source (for readers outside
    the rules, e.g. the transparency report's consular_notification_days): under `law` (a
    registry's, with its entered values) or the bundled law."""
    return _scalar(name, as_of, law if law is not None else bundled_law())


def _notice(as_of: dt.date, profile: str) -> ParameterValue:
    """The regulation's or agency's terms of the period: under `agency_policy` the agency's
    where the period has one, otherwise the most protective of the period's values. (Court
    orders are not values of this parameter: they are law/data/court_orders.)"""
    period = _value_on("third_country_notice", as_of)
    candidates = [NoticeTerms(**c) for c in period["candidates"]]
    agency = [c for c in candidates if c.basis == "agency_policy"]
    pool = agency if profile == "agency_policy" and agency else candidates
    chosen = max(pool, key=lambda c: c.strictness)
    return ParameterValue("third_country_notice", period["from"], chosen, chosen.source)


def _order_notices(as_of: dt.date, profile: str, law: LawSet) -> tuple[OrderNotice, ...]:
    notices = []
    for state in law.notice_orders_on(as_of, profile):
        n = state.effect.notice if state.effect is not None else None
        assert n is not None
        terms = NoticeTerms(
            basis="court_order",
            waiting_hours=24 * n.waiting_days,
            exigent_waiting_hours=24 * n.exigent_waiting_days,
            assurances_waiting_hours=24 * n.assurances_waiting_days,
            counsel_service=n.counsel_service,
            source=f"{state.citation()} ({state.words()})",
            reopen_days_after_negative_fear=n.reopen_days_after_negative_fear,
        )
        notices.append(OrderNotice(state.order.id, terms))
    return tuple(notices)


def resolve_parameters(
    as_of: dt.date, profile: str = "most_protective", law: LawSet | None = None
) -> LawParameters:
    """The parameters in force on `as_of` under `law` (the bundled law when None)."""
    law = law or bundled_law()
    if profile not in NOTICE_PROFILES:
        raise InputError(f"notice profile '{profile}' is not one of: {', '.join(NOTICE_PROFILES)}")
    return LawParameters(
        appeal_period_days=_scalar("appeal_period_days", as_of, law),
        adult_age_years=_scalar("adult_age_years", as_of, law),
        transfer_min_remaining_months=_scalar("transfer_min_remaining_months", as_of, law),
        third_country_notice=_notice(as_of, profile),
        profile=profile,
        notice_orders=_order_notices(as_of, profile, law),
    )
