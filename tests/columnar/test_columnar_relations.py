"""Keys and lazy relations of the columnar evaluator: the numbering of groups is the same
whether the values are small (counted in a table) or spread out (sorted or hashed), and a
filter of a filter reads the rows the two select."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from accord.engine.columnar.columns import Array, Col
from accord.engine.columnar.relations import Rel, group_ids


def _first_appearance(values: list[int]) -> list[int]:
    numbers: dict[int, int] = {}
    return [numbers.setdefault(v, len(numbers)) for v in values]


@pytest.mark.parametrize("spread", [1, 10**12], ids=["small values", "spread-out values"])
def test_groups_are_numbered_in_order_of_first_appearance_or_of_value(spread: int) -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        values = rng.integers(0, int(rng.integers(1, 40)), int(rng.integers(1, 300))) * spread
        column = Col("int", values.astype(np.int64))
        ids, count = group_ids([column], len(values), numbered=True)
        assert ids.tolist() == _first_appearance(values.tolist())
        assert count == len(set(values.tolist()))
        ordered, _ = group_ids([column], len(values), numbered=False, ordered=True)
        # ordered ids compare as the values do
        assert (np.sign(np.diff(ordered)) == np.sign(np.diff(values))).all()
        assert len(set(ordered.tolist())) == count


def test_groups_of_two_columns_with_nulls() -> None:
    a = Col("int", np.array([3, 3, 1, 3, 1, 0]), np.array([True, True, True, False, True, False]))
    b = Col("bool", np.array([True, False, True, True, True, True]))
    ids, count = group_ids([a, b], 6, numbered=True)
    # (3,T) (3,F) (1,T) (null,T) (1,T) (null,T): nulls group together, as GROUP BY groups them
    assert ids.tolist() == [0, 1, 2, 3, 2, 3]
    assert count == 4


def test_a_filter_of_a_filter_takes_the_rows_both_select() -> None:
    read: list[str] = []

    def column(name: str, values: Array) -> Callable[[], Col]:
        def make() -> Col:
            read.append(name)
            return Col("int", values)

        return make

    base = Rel(
        6,
        {
            "x": column("x", np.arange(6) * 10),
            "y": column("y", np.arange(6) + 100),
        },
    )
    once = base.take(np.array([5, 3, 1, 0]))
    twice = once.take(np.array([0, 2]))
    assert twice.names == ["x", "y"]
    assert twice.n == 2
    assert twice.get("y").values.tolist() == [105, 101]
    assert once.get("x").values.tolist() == [50, 30, 10, 0]
    assert twice.get("x").values.tolist() == [50, 10]
    assert read == ["y", "x"]  # each of the relation's columns made once, when first read
