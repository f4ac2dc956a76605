"""Small-cell suppression of a published table, with complementary suppression.

Standard library only: the transparency report ships this file beside `verify_bundle.py`,
so a reader can audit the published figures with the same arithmetic.

A table is a grid of counts with its margins as published: with `row_margin` the last
column holds each row's total, with `col_margin` the last row holds each column's total
(and, with both, the corner the table's total). Each row and each column with a margin is
an equation (its cells add up to its margin). A reader who knows every published cell can
solve any equation that has a single hidden cell, then use what they found in the next.

1. Primary: every cell with 1 to `threshold` - 1 persons (0 is published: "none" is not a
   small group; the CMS cell size suppression policy, for example, hides 1 to 10).
2. Complementary: while any equation hides exactly one cell, hide the smallest other cell
   of it (a non-zero one first), until no equation has a single hidden cell.
3. With both margins, hidden cells are edges of a graph between row and column equations,
   and a hidden cell can be solved by combining equations exactly when it is a bridge of
   that graph (on no cycle); each bridge gets a cell that closes a cycle through it, and
   step 2 runs again. So no hidden cell follows from the published figures by linear
   arithmetic.
4. Intervals: with the bounds a reader also knows (every count >= 0; a hidden cell may be a
   small group), no hidden cell may be pinned to one value and no small cell's interval may
   lie within 1 to threshold - 1 (the interval audit below); while one does, one more cell
   of an equation through it is hidden and steps 2 to 4 run again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

Cell = tuple[int, int]


def equations(rows: int, cols: int, *, row_margin: bool, col_margin: bool) -> list[list[Cell]]:
    """The cells of each equation of a `rows` x `cols` grid (margins included)."""
    found: list[list[Cell]] = []
    if row_margin:
        found.extend([(r, c) for c in range(cols)] for r in range(rows))
    if col_margin:
        found.extend([(r, c) for r in range(rows)] for c in range(cols))
    return [cells for cells in found if len(cells) > 1]


def _pick(grid: Sequence[Sequence[int]], candidates: Iterable[Cell]) -> Cell:
    """The cell to hide next: the smallest non-zero one, else the smallest; ties by position."""
    return min(candidates, key=lambda c: (grid[c[0]][c[1]] == 0, grid[c[0]][c[1]], c))


def _close_single_unknowns(
    grid: Sequence[Sequence[int]], hidden: set[Cell], lines: list[list[Cell]]
) -> bool:
    changed = False
    again = True
    while again:
        again = False
        for line in lines:
            shown = [c for c in line if c not in hidden]
            if len(line) - len(shown) == 1 and shown:
                hidden.add(_pick(grid, shown))
                changed = again = True
    return changed


Node = tuple[str, int]  # ("r", row) or ("c", column): an equation


def _component(
    adjacent: dict[Node, set[Node]], start: Node, without: tuple[Node, Node]
) -> set[Node]:
    """The equations reachable from `start` over the hidden cells, one cell (edge) left out."""
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        for other in adjacent.get(node, ()):
            if (node, other) in (without, without[::-1]) or other in seen:
                continue
            seen.add(other)
            todo.append(other)
    return seen


def _close_one_bridge(grid: Sequence[Sequence[int]], hidden: set[Cell]) -> bool:
    """Hide one more cell to put a bridge of the hidden cells on a cycle; False if none."""
    adjacent: dict[Node, set[Node]] = {}
    for r, c in hidden:
        adjacent.setdefault(("r", r), set()).add(("c", c))
        adjacent.setdefault(("c", c), set()).add(("r", r))
    for r, c in sorted(hidden):
        edge = (("r", r), ("c", c))
        side = _component(adjacent, ("r", r), without=edge)
        if ("c", c) in side:
            continue  # on a cycle: not solvable
        other = _component(adjacent, ("c", c), without=edge)
        rows = [i for kind, i in other if kind == "r"]
        cols = [j for kind, j in side if kind == "c"]
        if not rows or not cols:
            continue  # a leaf: step 2 hides more first (cannot happen after it)
        hidden.add(_pick(grid, [(i, j) for i in rows for j in cols]))
        return True
    return False


def suppress(
    grid: Sequence[Sequence[int]],
    *,
    threshold: int,
    row_margin: bool = True,
    col_margin: bool = True,
    primary: Iterable[Cell] | None = None,
    forced: Iterable[Cell] = (),
) -> set[Cell]:
    """The cells of `grid` to hide. `primary` replaces the small-cell rule (a table whose
    sensitive cells are decided by another count: its hidden cells then need only not be
    pinned); `forced` adds cells hidden elsewhere (a margin shared with a table published
    beside it)."""
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    if primary is None:
        small = {(r, c) for r in range(rows) for c in range(cols) if 0 < grid[r][c] < threshold}
        hidden = set(small)
    else:
        small, hidden = set(), set(primary)
    hidden.update(forced)
    lines = equations(rows, cols, row_margin=row_margin, col_margin=col_margin)
    while True:
        _close_single_unknowns(grid, hidden, lines)
        if row_margin and col_margin and _close_one_bridge(grid, hidden):
            continue
        system = _system(grid, hidden, lines, key=lambda cell: cell)
        values = {cell: grid[cell[0]][cell[1]] for cell in hidden}
        failing = unprotected(system, values, small & hidden, threshold)
        if not failing or not _widen(grid, hidden, lines, failing[0]):
            return hidden


def _widen(
    grid: Sequence[Sequence[int]], hidden: set[Cell], lines: list[list[Cell]], cell: Cell
) -> bool:
    """Hide one more cell of an equation through `cell` (any published one if its equations
    have none left); False if every cell is hidden."""
    near = [c for line in lines if cell in line for c in line if c not in hidden]
    anywhere = [
        (r, c) for r in range(len(grid)) for c in range(len(grid[r])) if (r, c) not in hidden
    ]
    if not (near or anywhere):
        return False
    hidden.add(_pick(grid, near or anywhere))
    return True


def linked_system(
    grids: Sequence[Sequence[Sequence[int]]],
    hidden: Sequence[set[Cell]],
    *,
    row_margin: bool,
) -> tuple[list[Equation], dict[Var, int]]:
    """The equations of tables that publish the same total row, as one system: a hidden
    total is one variable ("total", column) in all of them; others are (table, row, column).
    Returns the system and each variable's true value."""
    system: list[Equation] = []
    values: dict[Var, int] = {}
    same = all(list(g[-1]) == list(grids[0][-1]) for g in grids)  # else kept apart
    for k, (grid, cells) in enumerate(zip(grids, hidden, strict=True)):
        last = len(grid) - 1

        def key(cell: Cell, k: int = k, last: int = last) -> Var:
            return ("total", cell[1]) if same and cell[0] == last else (k, *cell)

        lines = equations(len(grid), len(grid[0]), row_margin=row_margin, col_margin=True)
        system.extend(_system(grid, cells, lines, key=key))
        values.update({key(cell): grid[cell[0]][cell[1]] for cell in cells})
    return system, values


