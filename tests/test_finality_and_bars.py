"""The dated law data the bars read (law/dated_law.py): loaded once, validated, hashed.

The rules themselves are shown by scenarios 200-243 (src/accord/law/scenarios); these tests
cover what a scenario cannot: bad data is refused with a DataError naming the file and entry,
and the data is part of the ruleset hash a decision records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from accord.engine import DecisionRequest
from accord.errors import DataError
from accord.law import catalogue, dated_law
from accord.law.catalogue import RULES
from accord.law.dated_law import (
    CIRCUITS_FILE,
    TPS_FILE,
    circuits,
    normal_court,
    stay_rules_on,
    tps_designations,
    tps_periods_on,
)


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Replace the bundled files with `data[file name]` for one test."""
    replaced: dict[str, Any] = {}
    real = dated_law._read
    monkeypatch.setattr(
        dated_law, "_read", lambda name: replaced[name] if name in replaced else real(name)
    )
    tps_designations.cache_clear()
    circuits.cache_clear()
    yield replaced
    tps_designations.cache_clear()
    circuits.cache_clear()


def test_bundled_data_loads_and_is_in_date_order() -> None:
    countries = tps_designations()
    assert {"VE", "HT", "SY", "BI"} <= set(countries)
    for country in countries.values():
        assert all(p.reason for p in country.periods if p.state == "unsettled")
    assert any(normal_court("9th Cir.") in r.names for r in stay_rules_on(dt.date(2025, 6, 2)))


def test_the_period_in_force_is_the_latest_begun() -> None:
    assert tps_periods_on(dt.date(2025, 10, 2))["VE"].state == "in_effect"
    assert tps_periods_on(dt.date(2025, 10, 3))["VE"].state == "unsettled"
    assert "VE" not in tps_periods_on(dt.date(2025, 3, 30))  # before any period: not encoded
    assert tps_periods_on(dt.date(2025, 6, 2))["BI"].state == "terminated"


def test_court_names_compare_without_case_spaces_or_stops() -> None:
    assert normal_court("9th Cir.") == normal_court("9TH CIR") == "9thcir"
    assert normal_court("Ninth Circuit") == "ninthcircuit"


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"name": "X", "periods": []}, "periods"),
        (
            {"name": "X", "periods": [{"from": "2025-01-01", "state": "gone", "source": "s"}]},
            "state",
        ),
        (
            {"name": "X", "periods": [{"from": "2025-01-01", "state": "unsettled", "source": "s"}]},
            "reason",
        ),
        (
            {
                "name": "X",
                "periods": [
                    {"from": "2025-02-01", "state": "in_effect", "source": "s"},
                    {"from": "2025-01-01", "state": "terminated", "source": "s"},
                ],
            },
            "date order",
        ),
    ],
)
def test_bad_tps_data_is_a_data_error(
    data: dict[str, Any], entry: dict[str, Any], problem: str
) -> None:
    data[TPS_FILE] = {"countries": {"VE": entry}}
    with pytest.raises(DataError, match=rf"{TPS_FILE}, VE: .*{problem}"):
        tps_designations()


def test_a_tps_entry_needs_a_country_code(data: dict[str, Any]) -> None:
    data[TPS_FILE] = {"countries": {"Venezuela": {"name": "X", "periods": []}}}
    with pytest.raises(DataError, match="not an ISO 3166"):
        tps_designations()


def test_an_alias_may_name_one_circuit_only(data: dict[str, Any]) -> None:
    value = {"from": "2000-01-01", "automatic_stay": False, "source": "s"}
    data[CIRCUITS_FILE] = {
        "circuits": [
            {"court": "9th Cir.", "aliases": ["CA9"], "values": [value]},
            {"court": "5th Cir.", "aliases": ["ca 9"], "values": [value]},
        ]
    }
    with pytest.raises(DataError, match=r"names both 9th Cir\. and 5th Cir\."):
        circuits()


def test_an_automatic_stay_needs_its_scope(data: dict[str, Any]) -> None:
    data[CIRCUITS_FILE] = {
        "circuits": [
            {
                "court": "9th Cir.",
                "aliases": ["CA9"],
                "values": [{"from": "2000-01-01", "automatic_stay": True, "source": "s"}],
            }
        ]
    }
    with pytest.raises(DataError, match=rf"{CIRCUITS_FILE}, entry 1: .*scope"):
        circuits()


def test_the_rules_that_read_dated_data_cite_it() -> None:
    assert any("tps_designations.yaml" in c for c in RULES["no_status_bar"].citations)
    ctx = DecisionRequest(
        "sv-2025-offer", "return_of_nationals", "SV", dt.date(2025, 6, 2)
    ).context()
    assert any(
        "General Order 6.4(c)(1)" in c for c in RULES["no_stay_motion_bar"].citations_for(ctx)
    )


def test_the_data_files_are_part_of_the_ruleset_hash() -> None:
    folder = resources.files("accord.law") / "data"
    hashed = [path for path, _ in catalogue._data_files(folder, "data")]
    assert {f"data/{TPS_FILE}", f"data/{CIRCUITS_FILE}", "data/parameters.yaml"} <= set(hashed)
