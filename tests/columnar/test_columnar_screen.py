"""The columnar screen as users run it: the file DuckDB writes, the CLI, a docket whose facts
change, and the plans it refuses rather than guesses."""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from accord.engine import DecisionRequest, FactStore, screen_docket, screen_table
from accord.engine.columnar.plan import _check_taken, _per_person
from accord.engine.columnar.screen import screen_tables, write_screen
from accord.engine.compiler import compile_rules
from accord.errors import EngineCannotEvaluate
from accord.facts.tables import FACT_SCHEMAS
from accord.law.catalogue import rules_for
from accord.synthetic import synthetic_docket, write_synthetic_snapshot
from cli_runner import run_accord
from conftest import CECOT

REQUEST = dict(
    agreement="sv-2025-offer",
    pathway="custody_placement",
    destination="SV",
    facility="CECOT",
    as_of="2025-03-16",
)


def _strings(table: pa.Table) -> pa.Table:
    return pa.table({c: table[c].cast(pa.string()) for c in table.column_names})


def test_screen_docket_writes_the_duckdb_file(tmp_path: Path) -> None:
    store = FactStore.from_tables(synthetic_docket(3_000, seed=5, profile="national"))
    request = DecisionRequest.build(**REQUEST)
    duck = screen_docket(store=store, request=request, out=tmp_path / "duck.parquet")
    seen: list[float] = []
    columnar = screen_docket(
        store=store,
        request=request,
        out=tmp_path / "columnar.parquet",
        progress=seen.append,
        evaluator="columnar",
    )
    a, b = pq.read_table(tmp_path / "duck.parquet"), pq.read_table(tmp_path / "columnar.parquet")
    assert _strings(a).equals(_strings(b))
    assert b["person_id"].to_pylist() == sorted(b["person_id"].to_pylist())
    assert a.schema.metadata[b"accord"] == b.schema.metadata[b"accord"]
    assert json.loads(b.schema.metadata[b"accord"])["facility"] == "CECOT"
    assert (columnar.outcomes, columnar.failing_rules, columnar.unknown_rules) == (
        duck.outcomes,
        duck.failing_rules,
        duck.unknown_rules,
    )
    assert sum(1 for n in columnar.outcomes.values() if n) >= 2
    assert seen[-1] == 100.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["columnar.parquet", "duck.parquet"]
    store.close()


@pytest.mark.parametrize("evaluator", ["duckdb", "columnar"])
def test_an_empty_docket_is_an_empty_file(tmp_path: Path, evaluator: str) -> None:
    store = FactStore.from_tables(synthetic_docket(0))
    request = DecisionRequest.build(**REQUEST)
    out = tmp_path / "d.parquet"
    summary = screen_docket(store=store, request=request, out=out, evaluator=evaluator)
    assert (summary.persons, summary.failing_rules, summary.unknown_rules) == (0, [], [])
    assert pq.read_table(out).num_rows == 0
    assert len(pq.read_table(out).column_names) == len(summary.rules) + 2
    store.close()


def test_cli_screen_with_the_columnar_engine(tmp_path: Path) -> None:
    snapshot = write_synthetic_snapshot(2_000, tmp_path / "snapshot", seed=3)
    duck, columnar = tmp_path / "duck.parquet", tmp_path / "columnar.parquet"
    assert run_accord("screen", snapshot, *CECOT, "--out", duck).returncode == 0
    result = run_accord("screen", snapshot, *CECOT, "--out", columnar, "--engine", "columnar")
    assert result.returncode == 0, result.stderr
    assert f"Decisions written to {columnar}" in result.stdout
    assert "2,000 persons" in result.stdout
    assert _strings(pq.read_table(duck)).equals(_strings(pq.read_table(columnar)))
    url = run_accord("screen", "s3a://b/s", *CECOT, "--out", columnar, "--engine", "columnar")
    assert url.returncode == 2
    assert "a URL is read by --engine spark only" in url.stderr


