"""`accord simulate`, registered the way the main app will: app.command("simulate")."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from accord.cli.simulate import simulate_command
from accord.simulation import ScenarioError, SimulationOptionError

from .conftest import ScenarioWriter

runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("simulate")(simulate_command)
    app.command("other")(lambda: None)  # two commands, so "simulate" is a subcommand as in main
    return app


def test_simulate_a_bundled_scenario(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "pilot"
    args = ["simulate", "sv-2025-pilot", "--draws", "200", "--seed", "5", "--out", str(out)]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "cost_offshore_total" in result.output
    assert "probability_above_quota" in result.output
    for name in ("monthly.csv", "summary.csv", "parameters.csv", "report.html", "held.png"):
        assert (out / name).stat().st_size > 0


def test_simulate_a_scenario_file(
    app: typer.Typer, write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    args = ["simulate", str(write_scenario()), "--draws", "50", "--out", str(tmp_path / "o")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "o" / "summary.csv").read_text(encoding="utf-8")
    assert summary.startswith("metric,unit,mean,p5,p50,p95,probability,note\n")
    assert "\npersons_transferred,persons,60.0,60.0,60.0,60.0,," in summary


def test_a_long_run_shows_progress_and_finishes(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("accord.cli.simulate.PROGRESS_ABOVE_CELLS", 1)
    args = ["simulate", "sv-2025-offer", "--draws", "20", "--out", str(tmp_path / "o")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "o" / "monthly.csv").read_text(encoding="utf-8").splitlines()) == 121


@pytest.mark.parametrize("draws", ["-5", "0"])
def test_draws_below_one_is_an_input_error(app: typer.Typer, tmp_path: Path, draws: str) -> None:
    args = ["simulate", "sv-2025-pilot", f"--draws={draws}", "--out", str(tmp_path / "o")]
    result = runner.invoke(app, args)
    assert isinstance(result.exception, SimulationOptionError)
    assert f"--draws must be at least 1 (got {draws})" == str(result.exception)
    assert not (tmp_path / "o").exists()


def test_an_unknown_agreement_is_an_input_error(
    app: typer.Typer, write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    path = write_scenario(agreement="nowhere")
    result = runner.invoke(app, ["simulate", str(path), "--out", str(tmp_path / "o")])
    assert isinstance(result.exception, ScenarioError)
    assert result.exception.field == "agreement"
    assert str(path) in str(result.exception)