def suppress_linked(
    grids: Sequence[Sequence[Sequence[int]]], *, threshold: int, row_margin: bool = True
) -> list[set[Cell]]:
    """Suppress tables that publish the same total row (the last row of each): a total
    hidden in one is hidden in all, until they agree, so no table gives away another's; then
    the interval audit of all of them together (a reader combines them)."""
    shared: set[int] = set()
    extra: list[set[Cell]] = [set() for _ in grids]
    while True:
        result = [
            suppress(
                grid,
                threshold=threshold,
                row_margin=row_margin,
                forced={(len(grid) - 1, c) for c in shared} | more,
            )
            for grid, more in zip(grids, extra, strict=True)
        ]
        hidden_totals = {
            c
            for grid, cells in zip(grids, result, strict=True)
            for (r, c) in cells
            if r == len(grid) - 1
        }
        if not hidden_totals <= shared:
            shared |= hidden_totals
            continue
        system, values = linked_system(grids, result, row_margin=row_margin)
        small = {v for v, n in values.items() if 0 < n < threshold}
        failing = unprotected(system, values, small, threshold)
        if not failing:
            return result
        var = failing[0]
        cells = (
            [(k, (len(g) - 1, var[1])) for k, g in enumerate(grids)]
            if var[0] == "total"
            else [(var[0], (var[1], var[2]))]
        )
        widened = False
        for k, cell in cells:
            grid = grids[k]
            lines = equations(len(grid), len(grid[0]), row_margin=row_margin, col_margin=True)
            trial = result[k] | extra[k]
            if _widen(grid, trial, lines, cell):
                extra[k] = trial
                widened = True
                break
        if not widened:
            return result


