"""The engine benchmark asks for persons the generator made, whatever the docket's size
(issue 20: at 10M persons the ids have eight digits and `syn-6463344` did not exist)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import accord.synthetic
from accord.synthetic import person_id_width, synthetic_docket, synthetic_person_id

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench_engine import random_person_ids


@pytest.mark.parametrize("persons", [1, 9, 9_999, 10_000])
def test_the_benchmark_picks_ids_the_generator_made(persons: int) -> None:
    made = set(synthetic_docket(persons, seed=0).persons["person_id"].to_pylist())
    picked = random_person_ids(persons, 200, seed=0)
    assert set(picked) <= made
    assert {synthetic_person_id(n, persons) for n in range(1, persons + 1)} == made


def test_ids_have_eight_digits_from_ten_million_persons() -> None:
    assert synthetic_person_id(6_463_344, 9_999_999) == "syn-6463344"
    assert synthetic_person_id(6_463_344, 10_000_000) == "syn-06463344"
    assert synthetic_person_id(10_000_000, 10_000_000) == "syn-10000000"
    assert {len(pid) for pid in random_person_ids(10_000_000, 500, seed=0)} == {12}
    assert {len(pid) for pid in random_person_ids(9_999, 500, seed=0)} == {11}
    assert person_id_width(100_000_000) == 9


def test_the_generator_pads_with_the_same_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """The docket of 10M is not generated here: the generator is shown to take its width
    from person_id_width, which is what the benchmark's ids use."""
    monkeypatch.setattr(accord.synthetic, "person_id_width", lambda persons: 9)
    made = synthetic_docket(3, seed=0).persons["person_id"].to_pylist()
    assert made == ["syn-000000001", "syn-000000002", "syn-000000003"]
    assert synthetic_person_id(2, 3) == "syn-000000002"


def test_a_number_outside_the_docket_is_refused() -> None:
    with pytest.raises(ValueError, match="not in a docket of 10"):
        synthetic_person_id(11, 10)
