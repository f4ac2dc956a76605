"""The bulk engine's shortcuts give what the plain way gives: the one-person index skips its
sort only for tables already in person order (engine/store.py), and the Parquet screen's
statuses decode to the same strings as the string statement (engine/status_codes.py)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
import pytest

from accord.engine import DecisionRequest, FactStore, decide_person, screen_table
from accord.engine.compiler import compile_rules
from accord.facts.snapshot import sorted_by_person, write_snapshot
from accord.facts.tables import TABLE_NAMES, FactTables
from accord.law.framework import latest_on
from accord.synthetic import synthetic_docket

REQUEST = DecisionRequest.build(
    agreement="sv-2025-offer",
    pathway="custody_placement",
    destination="SV",
    as_of="2025-03-16",
    facility="CECOT",
)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([], True),
        (["a"], True),
        (["a", "a", "b"], True),
        (["b", "a"], False),
        (["a", None], False),  # ORDER BY puts nulls last: sort rather than guess
        (["Z", "a"], True),  # by bytes, as DuckDB orders: upper case first
        (["z", "\u00e9"], True),  # a multi-byte character after every ASCII one
        (["\u00e9", "z"], False),
    ],
)
def test_person_order_is_checked_as_duckdb_orders(ids: list[str | None], expected: bool) -> None:
    table = pa.table({"person_id": pa.array(ids, type=pa.string())})
    assert sorted_by_person(table) is expected
    if None not in ids:
        con = duckdb.connect()
        con.register("ids", table)
        ordered = con.execute("SELECT person_id FROM ids ORDER BY person_id").fetchall()
        assert ([r[0] for r in ordered] == ids) is expected


def _shuffled_store(facts: FactTables) -> FactStore:
    """The same facts in a store whose tables are not in person order."""
    con = duckdb.connect()
    rng = random.Random(7)
    for name in TABLE_NAMES:
        table = facts.tables[name]
        order = list(range(table.num_rows))
        rng.shuffle(order)
        con.register(f"{name}_arrow", table.take(pa.array(order, type=pa.int64())))
        con.execute(f"CREATE TABLE {name}_all AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")
    return FactStore(con)


def _rows(facts: FactTables) -> dict[str, set[tuple[object, ...]]]:
    return {
        name: {tuple(row.values()) for row in table.to_pylist()}
        for name, table in facts.tables.items()
    }


def test_a_store_out_of_person_order_still_finds_every_row_of_a_person() -> None:
    facts = synthetic_docket(400, seed=3)
    ordered = FactStore.from_tables(facts)
    shuffled = _shuffled_store(facts)
    assert not sorted_by_person(shuffled.arrow("SELECT person_id FROM removal_orders_all"))
    ids = facts.tables["persons"].column("person_id").to_pylist()
    for person_id in [*ids[::37], ids[-1]]:
        a, b = ordered.person_facts(person_id), shuffled.person_facts(person_id)
        assert a is not None
        assert b is not None
        assert _rows(a) == _rows(b)
        assert sum(t.num_rows for t in b.tables.values()) >= 1
        da = decide_person(store=ordered, request=REQUEST, person_id=person_id)
        db = decide_person(store=shuffled, request=REQUEST, person_id=person_id)
        assert da.outcome == db.outcome
        assert [r.status for r in da.results] == [r.status for r in db.results]
    assert shuffled.person_facts("no-such-person") is None


def test_a_snapshot_store_needs_no_sort_and_finds_the_same_rows(tmp_path: Path) -> None:
    facts = synthetic_docket(300, seed=11)
    path = tmp_path / "snap"
    write_snapshot(facts, path)
    store = FactStore.from_snapshot(path, load=True)
    for name in TABLE_NAMES:  # written in person order and read back in it
        assert sorted_by_person(store.arrow(f"SELECT * FROM {name}_all"))
    reference = FactStore.from_tables(facts)
    for person_id in facts.tables["persons"].column("person_id").to_pylist()[::29]:
        got, want = store.person_facts(person_id), reference.person_facts(person_id)
        assert got is not None
        assert want is not None
        assert _rows(got) == _rows(want)


def test_the_screen_statement_decodes_every_status_as_the_string_statement() -> None:
    store = FactStore.from_tables(synthetic_docket(2_000, seed=13))
    enum = store.arrow(compile_rules(REQUEST.context()).docket_enum_sql + " ORDER BY person_id")
    strings = screen_table(store=store, request=REQUEST)
    # every status and the outcome an ENUM (a dictionary of the same strings), then equal
    assert all(pa.types.is_dictionary(t) for t in enum.schema.types[1:])
    assert enum.cast(strings.schema).equals(strings)
    assert len(set(strings.column("outcome").to_pylist())) >= 2


def test_latest_on_keeps_the_rows_rank_keeps() -> None:
    """latest_on (law/framework.py), which a faster form must match: the rows ranked first by
    day, descending, per person and key; ties stay, a null key is one group, and days after
    the as-of date are not read."""
    rows = [
        ("a", "x", dt.date(2025, 1, 1), 1),
        ("a", "x", dt.date(2025, 2, 1), 2),  # latest of (a, x)
        ("a", "x", dt.date(2025, 9, 1), 3),  # after the as-of date
        ("a", "y", dt.date(2025, 1, 5), 4),  # its own key
        ("b", None, dt.date(2025, 1, 1), 5),
        ("b", None, dt.date(2025, 1, 3), 6),  # a null key: one group with row 5
        ("b", None, dt.date(2025, 1, 3), 7),  # a tie on the latest day: both stay
        ("c", "x", None, 8),  # no date: never the latest
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE facts (person_id VARCHAR, k VARCHAR, day DATE, n INTEGER)")
    con.executemany("INSERT INTO facts VALUES (?, ?, ?, ?)", rows)
    table = ibis.table({"person_id": "string", "k": "string", "day": "date", "n": "int32"}, "facts")
    as_of = ibis.literal(dt.date(2025, 3, 16), type="date")
    latest = latest_on(table, as_of, date_col="day", keys=("k",))
    got = sorted(r[3] for r in con.execute(ibis.to_sql(latest, dialect="duckdb")).fetchall())
    ranked = con.execute(
        "SELECT n FROM (SELECT *, rank() OVER (PARTITION BY person_id, k ORDER BY day DESC) AS r "
        "FROM facts WHERE day <= DATE '2025-03-16') WHERE r = 1 ORDER BY n"
    ).fetchall()
    assert got == [n for (n,) in ranked] == [2, 4, 6, 7]