# --- the interval audit -------------------------------------------------------------------
#
# A reader knows every published cell, that every cell is a whole number >= 0, and the rule:
# a hidden cell of 1 to threshold - 1 persons may be among the hidden ones. Each equation
# with hidden cells is a linear constraint on them, so the values a hidden cell can take
# form an interval (its feasibility interval): the smallest and largest value of that cell
# over the polytope {equations, every hidden cell >= 0}. The standard applied here is the
# threshold rule's protection levels (Hundepool et al., Statistical Disclosure Control,
# Wiley 2012, ch. 4, the attacker's feasibility intervals against upper and lower protection
# levels; ch. 5, frequency tables and the threshold rule): for a small cell of v persons
# (1 <= v < threshold) the lower protection level is v (the interval reaches 0) and the upper
# one threshold - v (it reaches threshold); the reader must not be able to tell that the
# cell is a small non-empty group, so its interval must include 0 or reach threshold (one of
# the two levels met). And no hidden cell may be pinned to one value (interval of width 0).
#
# The intervals are computed exactly: a simplex method on rationals (fractions.Fraction,
# Bland's rule, so it never cycles), two-phase, one tableau kept from objective to objective
# (each optimum is a basic feasible solution from which the next objective starts). Every
# basic solution met, and the table's own values, are points of the polytope, so a cell
# already seen at 0 (or at threshold, or at two values) needs no program of its own. Bounds
# are those of the linear relaxation; a 2-D table with margins has a totally unimodular
# constraint matrix, so its bounds are whole numbers and the integer bounds too. Where
# tables are linked (a shared total row) the relaxation's bounds may be wider than the
# integer ones; they are rounded inwards (ceil, floor), which is exact for the cases tested.

Var = Any  # a hidden cell: (row, column), (table, row, column) or ("total", column)
Equation = tuple[dict[Var, int], int]  # sum(coefficient * cell) == constant


def _pivot(rows: list[list[Fraction]], basis: list[int], at: int, column: int) -> None:
    """Make `column` basic in row `at` (sparse: only the pivot row's non-zero entries)."""
    pivot_row = rows[at]
    lead = pivot_row[column]
    if lead != 1:
        pivot_row[:] = [v / lead for v in pivot_row]
    nonzero = [j for j, v in enumerate(pivot_row) if v]
    for i, row in enumerate(rows):
        factor = row[column]
        if i != at and factor:
            for j in nonzero:
                row[j] -= factor * pivot_row[j]
    if at < len(basis):
        basis[at] = column


def _minimise(rows: list[list[Fraction]], basis: list[int], allowed: int) -> bool:
    """Pivot until the objective row (the last) has no negative reduced cost among the first
    `allowed` columns; False if the objective is unbounded below."""
    objective = rows[-1]
    while True:
        entering = next((j for j in range(allowed) if objective[j] < 0), None)
        if entering is None:
            return True
        best: tuple[Fraction, int, int] | None = None
        for i in range(len(basis)):
            a = rows[i][entering]
            if a > 0:
                candidate = (rows[i][-1] / a, basis[i], i)
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
        if best is None:
            return False
        _pivot(rows, basis, best[2], entering)