def test_facts_replaced_in_the_store_are_in_the_next_screen() -> None:
    """The index is the store's: replacing persons' rows (a held registry docket brought up to
    date, impact/warm.py) drops it, and the next screen reads the new facts."""
    store = FactStore.from_tables(synthetic_docket(1_000, seed=2, profile="national"))
    request = DecisionRequest.build(**REQUEST)
    ctx = request.context()
    rules, _ = rules_for(ctx)
    before = _strings(pa.concat_tables(list(screen_tables(store=store, ctx=ctx, rules=rules))))
    assert store.columnar_index is not None
    # ten persons lose every nationality and removal order: their statuses change
    cursor = store.con.cursor()
    ids = before["person_id"].to_pylist()[:10]
    cursor.execute(
        "CREATE TEMP TABLE persons_new AS SELECT * FROM persons_all WHERE person_id IN "
        f"({', '.join(repr(i) for i in ids)})"
    )
    for name in FACT_SCHEMAS:
        if name != "persons":
            cursor.execute(f"CREATE TEMP TABLE {name}_new AS SELECT * FROM {name}_all LIMIT 0")
    cursor.execute("UPDATE persons_new SET nationalities_known = FALSE")
    store.replace_persons(cursor, suffix="_new")
    assert store.columnar_index is None
    after = _strings(pa.concat_tables(list(screen_tables(store=store, ctx=ctx, rules=rules))))
    assert after.equals(_strings(screen_table(store=store, request=request)).cast(after.schema))
    assert not after.equals(before)
    store.close()


def test_a_plan_not_per_person_is_decided_whole() -> None:
    """A join, group or window that is not keyed by the person would mix persons across the
    slices: such a plan is found and decided in one slice."""
    facts = {
        n: ibis.table(ibis.Schema.from_pyarrow(s), name=f"{n}_all") for n, s in FACT_SCHEMAS.items()
    }
    orders, appeals = facts["removal_orders"], facts["appeals"]
    by_person = orders.semi_join(appeals, orders.person_id == appeals.person_id)
    by_day = orders.semi_join(appeals, orders.issued_on == appeals.filed_on)
    assert _per_person(by_person.op())
    assert not _per_person(by_day.op())
    grouped = orders.group_by("country").aggregate(last=orders.issued_on.max())
    assert not _per_person(grouped.op())
    ranked = orders.mutate(r=ibis.rank().over(ibis.window(order_by=orders.issued_on)))
    assert not _per_person(ranked.op())
    asked = orders.filter(orders.country.isin(appeals.select(country=appeals.status).country))
    assert not _per_person(asked.op())


def test_an_operation_it_does_not_take_names_the_rule() -> None:
    persons = ibis.table(ibis.Schema.from_pyarrow(FACT_SCHEMAS["persons"]), name="persons_all")
    status = ibis.ifelse(persons.name.split(" ").length() > 2, "fail", "pass")
    with pytest.raises(EngineCannotEvaluate, match=r"rule name_rule: .* does not take"):
        _check_taken("name_rule", status.op())


def test_the_file_keeps_the_person_ids_range_of_each_row_group(tmp_path: Path) -> None:
    """A reader looking for one person skips the row groups whose range does not hold them."""
    store = FactStore.from_tables(synthetic_docket(1_200, seed=4))
    out = tmp_path / "c.parquet"
    request = DecisionRequest.build(**REQUEST)
    compiled = compile_rules(request.context())
    write_screen(
        store=store,
        ctx=compiled.context,
        rules=compiled.rules,
        path=out,
        metadata={},
        slice_size=500,
    )
    metadata = pq.ParquetFile(out).metadata
    ids = pq.read_table(out)["person_id"].to_pylist()
    ranges = []
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(0).statistics
        assert stats is not None
        assert stats.has_min_max
        ranges.append((stats.min, stats.max))
    assert ranges == [(ids[0], ids[499]), (ids[500], ids[999]), (ids[1000], ids[-1])]
    store.close()
