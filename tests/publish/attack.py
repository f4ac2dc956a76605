"""What a reader can recompute from a published table: the attacks the suppression must defeat.

`single_unknown_attack` is the arithmetic of issue 22: any row or column equation with one
hidden cell gives it, and what it gives is used in the next. `linear_attack` is every
combination of the equations (Gaussian elimination over the rationals): a hidden cell is
recovered when the published figures fix its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from accord.publish.suppression import Cell, equations

Published = Sequence[Sequence[int | None]]


def _signed(line: list[Cell]) -> list[tuple[Cell, int]]:
    """The cells of an equation with their sign: the last cell is the margin (its sum)."""
    return [(cell, 1) for cell in line[:-1]] + [(line[-1], -1)]


def single_unknown_attack(
    published: Published, *, row_margin: bool, col_margin: bool
) -> dict[Cell, int]:
    rows, cols = len(published), len(published[0])
    known = {
        (r, c): v for r in range(rows) for c in range(cols) if (v := published[r][c]) is not None
    }
    recovered: dict[Cell, int] = {}
    lines = [
        _signed(line)
        for line in equations(rows, cols, row_margin=row_margin, col_margin=col_margin)
    ]
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [(cell, sign) for cell, sign in line if cell not in known]
            if len(unknown) == 1:
                (cell, sign) = unknown[0]
                rest = sum(known[c] * s for c, s in line if c != cell)
                known[cell] = recovered[cell] = -rest * sign
                progress = True
    return recovered


def linear_attack(published: Published, *, row_margin: bool, col_margin: bool) -> set[Cell]:
    """The hidden cells whose value the published figures determine."""
    rows, cols = len(published), len(published[0])
    hidden = [(r, c) for r in range(rows) for c in range(cols) if published[r][c] is None]
    index = {cell: i for i, cell in enumerate(hidden)}
    matrix: list[list[Fraction]] = []
    for line in equations(rows, cols, row_margin=row_margin, col_margin=col_margin):
        coefficients = [Fraction(0)] * len(hidden)
        constant = Fraction(0)
        for cell, sign in _signed(line):
            if cell in index:
                coefficients[index[cell]] += sign
            else:
                constant -= sign * published[cell[0]][cell[1]]  # type: ignore[operator]
        if any(coefficients):
            matrix.append([*coefficients, constant])
    # reduced row echelon form
    pivot_row = 0
    pivots: list[int] = []
    for col in range(len(hidden)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivots.append(col)
        pivot_row += 1
    determined = set()
    for r, col in enumerate(pivots):
        if all(matrix[r][j] == 0 for j in range(len(hidden)) if j != col):
            determined.add(hidden[col])
    return determined


def _simplex_max(a: list[list[Fraction]], b: list[Fraction], c: list[Fraction]) -> Fraction | None:
    """max c.x subject to a x = b, x >= 0 (b >= 0, feasible): a fresh two-phase tableau,
    Bland's rule; None when unbounded. Written apart from suppression.py on purpose."""
    m, n = len(a), len(c)
    # columns: x (n), artificials (m); tableau rows [coefficients..., rhs]
    tableau = [[*a[i], *(Fraction(int(i == k)) for k in range(m)), b[i]] for i in range(m)]
    basis = [n + i for i in range(m)]

    def run(cost: list[Fraction], columns: int) -> bool:
        while True:
            # reduced profit of column j: cost_j - sum over rows of cost(basis) * entry
            profits = [
                cost[j] - sum(cost[basis[i]] * tableau[i][j] for i in range(m))
                for j in range(columns)
            ]
            entering = next((j for j in range(columns) if profits[j] > 0), None)
            if entering is None:
                return True
            rows = [i for i in range(m) if tableau[i][entering] > 0]
            if not rows:
                return False
            leave = min(rows, key=lambda i: (tableau[i][-1] / tableau[i][entering], basis[i]))
            lead = tableau[leave][entering]
            tableau[leave] = [v / lead for v in tableau[leave]]
            for i in range(m):
                if i != leave and tableau[i][entering] != 0:
                    f = tableau[i][entering]
                    tableau[i] = [
                        x - f * y for x, y in zip(tableau[i], tableau[leave], strict=True)
                    ]
            basis[leave] = entering

    phase_one = [Fraction(0)] * n + [Fraction(-1)] * m
    run(phase_one, n + m)
    for i in range(m):  # an artificial left in the basis at 0: swap it for a real column
        if basis[i] >= n:
            j = next((j for j in range(n) if tableau[i][j] != 0), None)
            if j is not None:
                lead = tableau[i][j]
                tableau[i] = [v / lead for v in tableau[i]]
                for k in range(m):
                    if k != i and tableau[k][j] != 0:
                        f = tableau[k][j]
                        tableau[k] = [
                            x - f * y for x, y in zip(tableau[k], tableau[i], strict=True)
                        ]
                basis[i] = j
    cost = [*c, *([Fraction(0)] * m)]
    # a redundant row keeps its artificial at 0: forbid it from growing by never entering
    if not run(cost, n):
        return None
    return sum((cost[basis[i]] * tableau[i][-1] for i in range(m)), Fraction(0))