class _Polytope:
    """{x >= 0 : A x = b} over the hidden cells, with a feasible basis kept across objectives."""

    def __init__(self, variables: list[Var], system: list[Equation]) -> None:
        self.variables = variables
        index = {v: j for j, v in enumerate(variables)}
        n, m = len(variables), len(system)
        rows: list[list[Fraction]] = []
        for i, (coefficients, constant) in enumerate(system):
            sign = -1 if constant < 0 else 1
            row = [Fraction(0)] * (n + m + 1)
            for var, a in coefficients.items():
                row[index[var]] += sign * a
            row[n + i] = Fraction(1)  # the artificial variable of this equation
            row[-1] = Fraction(sign * constant)
            rows.append(row)
        objective = [Fraction(0)] * (n + m + 1)
        for row in rows:
            for j in range(n):
                objective[j] -= row[j]
            objective[-1] -= row[-1]
        basis = list(range(n, n + m))
        _minimise([*rows, objective], basis, n + m)
        # drive the artificial variables out of the basis; a row that keeps one is redundant
        kept_rows, kept_basis = [], []
        for i, row in enumerate(rows):
            if basis[i] >= n:
                if row[-1] != 0:
                    raise ValueError("the published figures admit no table: inconsistent")
                column = next((j for j in range(n) if row[j]), None)
                if column is None:
                    continue
                _pivot(rows, basis, i, column)
            kept_rows.append(row)
            kept_basis.append(i)
        self.rows = [[*row[:n], row[-1]] for row in kept_rows]
        self.basis = [basis[i] for i in kept_basis]

    def point(self) -> list[Fraction]:
        values = [Fraction(0)] * len(self.variables)
        for i, j in enumerate(self.basis):
            values[j] = self.rows[i][-1]
        return values

    def optimum(self, j: int, sign: int) -> Fraction | None:
        """x_j where sign * x_j is least (sign 1: the smallest x_j, -1: the greatest); None if
        unbounded. The tableau is left at that optimum (a vertex: `point`)."""
        n = len(self.variables)
        objective = [Fraction(0)] * (n + 1)
        objective[j] = Fraction(sign)
        if j in self.basis:  # reduced costs: subtract the basic variable's row
            row = self.rows[self.basis.index(j)]
            objective = [c - sign * v for c, v in zip(objective, row, strict=True)]
        tableau = [*self.rows, objective]
        if not _minimise(tableau, self.basis, n):
            return None
        return self.point()[j]


def _system(
    grid: Sequence[Sequence[int]], hidden: set[Cell], lines: list[list[Cell]], key: Any
) -> list[Equation]:
    """Each equation with a hidden cell: its hidden cells (body +1, margin -1) against the
    published ones moved to the other side. `key(cell)` names a hidden cell's variable."""
    system: list[Equation] = []
    for line in lines:
        coefficients: dict[Var, int] = {}
        constant = 0
        for position, (r, c) in enumerate(line):
            sign = -1 if position == len(line) - 1 else 1  # the last cell is the margin
            if (r, c) in hidden:
                var = key((r, c))
                coefficients[var] = coefficients.get(var, 0) + sign
            else:
                constant -= sign * grid[r][c]
        if any(coefficients.values()):
            system.append((coefficients, constant))
    return system


Interval = tuple[int, int | None]  # the smallest and largest value; None: no upper bound


def feasibility_intervals(system: list[Equation], variables: Sequence[Var]) -> dict[Var, Interval]:
    """Each variable's smallest and largest value over {system, every variable >= 0}."""
    polytope = _Polytope(list(variables), system)
    found: dict[Var, Interval] = {}
    for j, var in enumerate(polytope.variables):
        low = polytope.optimum(j, 1)
        high = polytope.optimum(j, -1)
        assert low is not None  # x >= 0 bounds it below
        found[var] = (math.ceil(low), None if high is None else math.floor(high))
    return found


def unprotected(
    system: list[Equation],
    values: dict[Var, int],
    small: set[Var],
    threshold: int,
) -> list[Var]:
    """The hidden cells the reader can pin to one value, and the `small` ones (1 to
    threshold - 1 persons) whose interval includes neither 0 nor threshold; in order.
    `values` are the true figures (a point of the polytope: no program needed for what it
    shows)."""
    variables = sorted(values, key=repr)
    if not variables:
        return []
    lowest = {v: Fraction(values[v]) for v in variables}
    highest = dict(lowest)
    polytope: _Polytope | None = None

    def seen(point: list[Fraction]) -> None:
        for var, x in zip(variables, point, strict=True):
            lowest[var], highest[var] = min(lowest[var], x), max(highest[var], x)

    failing: list[Var] = []
    for j, var in enumerate(variables):
        needs_high = threshold if var in small else lowest[var] + 1
        if lowest[var] == 0 and highest[var] > 0:
            continue  # 0 and another value are both possible: protected
        if highest[var] >= needs_high:
            continue
        if polytope is None:
            polytope = _Polytope(variables, system)
            seen(polytope.point())
        if lowest[var] > 0:
            low = polytope.optimum(j, 1)
            assert low is not None
            seen(polytope.point())
        if lowest[var] == 0 and highest[var] > 0:
            continue
        if var in small and lowest[var] == 0:
            continue  # includes 0 (and the true value, above it)
        high = polytope.optimum(j, -1)
        if high is None:
            continue
        seen(polytope.point())
        if highest[var] < (threshold if var in small else lowest[var] + 1):
            failing.append(var)
    return failing
