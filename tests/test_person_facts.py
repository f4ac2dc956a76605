"""PersonFacts, the rows a decision from the registry reads: the same facts as the Arrow
tables, the same decision and the same inputs digest, for every scenario and for synthetic
persons of every shape."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from accord.casefile.models import ADDED_IN_V2, V2_LISTS, CaseFile
from accord.decisions import facts_digest
from accord.engine import DecisionRequest, PersonFacts, decide_facts
from accord.facts import case_files_to_tables
from accord.registry import case_files_from_tables
from accord.synthetic import synthetic_docket
from test_scenarios import SCENARIO_FILES, build_request, load

SYNTHETIC_REQUEST = DecisionRequest.build(
    agreement="sv-2025-offer",
    pathway="custody_placement",
    destination="SV",
    facility="CECOT",
    as_of="2025-03-16",
)


def _digest_as_recorded(facts: PersonFacts) -> str:
    """The inputs digest as decision records hold it (canonical JSON, spelled out here):
    records already written must replay to the same digest whatever the code does.

    What case file v2 added is left out where it says nothing: a v2 list with no rows, a
    v2 list's known flag that is false, a field v2 added to a v1 list that is null. So a
    person recorded before v2 digests as their recorded decisions say."""
    v2_lists = set(V2_LISTS)
    v2_flags = {f"{n}_known" for n in V2_LISTS}

    def said(name: str, row: dict[str, object]) -> dict[str, object]:
        if name == "persons":
            return {k: v for k, v in row.items() if k not in v2_flags or v}
        added = ADDED_IN_V2.get(name, ())
        return {k: v for k, v in row.items() if k not in added or v is not None}

    def value(v: object) -> object:
        if isinstance(v, dt.date):
            return v.isoformat()
        raise TypeError(type(v).__name__)

    canonical = {
        name: sorted(
            json.dumps(said(name, row), sort_keys=True, default=value, ensure_ascii=False)
            for row in facts.dicts(name)
        )
        for name in sorted(facts.rows)
        if name not in v2_lists or facts.rows[name]
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _same_everywhere(case: CaseFile, request: DecisionRequest) -> None:
    tables = case_files_to_tables([case])
    facts = PersonFacts.of_case(case)
    rebuilt = facts.to_tables()
    assert rebuilt.tables.keys() == tables.tables.keys()
    for name, table in tables.tables.items():
        assert rebuilt.tables[name].equals(table), name
    assert facts_digest(facts) == facts_digest(tables) == _digest_as_recorded(facts)
    for all_facts in (False, True):
        from_rows = decide_facts(facts=facts, request=request, all_facts=all_facts)
        from_tables = decide_facts(facts=tables, request=request, all_facts=all_facts)
        assert from_rows == from_tables


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_rows_decide_as_the_tables_do_in_every_scenario(path: Path) -> None:
    scenario = load(path)
    case = CaseFile.model_validate(scenario["case"])
    _same_everywhere(case, build_request(scenario["request"]))


def test_rows_decide_as_the_tables_do_for_synthetic_persons() -> None:
    cases = case_files_from_tables(synthetic_docket(300, seed=3))
    outcomes = set()
    for case in cases:
        _same_everywhere(case, SYNTHETIC_REQUEST)
        outcomes.add(
            decide_facts(facts=PersonFacts.of_case(case), request=SYNTHETIC_REQUEST).outcome
        )
    assert len(outcomes) >= 2  # the sample is not all alike


def test_rows_refuse_more_than_one_person() -> None:
    (one,) = case_files_from_tables(synthetic_docket(1, seed=1))
    facts = PersonFacts.of_case(one)
    two = PersonFacts({**facts.rows, "persons": facts.rows["persons"] * 2})
    with pytest.raises(ValueError, match="one person"):
        decide_facts(facts=two, request=SYNTHETIC_REQUEST)
