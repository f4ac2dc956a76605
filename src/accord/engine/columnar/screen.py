"""The docket screen by the columnar evaluator, slice by slice of the persons.

Each slice of persons (index.py) is decided by its own evaluation of the plan (plan.py) on a
pool of threads, one per core: numpy lets go of the interpreter lock for the work on arrays.
The slices come back in person order and are written as Parquet row groups while the next
are decided. A plan that is not per person is decided in one slice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from accord.engine.columnar.columns import Col
from accord.engine.columnar.evaluate import Evaluator
from accord.engine.columnar.index import DocketIndex, encode_table, index_of
from accord.engine.columnar.plan import FLAGGED, Plan, plan_for
from accord.engine.columnar.relations import Rel
from accord.engine.compiler import ALL
from accord.engine.store import FactStore
from accord.law.framework import OUTCOMES, STATUSES, Context, Rule

# persons per slice: large enough that numpy's work outweighs the evaluator's own, small
# enough that a slice's intermediate arrays stay a fraction of the docket's
SLICE = 250_000


def screen_tables(
    *,
    store: FactStore,
    ctx: Context,
    rules: Sequence[Rule],
    slice_size: int = SLICE,
    threads: int | None = None,
) -> Iterator[pa.Table]:
    """The screen's rows (person_id, a status per rule, the outcome), slice by slice in
    person order."""
    index = index_of(store)
    plan = plan_for(ctx, rules)
    law = _law_tables(store, plan)
    names = [rule.id for rule in rules]
    size = slice_size if plan.per_person else max(index.persons, 1)
    bounds = [(a, min(a + size, index.persons)) for a in range(0, index.persons, size)]
    if not bounds:
        bounds = [(0, 0)]

    def decide(bound: tuple[int, int]) -> pa.Table:
        part = index if bound == (0, index.persons) else index.slice(*bound)
        return _decided(part, plan, law, names)

    workers = threads or min(os.cpu_count() or 1, len(bounds))
    if workers <= 1:
        yield from map(decide, bounds)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="columnar") as pool:
        yield from pool.map(decide, bounds)


def _law_tables(store: FactStore, plan: Plan) -> dict[str, Rel]:
    """The law tables the plan reads (the calendar), read from the store once, before the
    threads start (a DuckDB connection serves one call at a time)."""
    return {name: encode_table(store.arrow(f"SELECT * FROM {name}")) for name in plan.law_tables}


def _decided(index: DocketIndex, plan: Plan, law: dict[str, Rel], rules: list[str]) -> pa.Table:
    """The screen's rows for every person of `index` (`_as_arrow`)."""
    evaluator: Evaluator

    def table(name: str) -> Rel:
        if name.endswith(ALL):
            return index.relation(name[: -len(ALL)])
        if name == FLAGGED:
            return _flagged(index, evaluator, plan)
        if name.startswith("shared_"):
            return evaluator.relation(plan.shared[name[len("shared_") :]])
        return law[name]

    evaluator = Evaluator(table)
    try:
        return _as_arrow(evaluator.relation(plan.coded), rules, index.person_ids)
    finally:
        evaluator.release()


def _flagged(index: DocketIndex, evaluator: Evaluator, plan: Plan) -> Rel:
    """The persons, with `_m<k>` True for those who have a row in subset k."""
    persons = index.relation("persons")
    n = index.persons

    def flag(k: int) -> Col:
        rows = evaluator.relation(plan.subsets[k])
        person = rows.get("person_id")
        if person.dictionary is not index.person_ids:
            raise AssertionError("a subset's persons are not the index's")
        present = person.values if person.valid is None else person.values[person.valid]
        flags = np.zeros(n, bool)
        flags[present] = True
        return Col("bool", flags)

    columns: dict[str, Callable[[], Col]] = {name: persons.column(name) for name in persons.names}
    for k in range(len(plan.subsets)):
        columns[f"_m{k}"] = _flag_of(flag, k)
    return Rel(n, columns)


def _flag_of(flag: Callable[[int], Col], k: int) -> Callable[[], Col]:
    return lambda: flag(k)


_STATUSES = pa.array(STATUSES, pa.string())
_OUTCOMES = pa.array(OUTCOMES, pa.string())


def _as_arrow(coded: Rel, rules: list[str], person_ids: pa.Array) -> pa.Table:
    """The coded statuses as the screen's table: person_id, the rules' statuses and the
    outcome as dictionary-encoded strings (as DuckDB writes its ENUMs to Parquet)."""
    positions = coded.get("person_id").values
    if len(positions) == len(person_ids) and bool((positions == np.arange(len(positions))).all()):
        ids = person_ids  # every person in order, as the persons' projection gives them
    else:
        ids = person_ids.take(pa.array(positions))
    columns: dict[str, pa.Array] = {"person_id": ids}
    for rule in rules:
        codes = pa.array(coded.get(rule).values.astype(np.int8))
        columns[rule] = pa.DictionaryArray.from_arrays(codes, _STATUSES)
    codes = pa.array(coded.get("outcome").values.astype(np.int8))
    columns["outcome"] = pa.DictionaryArray.from_arrays(codes, _OUTCOMES)
    return pa.table(columns)


def write_screen(
    *,
    store: FactStore,
    ctx: Context,
    rules: Sequence[Rule],
    path: Path,
    metadata: dict[str, str],
    progress: Callable[[float], None] | None = None,
    slice_size: int = SLICE,
) -> dict[str, list[int]]:
    """The screen written to Parquet at `path` (zstd, a row group per slice, `metadata` in
    the file's key-value metadata), as DuckDB's COPY writes it. Returns the tally of what
    it wrote: each rule's and the outcome's count of each code (STATUSES, OUTCOMES)."""
    persons = max(index_of(store).persons, 1)
    done = 0
    tally: dict[str, list[int]] = {}
    writer: pq.ParquetWriter | None = None
    try:
        for table in screen_tables(store=store, ctx=ctx, rules=rules, slice_size=slice_size):
            if writer is None:
                schema = table.schema.with_metadata(metadata)
                # min and max of the person ids let a reader skip to a person's row group;
                # those of a status (every status in every row group) skip nothing and cost
                # a third of the write
                writer = pq.ParquetWriter(
                    path, schema, compression="zstd", write_statistics=["person_id"]
                )
            writer.write_table(table)
            for name in table.column_names[1:]:
                column = table[name].combine_chunks()
                size = len(column.dictionary)
                counts = np.bincount(column.indices.to_numpy(), minlength=size)
                found = tally.setdefault(name, [0] * size)
                tally[name] = [a + int(b) for a, b in zip(found, counts, strict=True)]
            done += table.num_rows
            if progress is not None:
                progress(min(100.0, 100.0 * done / persons))
    finally:
        if writer is not None:
            writer.close()
    return tally
