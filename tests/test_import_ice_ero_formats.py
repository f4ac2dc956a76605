"""ICE's other layouts: the header by name, categories without codes, and --skip-invalid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.errors import ImportFormatError
from accord.importers import read_ice_ero
from cli_runner import run_accord

DATA = Path(__file__).parent / "data"
REORDERED = DATA / "ice-ero-reordered-header.csv"
MIXED = DATA / "ice-ero-mixed-invalid.csv"
REDACTED = '"(b)(6),(b)(7)(c )"'


def _export(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("ICE ERO banner,,\n" + header + "\n" + "".join(r + "\n" for r in rows))
    return path


# --- the header by name --------------------------------------------------------------


def test_columns_in_another_order_with_extra_columns() -> None:
    result = read_ice_ero(REORDERED)
    assert result.rows == 5
    assert result.ignored_columns == ("Area of Responsibility", "Final Charge")
    first = result.cases[0]
    assert first.nationalities == ["MX"]
    assert first.sex == "male"
    assert first.removal_orders is not None
    assert [(o.kind, o.issued_on.isoformat()) for o in first.removal_orders] == [
        ("expedited", "2019-10-01")
    ]
    # the production's name is read from its banner
    assert "CILP v. ICE" in result.source
    third = result.cases[2]
    assert third.convictions is not None
    assert [c.offence for c in third.convictions] == ["Assault"]


def test_categories_without_their_code_are_matched_by_label() -> None:
    result = read_ice_ero(REORDERED)
    assert result.categories == {
        "[8F] Expedited Removal": 1,
        "[5C] Relief Granted - Withholding of Deportation / Removal": 1,
        "[2B] Deportable - Under Adjudication by BIA": 1,
        "[14] Crewmen, Stowaways, S-Visa Holders, 235(c) Cases": 1,
        "235(c) Cases": 1,
    }
    # the source names the category in full, with its code
    withholding = result.cases[1]
    assert withholding.citizenship == "noncitizen"
    assert withholding.protections is None  # the protected country is not in the export


def test_a_label_two_codes_share_is_refused_as_ambiguous(tmp_path: Path) -> None:
    header = "Departed Date,Country of Citizenship,Case Category"
    path = _export(tmp_path, header, "1/3/2012,MEXICO,Voluntary Departure Granted by IJ")
    with pytest.raises(ImportFormatError) as info:
        read_ice_ero(path)
    message = str(info.value)
    assert "'Voluntary Departure Granted by IJ' (1 rows, first on line 3)" in message
    assert "ambiguous without its code: [2V] Voluntary Departure Granted by IJ or [8V]" in message
    with_code = _export(tmp_path, header, "1/3/2012,MEXICO,[8V] Voluntary Departure Granted by IJ")
    assert read_ice_ero(with_code).categories == {"[8V] Voluntary Departure Granted by IJ": 1}


def test_a_code_with_another_label_is_refused(tmp_path: Path) -> None:
    header = "Departed Date,Country of Citizenship,Case Category"
    path = _export(tmp_path, header, "1/3/2012,MEXICO,[5C] Expedited Removal")
    with pytest.raises(ImportFormatError, match=r"code \[5C\] is '\[5C\] Relief Granted"):
        read_ice_ero(path)


def test_minimal_header_leaves_the_rest_unknown(tmp_path: Path) -> None:
    header = "departed date , COUNTRY OF CITIZENSHIP,case  category"
    path = _export(tmp_path, header, "1/3/2012,FRANCE,[8F] Expedited Removal")
    [case] = read_ice_ero(path).cases
    assert case.sex == "unknown"
    assert case.birth_date is None
    assert case.convictions is None
    assert case.nationalities == ["FR"]


def test_every_missing_needed_column_is_named(tmp_path: Path) -> None:
    path = _export(tmp_path, "Gender,Date of Birth,Case Category,Final Charge", "Male,,[8F],x")
    with pytest.raises(ImportFormatError) as info:
        read_ice_ero(path)
    message = str(info.value)
    assert "export.csv:2: header lacks the column(s) Departed Date, Country of Citizenship" in (
        message
    )
    assert "(it has Gender, Date of Birth, Case Category, Final Charge)" in message


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    header = "Departed Date,Country of Citizenship,Case Category,Citizenship Country"
    path = _export(tmp_path, header, "1/3/2012,FRANCE,[8F] Expedited Removal,SPAIN")
    with pytest.raises(ImportFormatError, match="names the column 'Country of Citizenship' twice"):
        read_ice_ero(path)


def test_no_header_at_all(tmp_path: Path) -> None:
    path = _export(tmp_path, "Name,Date", "A,1/1/2012")
    with pytest.raises(ImportFormatError, match="no header line naming the columns Departed Date"):
        read_ice_ero(path)


# --- skip invalid --------------------------------------------------------------------


def test_without_skip_invalid_nothing_is_imported() -> None:
    with pytest.raises(ImportFormatError) as info:
        read_ice_ero(MIXED)
    message = str(info.value)
    assert "nothing imported" in message
    for part in ("'[17] USC Prosecution Case'", "'ATLANTIS' (2 rows", "line 12 has 6 columns"):
        assert part in message


def test_skip_invalid_imports_every_good_row_and_returns_the_rest() -> None:
    result = read_ice_ero(MIXED, skip_invalid=True)
    assert result.rows == 10
    # ids keep the row number: rows 1, 4, 6 and 9 imported
    assert [c.person_id for c in result.cases] == [
        "ice-ero-sea-00001",
        "ice-ero-sea-00004",
        "ice-ero-sea-00006",
        "ice-ero-sea-00009",
    ]
    assert [r.line for r in result.rejects] == [6, 7, 9, 11, 12, 14]
    assert result.reject_counts() == {
        "unknown case category": 3,
        "unknown country": 2,
        "bad date": 2,
        "malformed row": 1,
    }
    last = result.rejects[-1]
    assert [kind for kind, _detail in last.reasons] == [
        "bad date",
        "unknown case category",
        "unknown country",
    ]
    assert last.cells[3] == "ATLANTIS"


# --- the command ---------------------------------------------------------------------


def test_cli_skip_invalid_writes_the_rejects_beside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "cases.jsonl"
    done = run_accord("import", "ice-ero", MIXED, "--out", out, "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    rejects_file = tmp_path / "cases.jsonl.rejects.jsonl"
    records = [json.loads(line) for line in rejects_file.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == [6, 7, 9, 11, 12, 14]
    assert records[0]["reasons"] == [
        {
            "kind": "unknown case category",
            "detail": "'[17] USC Prosecution Case': refused: no published definition; 'USC' may "
            "mean a U.S. citizen prosecuted (not a removal case at all) or a prosecution under "
            "the U.S. Code",
        }
    ]
    assert records[1]["reason"] == "unknown country: 'ATLANTIS'"
    assert records[1]["record"][3] == "ATLANTIS"
    summary = " ".join(done.stdout.split())
    assert "6 of 10 rows refused" in summary
    assert (
        "(unknown case category: 3, unknown country: 2, bad date: 2, malformed row: 1)" in summary
    )
    assert str(rejects_file) in done.stdout.replace("\n", "")
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_skip_invalid_with_nothing_refused_writes_an_empty_rejects_file(
    tmp_path: Path,
) -> None:
    out = tmp_path / "cases.jsonl"
    rejects_file = tmp_path / "cases.jsonl.rejects.jsonl"
    rejects_file.write_text('{"line": 1}\n')  # an earlier run's
    done = run_accord("import", "ice-ero", REORDERED, "--out", out, "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert rejects_file.read_text() == ""
    assert "0 of 5 rows refused" in " ".join(done.stdout.split())
    assert "Columns ignored: Area of Responsibility, Final Charge" in " ".join(done.stdout.split())


def test_cli_without_the_flag_is_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "cases.jsonl"
    out.write_text("earlier\n")
    done = run_accord("import", "ice-ero", MIXED, "--out", out)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"accord: error: {MIXED}: nothing imported;")
    assert "Traceback" not in done.stderr
    assert out.read_text() == "earlier\n"  # untouched
    assert not (tmp_path / "cases.jsonl.rejects.jsonl").exists()


def test_cli_missing_column_is_one_line_exit_2(tmp_path: Path) -> None:
    path = _export(tmp_path, "Departed Date,Gender,Case Category", "1/3/2012,Male,[8F]")
    out = tmp_path / "cases.jsonl"
    done = run_accord("import", "ice-ero", path, "--out", out, "--skip-invalid")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"accord: error: {path}:2: header lacks the column(s) Country of Citizenship "
        "(it has Departed Date, Gender, Case Category)"
    )
    assert not out.exists()
    assert not (tmp_path / "cases.jsonl.rejects.jsonl").exists()


def test_progress_reaches_the_total_when_the_last_rows_are_refused() -> None:
    calls: list[tuple[int, int]] = []
    read_ice_ero(MIXED, skip_invalid=True, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (10, 10)
