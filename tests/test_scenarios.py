"""Scenarios a lawyer can read: one YAML file per case in tests/scenarios/.

Each file gives a plain-English `title`, a `description` of why the law decides as it does, a
`case` (a case file v1 object), a `request` (agreement, pathway, destination, optional facility
and notice_profile, as_of) and what to `expect`: the outcome and the exact sets of failed and
unknown rules. Every scenario is decided twice, by the per-person path (`decide_person`, on
SQLite) and by the bulk path (`screen_table` and `decide_all`, on DuckDB), and the two must agree
rule by rule, down to the facts each rule cites.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.engine import DecisionRequest, FactStore, decide_all, decide_person, screen_table
from accord.engine.decision import Decision
from accord.facts import case_files_to_tables
from accord.law.catalogue import RULES

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "src" / "accord" / "law" / "scenarios"
SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.yaml"))
SCENARIO_KEYS = {"title", "description", "case", "request", "expect"}
REQUEST_KEYS = {"agreement", "pathway", "destination", "as_of"}
OPTIONAL_REQUEST_KEYS = {"facility", "notice_profile", "facility_counts"}
EXPECT_KEYS = {"outcome", "failed", "unknown"}


@functools.cache
def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(doc, dict), f"{path.name}: a scenario is a mapping"
    return doc


def build_request(fields: dict[str, Any]) -> DecisionRequest:
    """The scenario's request; `facility_counts` (held, under_agreement, source) stands for
    the registry's count of places taken, which a case file alone does not give."""
    return DecisionRequest.from_mapping(fields)


def explain(decision: Decision) -> str:
    lines = [f"outcome: {decision.outcome}"]
    for result in decision.results:
        lines.append(f"  {result.rule}: {result.status}")
        lines.extend(f"      {fact}" for fact in result.facts)
        lines.extend(f"      {note}" for note in result.not_recorded)
    return "\n".join(lines)


def check_shape(path: Path, scenario: dict[str, Any]) -> None:
    """The file is well formed, and its expectation is a possible decision."""
    assert set(scenario) == SCENARIO_KEYS, f"{path.name}: keys must be {sorted(SCENARIO_KEYS)}"
    assert str(scenario["title"]).strip(), path.name
    assert str(scenario["description"]).strip(), path.name
    request = scenario["request"]
    assert REQUEST_KEYS <= set(request) <= REQUEST_KEYS | OPTIONAL_REQUEST_KEYS, path.name
    expect = scenario["expect"]
    assert set(expect) == EXPECT_KEYS, f"{path.name}: expect needs {sorted(EXPECT_KEYS)}"
    for key in ("failed", "unknown"):
        ids = expect[key]
        assert isinstance(ids, list), f"{path.name}: {key} is a list"
        assert len(ids) == len(set(ids)), f"{path.name}: {key} repeats a rule"
        assert set(ids) <= set(RULES), f"{path.name}: unknown rule ids {set(ids) - set(RULES)}"
    # docs/design.md section 3: eligible only when every rule passes; ineligible when any fails.
    if expect["failed"]:
        assert expect["outcome"] == "ineligible", path.name
    elif expect["unknown"]:
        assert expect["outcome"] == "undetermined", path.name
    else:
        assert expect["outcome"] == "eligible", path.name
        # An eligible decision needs a fully specified case: every list known.
        case = scenario["case"]
        missing = [name for name in CASE_FILE_LISTS if case.get(name) is None]
        assert not missing, f"{path.name}: eligible but not recorded: {missing}"
        assert case.get("birth_date") is not None, path.name
        assert case.get("citizenship") not in (None, "unknown"), path.name


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario(path: Path) -> None:
    scenario = load(path)
    check_shape(path, scenario)
    expect = scenario["expect"]
    case = CaseFile.model_validate(scenario["case"])
    request = build_request(scenario["request"])
    store = FactStore.from_tables(case_files_to_tables([case]))
    try:
        decision = decide_person(store=store, request=request, person_id=case.person_id)
        explained = decide_person(
            store=store, request=request, person_id=case.person_id, all_facts=True
        )
        rows = screen_table(store=store, request=request).to_pylist()
        (bulk_decision,) = decide_all(store=store, request=request)
    finally:
        store.close()

    # (a) The decision the law gives.
    got = (
        decision.outcome,
        sorted(r.rule for r in decision.failed),
        sorted(r.rule for r in decision.unknown),
    )
    want = (expect["outcome"], sorted(expect["failed"]), sorted(expect["unknown"]))
    assert got == want, f"{scenario['title']}\n{explain(decision)}"

    # (b) The bulk screen gives the same statuses, rule by rule, and the same outcome.
    assert len(rows) == 1
    row = rows[0]
    assert row["person_id"] == case.person_id
    bulk = {rule: status for rule, status in row.items() if rule not in ("person_id", "outcome")}
    assert bulk == decision.statuses()
    assert row["outcome"] == decision.outcome

    # (c) Both engines cite the same facts for every rule.
    assert {r.rule: r.facts for r in explained.results} == {
        r.rule: r.facts for r in bulk_decision.results
    }

    # (d) Every reason given carries its citation.
    for result in (*decision.failed, *decision.unknown):
        assert result.citations, f"{result.rule} has no citation"
        assert all(str(c).strip() for c in result.citations), result.rule


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIO_FILES) >= 40


def test_every_rule_fails_in_some_scenario() -> None:
    failed: set[str] = set()
    for path in SCENARIO_FILES:
        failed.update(load(path)["expect"]["failed"])
    assert set(RULES) - failed == set(), "rules no scenario shows failing"


def test_scenario_person_ids_are_unique() -> None:
    ids = [load(path)["case"]["person_id"] for path in SCENARIO_FILES]
    assert len(ids) == len(set(ids))
