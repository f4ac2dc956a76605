"""Dated law data the bars read: TPS designations and the circuits' stay rules.

Two files beside parameters.yaml, each loaded once and validated: law/data/tps_designations.yaml
(the state of a country's TPS designation from a day on, where it is not what a person's
grant says) and law/data/circuit_stay_rules.yaml (courts of appeals whose rule stays removal
while a stay motion is pending). A value is looked up for the decision's date in Python, so
the compiled rules hold plain literals. Bad data is a DataError naming the file and the entry:
it is bundled law, so a mistake in it is a bug, not input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from accord.countries import is_country
from accord.errors import DataError

TPS_FILE = "tps_designations.yaml"
CIRCUITS_FILE = "circuit_stay_rules.yaml"

TpsState = Literal["in_effect", "terminated", "unsettled"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TpsPeriod(_Data):
    """The state of a designation from `start` on (until the next period)."""

    start: dt.date = Field(alias="from")
    state: TpsState
    source: str = Field(min_length=1)
    reason: str | None = None

    @model_validator(mode="after")
    def _reason_when_unsettled(self) -> TpsPeriod:
        if self.state == "unsettled" and not self.reason:
            raise ValueError("an unsettled period needs a reason")
        return self


class TpsCountry(_Data):
    name: str = Field(min_length=1)
    periods: list[TpsPeriod] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_order(self) -> TpsCountry:
        starts = [p.start for p in self.periods]
        if starts != sorted(set(starts)):
            raise ValueError("periods must be in date order, one per day")
        return self


class StayRuleValue(_Data):
    start: dt.date = Field(alias="from")
    automatic_stay: bool
    scope: Literal["initial_motion", "any_motion"] | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _scope_when_automatic(self) -> StayRuleValue:
        if self.automatic_stay and self.scope is None:
            raise ValueError("an automatic stay needs a scope")
        return self


class Circuit(_Data):
    court: str = Field(min_length=1)
    aliases: list[str] = Field(min_length=1)
    values: list[StayRuleValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_order(self) -> Circuit:
        starts = [v.start for v in self.values]
        if starts != sorted(set(starts)):
            raise ValueError("values must be in date order, one per day")
        return self


def normal_court(name: str) -> str:
    """A court's name as compared: lower case, without spaces or full stops (the same
    normalisation the rules apply to appeals.court in SQL)."""
    return re.sub(r"[ .]", "", name.lower())


def _read(name: str) -> Any:
    text = (resources.files("accord.law") / "data" / name).read_text("utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"law/data/{name} is not valid YAML: {exc}") from None


def _validated(name: str, model: type[_Data], key: str, value: Any) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problem = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in exc.errors()
        )
        raise DataError(f"law/data/{name}, {key}: {problem}") from None


@cache
def tps_designations() -> dict[str, TpsCountry]:
    data = _read(TPS_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("countries"), dict):
        raise DataError(f"law/data/{TPS_FILE} must map 'countries' to entries by country code")
    countries: dict[str, TpsCountry] = {}
    for code, entry in data["countries"].items():
        if not isinstance(code, str) or not is_country(code):
            raise DataError(f"law/data/{TPS_FILE}: '{code}' is not an ISO 3166 alpha-2 code")
        countries[code] = _validated(TPS_FILE, TpsCountry, code, entry)
    return countries


@cache
def circuits() -> tuple[Circuit, ...]:
    data = _read(CIRCUITS_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("circuits"), list):
        raise DataError(f"law/data/{CIRCUITS_FILE} must hold a list under 'circuits'")
    found = tuple(
        _validated(CIRCUITS_FILE, Circuit, f"entry {i + 1}", entry)
        for i, entry in enumerate(data["circuits"])
    )
    seen: dict[str, str] = {}
    for circuit in found:
        for alias in (circuit.court, *circuit.aliases):
            other = seen.setdefault(normal_court(alias), circuit.court)
            if other != circuit.court:
                raise DataError(
                    f"law/data/{CIRCUITS_FILE}: alias '{alias}' names both {other} and "
                    f"{circuit.court}"
                )
    return found


def tps_periods_on(day: dt.date) -> dict[str, TpsPeriod]:
    """Country code -> the period of its designation in force on `day`, for the countries
    whose data begins on or before it."""
    in_force: dict[str, TpsPeriod] = {}
    for code, country in tps_designations().items():
        started = [p for p in country.periods if p.start <= day]
        if started:
            in_force[code] = started[-1]
    return in_force


@dataclass(frozen=True)
class StayRuleOn:
    """A circuit's stay rule in force on a day, with the spellings that name the circuit."""

    court: str
    names: tuple[str, ...]  # normalised (normal_court)
    value: StayRuleValue


def stay_rules_on(day: dt.date) -> tuple[StayRuleOn, ...]:
    """The circuits whose encoded rule is in force on `day`."""
    rules = []
    for circuit in circuits():
        started = [v for v in circuit.values if v.start <= day]
        if started:
            names = tuple(sorted({normal_court(a) for a in (circuit.court, *circuit.aliases)}))
            rules.append(StayRuleOn(circuit.court, names, started[-1]))
    return tuple(rules)
