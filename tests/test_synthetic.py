"""The synthetic docket generator, and the two engine paths compared over its varied data."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pytest

from accord.casefile.models import CASE_FILE_LISTS, CODE_LIST_FIELDS, CaseFile
from accord.engine import DecisionRequest, FactStore, decide_person, screen_table
from accord.facts.snapshot import read_snapshot
from accord.facts.tables import FACT_SCHEMAS, FactTables, decode_codes, known_flag
from accord.law.framework import FacilityCounts
from accord.synthetic import synthetic_docket, write_synthetic_snapshot

N = 2_000


@pytest.fixture(scope="module")
def docket() -> FactTables:
    return synthetic_docket(N, seed=7)


@pytest.fixture(scope="module")
def request_() -> DecisionRequest:
    return DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        as_of="2025-03-16",
        facility="CECOT",
        facility_counts=FacilityCounts(1000, 0, source="a census of the test"),
    )


@pytest.fixture(scope="module")
def store(docket: FactTables) -> FactStore:
    return FactStore.from_tables(docket)


def test_same_seed_same_tables() -> None:
    a, b = synthetic_docket(500, seed=3), synthetic_docket(500, seed=3)
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name


def test_other_seed_other_tables() -> None:
    a, b = synthetic_docket(500, seed=3), synthetic_docket(500, seed=4)
    assert a.persons.column("person_id").equals(b.persons.column("person_id"))
    differ = [name for name in a.tables if not a.tables[name].equals(b.tables[name])]
    assert len(differ) == len(a.tables)


def test_person_ids() -> None:
    ids = synthetic_docket(3).persons.column("person_id").to_pylist()
    assert ids == ["syn-0000001", "syn-0000002", "syn-0000003"]
    assert synthetic_docket(0).persons.num_rows == 0


def test_schemas_match(docket: FactTables) -> None:
    assert list(docket.tables) == list(FACT_SCHEMAS)
    for name, schema in FACT_SCHEMAS.items():
        assert docket.tables[name].schema.equals(schema), name
    assert len(docket) == N


def test_every_fact_belongs_to_a_person(docket: FactTables) -> None:
    persons = docket.persons.column("person_id")
    assert pc.count_distinct(persons).as_py() == N
    for name in CASE_FILE_LISTS:
        table = docket.tables[name]
        assert pc.all(pc.is_in(table.column("person_id"), value_set=persons)).as_py(), name
        # An unknown list leaves no rows.
        known = docket.persons.filter(pc.field(known_flag(name))).column("person_id")
        assert pc.all(pc.is_in(table.column("person_id"), value_set=known)).as_py(), name
        assert table.num_rows > 0, name


def test_rows_are_valid_case_files(docket: FactTables) -> None:
    """Regrouped into case files, the rows pass the case file v2 model (dates, statuses...)."""
    wanted = {f"syn-{i:07d}" for i in range(1, 401)}
    cases: dict[str, dict[str, Any]] = {}
    for person in docket.persons.to_pylist():
        if person["person_id"] in wanted:
            cases[person["person_id"]] = {
                k: v for k, v in person.items() if not k.endswith("_known")
            } | {n: [] if person[known_flag(n)] else None for n in CASE_FILE_LISTS}
            cases[person["person_id"]]["schema_version"] = "2"
    for name in CASE_FILE_LISTS:
        for row in docket.tables[name].to_pylist():
            pid = row.pop("person_id")
            if pid in cases:
                for code_field in CODE_LIST_FIELDS.get(name, ()):
                    row[code_field] = decode_codes(row[code_field])
                cases[pid][name].append(row["country"] if name == "nationalities" else row)
    for case in cases.values():
        CaseFile.model_validate(case)


def test_screen_gives_all_three_outcomes(store: FactStore, request_: DecisionRequest) -> None:
    table = screen_table(store=store, request=request_)
    counts = {d["values"]: d["counts"] for d in pc.value_counts(table["outcome"]).to_pylist()}
    assert set(counts) == {"eligible", "ineligible", "undetermined"}
    assert counts["eligible"] >= 0.02 * N
    assert counts["undetermined"] >= 0.02 * N
    assert counts["ineligible"] >= 0.5 * N


def test_decide_person_agrees_with_screen(store: FactStore, request_: DecisionRequest) -> None:
    table = screen_table(store=store, request=request_)
    rows = {row["person_id"]: row for row in table.to_pylist()}
    rules = [c for c in table.column_names if c not in ("person_id", "outcome")]
    sample = random.Random(11).sample(sorted(rows), 50)
    for person_id in sample:
        decision = decide_person(store=store, request=request_, person_id=person_id)
        row = rows[person_id]
        assert decision.outcome == row["outcome"], person_id
        assert decision.statuses() == {r: row[r] for r in rules}, person_id


def test_write_synthetic_snapshot(tmp_path: Path) -> None:
    out = write_synthetic_snapshot(300, tmp_path / "snap", seed=5)
    back = read_snapshot(out)
    fresh = synthetic_docket(300, seed=5)
    for name in FACT_SCHEMAS:
        assert back.tables[name].equals(fresh.tables[name].sort_by("person_id")), name
