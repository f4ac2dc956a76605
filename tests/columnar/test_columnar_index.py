"""The columnar index holds every fact list's rows as they are in the store: decoded back,
each list is its table, ordered by person, less the rows of persons not in the docket."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from accord.engine import FactStore
from accord.engine.columnar.columns import Col
from accord.engine.columnar.index import _positions, index_of
from accord.errors import EngineCannotEvaluate
from accord.facts.tables import TABLE_NAMES
from accord.synthetic import synthetic_docket


def _decoded(col: Col) -> pa.Array:
    mask = None if col.valid is None else ~col.valid
    if col.kind == "str":
        assert col.dictionary is not None
        if not len(col.dictionary):  # every value null
            return pa.nulls(len(col), pa.string())
        strings = col.dictionary.take(pa.array(col.values))
        return strings if mask is None else pc.if_else(pa.array(mask), None, strings)
    if col.kind == "date":
        return pa.array(col.values.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())
    if col.kind == "bool":
        return pa.array(col.values, pa.bool_(), mask=mask)
    return pa.array(col.values, pa.int64(), mask=mask)


def _sorted(table: pa.Table) -> pa.Table:
    return table.sort_by([(name, "ascending") for name in table.column_names])


def _store_with_strays_and_shuffled_lists() -> tuple[FactStore, dict[str, pa.Table]]:
    """A docket whose lists are in no order and hold rows of a person not in the docket."""
    facts = synthetic_docket(1_000, seed=11, profile="national")
    con = duckdb.connect()
    expected = {}
    rng = np.random.default_rng(0)
    for name in TABLE_NAMES:
        table = facts.tables[name]
        expected[name] = table
        if name != "persons" and table.num_rows:
            stray = table.slice(0, 1).set_column(
                table.schema.get_field_index("person_id"), "person_id", pa.array(["nobody"])
            )
            table = pa.concat_tables([stray, table.take(rng.permutation(table.num_rows))])
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE TABLE {name}_all AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")
    return FactStore(con), expected


def test_the_index_decodes_to_the_lists_less_persons_not_in_the_docket() -> None:
    store, expected = _store_with_strays_and_shuffled_lists()
    index = index_of(store)
    persons = expected["persons"]["person_id"]
    assert index.person_ids.to_pylist() == sorted(persons.to_pylist())
    checked = 0
    for name in TABLE_NAMES:
        rows, columns = index.tables[name]
        codes = columns["person_id"].values
        assert rows == expected[name].num_rows, name  # the stray row left out
        assert bool((np.diff(codes) >= 0).all()), f"{name} is not in person order"
        decoded = {
            column: (
                index.person_ids.take(pa.array(codes))
                if column == "person_id"
                else _decoded(col).cast(expected[name].schema.field(column).type)
            )
            for column, col in columns.items()
        }
        got = pa.table(decoded).select(expected[name].column_names)
        assert _sorted(got).equals(_sorted(expected[name])), name
        checked += rows
    assert checked > 2_000
    store.close()


def test_a_docket_repeating_a_person_is_refused_not_misindexed() -> None:
    facts = synthetic_docket(30, seed=3)
    persons = facts.tables["persons"]
    con = duckdb.connect()
    for name in TABLE_NAMES:
        table = facts.tables[name]
        if name == "persons":  # the fifth person's row twice
            table = pa.concat_tables([table, persons.slice(4, 1)])
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE TABLE {name}_all AS SELECT * FROM {name}_arrow")
    store = FactStore(con)
    with pytest.raises(EngineCannotEvaluate, match="repeats a person id"):
        index_of(store)
    assert store.columnar_index is None
    store.close()


def test_positions_of_lists_read_in_chunks_some_empty() -> None:
    """The lists' ids are encoded as one chunked array, which drops empty chunks: each list's
    codes are found by its length, not by its chunks."""
    person_ids = pa.array(["a", "b", "c"])
    empty = pa.array([], pa.string())
    lists = {
        "x": pa.chunked_array([empty, pa.array(["c", "zz"]), empty], pa.string()),
        "y": pa.chunked_array([], pa.string()),
        "z": pa.chunked_array([pa.array(["a"]), empty, pa.array(["b", None, "c"])]),
    }
    found = _positions(person_ids, lists)
    assert {name: codes.tolist() for name, codes in found.items()} == {
        "x": [2, -1],
        "y": [],
        "z": [0, 1, -1, 2],
    }
