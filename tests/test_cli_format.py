"""List commands take --format table|csv|json: CSV and JSON hold every row in full; a table
written to a pipe or a file is printed at its natural width, not cut to 80 columns."""

from __future__ import annotations

import csv
import io
import json

import pytest

from accord.agreements import bundled_agreements
from accord.law.catalogue import RULES
from accord.operations.states import CaseState
from cli_runner import run_accord, run_accord_process
from registry.conftest import Registry, pg_server, registry

__all__ = ["pg_server", "registry"]  # the fixtures

NARROW = {"COLUMNS": "80"}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_agreements_list_as_csv_holds_every_agreement() -> None:
    done = run_accord("agreements", "list", "--format", "csv", env=NARROW)
    assert done.returncode == 0, done.stderr
    rows = _csv(done.stdout)
    assert [r["id"] for r in rows] == list(bundled_agreements())
    assert list(rows[0]) == ["id", "version", "status", "in force", "pathways", "title"]
    offer = next(r for r in rows if r["id"] == "sv-2025-offer")
    assert offer["title"] == bundled_agreements()["sv-2025-offer"].title  # in full, unwrapped


def test_rules_list_as_json_keeps_lists_as_lists() -> None:
    done = run_accord("rules", "list", "--format", "json", env=NARROW)
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert [i["id"] for i in items] == list(RULES)
    first = items[0]
    assert first["citations"] == list(RULES[first["id"]].citations)
    assert set(first) == {"id", "kind", "passes when", "citations", "in effect", "reads"}


def test_codes_as_json_and_csv_agree() -> None:
    as_json = json.loads(run_accord("codes", "--format", "json").stdout)
    as_csv = _csv(run_accord("codes", "--format", "csv").stdout)
    assert as_json == as_csv
    states = {i["code"] for i in as_json if i["kind"] == "CaseState"}
    assert states == {s.value for s in CaseState}


def test_a_wide_table_in_process_is_not_cut_to_the_console_width() -> None:
    done = run_accord("agreements", "list", env=NARROW)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) > 80
    assert "…" not in done.stdout
    for agreement in bundled_agreements().values():
        assert agreement.title in done.stdout  # each title whole, on one line


@pytest.mark.slow
def test_a_table_piped_from_a_new_process_is_not_cut() -> None:
    done = run_accord_process("court-orders", "list", "--as-of", "2025-03-16", env=NARROW)
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) > 80
    assert "J.G.G. v. Trump (Alien Enemies Act, Proclamation 10903)" in done.stdout


def test_an_unknown_format_is_one_line_and_exit_2() -> None:
    done = run_accord("agreements", "list", "--format", "xml")
    assert done.returncode == 2
    assert "xml" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("registry", ["sqlite"], indirect=True)
def test_registry_lists_as_csv_and_json(registry: Registry) -> None:
    users = json.loads(registry.cli("users", "list", "--format", "json", as_user="root").stdout)
    assert {u["name"]: u["role"] for u in users}["olivia"] == "officer"
    assert set(users[0]) == {"name", "role", "created (UTC)", "created by"}
    incidents = registry.cli("incidents", "list", "--format", "csv", as_user="mona")
    assert incidents.returncode == 0, incidents.stderr
    assert incidents.stdout.splitlines() == [
        "id,kind,person,opened,resolution,description"
    ]  # a header and no rows: none opened yet
    decisions = registry.cli("decisions", "list", "--format", "json", as_user="mona")
    assert decisions.returncode == 0, decisions.stderr
    assert json.loads(decisions.stdout) == []
