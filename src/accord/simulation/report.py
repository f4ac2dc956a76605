"""The simulation report: one self-contained HTML page, its charts also written as PNG.

In the style of the screen report (accord/reports/screen_report.py): charts
drawn with matplotlib's Agg canvas (no pyplot state), embedded as data URIs
and written beside the page, every file written to a temporary name and
renamed into place, so a failure leaves no partial report behind.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, StrictUndefined

from accord.errors import InputError
from accord.simulation.results import COMPONENTS, Row, SimulationResults, scenario_terms

REPORT_FILE = "report.html"
# Okabe-Ito colours, as in the screen report.
OFFSHORE = "#D55E00"
DOMESTIC = "#0072B2"
HELD = "#009E73"
LIMIT = "#555555"


@dataclass(frozen=True)
class Chart:
    file: str
    title: str
    alt: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _png(figure: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


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
    return _png(figure)


def _cumulative_chart(r: SimulationResults) -> bytes:
    x = np.arange(1, r.plan.months + 1)
    figure, ax = _axes("Cumulative cost: offshore against the domestic alternative", "USD million")
    _fan(ax, x, r.monthly["cumulative_offshore"][1], OFFSHORE, "offshore", 1e6)
    _fan(ax, x, r.monthly["cumulative_domestic"][1], DOMESTIC, "domestic", 1e6)
    ax.set_xlabel("month of the programme")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, loc="upper left")
    return _png(figure)


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
    return _png(figure)


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
    return _png(figure)


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
    env = Environment(
        loader=PackageLoader("accord.simulation", "templates"),
        autoescape=True,  # titles and sources are data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
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
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        rows=[_cell(row) for row in r.summary],
        charts=charts,
        rates=plan.rates,
        parameters=plan.parameters,
        terms=scenario_terms(plan),
        stay=plan.population.stay.describe(),
        domestic=plan.domestic_title,
        files=files,
    )


def write_files(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary name, then rename them all into place."""
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc
    token = secrets.token_hex(4)
    pending: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            tmp = out_dir / f".{name}.{token}.partial"
            pending.append((tmp, out_dir / name))
            with tmp.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, final in pending:
            tmp.replace(final)
    except BaseException as exc:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only if empty: never remove anything that was there
        if isinstance(exc, OSError):
            raise InputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc
        raise
