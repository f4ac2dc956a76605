"""Relations of the columnar evaluator: lazily taken columns, keys, joins, ranks, groups.

A relation's columns are computed when first read: a filter keeps the rows' indexes and takes
a column only if something reads it, so a wide fact list filtered to a few rows costs the
columns the rule reads.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.engine.columnar.columns import Array, Col, NotColumnar, same_strings

Thunk = Callable[[], Col]


class Rel:
    """`n` rows; each column computed on first read and kept."""

    def __init__(self, n: int, columns: dict[str, Thunk]) -> None:
        self.n = n
        self._thunks = columns
        self._made: dict[str, Col] = {}

    @classmethod
    def of(cls, n: int, columns: dict[str, Col]) -> Rel:
        rel = cls(n, {name: _constant(col) for name, col in columns.items()})
        rel._made.update(columns)
        return rel

    @property
    def names(self) -> list[str]:
        return list(self._thunks)

    def get(self, name: str) -> Col:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = self._thunks[name]()
        return made

    def take(self, rows: Array) -> Rel:
        return _Taken(self, rows)

    def column(self, name: str) -> Thunk:
        """The column, read when the thunk is called (another relation's column, lazily)."""
        return lambda: self.get(name)


class _Taken(Rel):
    """The rows `rows` of a relation, each column taken when first read. A take of a take
    takes once from the first relation."""

    def __init__(self, parent: Rel, rows: Array) -> None:
        if isinstance(parent, _Taken):
            rows = parent.rows[rows]
            parent = parent.parent
        super().__init__(len(rows), {})  # no thunks of its own: each column is the parent's
        self.parent: Rel = parent
        self.rows: Array = rows

    @property
    def names(self) -> list[str]:
        return self.parent.names

    def get(self, name: str) -> Col:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = self.parent.get(name).take(self.rows)
        return made


def _constant(col: Col) -> Thunk:
    return lambda: col


# --- keys -----------------------------------------------------------------------------------


def _key_values(col: Col) -> Array:
    """A column as int64 keys, equal where the values are (nulls are masked by the caller)."""
    if col.kind == "str":
        return col.values.astype(np.int64)
    if col.kind in ("int", "date", "bool"):
        return col.values.astype(np.int64)
    raise NotColumnar(f"a key of kind {col.kind}")


def _dense(col: Col, n: int, *, ordered: bool = False) -> tuple[Array, int]:
    """A column as keys in [0, count): equal where the values are, nulls one key of their
    own (as GROUP BY and PARTITION BY group them), the last. `ordered`: keys in the values'
    order (a string's code is in its dictionary's order)."""
    if col.kind == "str":
        assert col.dictionary is not None
        keys, count = col.values.astype(np.int64), len(col.dictionary) + 1
        null = count - 1
    elif col.kind == "bool":
        keys, count, null = col.values.astype(np.int64), 3, 2
    else:
        values = col.values.astype(np.int64)
        present = values if col.valid is None else values[col.valid]
        low, high = (int(present.min()), int(present.max())) if len(present) else (0, 0)
        if high - low > 4 * n + 1024:  # a sparse range: numbered
            keys, count = _renumber(values, ordered=ordered)
            count += 1
        else:
            keys, count = values - low, high - low + 2
        null = count - 1
    keys = np.broadcast_to(keys, (n,))
    if col.valid is not None:
        keys = np.where(col.valid, keys, null)
    return keys, count


def _renumber(values: Array, *, ordered: bool) -> tuple[Array, int]:
    """Values as 0, 1, ...: in their order, or in order of appearance."""
    n = len(values)
    if n and int(values.min()) >= 0 and int(values.max()) < 4 * n + 1024:
        return _renumber_dense(values, ordered=ordered)
    if ordered:
        uniques, inverse = np.unique(values, return_inverse=True)
        return inverse.astype(np.int64), len(uniques)
    encoded = pc.dictionary_encode(pa.array(values, pa.int64()))
    return encoded.indices.to_numpy().astype(np.int64), len(encoded.dictionary)


def _renumber_dense(values: Array, *, ordered: bool) -> tuple[Array, int]:
    """`_renumber` of small non-negative values (person positions, combinations of a few
    codes): a table indexed by value rather than a sort or a hash."""
    n = len(values)
    first = np.full(int(values.max()) + 1, n, np.int64)
    np.minimum.at(first, values, np.arange(n))
    present = np.flatnonzero(first < n)
    if not ordered:  # the values in order of their first row
        present = present[np.argsort(first[present], kind="stable")]
    numbers = np.empty(len(first), np.int64)
    numbers[present] = np.arange(len(present))
    return numbers[values], len(present)


def group_ids(
    columns: list[Col], n: int, *, numbered: bool = False, ordered: bool = False
) -> tuple[Array, int]:
    """One id per distinct combination of the columns' values, nulls equal to each other:
    (ids, a bound on them). `numbered`: ids 0, 1, ... in order of first appearance, and
    their count. `ordered`: ids ordered as the combinations are, column by column."""
    ids = np.zeros(n, np.int64)
    bound = 1
    for col in columns:
        keys, count = _dense(col, n, ordered=ordered)
        if bound * count >= 2**62:  # renumber before the product overflows
            ids, bound = _renumber(ids, ordered=ordered)
        ids = ids * count + keys
        bound *= count
    if numbered:
        return _renumber(ids, ordered=False)
    return ids, bound


def equal_pairs(
    left: list[Col], right: list[Col], n_left: int, n_right: int
) -> tuple[Array, Array]:
    """Row pairs (left, right) whose key columns are equal, nulls matching nothing."""
    lkeys: list[Array] = []
    rkeys: list[Array] = []
    lvalid = np.ones(n_left, bool)
    rvalid = np.ones(n_right, bool)
    for lcol, rcol in zip(left, right, strict=True):
        if lcol.kind == "str" or rcol.kind == "str":
            if lcol.kind != rcol.kind:
                raise NotColumnar("a join of a string with another kind")
            lv, rv = same_strings(lcol, rcol)
            rvalid &= rv >= 0
        else:
            lv, rv = _key_values(lcol), _key_values(rcol)
        lkeys.append(np.broadcast_to(lv, (n_left,)).astype(np.int64))
        rkeys.append(np.broadcast_to(rv, (n_right,)).astype(np.int64))
        if lcol.valid is not None:
            lvalid &= lcol.valid
        if rcol.valid is not None:
            rvalid &= rcol.valid
    if len(lkeys) == 1:
        lk, rk = lkeys[0], rkeys[0]
    else:  # numbered together, so that equal combinations get one number on both sides
        both, _ = group_ids(
            [Col("int", np.concatenate([a, b])) for a, b in zip(lkeys, rkeys, strict=True)],
            n_left + n_right,
        )
        lk, rk = both[:n_left], both[n_left:]
    right_rows = np.flatnonzero(rvalid)
    rk = rk[right_rows]
    low = min(int(lk.min()) if n_left else 0, int(rk.min()) if len(rk) else 0)
    high = max(int(lk.max()) if n_left else 0, int(rk.max()) if len(rk) else 0)
    if high - low <= 4 * (n_left + len(rk)) + 1024:  # dense keys (persons): counted
        per_key = np.bincount(rk - low, minlength=high - low + 1)
        first = np.cumsum(per_key) - per_key
        order = np.argsort(rk, kind="stable")
        lo = first[lk - low]
        counts = np.where(lvalid, per_key[lk - low], 0)
    else:
        order = np.argsort(rk, kind="stable")
        sorted_keys = rk[order]
        lo = np.searchsorted(sorted_keys, lk, "left")
        hi = np.searchsorted(sorted_keys, lk, "right")
        counts = np.where(lvalid, hi - lo, 0)
    left_idx = np.repeat(np.arange(n_left), counts)
    starts = np.repeat(lo, counts)
    within = np.arange(len(left_idx)) - np.repeat(np.cumsum(counts) - counts, counts)
    return left_idx, right_rows[order[starts + within]]


# --- ranks and groups -----------------------------------------------------------------------


def min_rank(groups: Array, keys: list[tuple[Col, bool, bool]], n: int) -> Array:
    """rank() - 1 per row: the rows of its group strictly before it in the order (peers share
    one rank). `keys`: (column, ascending, nulls first)."""
    if not keys:
        return np.zeros(n, np.int64)
    order_ids = [groups]
    for col, ascending, nulls_first in keys:
        if col.kind == "str":
            raise NotColumnar("a window ordered by a string")
        # values in [0, count - 2] in their order, nulls count - 1
        values, count = _dense(col, n, ordered=True)
        if not ascending:
            values = (count - 2) - values
        if nulls_first:
            values = values + 1
        if col.valid is not None:
            values = np.where(col.valid, values, 0 if nulls_first else count - 1)
        order_ids.append(values)
    # one sort key: the group, then each order key (renumbered where the product is large)
    composite, _ = group_ids([Col("int", k) for k in order_ids], n, ordered=True)
    order = np.argsort(composite, kind="stable")
    ordered_groups = groups[order]
    ordered = composite[order]
    position = np.arange(n)
    new_group = np.ones(n, bool)
    new_peer = np.ones(n, bool)
    if n:
        new_group[1:] = ordered_groups[1:] != ordered_groups[:-1]
        new_peer[1:] = ordered[1:] != ordered[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    peer_start = np.maximum.accumulate(np.where(new_peer, position, 0))
    ranks = np.empty(n, np.int64)
    ranks[order] = peer_start - group_start
    return ranks


def group_max(col: Col, groups: Array, count: int, *, smallest: bool = False) -> Col:
    """The largest (or smallest) non-null value per group; null where a group has none."""
    values = np.broadcast_to(col.values, groups.shape).astype(np.int64)
    present = np.ones(len(values), bool) if col.valid is None else col.valid
    info = np.iinfo(np.int64)
    out = np.full(count, info.max if smallest else info.min, np.int64)
    (np.minimum if smallest else np.maximum).at(out, groups[present], values[present])
    seen = np.zeros(count, bool)
    seen[groups[present]] = True
    dtype = col.values.dtype if col.kind != "bool" else bool
    return Col(col.kind, np.where(seen, out, 0).astype(dtype), None if seen.all() else seen)


def concat(cols: list[Col], sizes: list[int]) -> Col:
    """Columns one after another (UNION ALL), in one dictionary for strings."""
    kinds = {c.kind for c in cols}
    if len(kinds) != 1:
        raise NotColumnar(f"a union of kinds {sorted(kinds)}")
    (kind,) = kinds
    full = [np.broadcast_to(c.values, (n,)) for c, n in zip(cols, sizes, strict=True)]
    dictionary = cols[0].dictionary
    if kind == "str" and any(c.dictionary is not dictionary for c in cols):
        merged = pc.unique(pa.chunked_array([c.dictionary for c in cols], pa.string()))
        dictionary = merged.take(pc.sort_indices(merged))
        full = []
        for c, n in zip(cols, sizes, strict=True):
            assert c.dictionary is not None
            mapping = pc.index_in(c.dictionary, value_set=dictionary).to_numpy(zero_copy_only=False)
            codes = mapping.astype(np.int32)[c.values] if len(mapping) else c.values
            full.append(np.broadcast_to(codes, (n,)))
    values = np.concatenate(full) if full else np.zeros(0)
    if all(c.valid is None for c in cols):
        return Col(kind, values, None, dictionary)
    valid = np.concatenate(
        [
            np.ones(n, bool) if c.valid is None else np.broadcast_to(c.valid, (n,))
            for c, n in zip(cols, sizes, strict=True)
        ]
    )
    return Col(kind, values, valid, dictionary)
