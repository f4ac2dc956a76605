"""Issue 19 item 2: a command's --out never deletes or overwrites what is not its own, and never
leaves partial output behind.

`registry snapshot --out` used to empty any folder it was given (any role, analysts included)
and to leave `<file>.partial/` behind when --out was a file. Every command that writes a folder
(snapshot, audit export) now refuses a non-empty folder that is not an earlier output of its own
kind, writes beside it and renames; every single file (manifest CSV/HTML/PDF, invoice lines) is
written beside its name and renamed, so a failure leaves nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from accord.errors import InputError
from accord.facts import case_files_to_tables, write_snapshot
from accord.operations import exports
from cli_runner import run_accord
from conftest import CECOT
from registry.conftest import Registry, empty_database, pg_server, registry
from registry.factories import SV, VE, cases, write_jsonl

__all__ = ["empty_database", "pg_server", "registry"]  # the fixtures this module uses

KEY = "a-masking-key-for-tests-only"


def _one_line_error(result: Any, *needles: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return str(lines[0])


def _listing(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """Where the outputs go: apart from the registry's database file in tmp_path."""
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def _facts() -> Any:
    return case_files_to_tables(cases(VE, SV))


def test_analyst_snapshot_refuses_a_folder_that_is_not_a_snapshot(
    registry: Registry, work: Path
) -> None:
    jsonl = write_jsonl(work / "c.jsonl", [VE, SV])
    assert registry.cli("registry", "import", jsonl, as_user="olivia").returncode == 0
    home = work / "home"
    (home / "docs").mkdir(parents=True)
    (home / "thesis.txt").write_text("years of work", encoding="utf-8")
    (home / "docs" / "notes.md").write_text("notes", encoding="utf-8")
    before = _listing(work)
    result = registry.cli(
        "registry", "snapshot", "--out", home, as_user="ana", ACCORD_MASKING_KEY=KEY
    )
    _one_line_error(result, str(home), "not empty", "--out")
    assert _listing(work) == before  # nothing deleted, nothing left beside it


def test_snapshot_to_a_file_is_refused_and_leaves_no_partial_folder(
    registry: Registry, work: Path
) -> None:
    target = work / "report.txt"
    target.write_text("keep me", encoding="utf-8")
    before = sorted(p.name for p in work.iterdir())
    result = registry.cli("registry", "snapshot", "--out", target, as_user="olivia")
    _one_line_error(result, str(target), "not a folder")
    assert target.read_text("utf-8") == "keep me"
    assert sorted(p.name for p in work.iterdir()) == before


def test_audit_export_refuses_a_snapshot_and_a_file(registry: Registry, work: Path) -> None:
    snapshot = work / "snap"
    assert registry.cli("registry", "snapshot", "--out", snapshot, as_user="olivia").returncode == 0
    before = _listing(work)
    _one_line_error(
        registry.cli("audit", "export", "--out", snapshot, as_user="root"), "not an audit bundle"
    )
    target = work / "file"
    target.write_text("keep me", encoding="utf-8")
    _one_line_error(registry.cli("audit", "export", "--out", target, as_user="root"))
    assert _listing(work) == before | {"file": b"keep me"}
    bundle = work / "bundle"
    bundle.mkdir()  # an empty folder is taken
    assert registry.cli("audit", "export", "--out", bundle, as_user="root").returncode == 0
    assert registry.cli("audit", "export", "--out", bundle, as_user="root").returncode == 0
    # ...and an earlier bundle is replaced; a snapshot may not replace a bundle
    assert json.loads((bundle / "manifest.json").read_text("utf-8"))["entries"] > 0
    _one_line_error(
        registry.cli("registry", "snapshot", "--out", bundle, as_user="olivia"),
        "not a docket snapshot",
    )
    assert (bundle / "audit.jsonl").is_file()


def test_snapshot_replaces_an_earlier_snapshot_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    write_snapshot(_facts(), out, note="first")
    write_snapshot(_facts(), out, note="second")
    assert json.loads((out / "manifest.json").read_text("utf-8"))["note"] == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]  # no .partial, no .old
    empty = tmp_path / "empty"
    empty.mkdir()
    write_snapshot(_facts(), empty)
    assert pq.read_table(empty / "persons.parquet").num_rows == 2


def test_a_failed_snapshot_keeps_the_earlier_one_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "snap"
    write_snapshot(_facts(), out, note="earlier")
    before = _listing(tmp_path)
    real = pq.write_table
    calls = {"n": 0}

    def failing_write(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(*args, **kwargs)

    monkeypatch.setattr(pq, "write_table", failing_write)
    with pytest.raises(InputError, match="No space left"):
        write_snapshot(_facts(), out, note="later")
    assert _listing(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


class _Row:
    """A manifest row whose values cannot be read: the write fails half way."""

    def values(self) -> tuple[str, ...]:
        raise OSError(5, "Input/output error")


def test_manifest_files_are_whole_or_absent(tmp_path: Path) -> None:
    target = tmp_path / "manifest.csv"
    target.write_text("the earlier manifest\n", encoding="utf-8")
    rows: Any = [_Row()]
    with pytest.raises((InputError, OSError)):
        exports.write_csv(rows, target)
    assert target.read_text("utf-8") == "the earlier manifest\n"  # not truncated
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.csv"]
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        exports.write_csv([], folder)
    assert list(folder.iterdir()) == []


def test_demo_refuses_a_folder_holding_a_registry(work: Path) -> None:
    (work / "accord.db").write_bytes(b"a user's registry")
    before = _listing(work)
    _one_line_error(run_accord("demo", "--out", work, cwd=work), str(work), "not empty")
    assert _listing(work) == before


def test_file_outputs_named_as_a_folder_are_one_line_errors(work: Path) -> None:
    cases = write_jsonl(work / "c.jsonl", [VE, SV])
    folder = work / "a-folder"
    folder.mkdir()
    screen = run_accord("screen", cases, *CECOT, "--out", folder, cwd=work)
    _one_line_error(screen, str(folder), "is a folder")
    sample = Path(__file__).resolve().parents[2] / "data"
    csv_file = next(sample.glob("ice-ero-*.csv"))
    imported = run_accord("import", "ice-ero", csv_file, "--out", folder, cwd=work)
    _one_line_error(imported, str(folder), "is a folder")
    assert list(folder.iterdir()) == []
