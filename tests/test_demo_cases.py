"""The bundled synthetic docket: valid, fictional, and meaning what it was designed to mean."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow.parquet as pq
import pytest

from accord.casefile.models import CaseFile
from accord.casefile.reader import read_case_files
from accord.demo import SYNTHETIC_CASES
from accord.engine import DecisionRequest, FactStore, ScreenSummary, screen_docket
from accord.facts import case_files_to_tables
from accord.law.framework import FacilityCounts

GENERATOR = Path(__file__).parent / "data" / "make_demo_cases.py"


@pytest.fixture(scope="module")
def cases() -> list[CaseFile]:
    return read_case_files(SYNTHETIC_CASES).cases


@pytest.fixture(scope="module")
def screened(
    cases: list[CaseFile], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ScreenSummary, dict[str, dict[str, Any]]]]:
    store = FactStore.from_tables(case_files_to_tables(cases))
    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        facility="CECOT",
        as_of="2025-03-16",
        facility_counts=FacilityCounts(0, 0, source="the demo's census (CECOT empty)"),
    )
    out = tmp_path_factory.mktemp("screen") / "decisions.parquet"
    summary = screen_docket(store=store, request=request, out=out)
    rows = {r["person_id"]: r for r in pq.read_table(out).to_pylist()}
    yield summary, rows
    store.close()


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_cases", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_every_line_is_a_valid_case_file(cases: list[CaseFile]) -> None:
    lines = [x for x in SYNTHETIC_CASES.read_text("utf-8").splitlines() if x.strip()]
    assert len(cases) == len(lines)
    assert 100 <= len(cases) <= 140
    for line in lines:
        CaseFile.model_validate(json.loads(line))


def test_persons_are_fictional_and_distinct(cases: list[CaseFile]) -> None:
    ids = [c.person_id for c in cases]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("demo-") for i in ids)
    named = [c.name for c in cases if c.name is not None]
    assert named
    assert all(n.endswith("(fictional)") for n in named)
    sources = [
        record.source
        for c in cases
        for name in ("removal_orders", "convictions", "notices", "protections", "stays")
        for record in getattr(c, name) or []
    ]
    assert sources
    assert all(s.startswith("DEMO-") and s.endswith("(fictional)") for s in sources)


def test_mix_covers_the_seeds(cases: list[CaseFile]) -> None:
    def nationals(code: str) -> list[CaseFile]:
        return [c for c in cases if code in (c.nationalities or [])]

    assert len(nationals("SV")) >= 20
    assert len(nationals("VE")) >= 20
    assert {c.citizenship for c in cases} >= {"us_citizen", "us_national", "lpr", "noncitizen"}
    assert any(c.convictions == [] for c in cases)
    assert any(c.convictions is None for c in cases)
    assert any(n.served_on_counsel for c in cases for n in c.notices or [])
    assert any(not n.served_on_counsel for c in cases for n in c.notices or [])
    assert any(f.status == "pending" for c in cases for f in c.fear_claims or [])
    assert any(s for c in cases for s in c.stays or [])
    assert any(
        a.status == "pending" and a.kind == "bia_appeal" for c in cases for a in c.appeals or []
    )
    assert any(str(c.birth_date) > "2007-03-16" for c in cases if c.birth_date)


def test_screen_yields_every_outcome_most_not_eligible(
    screened: tuple[ScreenSummary, dict[str, dict[str, Any]]],
) -> None:
    summary, _rows = screened
    assert summary.persons == 120
    assert all(summary.outcomes[o] > 0 for o in ("eligible", "ineligible", "undetermined"))
    assert summary.outcomes["eligible"] < summary.persons / 2
    assert summary.outcomes == {"eligible": 30, "ineligible": 72, "undetermined": 18}


def test_withholding_as_to_sv_fails_no_withholding(
    cases: list[CaseFile], screened: tuple[ScreenSummary, dict[str, dict[str, Any]]]
) -> None:
    _summary, rows = screened
    protected = []
    for c in cases:
        records = [p for p in c.protections or [] if (p.kind, p.country) == ("withholding", "SV")]
        if records and max(records, key=lambda p: p.date).status == "granted":
            protected.append(c.person_id)
    assert protected
    for pid in protected:
        assert rows[pid]["no_withholding"] == "fail"
        assert rows[pid]["outcome"] == "ineligible"


def test_us_citizens_fail_citizenship(
    cases: list[CaseFile], screened: tuple[ScreenSummary, dict[str, dict[str, Any]]]
) -> None:
    _summary, rows = screened
    citizens = [c.person_id for c in cases if c.citizenship in ("us_citizen", "us_national")]
    assert citizens
    for pid in citizens:
        assert rows[pid]["citizenship"] == "fail"
        assert rows[pid]["outcome"] == "ineligible"


def test_every_person_gets_the_designed_outcome(
    generator: ModuleType, screened: tuple[ScreenSummary, dict[str, dict[str, Any]]]
) -> None:
    _summary, rows = screened
    people = generator.build()
    assert len(people) == len(rows)
    for person in people:
        row = rows[person.case["person_id"]]
        fails = {rule for rule, status in row.items() if status == "fail"}
        unknowns = {rule for rule, status in row.items() if status == "unknown"}
        assert (row["outcome"], fails, unknowns) == (
            person.outcome,
            set(person.fails),
            set(person.unknowns),
        ), person.case["person_id"]


def test_generator_reproduces_the_bundled_file(generator: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "again.jsonl"
    generator.write(out)
    assert out.read_bytes() == SYNTHETIC_CASES.read_bytes()
