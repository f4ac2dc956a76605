"""Small-cell suppression of a published table, with complementary suppression.

Standard library only: the transparency report's `verify_bundle.py` ships this file beside
itself, so a reader checks the published figures with the same arithmetic.

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
   arithmetic (bounds from non-negativity are not considered).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
    sensitive cells are decided by another count); `forced` adds cells hidden elsewhere
    (a margin shared with a table published beside it)."""
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    if primary is None:
        hidden = {(r, c) for r in range(rows) for c in range(cols) if 0 < grid[r][c] < threshold}
    else:
        hidden = set(primary)
    hidden.update(forced)
    lines = equations(rows, cols, row_margin=row_margin, col_margin=col_margin)
    while True:
        _close_single_unknowns(grid, hidden, lines)
        if not (row_margin and col_margin) or not _close_one_bridge(grid, hidden):
            return hidden


def suppress_linked(
    grids: Sequence[Sequence[Sequence[int]]], *, threshold: int, row_margin: bool = True
) -> list[set[Cell]]:
    """Suppress tables that publish the same total row (the last row of each): a total
    hidden in one is hidden in all, until they agree, so no table gives away another's."""
    shared: set[int] = set()
    while True:
        result = [
            suppress(
                grid,
                threshold=threshold,
                row_margin=row_margin,
                forced={(len(grid) - 1, c) for c in shared},
            )
            for grid in grids
        ]
        hidden_totals = {
            c
            for grid, cells in zip(grids, result, strict=True)
            for (r, c) in cells
            if r == len(grid) - 1
        }
        if hidden_totals <= shared:
            return result
        shared |= hidden_totals
