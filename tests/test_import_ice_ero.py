"""The ICE ERO FOIA importer: the real Seattle export, the category mapping, errors, round trip."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.casefile.reader import read_case_files
from accord.engine import DecisionRequest, FactStore, screen_table
from accord.errors import ImportFormatError, InputError
from accord.facts import case_files_to_tables
from accord.importers import (
    CATEGORY_FACTS,
    REFUSED_CATEGORIES,
    IceEroImport,
    read_ice_ero,
    write_case_files,
)
from accord.importers.ice_ero import HEADER

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "ice-ero-seattle-expedited-removals-fy2012-2019.csv"
ALL_CATEGORIES = Path(__file__).parent / "data" / "ice-ero-all-categories.csv"
DOC = ROOT / "docs" / "ice-ero-mapping.md"
BANNER = "ERO-LESA Statistical Tracking Unit,,,,,,\nUW v. DHS - ICE Productions,,,,,,\n,,,,,,\n"
HEADER_LINE = ",".join(HEADER) + "\n"
REDACTED = '"(b)(6),(b)(7)(c )"'
# Lists the export never carries: they must stay None ("not known") on every case.
NEVER_CARRIED = (
    "appeals",
    "stays",
    "protections",
    "notices",
    "sentences",
    "consents",
    "early_removal_approvals",
    "transfer_requests",
)


def _csv_rows(path: Path) -> list[list[str]]:
    """The data rows of an export, found without the importer: everything after the header."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    start = next(i for i, row in enumerate(rows) if row and row[0] == HEADER[0])
    return [row for row in rows[start + 1 :] if any(cell.strip() for cell in row)]


def _departed(text: str) -> dt.date:
    month, day, year = (int(p) for p in text.split("/"))
    return dt.date(year, month, day)


