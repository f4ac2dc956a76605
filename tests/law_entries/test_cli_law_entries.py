"""`accord law ...`: entering law in the registry from the CLI, and reading it back.

Bad input is one line on stderr, exit status 2, and nothing written.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from registry.conftest import Registry

from .law_data import ADULT_AT_21, AMENDMENT, JOP_STAYED, PDF, TEST_ORDER, TEST_ORDER_ID, write_yaml


def _one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def _counts(registry: Registry) -> tuple[int, int]:
    (entries,) = registry.sql("SELECT count(*) FROM law_entries")
    (audit,) = registry.sql("SELECT count(*) FROM audit_log")
    return entries[0], audit[0]


def test_each_kind_entered_and_listed_from_the_cli(registry: Registry, tmp_path: Path) -> None:
    pdf = tmp_path / "order.pdf"
    pdf.write_bytes(PDF)
    order = write_yaml(tmp_path / "order.yaml", TEST_ORDER)
    event = write_yaml(tmp_path / "event.yaml", JOP_STAYED)
    terms = write_yaml(tmp_path / "terms.yaml", AMENDMENT["agreement"])

    ok = registry.cli("law", "enter-order", order, "--document", pdf, as_user="lena")
    assert ok.returncode == 0, ok.stderr
    assert "Law entry 1 recorded: court_order test-ve-sv-tro" in ok.stdout
    ok = registry.cli("law", "enter-event", "jop-v-dhs", event, "--document", pdf, as_user="lena")
    assert ok.returncode == 0, ok.stderr
    ok = registry.cli(
        *("law", "set-parameter", "adult_age_years", "--value", "21"),
        *("--from", ADULT_AT_21["effective_from"], "--source", ADULT_AT_21["source"]),
        *("--document", pdf),
        as_user="root",
    )
    assert ok.returncode == 0, ok.stderr
    ok = registry.cli(
        *("law", "amend-agreement", "sv-2025-offer", terms, "--from", "2025-03-10"),
        *("--what", "third-country removal for Salvadorans only (TEST)", "--document", pdf),
        as_user="root",
    )
    assert ok.returncode == 0, ok.stderr

    listed = registry.cli("law", "entries", "--json", as_user="ana")  # an analyst reads it
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["kind"], r["subject"], r["recorded_by"]) for r in rows] == [
        ("court_order", TEST_ORDER_ID, "lena"),
        ("court_order_event", "jop-v-dhs", "lena"),
        ("parameter_value", "adult_age_years", "root"),
        ("agreement_amendment", "sv-2025-offer", "root"),
    ]
    assert [r["effective_on"] for r in rows] == [
        "2025-03-12",
        "2026-01-15",
        "2025-03-10",
        "2025-03-10",
    ]
    table = registry.cli("law", "entries", as_user="mona")
    assert "test-ve-sv-tro" in table.stdout
    assert "order.pdf" in table.stdout

    out = tmp_path / "back.pdf"
    shown = registry.cli("law", "entry", "1", "--document-out", out, as_user="olivia")
    assert shown.returncode == 0, shown.stderr
    body = json.loads(shown.stdout)  # the entry as JSON on stdout, alone
    assert body["body"]["docket"] == TEST_ORDER["docket"]
    assert out.read_bytes() == PDF


def test_bad_input_is_one_line_and_writes_nothing(registry: Registry, tmp_path: Path) -> None:
    pdf = tmp_path / "order.pdf"
    pdf.write_bytes(PDF)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    order = write_yaml(tmp_path / "order.yaml", TEST_ORDER)
    not_yaml = tmp_path / "bad.yaml"
    not_yaml.write_text("id: [unclosed\n", encoding="utf-8")
    listing = write_yaml(tmp_path / "list.yaml", [1, 2])
    before = _counts(registry)
    param = ("set-parameter", "adult_age_years", "--source", "x")
    for args, who, needles in [
        (("enter-order", not_yaml, "--document", pdf), "lena", ("not valid YAML",)),
        (("enter-order", listing, "--document", pdf), "lena", ("needs one mapping",)),
        (("enter-order", order, "--document", tmp_path / "nope.pdf"), "lena", ("no such file",)),
        (("enter-order", order, "--document", empty), "lena", ("document is empty",)),
        (("enter-order", order, "--document", pdf), "olivia", ("may not law.orders",)),
        (("enter-event", "no-such", order, "--document", pdf), "lena", ("no court order",)),
        (
            (*param, "--value", "99", "--from", "2025-01-01", "--document", pdf),
            "root",
            ("from 14 to 21",),
        ),
        (
            (*param, "--value", "20", "--from", "2025-13-01", "--document", pdf),
            "root",
            ("effective_from",),
        ),
        (
            (*param, "--value", "20", "--from", "2025-01-01", "--document", pdf),
            "lena",
            ("may not law.terms",),
        ),
        (("entry", "99"), "lena", ("no law entry 99",)),
        (("entries", "--kind", "nope"), "lena", ("--kind",)),
    ]:
        _one_line_error(registry.cli("law", *args, as_user=who), *needles)
    assert _counts(registry) == before
    _one_line_error(registry.cli("law", "entries", as_user="liam"), "may not law.read")
