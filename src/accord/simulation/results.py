"""From trajectories to costs, percentiles and the CSV files.

Costs are float USD per draw and month (the unit costs are exact Decimals
turned to float once); CSV money is rounded to cents. Percentiles are over
draws: p5, p50, p95 (numpy's linear interpolation), with the mean. The CSV
files carry no time stamp, so one seed gives the same bytes every run.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from accord.simulation.montecarlo import Trajectories
from accord.simulation.plan import SimulationPlan

PERCENTILES = (5, 50, 95)
STATS = ("mean", "p5", "p50", "p95")
COMPONENTS: dict[str, str] = {
    "fees": "Fees to the receiving state",
    "transfers": "Transfer flights, escorts and ground transport",
    "monitoring": "Oversight and monitoring",
    "medical_care": "Medical care",
    "legal_access": "Legal access",
    "litigation": "Litigation",
    "court_ordered_returns": "Court-ordered returns",
}
DECIMALS = {
    "USD": 2,
    "USD per person": 2,
    "USD per person-day": 2,
    "persons": 1,
    "person-days": 1,
    "share": 4,
    "probability": 4,
}


@dataclass(frozen=True)
class Row:
    metric: str
    unit: str
    stats: tuple[float, float, float, float] | None  # mean, p5, p50, p95
    probability: float | None = None
    note: str = ""


@dataclass(frozen=True)
class SimulationResults:
    plan: SimulationPlan
    draws: int
    seed: int
    trajectories: Trajectories
    offshore: np.ndarray  # (draws,) USD over the horizon
    domestic: np.ndarray  # (draws,) USD over the horizon, the domestic alternative
    components: dict[str, np.ndarray]  # name -> (draws,) USD over the horizon
    monthly: dict[str, tuple[str, np.ndarray]]  # name -> (unit, (4, months): mean p5 p50 p95)
    monthly_probability: dict[str, np.ndarray]  # name -> (months,)
    summary: list[Row]

    def row(self, metric: str) -> Row:
        return next(r for r in self.summary if r.metric == metric)


def _percentiles(data: np.ndarray) -> np.ndarray:
    """p5, p50, p95 over axis 0, numpy's 'linear' method, by one sort (faster than partition)."""
    ordered = np.sort(np.ascontiguousarray(np.moveaxis(data, 0, -1)), axis=-1)
    last = ordered.shape[-1] - 1
    cuts = []
    for q in PERCENTILES:
        position = q / 100 * last
        low = int(np.floor(position))
        high = min(low + 1, last)
        below = ordered[..., low].astype(np.float64)
        cuts.append(below + (position - low) * (ordered[..., high] - below))
    return np.stack(cuts)


def _stats(values: np.ndarray) -> np.ndarray:
    """mean, p5, p50, p95 along the draws axis (NaN draws left out; all NaN gives NaN)."""
    if np.issubdtype(values.dtype, np.floating) and np.isnan(values).any():
        if np.isnan(values).all(axis=0).any():
            return np.full((4, *values.shape[1:]), np.nan)
        mean, cuts = np.nanmean(values, axis=0), np.nanpercentile(values, PERCENTILES, axis=0)
    else:
        mean, cuts = values.mean(axis=0), _percentiles(values)
    return np.concatenate([np.asarray(mean, dtype=np.float64)[np.newaxis], cuts], axis=0)


def _row(metric: str, unit: str, values: np.ndarray, note: str = "") -> Row:
    s = _stats(values)
    return Row(metric, unit, (float(s[0]), float(s[1]), float(s[2]), float(s[3])), note=note)


