"""A docket's fact lists as columns, made once per store and kept beside it.

Each list's rows become numpy columns (columns.py): person ids as the person's position in
the persons sorted by id, codes and other strings as codes into sorted dictionaries, dates
as day numbers; each list ordered by person. Rows of a list whose person is not in the
persons table are left out: every rule decides a person from that person's rows, so no
person's status reads them.

`slice` gives the persons of a range and their rows without copying them: the evaluator
decides a docket slice by slice (screen.py), which is the same as deciding it whole when every
relation the rules read is per person (plan.per_person).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.engine.columnar.columns import Array, Col, encode_strings
from accord.engine.columnar.relations import Rel
from accord.engine.store import FactStore
from accord.errors import EngineCannotEvaluate
from accord.facts.tables import TABLE_NAMES


@dataclass(frozen=True)
class DocketIndex:
    person_ids: pa.Array  # sorted: a person's code is their position here
    tables: dict[str, tuple[int, dict[str, Col]]]  # list name -> (rows, columns)

    @property
    def persons(self) -> int:
        return len(self.person_ids)

    def relation(self, name: str) -> Rel:
        rows, columns = self.tables[name]
        return Rel.of(rows, columns)

    def slice(self, start: int, stop: int) -> DocketIndex:
        """The persons at positions [start, stop) and their rows, positions counted from
        start."""
        person_ids = self.person_ids.slice(start, stop - start)
        tables = {}
        for name, (_rows, columns) in self.tables.items():
            codes = columns["person_id"].values
            lo, hi = np.searchsorted(codes, [start, stop])
            part = {
                column: _part(col, int(lo), int(hi))
                for column, col in columns.items()
                if column != "person_id"
            }
            part["person_id"] = Col("str", codes[lo:hi] - start, None, person_ids)
            tables[name] = (int(hi - lo), part)
        return DocketIndex(person_ids, tables)


def _part(col: Col, lo: int, hi: int) -> Col:
    valid = None if col.valid is None else col.valid[lo:hi]
    return Col(col.kind, col.values[lo:hi], valid, col.dictionary)


def index_of(store: FactStore) -> DocketIndex:
    """The store's index, made on first use (FactStore.replace_persons drops it)."""
    if store.columnar_index is None:
        store.columnar_index = _index(store)
    index = store.columnar_index
    assert isinstance(index, DocketIndex)
    return index


def _index(store: FactStore) -> DocketIndex:
    persons = store.arrow("SELECT * FROM persons_all ORDER BY person_id")
    person_ids = persons.column("person_id").combine_chunks()
    everyone = np.arange(len(person_ids), dtype=np.int64)
    tables = {"persons": (persons.num_rows, _columns(persons, person_ids, everyone))}
    lists = {n: store.arrow(f"SELECT * FROM {n}_all") for n in TABLE_NAMES if n != "persons"}
    positions = _positions(person_ids, {name: t.column("person_id") for name, t in lists.items()})

    def encoded(name: str) -> tuple[int, dict[str, Col]]:
        return _list(lists[name], positions[name], person_ids)

    # pyarrow and numpy let go of the interpreter lock: the lists are encoded a core each
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        tables.update(zip(lists, pool.map(encoded, lists), strict=True))
    return DocketIndex(person_ids, tables)


def _list(table: pa.Table, codes: Array, person_ids: pa.Array) -> tuple[int, dict[str, Col]]:
    """A fact list's rows of persons in the docket, ordered by person, as columns."""
    found = codes >= 0
    if not found.all():  # rows of no person in the docket
        table, codes = table.filter(pa.array(found)), codes[found]
    if len(codes) > 1 and bool((codes[1:] < codes[:-1]).any()):
        order = np.argsort(codes, kind="stable")
        table, codes = table.take(pa.array(order)), codes[order]
    return table.num_rows, _columns(table, person_ids, codes)


def _positions(person_ids: pa.Array, lists: dict[str, pa.ChunkedArray]) -> dict[str, Array]:
    """Each list's person ids as positions in `person_ids` (sorted, distinct), -1 for an id
    not there. One hash of every id, the persons' first: a person's code is then their
    position, and each list is probed against that one table rather than hashing the persons
    again for every list."""
    columns = [pa.chunked_array([person_ids]), *lists.values()]
    chunks = [c.cast(pa.string()) for column in columns for c in column.chunks if len(c)]
    encoded = pc.dictionary_encode(pa.chunked_array(chunks, pa.string()))
    n = len(person_ids)
    # the codes in row order, split by length (the encoding drops empty chunks)
    codes = np.concatenate(
        [np.zeros(0, np.int64)]
        + [c.indices.fill_null(n).to_numpy(zero_copy_only=False) for c in encoded.chunks]
    ).astype(np.int64)
    if not np.array_equal(codes[:n], np.arange(n)):
        # a repeated id would shift every later person's code off their position
        raise EngineCannotEvaluate(
            "the docket's persons table repeats a person id or has none for a row; "
            "the columnar index needs one row per person: screen with --engine duckdb"
        )
    positions = {}
    at = n
    for name, ids in lists.items():
        part = codes[at : at + len(ids)]
        at += len(ids)
        positions[name] = np.where(part < n, part, -1)
    return positions


def encode_table(table: pa.Table) -> Rel:
    """A small table (a law table) as a relation, its strings in their own dictionaries."""
    return Rel.of(table.num_rows, {n: _column(table.column(n)) for n in table.column_names})


def _columns(table: pa.Table, person_ids: pa.Array, positions: Array) -> dict[str, Col]:
    columns = {"person_id": Col("str", positions, None, person_ids)}
    for name in table.column_names:
        if name != "person_id":
            columns[name] = _column(table.column(name))
    return columns


def _column(array: pa.ChunkedArray) -> Col:
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return encode_strings(array)  # which reads its own nulls
    valid = None
    if array.null_count:
        valid = array.is_valid().to_numpy(zero_copy_only=False)
    if pa.types.is_date32(kind):
        days = array.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)
        return Col("date", days, valid)
    if pa.types.is_boolean(kind):
        return Col("bool", array.fill_null(False).to_numpy(zero_copy_only=False), valid)
    if pa.types.is_integer(kind):
        values = array.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        return Col("int", values, valid)
    raise TypeError(f"a fact column of type {kind}")
