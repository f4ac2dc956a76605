"""Request and response models of the simulator's HTTP route (simulation/views.py).

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py` or beside its service, never here.)
"""

from __future__ import annotations

import math

from pydantic import Field, field_validator

from accord.api.schemas import In, Out
from accord.simulation.results import SimulationResults
from accord.simulation.scenario import bundled_scenarios

MAX_API_DRAWS = 10_000  # a request stays well under a second of CPU


class SimulationIn(In):
    scenario: str = Field(
        min_length=1, max_length=64, description="A bundled scenario, e.g. sv-2025-pilot"
    )
    draws: int = Field(default=1000, ge=1, le=MAX_API_DRAWS)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)

    @field_validator("scenario")
    @classmethod
    def _bundled(cls, value: str) -> str:
        # only bundled scenarios: a name must never be read as a path on the server
        names = sorted(bundled_scenarios())
        if value not in names:
            raise ValueError(f"not a bundled scenario; use one of: {', '.join(names)}")
        return value


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) or math.isinf(value) else value


class SummaryRowOut(Out):
    metric: str
    unit: str
    mean: float | None
    p5: float | None
    p50: float | None
    p95: float | None
    probability: float | None
    note: str


class SimulationOut(Out):
    scenario: str
    title: str
    draws: int
    seed: int
    months: int
    first_month: str
    summary: list[SummaryRowOut]

    @classmethod
    def of(cls, name: str, results: SimulationResults) -> SimulationOut:
        plan = results.plan
        rows = []
        for row in results.summary:
            stats = row.stats or (math.nan, math.nan, math.nan, math.nan)
            mean, p5, p50, p95 = (_finite(v) for v in stats)
            rows.append(
                SummaryRowOut(
                    metric=row.metric,
                    unit=row.unit,
                    mean=mean,
                    p5=p5,
                    p50=p50,
                    p95=p95,
                    probability=_finite(row.probability),
                    note=row.note,
                )
            )
        return cls(
            scenario=name,
            title=plan.loaded.scenario.title,
            draws=results.draws,
            seed=results.seed,
            months=plan.months,
            first_month=plan.month_starts[0].isoformat(),
            summary=rows,
        )
