"""Bad input to `accord publish`: one line, exit status 2, nothing written (no folder, no audit
entry); and who may publish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from accord.errors import InputError
from accord.publish.period import check_threshold, parse_period

from .conftest import Registry

SQLITE = pytest.mark.parametrize("registry", ["sqlite"], indirect=True)

TODAY = dt.date(2026, 1, 15)


def test_a_period_is_whole_months() -> None:
    period = parse_period("2025-11..2026-01", today=TODAY)
    assert period.months == ["2025-11", "2025-12", "2026-01"]
    assert period.start == dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    assert period.end == dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2025-03", "give whole months as YYYY-MM..YYYY-MM"),
        ("2025-3..2025-12", "give whole months as YYYY-MM..YYYY-MM"),
        ("2025-13..2026-01", "months are 01 to 12"),
        ("2025-12..2025-03", "the first month is after the last"),
        ("2026-01..2026-02", "ends after this month (2026-01)"),
        ("2000-01..2012-01", "145 months; at most 120"),
    ],
)
def test_a_bad_period_is_named(text: str, why: str) -> None:
    with pytest.raises(InputError, match=why.replace("(", r"\(").replace(")", r"\)")):
        parse_period(text, today=TODAY)


@pytest.mark.parametrize("value", [1, 0, -11, 1001])
def test_a_threshold_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(InputError, match="a whole number of persons from 2 to 1000"):
        check_threshold(value)


def _audit_count(registry: Registry) -> int:
    return int(registry.sql("SELECT count(*) FROM audit_log")[0][0])


@SQLITE
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2025-12..2025-03"], "the first month is after the last"),
        (["--period", "March"], "give whole months as YYYY-MM..YYYY-MM"),
        (["--period", "2025-03..2025-12", "--threshold", "1"], "--threshold 1: the smallest"),
        (
            ["--period", "2025-03..2025-12", "--threshold", "eleven"],
            "Invalid value for '--threshold'",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    registry: Registry, tmp_path: Path, args: list[str], message: str
) -> None:
    before = _audit_count(registry)
    out = tmp_path / "report"
    result = registry.cli("publish", *args, "--out", out, as_user="mona")
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert not out.exists()
    assert _audit_count(registry) == before


@SQLITE
def test_a_folder_that_cannot_be_written_is_refused(registry: Registry, tmp_path: Path) -> None:
    before = _audit_count(registry)
    tmp_path = tmp_path / "work"  # the registry's files are beside it
    tmp_path.mkdir()
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    a_file = tmp_path / "file.csv"
    a_file.write_text("x")
    for out, message in [
        (taken, "exists, is not empty and is not a transparency report"),
        (a_file, "exists and is not a folder"),
        (Path("/proc/accord-report"), "cannot write a transparency report to /proc/accord-report"),
    ]:
        result = registry.cli("publish", "--period", "2025-03..2025-04", "--out", out,
                              as_user="mona")  # fmt: skip
        assert result.returncode == 2, (out, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
        assert message in result.stderr
    assert (taken / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.csv", "taken"]  # no temp left
    assert _audit_count(registry) == before


@SQLITE
def test_an_analyst_may_not_publish(registry: Registry, tmp_path: Path) -> None:
    result = registry.cli("publish", "--period", "2025-03..2025-04", "--out", tmp_path / "r",
                          as_user="ana")  # fmt: skip
    assert result.returncode == 2
    assert "operations.read" in result.stderr
    assert not (tmp_path / "r").exists()
