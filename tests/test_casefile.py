"""Case file v1: validation, clear errors, all-or-nothing reads, and the published schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.casefile.reader import read_case_files
from accord.casefile.schema import case_file_schema_text
from accord.errors import CaseFileError, InputError
from accord.facts import case_files_to_tables
from conftest import SALVADORAN_WITH_WITHHOLDING, VENEZUELAN_FOR_CECOT, write_jsonl

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("version", ["1", "2"])
def test_checked_in_schema_matches_the_models(version: str) -> None:
    checked_in = (ROOT / "schemas" / f"case-file.v{version}.json").read_text(encoding="utf-8")
    assert checked_in == case_file_schema_text(version), (
        f"schemas/case-file.v{version}.json drifted from the models: regenerate it with "
        f"accord.casefile.schema.case_file_schema_text('{version}')"
    )


def test_reads_valid_file(two_cases: Path) -> None:
    result = read_case_files(two_cases)
    assert [c.person_id for c in result.cases] == ["ve-001", "sv-001"]
    assert result.rejects == []


def test_invalid_record_rejects_whole_file_naming_line_and_field(tmp_path: Path) -> None:
    bad = dict(SALVADORAN_WITH_WITHHOLDING, protections=[{"kind": "refuge", "status": "granted"}])
    path = write_jsonl(tmp_path / "c.jsonl", [VENEZUELAN_FOR_CECOT, bad])
    with pytest.raises(CaseFileError) as info:
        read_case_files(path)
    message = str(info.value)
    assert f"{path}:2" in message
    assert "protections.0.kind" in message


def test_skip_invalid_writes_each_reject_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps(VENEZUELAN_FOR_CECOT)
        + "\n{not json\n"
        + json.dumps({"nationalities": []})
        + "\n",
        encoding="utf-8",
    )
    result = read_case_files(path, skip_invalid=True)
    assert [c.person_id for c in result.cases] == ["ve-001"]
    assert result.rejects_path is not None
    rejects = [json.loads(line) for line in result.rejects_path.read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 3]
    assert "not valid JSON" in rejects[0]["reason"]
    assert rejects[1]["field"] == "person_id"


def test_allegations_are_not_facts(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [dict(VENEZUELAN_FOR_CECOT, gang_affiliation="TdA")])
    with pytest.raises(CaseFileError, match="gang_affiliation"):
        read_case_files(path)


def test_duplicate_person_is_an_error(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [VENEZUELAN_FOR_CECOT, VENEZUELAN_FOR_CECOT])
    with pytest.raises(CaseFileError, match="duplicate person_id"):
        read_case_files(path)


def test_bad_country_names_the_field(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [dict(VENEZUELAN_FOR_CECOT, nationalities=["QQ"])])
    with pytest.raises(CaseFileError, match=r"nationalities\.0.*'QQ'"):
        read_case_files(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_case_files(tmp_path / "absent.jsonl")


def test_missing_list_is_not_known_and_empty_list_is_known_none(tmp_path: Path) -> None:
    unknown = {"person_id": "a"}
    none = {"person_id": "b", "stays": []}
    cases = read_case_files(write_jsonl(tmp_path / "c.jsonl", [unknown, none])).cases
    persons = case_files_to_tables(cases).persons.to_pylist()
    assert persons[0]["stays_known"] is False
    assert persons[1]["stays_known"] is True
