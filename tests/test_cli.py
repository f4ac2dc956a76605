"""The command line: outputs people rely on, and one clear line with exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cli_runner import run_accord as accord
from cli_runner import run_accord_process
from conftest import CECOT


def test_decide_json_lines(two_cases: Path) -> None:
    # From a file alone CECOT's room is not known: the capacity term is unknown.
    result = accord("decide", two_cases, *CECOT, "--format", "json")
    assert result.returncode == 0, result.stderr
    decisions = {d["person_id"]: d for d in map(json.loads, result.stdout.splitlines())}
    assert decisions["ve-001"]["outcome"] == "undetermined"
    assert [u["rule"] for u in decisions["ve-001"]["unknown"]] == ["facility_capacity"]
    # Given the census, the term is decided, and the count's source is cited.
    result = accord("decide", two_cases, *CECOT, "--facility-count", "12", "--format", "json")
    assert result.returncode == 0, result.stderr
    decisions = {d["person_id"]: d for d in map(json.loads, result.stdout.splitlines())}
    assert decisions["ve-001"]["outcome"] == "eligible"
    sv = decisions["sv-001"]
    assert sv["outcome"] == "ineligible"
    assert [f["rule"] for f in sv["failed"]] == ["no_withholding"]
    assert sv["failed"][0]["citation"] == "8 U.S.C. 1231(b)(3)"
    assert any("withholding" in fact for fact in sv["failed"][0]["facts"])
    for key in ("pathway", "destination", "as_of", "unknown", "ruleset", "agreement"):
        assert key in sv
    assert sv["agreement"]["id"] == "sv-2025-offer"


def test_explain_gives_reasons_first(two_cases: Path) -> None:
    result = accord("explain", two_cases, "--person", "sv-001", *CECOT)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.index("no_withholding") < text.index("Passed")
    assert "8 U.S.C. 1231(b)(3)" in text


def test_screen_writes_one_row_per_person_and_a_column_per_rule(
    two_cases: Path, tmp_path: Path
) -> None:
    out = tmp_path / "decisions.parquet"
    result = accord("screen", two_cases, *CECOT, "--facility-count", "12/3", "--out", out)
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    rows = {r["person_id"]: r for r in table.to_pylist()}
    assert rows["sv-001"]["no_withholding"] == "fail"
    assert rows["ve-001"]["outcome"] == "eligible"
    assert "accord" in {k.decode() for k in (pq.read_metadata(out).metadata or {})}
    assert "no_withholding" in result.stdout


@pytest.mark.parametrize(
    ("count", "reason"),
    [
        ("twelve", "is not HELD or HELD/UNDER_AGREEMENT"),
        ("-1", "cannot be negative"),
        ("3/5", "exceed the places taken"),
    ],
)
def test_a_bad_facility_count_is_refused(two_cases: Path, count: str, reason: str) -> None:
    result = accord("decide", two_cases, *CECOT, "--facility-count", count)
    assert result.returncode == 2
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_full_facility_fails_the_capacity_term(two_cases: Path) -> None:
    result = accord("decide", two_cases, *CECOT, "--facility-count", "40000", "--format", "json")
    assert result.returncode == 0, result.stderr
    ve = next(d for d in map(json.loads, result.stdout.splitlines()) if d["person_id"] == "ve-001")
    assert ve["outcome"] == "ineligible"
    assert [f["rule"] for f in ve["failed"]] == ["facility_capacity"]
    assert any("40000" in fact for fact in ve["failed"][0]["facts"])


def test_catalogue_commands() -> None:
    listed = accord("agreements", "list")
    assert listed.returncode == 0
    for agreement_id in (
        "sv-2025-offer",
        "sv-2025-pilot",
        "aca-2019-gt",
        "inter-american-convention",
    ):
        assert agreement_id in listed.stdout
    shown = accord("agreements", "show", "sv-2025-offer")
    assert shown.returncode == 0
    assert "40000" in shown.stdout
    rules = accord("rules", "list")
    assert rules.returncode == 0
    assert "1231(b)(3)" in rules.stdout


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (["--agreement", "nope"], "no agreement 'nope'"),
        (["--pathway", "deportation"], "pathway 'deportation'"),
        (["--destination", "ZZ"], "destination 'ZZ'"),
        (["--as-of", "2025-02-30"], "--as-of '2025-02-30'"),
        (["--facility", "ALCATRAZ"], "no facility 'ALCATRAZ'"),
    ],
)
def test_bad_option_is_one_line_and_exit_2(
    two_cases: Path, override: list[str], expected: str
) -> None:
    args = list(CECOT)
    i = args.index(override[0])
    args[i + 1] = override[1]
    result = accord("decide", two_cases, *args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # a new interpreter
def test_the_console_script_exits_2_with_one_line_in_a_new_process(two_cases: Path) -> None:
    """End to end: the interpreter's exit status and streams, not the in-process runner's."""
    result = run_accord_process("decide", two_cases, *CECOT, "--agreement", "nope")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "no agreement 'nope'" in result.stderr
    listed = run_accord_process("agreements", "list")
    assert listed.returncode == 0, listed.stderr
    assert "sv-2025-offer" in listed.stdout


def test_missing_file_and_bad_record(tmp_path: Path) -> None:
    missing = accord("decide", tmp_path / "none.jsonl", *CECOT)
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"person_id": "x", "sex": "m"}\n')
    result = accord("screen", bad, *CECOT, "--out", tmp_path / "d.parquet")
    assert result.returncode == 2
    assert f"{bad}:1" in result.stderr
    assert "sex" in result.stderr
    assert not (tmp_path / "d.parquet").exists()


def test_unknown_person_and_missing_option(two_cases: Path) -> None:
    result = accord("explain", two_cases, "--person", "nobody", *CECOT)
    assert result.returncode == 2
    assert "nobody" in result.stderr
    result = accord("decide", two_cases)
    assert result.returncode == 2
    assert "Missing option" in result.stderr


def test_screen_reads_a_parquet_docket_snapshot(two_cases: Path, tmp_path: Path) -> None:
    from accord.casefile.reader import read_case_files
    from accord.facts import case_files_to_tables, write_snapshot

    snapshot = write_snapshot(
        case_files_to_tables(read_case_files(two_cases).cases), tmp_path / "snap"
    )
    out = tmp_path / "d.parquet"
    result = accord("screen", snapshot, *CECOT, "--facility-count", "0", "--out", out)
    assert result.returncode == 0, result.stderr
    rows = {r["person_id"]: r["outcome"] for r in pq.read_table(out).to_pylist()}
    assert rows == {"ve-001": "eligible", "sv-001": "ineligible"}
    decided = accord("decide", snapshot, *CECOT, "--person", "sv-001", "--format", "json")
    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["failed"][0]["rule"] == "no_withholding"
