"""The Monte Carlo: closed forms, limits, determinism, sanity of the statistics, outputs."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from accord.billing import cost_parameters
from accord.simulation import (
    SimulationOptionError,
    load_scenario,
    resolve,
    run_simulation,
    simulate,
)
from accord.simulation.montecarlo import binomial
from accord.simulation.results import SimulationResults
from accord.simulation.scenario import GammaStay, LognormalStay
from accord.simulation.stay import stage_model

from .conftest import ScenarioWriter

START = dt.date(2025, 4, 1)
DAYS = [30, 31, 30, 31, 31, 30]  # April to September 2025


def run(path: Path, draws: int = 200, seed: int = 1) -> SimulationResults:
    return simulate(resolve(load_scenario(path)), draws=draws, seed=seed)


def stats(results: SimulationResults, metric: str) -> tuple[float, float, float, float]:
    row = results.row(metric)
    assert row.stats is not None
    return row.stats


def test_fixed_arrivals_and_stay_give_the_closed_form(write_scenario: ScenarioWriter) -> None:
    results = run(write_scenario())  # 10 a month, 3 months each, 6 months, pilot agreement
    held = [10, 20, 30, 30, 30, 30]
    person_days = sum(h * d for h, d in zip(held, DAYS, strict=True))  # 4,580
    assert np.array_equal(results.trajectories.held, np.tile(held, (200, 1)))
    # the arrivals of months 1-4 are released at the end of months 3-6
    assert results.trajectories.releases.sum(axis=1).tolist() == [40] * 200
    p = cost_parameters(START)
    fees = Decimal(20000) * person_days / 365  # per person-year, prorated over 2025's days
    flights = 6 * (
        p.value("flight_hours_per_flight") * p.value("charter_flight_hour")
        + p.value("escorts_per_flight") * p.value("escort_cost_per_flight")
    )
    days = Decimal(sum(DAYS))
    expected_offshore = (
        fees
        + flights
        + 60 * p.value("ground_transport_per_person")
        + (p.value("monitoring_per_year") + p.value("litigation_per_year")) * days / 365
        + person_days * p.value("medical_care_per_person_day")
        + sum(held) * p.value("legal_access_per_person_month")
    )
    expected_domestic = person_days * Decimal("187.48")
    for metric, expected in (
        ("cost_offshore_total", expected_offshore),
        ("cost_domestic_total", expected_domestic),
        ("cost_fees", fees),
        ("cost_offshore_per_person", expected_offshore / 60),
        ("cost_domestic_per_person", expected_domestic / 60),
        ("person_days_abroad", Decimal(person_days)),
    ):
        mean, p5, p50, p95 = stats(results, metric)
        assert p5 == p50 == p95, metric  # no randomness at all
        assert p50 == pytest.approx(float(expected), rel=1e-12), metric
        assert mean == pytest.approx(p50, rel=1e-12), metric
    assert stats(results, "cost_domestic_total")[0] == pytest.approx(858_658.40, rel=1e-12)


def test_the_quota_probability_is_zero_when_arrivals_never_reach_it(
    write_scenario: ScenarioWriter,
) -> None:
    results = run(write_scenario(quota={"places": 30, "source": "test"}))  # peak is exactly 30
    assert results.row("probability_above_quota").probability == 0.0
    assert results.monthly_probability["probability_above_quota"].max() == 0.0


def test_the_quota_probability_is_one_when_arrivals_always_pass_it(
    write_scenario: ScenarioWriter,
) -> None:
    results = run(write_scenario(quota={"places": 29, "source": "test"}))
    assert results.row("probability_above_quota").probability == 1.0
    by_month = results.monthly_probability["probability_above_quota"]
    assert by_month.tolist() == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0]


def test_capacity_probability(write_scenario: ScenarioWriter) -> None:
    results = run(write_scenario(capacity={"places": 25, "source": "test"}))
    assert results.row("probability_above_capacity").probability == 1.0
    median_use = results.monthly["use_of_capacity"][1][2]  # (mean, p5, p50, p95)[p50]
    assert median_use.tolist() == pytest.approx([0.4, 0.8, 1.2, 1.2, 1.2, 1.2])


def test_an_eligible_cap_holds_random_arrivals_below_the_quota(
    write_scenario: ScenarioWriter,
) -> None:
    path = write_scenario(
        arrivals={"distribution": "poisson", "per_month": 30, "source": "test"},
        length_of_stay={"distribution": "fixed", "months": 12, "source": "test"},
        eligible_population={"count": 50, "source": "test"},
        quota={"places": 50, "source": "test"},
    )
    results = run(path, draws=2000)
    transferred = results.trajectories.arrivals.sum(axis=1)
    assert transferred.max() == 50  # the cap binds in most draws
    assert (transferred <= 50).all()
    assert results.row("probability_above_quota").probability == 0.0


def test_random_arrivals_put_the_quota_probability_between_the_bounds(
    write_scenario: ScenarioWriter,
) -> None:
    path = write_scenario(
        arrivals={"distribution": "poisson", "per_month": 10, "source": "test"},
        quota={"places": 30, "source": "test"},
    )
    probability = run(path, draws=4000).row("probability_above_quota").probability
    assert probability is not None
    assert 0.2 < probability < 0.95  # three months of Poisson(10) pass 30 often, not always


def test_poisson_arrivals_have_the_right_mean(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(arrivals={"distribution": "poisson", "per_month": 25, "source": "t"})
    transferred = run(path, draws=5000).trajectories.arrivals.sum(axis=1)
    # 6 months of Poisson(25): mean 150, sd sqrt(150); the mean of 5,000 draws within 5 sd
    assert abs(transferred.mean() - 150) < 5 * math.sqrt(150 / 5000)
    assert transferred.var() == pytest.approx(150, rel=0.1)


def test_a_gamma_stay_keeps_its_mean(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(
        horizon_months=12,
        arrivals={"distribution": "fixed", "by_month": [1000] + [0] * 11, "source": "t"},
        length_of_stay={"distribution": "gamma", "mean_months": 4, "shape": 2, "source": "t"},
    )
    months_held = run(path, draws=2000).trajectories.held.sum(axis=1)
    # one cohort of 1,000 with a mean stay of 4 months (P(stay > 12) is about 0.3%)
    assert abs(months_held.mean() - 4000) < 40


def test_return_orders_thin_the_population_geometrically(write_scenario: ScenarioWriter) -> None:
    path = write_scenario(
        horizon_months=12,
        arrivals={"distribution": "fixed", "by_month": [1000] + [0] * 11, "source": "t"},
        length_of_stay={"distribution": "fixed", "months": 12, "source": "t"},
        return_orders={"monthly_probability": 0.05, "source": "t"},
    )
    results = run(path, draws=2000)
    returned = results.trajectories.returns.sum(axis=1)
    expected = 1000 * (1 - 0.95**12)  # 459.6
    assert abs(returned.mean() - expected) < 3
    assert (results.trajectories.held[:, 0] == 1000).all()
    assert (returned + results.trajectories.releases.sum(axis=1) == 1000).all()


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    path = write_scenario(
        arrivals={"distribution": "poisson", "per_month": 20, "source": "t"},
        length_of_stay={
            "distribution": "lognormal",
            "median_months": 2,
            "sigma": 0.7,
            "source": "t",
        },
        return_orders={"monthly_probability": 0.01, "source": "t"},
    )
    outputs = {}
    for label, seed in (("a", 7), ("b", 7), ("c", 8)):
        run_simulation(path, draws=500, seed=seed, out=tmp_path / label)
        outputs[label] = {
            name: (tmp_path / label / name).read_bytes()
            for name in ("monthly.csv", "summary.csv", "parameters.csv")
        }
    assert outputs["a"] == outputs["b"]
    assert outputs["a"]["monthly.csv"] != outputs["c"]["monthly.csv"]
    assert outputs["a"]["summary.csv"] != outputs["c"]["summary.csv"]


@pytest.mark.parametrize("name", ["sv-2025-pilot", "sv-2025-offer"])
def test_the_bundled_scenarios_run_and_write_every_file(name: str, tmp_path: Path) -> None:
    run = run_simulation(name, draws=300, seed=3, out=tmp_path / name)
    assert [f.name for f in run.files][-1] == "report.html"
    for file in run.files:
        assert file.stat().st_size > 0, file.name
    pngs = [f for f in run.files if f.suffix == ".png"]
    assert len(pngs) == 4
    assert all(f.read_bytes().startswith(b"\x89PNG") for f in pngs)
    html = (tmp_path / name / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 4
    assert "assumption" in html
    assert "docs/design.md section 7" in html
    monthly = (tmp_path / name / "monthly.csv").read_text(encoding="utf-8").splitlines()
    assert len(monthly) == 1 + run.results.plan.months
    assert not list(tmp_path.glob(f"{name}/.*partial"))
    offshore, domestic = (
        stats(run.results, "cost_offshore_total"),
        stats(run.results, "cost_domestic_total"),
    )
    assert 0 < offshore[1] <= offshore[2] <= offshore[3]
    assert 0 < domestic[1] <= domestic[2] <= domestic[3]


def test_the_offer_charges_the_changed_fee_after_renewal() -> None:
    plan = resolve(load_scenario("sv-2025-offer"))
    per_day = plan.costs.fee_per_person_month / plan.days
    assert per_day[0] == pytest.approx(20000 / 365)
    renewal = plan.month_starts.index(dt.date(2027, 4, 1))
    assert per_day[renewal - 1] == pytest.approx(20000 / 365)
    assert per_day[renewal] == pytest.approx(22000 / 365)
    leap_month = plan.month_starts.index(dt.date(2028, 1, 1))
    assert per_day[leap_month] == pytest.approx(22000 / 366)


@pytest.mark.parametrize(("draws", "seed"), [(0, 1), (-5, 1), (10, -1), (10**7, 1)])
def test_bad_run_options_are_one_clear_error(
    draws: int, seed: int, write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    with pytest.raises(SimulationOptionError, match=r"--draws|--seed") as caught:
        run_simulation(write_scenario(), draws=draws, seed=seed, out=tmp_path / "out")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists()


# ---- the pieces --------------------------------------------------------------------------


def test_binomial_is_exact_at_zero_and_one_and_stays_in_range() -> None:
    rng = np.random.default_rng(0)
    n = np.array([[0, 5, 10_000, 7]] * 500)
    drawn = binomial(rng, n, np.array([0.5, 1.0, 0.3, 0.0]))
    assert (drawn[:, 1] == 5).all()
    assert (drawn[:, 3] == 0).all()
    assert (drawn[:, 0] == 0).all()
    assert ((drawn >= 0) & (drawn <= n)).all()
    # the large cell uses the normal approximation: mean 3,000, sd about 46
    assert abs(drawn[:, 2].mean() - 3000) < 5 * 46 / math.sqrt(500)
    assert drawn[:, 2].std() == pytest.approx(math.sqrt(10_000 * 0.21), rel=0.15)


def test_stage_models_keep_the_mean_asked_for() -> None:
    gamma = stage_model(GammaStay(distribution="gamma", mean_months=12, shape=3, source="t"))
    assert gamma.stages == 3
    assert gamma.mean_months == pytest.approx(12)
    assert gamma.cv == pytest.approx(math.sqrt(1 / 3 - 1 / 12))
    for sigma in (0.3, 0.8, 1.5):  # Erlang, geometric, and two chains (cv > 1)
        asked = LognormalStay(distribution="lognormal", median_months=10, sigma=sigma, source="t")
        model = stage_model(asked)
        assert model.mean_months == pytest.approx(10 * math.exp(sigma**2 / 2)), sigma
    two_chains = stage_model(
        LognormalStay(distribution="lognormal", median_months=10, sigma=1.5, source="t")
    )
    assert len(two_chains.chains) == 2
    assert two_chains.cv > 1
