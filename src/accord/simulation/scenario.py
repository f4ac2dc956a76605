"""Scenario files: YAML validated by pydantic, extra fields forbidden.

A scenario names an agreement of the bundled catalogue and describes a
programme under it month by month: arrivals, length of stay, return orders,
an optional cap from a screened docket, quota and capacity overrides, dated
fee changes and cost overrides. Every number carries its source.

`load_scenario(spec)` takes a path to a YAML file, or the name of a bundled
scenario (src/accord/simulation/scenarios/NAME.yaml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from accord.billing.costs import CostOverride
from accord.billing.fees import FeeScheduleInput
from accord.simulation.errors import ScenarioError

MAX_HORIZON_MONTHS = 600  # fifty years: beyond that a monthly model says nothing useful


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Places(_Strict):
    """A number of places (quota or capacity) with its source."""

    places: int = Field(gt=0)
    source: str = Field(min_length=1)


class _MonthlyValues(_Strict):
    per_month: float | None = Field(default=None, ge=0)
    by_month: list[Annotated[float, Field(ge=0)]] | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_of(self) -> _MonthlyValues:
        if (self.per_month is None) == (self.by_month is None):
            raise ValueError("give exactly one of per_month and by_month")
        return self

    def values(self, months: int) -> list[float]:
        if self.by_month is not None:
            return list(self.by_month)
        return [float(self.per_month or 0.0)] * months


class PoissonArrivals(_MonthlyValues):
    """Arrivals each month drawn from a Poisson distribution with this mean."""

    distribution: Literal["poisson"]


class FixedArrivals(_MonthlyValues):
    """Exactly this many arrivals each month (whole numbers)."""

    distribution: Literal["fixed"]

    @model_validator(mode="after")
    def _whole(self) -> FixedArrivals:
        given = self.by_month if self.by_month is not None else [self.per_month or 0.0]
        if any(v != int(v) for v in given):
            raise ValueError("fixed arrivals must be whole numbers")
        return self


Arrivals = Annotated[PoissonArrivals | FixedArrivals, Field(discriminator="distribution")]


class FixedStay(_Strict):
    """Every person stays exactly `months` months."""

    distribution: Literal["fixed"]
    months: int = Field(ge=1)
    source: str = Field(min_length=1)


class GammaStay(_Strict):
    """Gamma-like stay: `shape` stages, each a geometric number of months (discrete Erlang)."""

    distribution: Literal["gamma"]
    mean_months: float = Field(ge=1)
    shape: float = Field(gt=0)
    source: str = Field(min_length=1)


class LognormalStay(_Strict):
    """Lognormal stay in months, given by its median and sigma (of the log)."""

    distribution: Literal["lognormal"]
    median_months: float = Field(gt=0)
    sigma: float = Field(gt=0, le=3)
    source: str = Field(min_length=1)


class SentenceShare(_Strict):
    months: int = Field(ge=1)
    share: float = Field(gt=0, le=1)


class SentenceStay(_Strict):
    """Sentence-based stay: the rest of the sentence, a mix of fixed remaining terms."""

    distribution: Literal["sentence"]
    remaining: list[SentenceShare] = Field(min_length=1)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _shares(self) -> SentenceStay:
        if abs(sum(s.share for s in self.remaining) - 1.0) > 1e-9:
            raise ValueError("the shares of remaining sentences must add up to 1")
        return self


LengthOfStay = Annotated[
    FixedStay | GammaStay | LognormalStay | SentenceStay, Field(discriminator="distribution")
]
DISTRIBUTION_TAGS = frozenset({"poisson", "fixed", "gamma", "lognormal", "sentence"})


class ReturnOrders(_Strict):
    """The monthly probability that a person held is ordered returned (and is returned)."""

    monthly_probability: float = Field(ge=0, le=1)
    source: str = Field(min_length=1)


class EligiblePopulation(_Strict):
    """Caps cumulative arrivals: a count, or the `eligible` rows of a screen output (Parquet)."""

    screen: str | None = None
    count: int | None = Field(default=None, ge=0)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_of(self) -> EligiblePopulation:
        if (self.screen is None) == (self.count is None):
            raise ValueError("give exactly one of screen (a screen Parquet file) and count")
        return self


class Scenario(_Strict):
    title: str = Field(min_length=1)
    description: str = ""
    agreement: str = Field(min_length=1)
    facility: str | None = None
    start: dt.date
    horizon_months: int = Field(ge=1, le=MAX_HORIZON_MONTHS)
    quota: Places | None = None
    capacity: Places | None = None
    arrivals: Arrivals
    length_of_stay: LengthOfStay
    return_orders: ReturnOrders | None = None
    eligible_population: EligiblePopulation | None = None
    domestic_alternative: Literal["ice_detention", "bop_incarceration"] = "ice_detention"
    fee_changes: list[FeeScheduleInput] = []
    cost_overrides: dict[str, CostOverride] = {}

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.start.day != 1:
            raise ValueError("start must be the first day of a month (the simulator steps monthly)")
        by_month = self.arrivals.by_month
        if by_month is not None and len(by_month) != self.horizon_months:
            raise ValueError(
                f"arrivals.by_month has {len(by_month)} values; "
                f"horizon_months is {self.horizon_months}: give one value a month"
            )
        return self


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    name: str  # the file's stem: names the outputs
    file: str  # as given, for messages
    folder: Path | None  # relative paths in the scenario resolve here (None: bundled)


def bundled_scenarios() -> dict[str, Traversable]:
    folder = resources.files("accord.simulation") / "scenarios"
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    }


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for i, part in enumerate(loc):
        # pydantic puts the discriminator's value in the path of a tagged union: drop it.
        if i > 0 and loc[i - 1] in ("arrivals", "length_of_stay") and part in DISTRIBUTION_TAGS:
            continue
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts).lstrip(".")


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field (not allowed here)"
    return str(error["msg"]).removeprefix("Value error, ")


def parse_scenario(data: Any, *, file: str) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("the file must hold a mapping of fields", file=file)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        more = exc.error_count() - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ScenarioError(
            _message(error) + tail, file=file, field=_field_path(tuple(error["loc"])) or None
        ) from None


def load_scenario(spec: str | Path) -> LoadedScenario:
    """Read a scenario: a YAML file, or the name of a bundled scenario."""
    path = Path(spec)
    bundled = bundled_scenarios()
    if path.is_file():
        text, name, folder = _read(path), path.stem, path.resolve().parent
    elif str(spec) in bundled:
        text, name, folder = bundled[str(spec)].read_text("utf-8"), str(spec), None
    else:
        raise ScenarioError(
            f"no such file, and no bundled scenario of that name (bundled: {', '.join(bundled)})",
            file=str(spec),
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "unreadable"
        raise ScenarioError(f"not valid YAML{where}: {problem}", file=str(spec)) from None
    return LoadedScenario(parse_scenario(data, file=str(spec)), name, str(spec), folder)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read the file: {exc}", file=str(path)) from None
