"""`accord impact` on a registry: the docket and the transfer cases a court order touches, and
bad input refused with one line, exit 2 and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from operations.people import snapshot

from .conftest import Registry
from .flight import departed_and_ordered
from .orders import bar_for_nationality


def test_impact_of_an_entered_order_on_a_flight_in_the_air(registry: Registry) -> None:
    cases, entry_id = departed_and_ordered(registry)
    before = snapshot(registry)
    result = registry.cli("impact", "--entry", str(entry_id), "--json", as_user="lena")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["change"]["entry"] == entry_id
    assert report["change"]["day"] == "2025-03-15"
    assert report["change"]["order"]["before"] == "not in the law"
    (request,) = report["requests"]  # the request of the flight's cases
    assert (request["agreement"], request["facility"]) == ("sv-2025-offer", "CECOT")
    moved = {p["person_id"]: (p["before"], p["after"]) for p in request["changes"]}
    # before: undetermined only for the facility's places, which a bulk screen does not count
    assert moved == {
        "ve-001": ("undetermined", "ineligible"),
        "ve-002": ("undetermined", "ineligible"),
    }
    rules = {r["rule"] for p in request["changes"] for r in p["rules"]}
    assert rules == {"no_class_order_bar"}
    assert request["class_members"] == 2  # the Salvadoran is outside the class
    ops = report["operations"]
    assert ops["by_state"]["departed, in the air"] == 2
    assert sum(ops["by_state"].values()) == 2
    touched = {c["person_id"]: c for c in ops["cases"]}
    assert set(touched) == {"ve-001", "ve-002"}
    assert touched["ve-001"]["case_id"] == cases["ve-001"]
    assert touched["ve-001"]["mission"] == "GST-1"
    assert touched["ve-001"]["planned_departure"].startswith("2025-03-15T18:00")
    # a read that names persons: one audit entry, nothing else written
    after = snapshot(registry)
    assert after["audit_log"] == before["audit_log"] + 1
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }
    (action,) = registry.sql("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert action[0] == "read.impact"
    # the table: the request and its persons, the cases by state
    table = registry.cli("impact", "--entry", str(entry_id), as_user="lena")
    assert table.returncode == 0, table.stderr
    assert "ve-001" in table.stdout
    assert "departed, in the air" in table.stdout


def test_a_candidate_and_a_question_write_nothing(registry: Registry, tmp_path: Path) -> None:
    departed_and_ordered(registry)
    path = tmp_path / "order.yaml"
    path.write_text(yaml.safe_dump(bar_for_nationality("SV", order_id="bar-sv")), "utf-8")
    result = registry.cli("impact", "--order", path, "--json", as_user="mona")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["change"]["entry"] is None
    (request,) = report["requests"]
    # the registry's law has the VE order already: the Salvadoran is the one who changes
    assert [p["person_id"] for p in request["changes"]] == ["sv-001"]
    # a known order that stands on the day: said, and nothing changes
    question = registry.cli(
        "impact",
        "--order-id",
        "jgg-v-trump",
        "--in-force-from",
        "2025-03-15",
        "--json",
        as_user="mona",
    )
    assert question.returncode == 0, question.stderr
    answer = json.loads(question.stdout)
    assert "already" in answer["change"]["note"]
    assert answer["requests"][0]["outcome_changes"] == 0


def test_bad_input_is_one_line_exit_2_and_nothing_written(
    registry: Registry, tmp_path: Path
) -> None:
    departed_and_ordered(registry)
    before = snapshot(registry)
    bad_predicate = bar_for_nationality()
    bad_predicate["class"]["predicate"] = {"born_on_a_tuesday": True}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(bad_predicate), "utf-8")
    cases = {
        ("--order", bad): "unknown fact 'born_on_a_tuesday'",
        ("--order-id", "no-such-order", "--in-force-from", "2025-03-15"): "no court order",
        ("--entry", "999"): "no law entry 999",
        ("--order-id", "jgg-v-trump", "--in-force-from", "2025-02-30"): "not a date",
        ("--order-id", "jgg-v-trump"): "go together",
        (): "name one change",
    }
    for args, words in cases.items():
        result = registry.cli("impact", *args, as_user="lena")
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert words in lines[0], (args, result.stderr)
    assert snapshot(registry) == before


def test_an_analyst_may_not_see_an_impact(registry: Registry) -> None:
    _, entry_id = departed_and_ordered(registry)
    result = registry.cli("impact", "--entry", str(entry_id), as_user="ana")
    assert result.returncode == 2
    assert "facts.read" in result.stderr or "may not" in result.stderr
