"""Small-cell suppression: no published cell below the threshold, and no suppressed cell that
arithmetic on the published figures recovers (a property test with hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.publish.suppression import suppress, suppress_linked
from accord.publish.tables import CountTable, FeeTable

from .attack import linear_attack, single_unknown_attack

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