def _export(tmp_path: Path, *rows: str, banner: str = BANNER, header: str = HEADER_LINE) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(banner + header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _row(
    date: str = "1/3/2012", country: str = "FRANCE", category: str = "[8F] Expedited Removal"
) -> str:
    return f"{date},{REDACTED},Male,{country},(b)(7)(E ),,{category}"


@pytest.fixture(scope="module")
def real() -> IceEroImport:
    return read_ice_ero(REAL)


@pytest.fixture(scope="module")
def real_rows() -> list[list[str]]:
    return _csv_rows(REAL)


# --- the real export ---------------------------------------------------------------


def test_real_file_imports_every_row(real: IceEroImport) -> None:
    assert real.rows == 6529
    assert len(real.cases) == 6529
    ids = [c.person_id for c in real.cases]
    assert len(set(ids)) == len(ids)
    assert ids[0] == "ice-ero-sea-00001"
    assert ids[-1] == "ice-ero-sea-06529"
    assert "UW v. DHS" in real.source
    assert "Seattle Area of Responsibility" in real.source


def test_category_counts_match_the_csv(real: IceEroImport, real_rows: list[list[str]]) -> None:
    expected = Counter(row[6] for row in real_rows)
    assert real.categories == dict(expected)
    assert sum(real.categories.values()) == real.rows


def test_import_is_deterministic(real: IceEroImport) -> None:
    again = read_ice_ero(REAL)
    assert again.cases == real.cases


def test_rows_line_up_with_the_csv(real: IceEroImport, real_rows: list[list[str]]) -> None:
    for case, row in zip(real.cases, real_rows, strict=True):
        departed = _departed(row[0])
        category = row[6]
        assert case.birth_date is None  # redacted
        assert case.sex == {"Male": "male", "Female": "female"}.get(row[2], "unknown")
        if category.startswith(("[8F]", "[8G]", "[8H]", "[8I]")):
            assert case.removal_orders is not None
            [order] = case.removal_orders
            assert order.kind == "expedited"
            assert order.issued_on == departed
            assert f"row {int(case.person_id[-5:])}," in order.source
            assert category in order.source
        if category.startswith("[8H]"):
            assert case.citizenship_claim is not None
            assert [c.status for c in case.citizenship_claim] == ["pending"]
            assert case.citizenship == "unknown"
        else:
            assert case.citizenship_claim is None
        if category.startswith("[8G]") and row[3] == "UNKNOWN":
            assert case.fear_claims is None  # a referral, but about which country is not known
        elif category.startswith("[8G]"):
            assert case.fear_claims is not None
            [fear] = case.fear_claims
            assert fear.status == "unknown"
            assert case.nationalities == [fear.country]
            assert fear.date == departed
        else:
            assert case.fear_claims is None
        if row[5]:
            assert case.convictions is not None
            [conviction] = case.convictions
            assert conviction.offence == row[5]
            assert conviction.category == "unknown"
            assert conviction.final is None
            assert conviction.date == departed
        else:
            assert case.convictions is None  # "none recorded" is not proof of none
        for name in NEVER_CARRIED:
            assert getattr(case, name) is None, name


def test_every_country_in_the_real_file_maps(
    real: IceEroImport, real_rows: list[list[str]]
) -> None:
    for case, row in zip(real.cases, real_rows, strict=True):
        if row[3] == "UNKNOWN":
            assert case.nationalities is None
            assert case.citizenship == "unknown"
        else:
            assert case.nationalities is not None
            assert len(case.nationalities) == 1
    by_name = {row[3]: case.nationalities for case, row in zip(real.cases, real_rows, strict=True)}
    assert by_name["KOREA"] == ["KR"]
    assert by_name["SOUTH KOREA"] == ["KR"]
    assert by_name["RUSSIA"] == ["RU"]
    assert by_name["CHINA, PEOPLES REPUBLIC OF"] == ["CN"]
    assert by_name["DEM REP OF THE CONGO"] == ["CD"]
    assert by_name["IVORY COAST"] == ["CI"]
    assert by_name["EL SALVADOR"] == ["SV"]


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = read_ice_ero(ALL_CATEGORIES, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (result.rows, result.rows)


# --- the mapping, category by category ------------------------------------------------


@pytest.fixture(scope="module")
def fixture_cases() -> dict[str, CaseFile]:
    result = read_ice_ero(ALL_CATEGORIES)
    rows = _csv_rows(ALL_CATEGORIES)
    return {row[6]: case for case, row in zip(result.cases, rows, strict=True)}


def test_fixture_covers_every_known_category(fixture_cases: dict[str, CaseFile]) -> None:
    assert set(fixture_cases) == set(CATEGORY_FACTS)


@pytest.mark.parametrize("category", sorted(CATEGORY_FACTS))
def test_category_proves_what_the_table_says(
    category: str, fixture_cases: dict[str, CaseFile]
) -> None:
    facts = CATEGORY_FACTS[category]
    case = fixture_cases[category]
    if facts.order == "none":
        assert case.removal_orders == []
    elif facts.order in ("final_kind_unknown", "unknown"):
        assert case.removal_orders is None
    elif facts.order == "appealed_to_bia":
        assert case.removal_orders is not None
        assert [o.kind for o in case.removal_orders] == ["immigration_judge"]
        assert case.appeals is not None
        assert [(a.kind, a.status) for a in case.appeals] == [("bia_appeal", "pending")]
    else:
        assert case.removal_orders is not None
        assert [o.kind for o in case.removal_orders] == [facts.order]
    if facts.order != "appealed_to_bia":
        assert case.appeals is None
    assert (case.fear_claims is not None) == facts.fear_referral
    if case.fear_claims is not None:
        assert [f.status for f in case.fear_claims] == [facts.fear]
    # relief the export cannot date or place stays unknown, never a record
    assert case.protections is None
    assert case.status_grants is None
    assert (case.citizenship_claim is not None) == facts.status_claim
    if case.nationalities is None:
        assert case.citizenship == "unknown"
    else:
        assert case.citizenship == ("noncitizen" if facts.alienage_found else "unknown")


def test_special_country_values(fixture_cases: dict[str, CaseFile]) -> None:
    assert fixture_cases["235(c) Cases"].nationalities == []  # STATELESS: known, none
    assert fixture_cases["235(c) Cases"].citizenship == "noncitizen"
    assert fixture_cases["[3] Deportable - Administratively Final Order"].nationalities == ["KR"]
    burma = fixture_cases["[8A] Excludable / Inadmissible - Hearing Not Commenced"]
    assert burma.nationalities == ["MM"]


def test_doc_explains_every_category() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for category in [*CATEGORY_FACTS, *REFUSED_CATEGORIES]:
        assert f"`{category}`" in doc, category


# --- errors: nothing is half-imported -------------------------------------------------


def test_unknown_categories_are_listed_with_count_and_first_line(tmp_path: Path) -> None:
    path = _export(
        tmp_path,
        _row(),
        _row(category="[H] Historical Category For Migration Only"),
        _row(category="[H] Historical Category For Migration Only"),
        _row(category="[17] USC Prosecution Case"),
        _row(category="[5G] Something New"),
    )
    with pytest.raises(ImportFormatError) as info:
        read_ice_ero(path)
    message = str(info.value)
    assert str(path) in message
    assert "'[H] Historical Category For Migration Only' (2 rows, first on line 6)" in message
    assert "'[17] USC Prosecution Case' (1 rows, first on line 8): refused:" in message
    assert "'[5G] Something New' (1 rows, first on line 9): not in ICE's code list" in message


def test_missing_header(tmp_path: Path) -> None:
    path = _export(tmp_path, _row(), header="")
    with pytest.raises(ImportFormatError, match="no header line") as info:
        read_ice_ero(path)
    assert str(path) in str(info.value)


def test_header_without_a_needed_column_names_it(tmp_path: Path) -> None:
    path = _export(tmp_path, _row(), header="Departed Date,Gender,Case Category\n")
    with pytest.raises(
        ImportFormatError,
        match=r"export\.csv:4: header lacks the column\(s\) Country of Citizenship",
    ):
        read_ice_ero(path)


def test_bad_dates_name_their_lines(tmp_path: Path) -> None:
    path = _export(tmp_path, _row(), _row(date="2012-01-05"), _row(date="2/30/2012"))
    with pytest.raises(ImportFormatError) as info:
        read_ice_ero(path)
    message = str(info.value)
    assert "line 6: Departed Date '2012-01-05'" in message
    assert "line 7: Departed Date '2/30/2012'" in message
    assert "line 5" not in message


def test_unknown_countries_are_listed(tmp_path: Path) -> None:
    path = _export(
        tmp_path,
        _row(),
        _row(country="ATLANTIS"),
        _row(country="YUGOSLAVIA"),  # a former state: imported as YUCS (tests/test_former_states)
        _row(country="ATLANTIS"),
        _row(country="GONDWANA"),
    )
    with pytest.raises(ImportFormatError) as info:
        read_ice_ero(path)
    message = str(info.value)
    assert "'ATLANTIS' (2 rows, first on line 6)" in message
    assert "'GONDWANA' (1 rows, first on line 9)" in message
    assert "YUGOSLAVIA" not in message


def test_malformed_row_names_its_line(tmp_path: Path) -> None:
    path = _export(tmp_path, _row(), "1/3/2012,Male,FRANCE")
    with pytest.raises(ImportFormatError, match="line 6 has 3 columns"):
        read_ice_ero(path)


def test_every_kind_of_problem_in_one_error(tmp_path: Path) -> None:
    path = _export(tmp_path, _row(date="x", country="ATLANTIS", category="[H] Historical"))
    with pytest.raises(ImportFormatError) as info:
        read_ice_ero(path)
    message = str(info.value)
    assert "nothing imported" in message
    for part in ("'[H] Historical'", "'ATLANTIS'", "Departed Date 'x'"):
        assert part in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no such file"):
        read_ice_ero(tmp_path / "absent.csv")


# --- writing and reading back ---------------------------------------------------------


def test_round_trip_keeps_unknown_absent_and_none_empty(tmp_path: Path) -> None:
    cases = read_ice_ero(ALL_CATEGORIES, id_prefix="fixture").cases + read_ice_ero(REAL).cases[:50]
    assert cases[0].person_id == "fixture-00001"
    out = tmp_path / "out" / "cases.jsonl"
    write_case_files(cases, out)
    assert read_case_files(out).cases == cases
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for case, record in zip(cases, records, strict=True):
        for name in CASE_FILE_LISTS:
            value = getattr(case, name)
            if value is None:
                assert name not in record, name
            else:
                assert name in record
                assert len(record[name]) == len(value)
    assert any(record.get("removal_orders") == [] for record in records)
    assert not list(out.parent.glob(".*.tmp"))


def test_write_is_atomic(tmp_path: Path) -> None:
    cases = read_ice_ero(ALL_CATEGORIES).cases
    out = tmp_path / "cases.jsonl"
    write_case_files(cases[:2], out)
    before = out.read_bytes()
    with pytest.raises(InputError, match="duplicate person_id"):
        write_case_files([*cases, cases[0]], out)
    assert out.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


# --- end to end: the engine must not clear anyone on this export ----------------------


def test_screen_never_finds_anyone_eligible(real: IceEroImport) -> None:
    cases = real.cases[:200]
    status_claims = [c for c in real.cases if c.citizenship_claim]
    cases += [c for c in status_claims[:2] if c not in cases]
    store = FactStore.from_tables(case_files_to_tables(cases))
    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="return_of_nationals",
        destination="SV",
        as_of="2025-03-16",
    )
    table = screen_table(store=store, request=request).to_pylist()
    assert len(table) == len(cases)
    outcomes = Counter(row["outcome"] for row in table)
    assert outcomes["eligible"] == 0
    assert set(outcomes) <= {"undetermined", "ineligible"}
    by_id = {row["person_id"]: row for row in table}
    for case in status_claims[:2]:
        assert by_id[case.person_id]["citizenship_claim"] == "fail"
        assert by_id[case.person_id]["outcome"] == "ineligible"
    # Stays and protections are not in the export: never "pass" on its strength.
    assert {row["no_stay"] for row in table} == {"unknown"}