def offshore_components(plan: SimulationPlan, t: Trajectories) -> dict[str, np.ndarray]:
    """Each offshore cost component, USD: per draw and month, or per month when fixed."""
    c = plan.costs
    flights = np.ceil(t.arrivals / c.persons_per_flight)
    return {
        "fees": t.held * c.fee_per_person_month + t.arrivals * c.fee_per_transfer,
        "transfers": flights * c.cost_per_flight + t.arrivals * c.ground_per_person,
        "monitoring": c.monitoring_per_month,  # the same in every draw
        "medical_care": t.held * c.medical_per_person_month,
        "legal_access": t.held * c.legal_per_person_month,
        "litigation": c.litigation_per_month,  # the same in every draw
        "court_ordered_returns": t.returns * c.return_per_person,
    }


def _limits(
    plan: SimulationPlan, t: Trajectories, held: np.ndarray
) -> tuple[dict[str, tuple[str, np.ndarray]], dict[str, np.ndarray], list[Row]]:
    """Use of the quota and the capacity, and the probability of going above each."""
    monthly: dict[str, tuple[str, np.ndarray]] = {}
    probability: dict[str, np.ndarray] = {}
    rows: list[Row] = []
    for name, limit in (("quota", plan.quota), ("capacity", plan.capacity)):
        if limit is None:
            continue
        above = t.held > limit.places
        monthly[f"use_of_{name}"] = ("share", held / limit.places)
        probability[f"probability_above_{name}"] = above.mean(axis=0)
        note = f"held above {limit.places:,} places in at least one month"
        rows.append(
            Row(
                f"probability_above_{name}",
                "probability",
                None,
                float(above.any(axis=1).mean()),
                note,
            )
        )
    return monthly, probability, rows


def summarise(plan: SimulationPlan, t: Trajectories, *, draws: int, seed: int) -> SimulationResults:
    offshore = np.zeros(t.held.shape)
    components: dict[str, np.ndarray] = {}
    for name, cost in offshore_components(plan, t).items():
        offshore += cost
        components[name] = cost.sum(axis=1) if cost.ndim == 2 else np.full(draws, cost.sum())
    unit_domestic = plan.costs.domestic_per_person_month
    domestic = t.held * unit_domestic
    persons = t.arrivals.sum(axis=1).astype(np.float64)
    person_days = (t.held * plan.days).sum(axis=1).astype(np.float64)
    total_off, total_dom = offshore.sum(axis=1), domestic.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_person_off = np.where(persons > 0, total_off / persons, np.nan)
        per_person_dom = np.where(persons > 0, total_dom / persons, np.nan)
        per_day_off = np.where(person_days > 0, total_off / person_days, np.nan)
    held = _stats(t.held)
    monthly: dict[str, tuple[str, np.ndarray]] = {
        "held": ("persons", held),
        "arrivals": ("persons", _stats(t.arrivals)),
        "court_ordered_returns": ("persons", _stats(t.returns)),
        "releases": ("persons", _stats(t.releases)),
        "cost_offshore": ("USD", _stats(offshore)),
        # held x a positive unit cost per month: its percentiles are held's, scaled
        "cost_domestic": ("USD", held * unit_domestic),
        "cumulative_offshore": ("USD", _stats(np.cumsum(offshore, axis=1))),
        "cumulative_domestic": ("USD", _stats(np.cumsum(domestic, axis=1))),
        "cumulative_difference": ("USD", _stats(np.cumsum(offshore - domestic, axis=1))),
    }
    summary = [
        _row("persons_transferred", "persons", persons),
        _row("person_days_abroad", "person-days", person_days),
        _row("peak_held", "persons", t.held.max(axis=1)),
        _row("held_at_end", "persons", t.held[:, -1]),
        _row("court_ordered_returns", "persons", t.returns.sum(axis=1)),
        _row("releases", "persons", t.releases.sum(axis=1)),
        _row("cost_offshore_total", "USD", total_off),
        _row("cost_domestic_total", "USD", total_dom, plan.domestic_title),
        _row("cost_difference_total", "USD", total_off - total_dom, "offshore minus domestic"),
        _row("cost_offshore_per_person", "USD per person", per_person_off),
        _row("cost_domestic_per_person", "USD per person", per_person_dom),
        _row("cost_offshore_per_person_day", "USD per person-day", per_day_off),
    ]
    summary += [_row(f"cost_{n}", "USD", v, COMPONENTS[n]) for n, v in components.items()]
    use, probability, rows = _limits(plan, t, held)
    monthly.update(use)
    summary += rows
    summary.append(
        Row(
            "probability_offshore_costs_more",
            "probability",
            None,
            float((total_off > total_dom).mean()),
            "offshore total above the domestic total",
        )
    )
    return SimulationResults(
        plan, draws, seed, t, total_off, total_dom, components, monthly, probability, summary
    )


