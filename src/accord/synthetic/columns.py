"""Building blocks of the synthetic dockets: categorical draws and Arrow columns from numpy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

EPOCH = dt.date(1970, 1, 1)
IntArray = np.ndarray  # numpy arrays are not typed precisely enough to be worth spelling out


class Cat:
    """A categorical variable: names and their weights."""

    def __init__(self, weights: Mapping[str, float]):
        self.names = tuple(weights)
        p = np.array(list(weights.values()), dtype=float)
        self.p = p / p.sum()
        self.dictionary = pa.array(self.names, pa.string())

    def draw(self, rng: np.random.Generator, size: int) -> IntArray:
        return rng.choice(len(self.names), size=size, p=self.p)

    def code(self, name: str) -> int:
        return self.names.index(name)

    def arrow(self, codes: IntArray, null: IntArray | None = None) -> pa.Array:
        return self.dictionary.take(pa.array(codes, pa.int64(), mask=null))

    def recode(self, other: Cat, codes: IntArray) -> IntArray:
        """`other`'s codes renumbered as this category's (its names must be among ours)."""
        out: IntArray = np.array([self.names.index(x) for x in other.names], dtype=np.int64)[codes]
        return out


def strings(values: Sequence[str | None], codes: IntArray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(codes, pa.int64()))


def const(value: str, size: int) -> pa.Array:
    return strings([value], np.zeros(size, dtype=np.int64))


def bools(values: IntArray, null: IntArray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), pa.bool_(), mask=null)


def dates(days: IntArray, null: IntArray | None = None) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), pa.int32(), mask=null).cast(pa.date32())


def follow(values: IntArray, seq: IntArray, delta: IntArray | int = 0) -> IntArray:
    """A person's later rows take the previous row's value plus `delta` (rows are grouped)."""
    out, rows = values.copy(), np.flatnonzero(seq > 0)
    out[rows] = out[rows - 1] + (delta if isinstance(delta, int) else delta[rows])
    return out


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days
