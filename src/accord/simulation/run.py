"""Run a scenario: load, resolve, simulate, summarise, write CSV files and the report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from accord.reports.output import write_files
from accord.simulation.errors import SimulationOptionError
from accord.simulation.montecarlo import Progress, simulate_population
from accord.simulation.plan import SimulationPlan, resolve
from accord.simulation.report import REPORT_FILE, render_charts, render_html
from accord.simulation.results import (
    SimulationResults,
    monthly_csv,
    parameters_csv,
    summarise,
    summary_csv,
)
from accord.simulation.scenario import load_scenario

MAX_CELLS = 24_000_000  # draws x months: about 1 GB of trajectories and costs
MONTHLY_FILE = "monthly.csv"
SUMMARY_FILE = "summary.csv"
PARAMETERS_FILE = "parameters.csv"


@dataclass(frozen=True)
class SimulationRun:
    results: SimulationResults
    files: tuple[Path, ...]  # every file written, the report last
    seconds: float  # the simulation alone (draws, costs, percentiles)


def check_options(draws: int, seed: int, months: int) -> None:
    if draws < 1:
        raise SimulationOptionError(f"--draws must be at least 1 (got {draws})")
    if seed < 0:
        raise SimulationOptionError(f"--seed must be zero or more (got {seed})")
    if draws * months > MAX_CELLS:
        raise SimulationOptionError(
            f"--draws {draws:,} over {months} months is too large to hold in memory; "
            f"keep draws x months at most {MAX_CELLS:,}"
        )


def simulate(
    plan: SimulationPlan, *, draws: int, seed: int, progress: Progress | None = None
) -> SimulationResults:
    """The Monte Carlo: `draws` runs of the plan, vectorised; one seed, one result."""
    check_options(draws, seed, plan.months)
    rng = np.random.default_rng(seed)
    trajectories = simulate_population(plan.population, draws=draws, rng=rng, progress=progress)
    return summarise(plan, trajectories, draws=draws, seed=seed)


def write_outputs(results: SimulationResults, out: Path) -> tuple[Path, ...]:
    """monthly.csv, summary.csv, parameters.csv, the PNG charts, then report.html."""
    charts = render_charts(results)
    files: dict[str, bytes] = {
        MONTHLY_FILE: monthly_csv(results).encode("utf-8"),
        SUMMARY_FILE: summary_csv(results).encode("utf-8"),
        PARAMETERS_FILE: parameters_csv(results).encode("utf-8"),
    }
    files.update({chart.file: chart.png for chart in charts})
    names = [*files, REPORT_FILE]
    files[REPORT_FILE] = render_html(results, charts, names).encode("utf-8")
    write_files(out, files)
    return tuple(out / name for name in names)


def run_simulation(
    scenario: str | Path,
    *,
    draws: int,
    seed: int,
    out: Path,
    progress: Progress | None = None,
) -> SimulationRun:
    """Load the scenario (a file or a bundled name), simulate, and write every output to `out`."""
    if draws < 1 or seed < 0:
        check_options(draws, seed, 1)  # before reading anything
    plan = resolve(load_scenario(scenario))
    started = time.perf_counter()
    results = simulate(plan, draws=draws, seed=seed, progress=progress)
    seconds = time.perf_counter() - started
    return SimulationRun(results, write_outputs(results, out), seconds)
