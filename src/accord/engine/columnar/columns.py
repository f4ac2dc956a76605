"""Columns for the columnar evaluator: numpy values, a validity mask, SQL's three-valued logic.

A column is one of four kinds:

* `bool` and `int`: numpy values;
* `date`: day numbers since 1970-01-01 (int32, or int64 after arithmetic);
* `str`: int32 codes into a dictionary of distinct strings (a pyarrow string array). The
  dictionaries the index makes are sorted, so codes compare as the strings do; the person ids
  of every fact list share one dictionary, the persons' own ids in their order, so a person's
  code is their position.

`valid` is None when no value is null. Values where `valid` is False are never read as
values. A literal is a column of zero dimensions, broadcast by numpy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.errors import EngineCannotEvaluate

Array = np.ndarray[Any, Any]
EPOCH = dt.date(1970, 1, 1)


class NotColumnar(EngineCannotEvaluate):
    """An expression the columnar evaluator does not take, found while it evaluates (the
    operation is named): an EngineCannotEvaluate, so the CLI and API report it in one line
    as they do the refusals found when the plan is built."""


@dataclass(frozen=True)
class Col:
    kind: str  # "bool", "int", "date", "str"
    values: Array
    valid: Array | None = None
    dictionary: pa.Array | None = None  # kind "str": the strings the codes index

    def take(self, rows: Array) -> Col:
        valid = None if self.valid is None else self.valid[rows]
        return Col(self.kind, self.values[rows], valid, self.dictionary)

    def take_nullable(self, rows: Array) -> Col:
        """`take`, where a row index of -1 gives null (an unmatched left join)."""
        missing = rows < 0
        if not missing.any():
            return self.take(rows)
        safe = np.where(missing, 0, rows)
        taken = self.take(safe) if len(self.values) else _nulls_like(self, len(rows))
        valid = ~missing if taken.valid is None else taken.valid & ~missing
        return Col(self.kind, taken.values, valid, self.dictionary)

    def true(self) -> Array:
        """Rows where a boolean is True (not null)."""
        return self.values if self.valid is None else self.values & self.valid

    def __len__(self) -> int:
        return int(self.values.shape[0]) if self.values.ndim else 1


def _nulls_like(col: Col, n: int) -> Col:
    return Col(col.kind, np.zeros(n, dtype=col.values.dtype), np.zeros(n, bool), col.dictionary)


def broadcast(col: Col, n: int) -> Col:
    if col.values.ndim:
        return col
    valid = None if col.valid is None else np.broadcast_to(col.valid, (n,)).copy()
    return Col(col.kind, np.broadcast_to(col.values, (n,)).copy(), valid, col.dictionary)


def both_valid(a: Col, b: Col) -> Array | None:
    if a.valid is None:
        return b.valid
    if b.valid is None:
        return a.valid
    return a.valid & b.valid


# --- literals -------------------------------------------------------------------------------


def literal(value: Any, kind: str) -> Col:
    if value is None:
        dtype = {"bool": bool, "int": np.int64, "date": np.int32, "str": np.int32}[kind]
        dictionary = pa.array([], pa.string()) if kind == "str" else None
        return Col(kind, np.zeros((), dtype), np.array(False), dictionary)
    if kind == "str":
        return Col("str", np.array(0, np.int32), None, pa.array([value], pa.string()))
    if kind == "date":
        return Col("date", np.array((value - EPOCH).days, np.int32))
    if kind == "bool":
        return Col("bool", np.array(bool(value)))
    return Col("int", np.array(value, np.int64))


# --- strings --------------------------------------------------------------------------------


def codes_in(col: Col, dictionary: pa.Array) -> Array:
    """`col`'s codes as codes of `dictionary` (-1 where its string is not there)."""
    assert col.dictionary is not None
    if col.dictionary is dictionary:
        return col.values
    return _code_table(col.dictionary, dictionary)[col.values]


# A rule's constant strings are looked up in the index's dictionaries in every slice of
# every screen: the tables between small dictionaries are kept, by the two dictionaries'
# identity (each entry holds both, so neither identity is reused while it is kept).
_SMALL = 4096
_code_tables: dict[tuple[int, int], tuple[pa.Array, pa.Array, Array]] = {}


