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