Interval = tuple[Fraction, Fraction | None]


def interval_attack(
    published: Published, *, row_margin: bool, col_margin: bool
) -> dict[Cell, Interval]:
    """Each hidden cell's smallest and largest value given the published cells, the
    equations and that no count is negative (None: no largest)."""
    found = linked_interval_attack([published], row_margin=row_margin, col_margin=col_margin)
    return {(r, c): interval for (_, r, c), interval in found.items()}


def linked_interval_attack(
    tables: Sequence[Published], *, row_margin: bool, col_margin: bool = True
) -> dict[tuple[int, int, int], Interval]:
    """The same over tables that publish one total row: a hidden total is one unknown in
    all of them, keyed (0, -1, column). Other keys: (table, row, column)."""

    def unknown(k: int, r: int, c: int) -> tuple[int, int, int]:
        return (0, -1, c) if len(tables) > 1 and r == len(tables[k]) - 1 else (k, r, c)

    hidden = sorted(
        {
            unknown(k, r, c)
            for k, table in enumerate(tables)
            for r, row in enumerate(table)
            for c, value in enumerate(row)
            if value is None
        }
    )
    index = {cell: i for i, cell in enumerate(hidden)}
    a: list[list[Fraction]] = []
    b: list[Fraction] = []
    for k, table in enumerate(tables):
        rows, cols = len(table), len(table[0])
        for line in equations(rows, cols, row_margin=row_margin, col_margin=col_margin):
            coefficients = [Fraction(0)] * len(hidden)
            constant = Fraction(0)
            for (r, c), sign in _signed(line):
                if table[r][c] is None:
                    coefficients[index[unknown(k, r, c)]] += sign
                else:
                    constant -= sign * table[r][c]  # type: ignore[operator]
            if any(coefficients):
                if constant < 0:
                    coefficients, constant = [-v for v in coefficients], -constant
                a.append(coefficients)
                b.append(constant)
    found: dict[tuple[int, int, int], Interval] = {}
    for cell, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(hidden))]
        low = _simplex_max(a, b, [-v for v in unit])
        assert low is not None
        found[cell] = (-low, _simplex_max(a, b, unit))
    return found


def interval_disclosures(
    published: Published, grid: Sequence[Sequence[int]], threshold: int, *, row_margin: bool
) -> dict[Cell, Interval]:
    """The hidden cells the interval attack pins to one value, and the small ones (1 to
    threshold - 1) it shows to be a small non-empty group (neither 0 nor threshold possible)."""
    found = {}
    for cell, (low, high) in interval_attack(
        published, row_margin=row_margin, col_margin=True
    ).items():
        small = 0 < grid[cell[0]][cell[1]] < threshold
        if low == high or (small and low > 0 and high is not None and high < threshold):
            found[cell] = (low, high)
    return found