def _code_table(strings: pa.Array, dictionary: pa.Array) -> Array:
    """Each of `strings`' codes in `dictionary` (-1: absent), and -1 after the last."""
    key = (id(strings), id(dictionary))
    kept = _code_tables.get(key)
    if kept is not None and kept[0] is strings and kept[1] is dictionary:
        return kept[2]
    mapping = pc.index_in(strings, value_set=dictionary).fill_null(-1)
    table = np.append(mapping.to_numpy(zero_copy_only=False).astype(np.int64), -1)
    if len(strings) <= _SMALL and len(dictionary) <= _SMALL:
        if len(_code_tables) > 1024:
            _code_tables.clear()
        _code_tables[key] = (strings, dictionary, table)
    return table


def same_strings(a: Col, b: Col) -> tuple[Array, Array]:
    """Codes of `a` and `b` in one dictionary, so that equal codes are equal strings; a
    string of `b` absent from `a`'s dictionary gets -2, equal to nothing of `a`'s."""
    assert a.dictionary is not None
    if a.dictionary is b.dictionary:
        return a.values, b.values
    right = codes_in(b, a.dictionary)
    return a.values, np.where(right < 0, -2, right)


def map_strings(col: Col, function: Callable[[pa.Array], pa.Array], kind: str) -> Col:
    """A function of each string, computed once per dictionary entry."""
    assert col.dictionary is not None
    mapped = function(col.dictionary)
    if kind == "str":  # distinct again: two strings may map to one
        encoded = (
            pc.dictionary_encode(mapped).combine_chunks()
            if isinstance(mapped, pa.ChunkedArray)
            else pc.dictionary_encode(mapped)
        )
        dictionary, remap = sorted_dictionary(encoded.dictionary)
        indices = remap[encoded.indices.to_numpy(zero_copy_only=False)]
        values = indices[col.values] if len(indices) else np.zeros_like(col.values)
        return Col("str", values.astype(np.int32), col.valid, dictionary)
    array = mapped.to_numpy(zero_copy_only=False)
    if kind == "int":
        array = array.astype(np.int64)
    values = array[col.values] if len(array) else np.zeros(col.values.shape, array.dtype)
    return Col(kind, values, col.valid)


def sorted_dictionary(strings: pa.Array) -> tuple[pa.Array, Array]:
    """Distinct `strings` sorted (so codes compare as strings do), and each old index's new
    code."""
    order = pc.sort_indices(strings).to_numpy()
    remap = np.empty(len(order), np.int32)
    remap[order] = np.arange(len(order), dtype=np.int32)
    return strings.take(pa.array(order)), remap


def encode_strings(array: pa.Array | pa.ChunkedArray) -> Col:
    """A string column of the index: codes into its sorted distinct values."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    dictionary, remap = sorted_dictionary(encoded.dictionary)
    indices = encoded.indices
    valid = None if indices.null_count == 0 else ~indices.is_null().to_numpy(zero_copy_only=False)
    raw = indices.fill_null(0).to_numpy(zero_copy_only=False)
    codes = remap[raw] if len(remap) else np.zeros(len(raw), np.int32)
    return Col("str", codes, valid, dictionary)


# --- dates ----------------------------------------------------------------------------------


def add_months(days: Array, months: int) -> Array:
    """Day numbers plus whole months, the day clamped to the month's last (DuckDB's date +
    INTERVAL n MONTH: 2024-01-31 + 1 month is 2024-02-29; a year is twelve months)."""
    if days.ndim and len(days) > 4096:  # computed once per day of the range, then looked up
        low, high = int(days.min()), int(days.max())
        if high - low < len(days):
            table = _add_months(np.arange(low, high + 1, dtype=np.int64), months)
            return table[days.astype(np.int64) - low]
    return _add_months(days, months)


def _add_months(days: Array, months: int) -> Array:
    stamps = days.astype("datetime64[D]")
    month = stamps.astype("datetime64[M]")
    day_of_month = (stamps - month).astype(np.int64)
    target = month + np.timedelta64(months, "M")
    length = (
        (target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")
    ).astype(np.int64)
    result = target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)
    days_after: Array = result.astype(np.int64)
    return days_after
