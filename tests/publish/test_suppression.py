"""Small-cell suppression: no published cell below the threshold, and no suppressed cell that
arithmetic on the published figures recovers (a property test with hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.publish.suppression import (
    equations,
    feasibility_intervals,
    linked_system,
    suppress,
    suppress_linked,
)
from accord.publish.tables import CountTable, FeeTable

from .attack import (
    interval_attack,
    interval_disclosures,
    linear_attack,
    linked_interval_attack,
    single_unknown_attack,
)

# counts as they come: many zeros and small groups, some large ones
COUNT = st.one_of(st.integers(0, 3), st.integers(0, 15), st.integers(10, 500))


def with_margins(body: list[list[int]], *, flow: bool) -> list[list[int]]:
    if flow:
        body = [[*cells, sum(cells)] for cells in body]
    return [*body, [sum(column) for column in zip(*body, strict=True)]]


def published(grid: list[list[int]], hidden: set[tuple[int, int]]) -> list[list[int | None]]:
    return [
        [None if (r, c) in hidden else v for c, v in enumerate(row)] for r, row in enumerate(grid)
    ]


TABLES = st.integers(1, 6).flatmap(
    lambda cols: st.lists(st.lists(COUNT, min_size=cols, max_size=cols), min_size=1, max_size=6)
)


@settings(max_examples=400, deadline=None)
@given(body=TABLES, threshold=st.integers(2, 20), flow=st.booleans())
def test_no_suppressed_cell_can_be_recomputed(
    body: list[list[int]], threshold: int, flow: bool
) -> None:
    grid = with_margins(body, flow=flow)
    hidden = suppress(grid, threshold=threshold, row_margin=flow)
    shown = published(grid, hidden)
    for row in shown:
        assert all(v is None or v == 0 or v >= threshold for v in row)
    assert single_unknown_attack(shown, row_margin=flow, col_margin=True) == {}
    assert linear_attack(shown, row_margin=flow, col_margin=True) == set()


@settings(max_examples=150, deadline=None)
@given(
    tables=st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.lists(COUNT, min_size=cols, max_size=cols), min_size=1, max_size=4),
            min_size=2,
            max_size=4,
        )
    ),
    threshold=st.integers(2, 15),
)
def test_tables_that_share_their_totals_hide_the_same_totals(
    tables: list[list[list[int]]], threshold: int
) -> None:
    """Persons transferred by pathway, destination, facility and nationality have one total
    row: a total shown in one table would solve another's hidden total."""
    grids = [with_margins(body, flow=True) for body in tables]
    hidden = suppress_linked(grids, threshold=threshold)
    totals = [
        {c for r, c in cells if r == len(grid) - 1}
        for grid, cells in zip(grids, hidden, strict=True)
    ]
    assert all(t == totals[0] for t in totals)
    for grid, cells in zip(grids, hidden, strict=True):
        shown = published(grid, cells)
        assert single_unknown_attack(shown, row_margin=True, col_margin=True) == {}
        assert linear_attack(shown, row_margin=True, col_margin=True) == set()


def test_a_small_cell_and_the_next_smallest_in_its_row_and_column_are_hidden() -> None:
    grid = with_margins([[3, 40, 50], [20, 30, 60]], flow=True)
    hidden = suppress(grid, threshold=11)
    assert (0, 0) in hidden  # 3 persons
    assert (1, 0) in hidden  # the next smallest of its column (20)
    assert (0, 1) in hidden  # the next smallest of its row (40)
    assert (1, 1) in hidden  # and of that column, so 40 cannot be recomputed either
    assert single_unknown_attack(published(grid, hidden), row_margin=True, col_margin=True) == {}


def test_the_attack_recovers_a_cell_hidden_alone() -> None:
    """The attack is a real one: it recovers a small cell that only primary suppression hid."""
    grid = with_margins([[3, 40], [20, 30]], flow=True)
    recovered = single_unknown_attack(published(grid, {(0, 0)}), row_margin=True, col_margin=True)
    assert recovered == {(0, 0): 3}
    assert linear_attack(published(grid, {(0, 0)}), row_margin=True, col_margin=True) == {(0, 0)}


def test_a_bridge_between_two_hidden_cycles_is_closed() -> None:
    """Two blocks of hidden cells joined by one hidden cell: every row and column hides two,
    yet combining equations would solve the joining cell; the suppression hides one more."""
    body = [
        [3, 3, 0, 0],
        [3, 3, 30, 0],
        [0, 40, 0, 40],
        [0, 0, 50, 50],
    ]
    grid = with_margins(body, flow=True)
    hidden = suppress(grid, threshold=11)
    assert linear_attack(published(grid, hidden), row_margin=True, col_margin=True) == set()


def test_zero_is_published_and_large_cells_are_not_hidden_without_cause() -> None:
    grid = with_margins([[0, 25], [12, 40]], flow=True)
    assert suppress(grid, threshold=11) == set()


def test_a_count_table_writes_empty_cells_where_suppressed() -> None:
    table = CountTable(
        name="t", title="T", description="T", label="kind", label_description="k",
        unit="persons", months=["2025-03", "2025-04"], rows=["a", "b"],
        counts={("a", "2025-03"): 5, ("a", "2025-04"): 30,
                ("b", "2025-03"): 20, ("b", "2025-04"): 40},
    )  # fmt: skip
    table.suppress(11)
    lines = table.csv_text().splitlines()
    assert lines[0] == "kind,2025-03,2025-04,period"
    assert lines[1].startswith("a,,")  # 5 hidden
    assert all(
        cell == "" or int(cell) == 0 or int(cell) >= 11
        for line in lines[1:]
        for cell in line.split(",")[1:]
    )