def _fmt(value: float | None, unit: str) -> str:
    if value is None or np.isnan(value):
        return ""
    return f"{value:.{DECIMALS.get(unit, 2)}f}"


def monthly_csv(results: SimulationResults) -> str:
    plan = results.plan
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["month", "month_start", "days"]
    for name in results.monthly:
        header += [f"{name}_{s}" for s in STATS]
    header += list(results.monthly_probability)
    writer.writerow(header)
    for m, start in enumerate(plan.month_starts):
        row = [str(m + 1), start.isoformat(), str(int(plan.days[m]))]
        for unit, stats in results.monthly.values():
            row += [_fmt(float(stats[i, m]), unit) for i in range(4)]
        row += [_fmt(float(p[m]), "probability") for p in results.monthly_probability.values()]
        writer.writerow(row)
    return buffer.getvalue()


def summary_csv(results: SimulationResults) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["metric", "unit", *STATS, "probability", "note"])
    for r in results.summary:
        stats = [_fmt(v, r.unit) for v in r.stats] if r.stats else ["", "", "", ""]
        writer.writerow([r.metric, r.unit, *stats, _fmt(r.probability, "probability"), r.note])
    return buffer.getvalue()


def parameters_csv(results: SimulationResults) -> str:
    """Every number the run used, with its source: fee rates, cost parameters, scenario terms."""
    plan = results.plan
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["kind", "name", "value", "unit", "effective", "assumption", "source"])
    for r in plan.rates:
        writer.writerow(
            [
                "fee",
                f"{r.agreement_id} {r.label}",
                str(r.amount),
                f"{r.currency} {r.unit} ({r.proration})",
                r.period,
                "",
                r.source,
            ]
        )
    for p in plan.parameters:
        rec = p.as_record()
        writer.writerow(
            [
                "cost",
                p.name,
                rec["value"],
                p.unit,
                f"from {rec['effective_from']}" if rec["effective_from"] else "scenario",
                rec["assumption"],
                p.source,
            ]
        )
    for name, value, unit, source in scenario_terms(plan):
        writer.writerow(["scenario", name, value, unit, "", "", source])
    return buffer.getvalue()


def scenario_terms(plan: SimulationPlan) -> list[tuple[str, str, str, str]]:
    """(name, value, unit, source) for the scenario's own numbers."""
    s = plan.loaded.scenario
    arrivals = s.arrivals
    given = f"{arrivals.per_month:g} a month" if arrivals.per_month is not None else "by month"
    terms = [
        ("arrivals", f"{arrivals.distribution}, {given}", "persons", arrivals.source),
        ("length_of_stay", plan.population.stay.describe(), "months", s.length_of_stay.source),
    ]
    if s.return_orders is not None:
        terms.append(
            (
                "return_orders",
                f"{s.return_orders.monthly_probability:g}",
                "probability a month",
                s.return_orders.source,
            )
        )
    for name, limit in (
        ("quota", plan.quota),
        ("capacity", plan.capacity),
        ("eligible_population", plan.eligible),
    ):
        if limit is not None:
            terms.append(
                (
                    name,
                    str(limit.places),
                    "places" if name != "eligible_population" else "persons",
                    limit.source,
                )
            )
    return terms
