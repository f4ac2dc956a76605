"""`accord rules list|show`: what a rule passes when, what it reads, who applies it, and the
scenarios that exercise it, as a lawyer reads it and as JSON."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from accord.cli.main import app
from accord.law.catalogue import ALL_RULES, RULES
from accord.law.framework import Rule
from accord.pathways import PATHWAYS

runner = CliRunner()
ACCORD = [sys.executable, "-c", "from accord.cli.main import run; run()"]
LAW = Path(__file__).resolve().parents[1] / "src" / "accord" / "law"
SCENARIOS = LAW / "scenarios"
PARAMETERS = LAW / "data" / "parameters.yaml"


def show(rule_id: str) -> dict[str, Any]:
    result = runner.invoke(app, ["rules", "show", rule_id, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def show_text(rule_id: str) -> str:
    result = runner.invoke(app, ["rules", "show", rule_id])
    assert result.exit_code == 0, result.output
    return result.stdout


def expected_in_scenarios(rule_id: str, key: str) -> list[str]:
    return [
        path.name
        for path in sorted(SCENARIOS.glob("*.yaml"))
        if rule_id in (yaml.safe_load(path.read_text("utf-8"))["expect"][key] or ())
    ]


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_show_gives_every_rule_as_the_catalogue_defines_it(rule: Rule) -> None:
    data = show(rule.id)
    assert data["id"] == rule.id
    assert data["title"] == rule.title
    assert data["kind"] == rule.kind
    assert data["passes_when"] == rule.passes_when
    assert data["citations"] == list(rule.citations)
    assert data["effective"]["from"] == rule.effective_from.isoformat()
    assert data["reads"] == list(rule.reads)
    assert [p["name"] for p in data["parameters"]] == list(rule.parameters)
    for parameter in data["parameters"]:
        assert parameter["values"], parameter["name"]
        assert all(v["from"] and v["source"] for v in parameter["values"])
    assert [o["id"] for o in data["court_orders"]] == list(rule.court_orders)
    assert set(data["pathways"]) <= set(PATHWAYS)
    scenarios = data["scenarios"]
    assert [s["file"] for s in scenarios["failed"]] == expected_in_scenarios(rule.id, "failed")
    assert [s["file"] for s in scenarios["unknown"]] == expected_in_scenarios(rule.id, "unknown")
    counted = len(scenarios["failed"]) + len(scenarios["unknown"])
    counted += scenarios["passes"] + scenarios["not_applied"]
    assert counted == scenarios["total"] == len(list(SCENARIOS.glob("*.yaml")))


def test_show_a_law_rule_in_words() -> None:
    text = show_text("no_withholding")
    assert text.startswith("no_withholding: ")
    assert "kind: law" in text
    assert "8 U.S.C. 1231(b)(3)" in text
    assert "reads fact lists: protections" in text
    data = show("no_withholding")
    # the law of removal applies it on every removal pathway, never to a sentenced transfer
    assert "return_of_nationals" in data["pathways"]
    assert "custody_placement" in data["pathways"]
    assert "sentenced_transfer" not in data["pathways"]
    assert data["agreements"] == []
    failed = expected_in_scenarios("no_withholding", "failed")
    assert failed, "a scenario shows withholding barring removal"
    for name in failed:
        assert name in text
    assert data["scenarios"]["passes"] > 0
    assert f"passes in {data['scenarios']['passes']} " in text


def test_show_an_agreement_term_names_the_agreements_that_add_it() -> None:
    data = show("adult")
    assert data["kind"] == "agreement"
    assert {"agreement": "sv-2025-offer", "pathway": "custody_placement", "facility": "CECOT"} in (
        data["agreements"]
    )
    text = show_text("adult")
    assert "kind: agreement term" in text
    assert "by agreement sv-2025-offer (custody_placement, facility CECOT)" in text
    assert "050_day_before_18th_birthday.yaml" in text  # fails the day before the birthday


def test_show_a_sentenced_transfer_rule() -> None:
    data = show("transfer_consent")
    assert data["pathways"] == ["sentenced_transfer"]
    assert "18 U.S.C. 4100(b)" in " ".join(data["citations"])


def test_show_gives_parameters_with_every_dated_value_and_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rule reading a plain parameter (the appeal period) and one whose periods each list
    the values claiming force, by basis (the third-country notice): every dated value is
    shown with its source, as law/data/parameters.yaml gives it."""
    rule = dataclasses.replace(
        RULES["third_country_notice"],
        parameters=("appeal_period_days", "third_country_notice"),
    )
    monkeypatch.setitem(RULES, rule.id, rule)
    data = show(rule.id)
    text = show_text(rule.id)
    params = yaml.safe_load(PARAMETERS.read_text("utf-8"))
    appeal, notice = data["parameters"]
    assert appeal["title"] == params["appeal_period_days"]["title"]
    assert appeal["values"] == [
        {"from": v["from"].isoformat(), "value": v["value"], "source": v["source"]}
        for v in params["appeal_period_days"]["values"]
    ]
    periods = params["third_country_notice"]["values"]
    expected = [
        (period["from"].isoformat(), c["basis"], c["source"])
        for period in sorted(periods, key=lambda p: p["from"])
        for c in period["candidates"]
    ]
    shown = [(v["from"], v["value"]["basis"], v["source"]) for v in notice["values"]]
    assert shown == expected
    assert all("waiting_hours" in v["value"] for v in notice["values"])
    for day, _basis, source in expected:
        assert f"from {day}: " in text
        assert source in text


def test_show_gives_the_court_orders_a_rule_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.law.court_orders import bundled_court_orders

    orders = tuple(bundled_court_orders())[:2]
    if not orders:
        pytest.skip("no class-wide court order is bundled")
    rule = dataclasses.replace(RULES["no_stay"], court_orders=orders)
    monkeypatch.setitem(RULES, rule.id, rule)
    data = show(rule.id)
    assert [o["id"] for o in data["court_orders"]] == list(orders)
    first = bundled_court_orders()[orders[0]]
    assert data["court_orders"][0]["docket"] == first.docket
    assert data["court_orders"][0]["events"]
    text = show_text(rule.id)
    assert f"  - {first.id}: " in text
    assert first.docket in text
    monkeypatch.setitem(RULES, rule.id, dataclasses.replace(rule, court_orders=()))
    assert "court orders: none" in show_text(rule.id)


def test_list_keeps_every_rule_and_shows_what_it_reads() -> None:
    result = runner.invoke(app, ["rules", "list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "reads" in result.stdout
    assert "1231(b)(3)" in result.stdout
    assert "protections" in result.stdout


def test_bad_format_is_refused() -> None:
    result = runner.invoke(app, ["rules", "show", "no_cat", "--format", "xml"])
    assert result.exit_code != 0
    assert "--format 'xml'" in str(result.exception)


def test_unknown_rule_is_one_line_on_stderr_and_exit_2() -> None:
    """Through the real entry point, which turns an input error into one line and status 2."""
    result = subprocess.run(
        [*ACCORD, "rules", "show", "no_such_rule"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no rule 'no_such_rule'" in lines[0]
    assert "Traceback" not in result.stderr