def test_fees_of_a_month_billed_for_few_persons_are_withheld_with_another() -> None:
    fees = FeeTable(
        months=["2025-03", "2025-04", "2025-05"],
        invoices={"2025-03": 1, "2025-04": 1, "2025-05": 1},
        persons={"2025-03": 40, "2025-04": 4, "2025-05": 30},
        persons_in_period=45,
        days={"2025-03": 1200, "2025-04": 100, "2025-05": 900},
        fees={m: Decimal("1000.00") for m in ("2025-03", "2025-04", "2025-05")},
        per_diem=Decimal("187.48"),
        per_diem_source="test",
    )
    fees.suppress(11)
    assert fees.hidden_months == {"2025-04", "2025-05"}  # April, and the next smallest
    rows = dict(fees.published())
    assert rows["2025-04"][1:] == [None] * 5
    assert rows["2025-03"][3] == Decimal("1000.00")
    assert rows["2025-03"][4] == Decimal("224976.00")  # 1200 days at 187.48


SMALL_TABLES = st.integers(1, 4).flatmap(
    lambda cols: st.lists(st.lists(COUNT, min_size=cols, max_size=cols), min_size=1, max_size=4)
)


@settings(max_examples=120, deadline=None)
@given(body=SMALL_TABLES, threshold=st.integers(2, 20), flow=st.booleans())
def test_no_hidden_cell_is_pinned_or_shown_small_by_its_interval(
    body: list[list[int]], threshold: int, flow: bool
) -> None:
    """The interval attack (a linear program per hidden cell, with every count >= 0): no
    hidden cell takes a single value, and no small cell's interval lies within 1 to
    threshold - 1. The production intervals are the attacker's, computed apart."""
    grid = with_margins(body, flow=flow)
    hidden = suppress(grid, threshold=threshold, row_margin=flow)
    shown = published(grid, hidden)
    assert interval_disclosures(shown, grid, threshold, row_margin=flow) == {}
    attacked = interval_attack(shown, row_margin=flow, col_margin=True)
    system, values = linked_system([grid], [hidden], row_margin=flow)
    ours = feasibility_intervals(system, list(values))

    def cell(key: tuple[object, ...]) -> tuple[object, ...]:
        return (len(grid) - 1, key[1]) if key[0] == "total" else key[1:]

    assert {cell(key): interval for key, interval in ours.items()} == attacked


def test_the_interval_attack_finds_a_small_cell_the_equations_alone_do_not() -> None:
    """What the suppression hid before the interval audit: every equation hides two cells and
    no combination of them solves one, yet the counts being >= 0 put the 3 persons of row
    2 between 1 and 6. The audit hides more, and the interval then reaches 0."""
    grid = with_margins([[0, 33], [12, 2], [3, 0], [0, 3]], flow=True)
    before = {(1, 0), (1, 1), (2, 0), (2, 2), (3, 1), (3, 2)}
    shown = published(grid, before)
    assert linear_attack(shown, row_margin=True, col_margin=True) == set()
    assert interval_attack(shown, row_margin=True, col_margin=True)[(2, 0)] == (1, 6)
    assert set(interval_disclosures(shown, grid, 11, row_margin=True)) == {(2, 0), (2, 2)}
    hidden = suppress(grid, threshold=11)
    assert before < hidden
    after = interval_attack(published(grid, hidden), row_margin=True, col_margin=True)
    assert after[(2, 0)][0] == 0
    assert interval_disclosures(published(grid, hidden), grid, 11, row_margin=True) == {}


def test_the_period_column_is_the_sum_of_the_months() -> None:
    """A flow table's period column is each row's margin, so a reader can use it: it is one
    of the equations, and a month hidden alone beside its period is hidden with another."""
    lines = equations(2, 4, row_margin=True, col_margin=True)
    assert [(0, 0), (0, 1), (0, 2), (0, 3)] in lines  # three months, then the period
    grid = with_margins([[5, 40, 60], [30, 0, 50]], flow=True)
    hidden = suppress(grid, threshold=11)
    assert (0, 0) in hidden
    assert len([c for r, c in hidden if r == 0]) >= 2


def _shared_totals(parts: list[list[list[int]]]) -> list[list[list[int]]]:
    """Tables whose bodies split the same monthly totals: the first table's column sums."""
    months = [sum(column) for column in zip(*parts[0], strict=True)]
    grids = []
    for body in parts:
        rest = [*(list(row) for row in body[:-1])]
        last = (
            [max(0, m - sum(col)) for m, col in zip(months, zip(*rest, strict=True), strict=True)]
            if rest
            else months
        )
        grids.append(with_margins([*rest, last], flow=True))
    return grids


@settings(max_examples=60, deadline=None)
@given(
    tables=st.integers(1, 3).flatmap(
        lambda cols: st.lists(
            st.lists(st.lists(COUNT, min_size=cols, max_size=cols), min_size=1, max_size=3),
            min_size=2,
            max_size=3,
        )
    ),
    threshold=st.integers(2, 15),
)
def test_linked_tables_read_together_show_no_small_cell(
    tables: list[list[list[int]]], threshold: int
) -> None:
    """A reader combines tables that publish one total row (a hidden total is one unknown in
    all): the joint interval attack pins nothing and shows no small cell as small."""
    grids = _shared_totals(tables)
    if len({tuple(g[-1]) for g in grids}) != 1:
        return  # a later table's rows exceed the first's totals: not a real set of tables
    hidden = suppress_linked(grids, threshold=threshold)
    shown = [published(grid, cells) for grid, cells in zip(grids, hidden, strict=True)]
    for (k, r, c), (low, high) in linked_interval_attack(shown, row_margin=True).items():
        value = grids[k][r][c]
        assert low != high, (k, r, c)
        if 0 < value < threshold:
            assert low == 0 or high is None or high >= threshold, (k, r, c, low, high)
