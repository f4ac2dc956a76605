"""The cost model's parameters: dated values with their sources (billing/data/costs.yaml).

Each parameter has a unit and a list of values, each in force from a date and
carrying its source. `cost_parameters(as_of)` gives the values in force on a
day; a scenario may override a value, with its own source. A source that
begins with "assumption" marks a number no published source gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accord.billing.errors import UnknownCostParameter
from accord.errors import DataError, InputError

CostUnit = Literal[
    "usd_per_person_day",
    "usd_per_person_month",
    "usd_per_person",
    "usd_per_year",
    "usd_per_flight_hour",
    "usd_per_escort_flight",
    "hours_per_flight",
    "persons_per_flight",
    "escorts_per_flight",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _DatedValue(_Strict):
    from_: dt.date = Field(alias="from")
    value: Decimal = Field(ge=0)
    source: str = Field(min_length=1)


class _ParameterFile(_Strict):
    title: str
    unit: CostUnit
    values: list[_DatedValue] = Field(min_length=1)


class CostOverride(_Strict):
    """A scenario's own value for a cost parameter, for every date, with its source."""

    value: Decimal = Field(ge=0)
    source: str = Field(min_length=1)


@dataclass(frozen=True)
class CostParameter:
    """The value of one cost parameter on a date, and where it comes from."""

    name: str
    title: str
    unit: str
    effective_from: dt.date | None  # None for a scenario override (in force throughout)
    value: Decimal
    source: str

    @property
    def assumption(self) -> bool:
        """True when no published source gives the number."""
        return self.source.strip().lower().startswith("assumption")

    def as_record(self) -> dict[str, str]:
        return {
            "parameter": self.name,
            "title": self.title,
            "unit": self.unit,
            "effective_from": self.effective_from.isoformat() if self.effective_from else "",
            "value": str(self.value),
            "assumption": "yes" if self.assumption else "no",
            "source": self.source,
        }


@dataclass(frozen=True)
class CostParameters:
    """Every cost parameter's value in force on `as_of`."""

    as_of: dt.date
    parameters: Mapping[str, CostParameter]

    def __getitem__(self, name: str) -> CostParameter:
        return self.parameters[name]

    def value(self, name: str) -> Decimal:
        return self.parameters[name].value

    def records(self) -> list[dict[str, str]]:
        return [p.as_record() for p in self.parameters.values()]


@cache
def _load() -> dict[str, _ParameterFile]:
    text = (resources.files("accord.billing") / "data" / "costs.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise DataError("billing/data/costs.yaml must be a mapping")
    try:
        return {str(name): _ParameterFile.model_validate(spec) for name, spec in data.items()}
    except ValidationError as exc:
        raise DataError(f"billing/data/costs.yaml is invalid: {exc}") from exc


def cost_parameter_names() -> tuple[str, ...]:
    return tuple(_load())


def _in_force(name: str, spec: _ParameterFile, as_of: dt.date) -> CostParameter:
    dated = sorted(spec.values, key=lambda v: v.from_)
    in_force = [v for v in dated if v.from_ <= as_of]
    if not in_force:
        raise InputError(
            f"no value of cost parameter '{name}' is in force on {as_of} "
            f"(the first is from {dated[0].from_})"
        )
    value = in_force[-1]
    return CostParameter(name, spec.title, spec.unit, value.from_, value.value, value.source)


def check_overrides(overrides: Mapping[str, CostOverride]) -> None:
    """Every override names a parameter of the cost model."""
    specs = _load()
    for name in overrides:
        if name not in specs:
            raise UnknownCostParameter(
                f"no cost parameter '{name}' (known: {', '.join(sorted(specs))})"
            )


def cost_parameters(
    as_of: dt.date, overrides: Mapping[str, CostOverride] | None = None
) -> CostParameters:
    """The value of every cost parameter in force on `as_of`, overrides applied."""
    specs = _load()
    check_overrides(overrides or {})
    values: dict[str, CostParameter] = {}
    for name, spec in specs.items():
        override = (overrides or {}).get(name)
        if override is not None:
            values[name] = CostParameter(
                name, spec.title, spec.unit, None, override.value, override.source
            )
        else:
            values[name] = _in_force(name, spec, as_of)
    return CostParameters(as_of, values)
