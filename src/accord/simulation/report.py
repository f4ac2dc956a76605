"""The simulation report: one self-contained HTML page, its charts also written as PNG.

What it shares with the screen report (charts, the page's head and style, files
written all or nothing) is in accord/reports/output.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from accord.reports.output import Chart, generated_at, png, report_environment
from accord.simulation.results import COMPONENTS, Row, SimulationResults, scenario_terms

REPORT_FILE = "report.html"
# Okabe-Ito colours, as in the screen report.
OFFSHORE = "#D55E00"
DOMESTIC = "#0072B2"
HELD = "#009E73"
LIMIT = "#555555"
DPI = 110


def _axes(title: str, ylabel: str, size: tuple[float, float] = (8.0, 4.0)) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    ax = figure.add_subplot()
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    return figure, ax


def _fan(ax: Any, x: np.ndarray, stats: np.ndarray, colour: str, label: str, scale: float) -> None:
    ax.fill_between(x, stats[1] / scale, stats[3] / scale, color=colour, alpha=0.2, linewidth=0)
    ax.plot(x, stats[2] / scale, color=colour, label=f"{label} (median; band p5-p95)")


def _held_chart(r: SimulationResults) -> bytes:
    x = np.arange(1, r.plan.months + 1)
    stats = r.monthly["held"][1]
    figure, ax = _axes("Persons held abroad each month", "persons")
    _fan(ax, x, stats, HELD, "held", 1.0)
    top = float(np.nanmax(stats[3])) if stats.size else 0.0
    notes = []
    ceiling = max(top, 1.0)
    for name, limit, style in (("quota", r.plan.quota, "--"), ("capacity", r.plan.capacity, ":")):
        if limit is None:
            continue
        if limit.places <= max(top, 1.0) * 1.5:
            ax.axhline(limit.places, color=LIMIT, linestyle=style, label=f"{name} {limit.places:,}")
            ceiling = max(ceiling, float(limit.places))
        else:
            notes.append(f"{name} {limit.places:,} is above the chart")
    ax.set_xlabel("month of the programme" + (f" ({'; '.join(notes)})" if notes else ""))
    ax.set_ylim(0, ceiling * 1.12)
    ax.legend(frameon=False, loc="lower right")
    return png(figure, dpi=DPI)


def _cumulative_chart(r: SimulationResults) -> bytes:
    x = np.arange(1, r.plan.months + 1)
    figure, ax = _axes("Cumulative cost: offshore against the domestic alternative", "USD million")
    _fan(ax, x, r.monthly["cumulative_offshore"][1], OFFSHORE, "offshore", 1e6)
    _fan(ax, x, r.monthly["cumulative_domestic"][1], DOMESTIC, "domestic", 1e6)
    ax.set_xlabel("month of the programme")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, loc="upper left")
    return png(figure, dpi=DPI)


def _components_chart(r: SimulationResults) -> bytes:
    names = [*COMPONENTS.values(), f"Domestic alternative: {r.plan.domestic_title}"]
    medians = [float(np.median(v)) / 1e6 for v in r.components.values()]
    medians.append(float(np.median(r.domestic)) / 1e6)
    colours = [OFFSHORE] * len(COMPONENTS) + [DOMESTIC]
    figure, ax = _axes("Cost over the horizon by component (median of draws)", "", (8.0, 4.6))
    bars = ax.barh(range(len(names)), medians, color=colours)
    ax.bar_label(bars, labels=[f"{m:,.1f}" for m in medians], padding=3, fontsize=9)
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("USD million")
    ax.margins(x=0.15)
    return png(figure, dpi=DPI)


def _per_person_chart(r: SimulationResults) -> bytes:
    persons = r.trajectories.arrivals.sum(axis=1)
    keep = persons > 0
    off = r.offshore[keep] / persons[keep] / 1e3
    dom = r.domestic[keep] / persons[keep] / 1e3
    figure, ax = _axes("Cost per person transferred, across draws", "draws")
    if off.size:
        bins = np.histogram_bin_edges(np.concatenate([off, dom]), bins=40)
        ax.hist(off, bins=bins, color=OFFSHORE, alpha=0.6, label="offshore")
        ax.hist(dom, bins=bins, color=DOMESTIC, alpha=0.6, label="domestic")
        ax.legend(frameon=False)
    ax.set_xlabel("USD thousand per person")
    return png(figure, dpi=DPI)


def render_charts(r: SimulationResults) -> list[Chart]:
    return [
        Chart(
            "held.png",
            "Persons held abroad",
            "Fan chart of persons held each month, with the quota and capacity",
            _held_chart(r),
        ),
        Chart(
            "cumulative_cost.png",
            "Cumulative cost",
            "Fan chart of cumulative offshore and domestic cost",
            _cumulative_chart(r),
        ),
        Chart(
            "cost_components.png",
            "Cost by component",
            "Bar chart of the median cost of each component and of the domestic alternative",
            _components_chart(r),
        ),
        Chart(
            "cost_per_person.png",
            "Cost per person",
            "Histograms of the cost per person transferred, offshore and domestic",
            _per_person_chart(r),
        ),
    ]


# ---- page ----------------------------------------------------------------------------------


def _money(value: float) -> str:
    return "" if np.isnan(value) else f"{value:,.0f}"


def _cell(row: Row) -> dict[str, Any]:
    if row.stats is None:
        p = row.probability if row.probability is not None else float("nan")
        return {"row": row, "values": ["", "", f"{p:.2%}", ""]}
    fmt = _money if row.unit.startswith("USD") else (lambda v: "" if np.isnan(v) else f"{v:,.1f}")
    return {
        "row": row,
        "values": [fmt(v) for v in (row.stats[1], row.stats[2], row.stats[3], row.stats[0])],
    }


def render_html(r: SimulationResults, charts: list[Chart], files: list[str]) -> str:
    plan = r.plan
    scenario = plan.loaded.scenario
    env = report_environment("accord.simulation")
    end = plan.month_starts[-1] + dt.timedelta(days=int(plan.days[-1]) - 1)
    return env.get_template("simulation_report.html").render(
        title=f"Simulation: {scenario.title}",
        scenario=scenario,
        name=plan.loaded.name,
        agreement=plan.agreement,
        facility=plan.facility,
        period=f"{plan.month_starts[0]} to {end} ({plan.months} months)",
        draws=r.draws,
        seed=r.seed,
        generated=generated_at(),
        rows=[_cell(row) for row in r.summary],
        charts=charts,
        rates=plan.rates,
        parameters=plan.parameters,
        terms=scenario_terms(plan),
        stay=plan.population.stay.describe(),
        domestic=plan.domestic_title,
        files=files,
    )
