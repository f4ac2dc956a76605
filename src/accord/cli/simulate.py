"""`accord simulate SCENARIO --draws N --seed S --out DIR`: the policy simulator (issue #5).

The main app registers it with

    app.command("simulate")(simulate_command)

SCENARIO is a YAML file or the name of a bundled scenario (sv-2025-pilot,
sv-2025-offer). Writes monthly.csv, summary.csv, parameters.csv, the charts
as PNG and report.html to DIR, and prints the headline figures. Bad input
raises an InputError (one line, exit 2, from the main app's entry point).
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from accord.simulation import load_scenario, resolve, simulate, write_outputs
from accord.simulation.results import SimulationResults
from accord.simulation.run import check_options

# draws x months above which a progress bar is worth showing (~0.5 s of work)
PROGRESS_ABOVE_CELLS = 1_000_000
HEADLINE = (
    "persons_transferred",
    "peak_held",
    "cost_offshore_total",
    "cost_domestic_total",
    "cost_difference_total",
    "cost_offshore_per_person",
    "cost_domestic_per_person",
)

out = Console()
err = Console(stderr=True, soft_wrap=True)


def _figure(value: float, unit: str) -> str:
    if value != value:  # NaN: no draw had anyone transferred
        return "n/a"
    return f"{value:,.0f}" if unit.startswith("USD") else f"{value:,.1f}"


def headline_table(results: SimulationResults) -> Table:
    plan = results.plan
    table = Table(
        title=f"{plan.loaded.scenario.title}: {results.draws:,} draws, seed {results.seed}, "
        f"{plan.months} months from {plan.month_starts[0]}"
    )
    for column in ("measure", "unit", "p5", "p50", "p95"):
        table.add_column(column, justify="left" if column in ("measure", "unit") else "right")
    for metric in HEADLINE:
        row = results.row(metric)
        if row.stats is not None:
            _mean, p5, p50, p95 = row.stats
            table.add_row(metric, row.unit, *(_figure(v, row.unit) for v in (p5, p50, p95)))
    for row in results.summary:
        if row.probability is not None:
            table.add_row(row.metric, "probability", "", f"{row.probability:.2%}", "")
    return table


def simulate_command(
    scenario: Annotated[
        str,
        typer.Argument(
            help="Scenario YAML file, or a bundled scenario: sv-2025-pilot, sv-2025-offer"
        ),
    ],
    target: Annotated[
        Path, typer.Option("--out", help="Folder for the CSV files, charts and report.html")
    ],
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws (at least 1)")] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the random generator: one seed, one result")
    ] = 0,
) -> None:
    """Simulate a programme under an agreement: costs against the domestic alternative, capacity
    use over time and the chance of exceeding the quota, in percentiles over draws."""
    check_options(draws, seed, 1)  # before reading anything
    plan = resolve(load_scenario(scenario))
    check_options(draws, seed, plan.months)
    long_run = draws * plan.months >= PROGRESS_ABOVE_CELLS
    progress = (
        Progress(
            TextColumn("[bold]simulating[/bold] month"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        if long_run
        else None
    )
    with progress if progress is not None else nullcontext():
        if progress is not None:
            task = progress.add_task("months", total=plan.months)
            results = simulate(
                plan,
                draws=draws,
                seed=seed,
                progress=lambda done, _total: progress.update(task, completed=done),
            )
        else:
            results = simulate(plan, draws=draws, seed=seed)
    files = write_outputs(results, target)
    out.print(headline_table(results))
    out.print(f"Written to {target}: " + ", ".join(f.name for f in files))
