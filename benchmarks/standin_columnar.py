"""An experiment for issue 20's bulk-screen targets: would an evaluator of per-person code over
person-ordered columns beat DuckDB's grouped membership bits? (Not the engine: a stand-in.)

Run:  .venv/bin/python benchmarks/standin_columnar.py build/bench/docket-2000000-seed0 [--runs 3]
      (make the snapshot with `accord docket generate --persons 2000000 --out ...`)

The stand-in: membership tests per fact list of the snapshot (a row dated on or before
2025-03-16; a row of the list's most frequent code; a dated row of its two most frequent
codes not ended by its second date; and, for a list with a date and a code, the latest rows
per person and code on the day, still open: a rank window in SQL), 83 in all, and one CASE
per list (21 columns of statuses), written to Parquet with the persons' ids in person order.
It is evaluated three ways in one process, alternated run by run, and the files must be
equal for every person and column:

* duckdb: the engine's way (engine/memberships.py): each test a subset of rows, the union of
  all subsets grouped by person with `bit_or`, joined to the persons, the CASEs over the
  bits, `COPY ... TO` Parquet, on tables loaded into DuckDB;
* columnar: numpy over arrays made once per snapshot (timed apart: request-independent, like
  an index): each fact row's person position, dates as day numbers, codes as dictionary
  indices, each list ordered by person, code and date. A test is a vectorized mask over a
  list's rows; the latest rows per key a pass over adjacent rows of the ordered list;
  membership a scatter of the rows' positions into one boolean per person (no hashing, no
  join: the persons are in position order); a CASE a few assignments; one thread;
* columnar in chunks: the same, computed for slices of the persons (`--chunks`, each list's
  rows of a slice are one slice of it) while a second thread writes the previous slice as a
  Parquet row group.

The stand-in has no joins between lists, which the real rules have; DuckDB's stand-in took
longer than the engine's real statement on the same docket (benchmarks/RESULTS.md), so it
weighs at least the work the two ways differ in. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import queue
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from accord.facts.snapshot import snapshot_tables

AS_OF = dt.date(2025, 3, 16)
DAY = (AS_OF - dt.date(1970, 1, 1)).days
NEVER = np.iinfo(np.int32).max  # a missing date: never on or before the day
STATUS = ["not_applicable", "ineligible", "undetermined", "eligible"]


@dataclass(frozen=True)
class Tests:
    """A fact list's tests: its first date, its code and codes, its second date."""

    list_name: str
    start: str | None
    code: str | None
    codes: tuple[str, ...]
    end: str | None

    def sql(self) -> list[tuple[int, str]]:
        """(status code, subset of person ids) per test, in the CASE's order of WHENs."""
        rows = f"FROM {self.list_name}_all"
        on_day = f"\"{self.start}\" <= DATE '{AS_OF}'" if self.start else "TRUE"
        first = f"\"{self.code}\" = '{self.codes[0]}'" if self.code else "TRUE"
        parts = [on_day] if self.start else []
        if self.code:
            parts.append(f'"{self.code}" IN ({", ".join(repr(c) for c in self.codes)})')
        if self.end:
            parts.append(f'("{self.end}" IS NULL OR "{self.end}" > DATE \'{AS_OF}\')')
        subsets = []
        if self.start and self.code:  # the latest row per person and code on the day
            latest = (
                f'SELECT person_id, "{self.start}", "{self.end or self.start}" AS _end, '
                f'rank() OVER (PARTITION BY person_id, "{self.code}" '
                f'ORDER BY "{self.start}" DESC) AS _r {rows} WHERE {on_day}'
            )
            still = (
                f"(_end IS NULL OR _end > DATE '{AS_OF}')"
                if self.end
                else f"_end >= DATE '{AS_OF - dt.timedelta(days=365)}'"
            )
            subsets.append((2, f"SELECT person_id FROM ({latest}) WHERE _r = 1 AND {still}"))
        for code, where in ((1, on_day), (2, first), (3, " AND ".join(parts) or "TRUE")):
            subsets.append((code, f"SELECT person_id {rows} WHERE {where}"))
        return subsets


def tests_of(name: str, table: pa.Table) -> Tests:
    dates = [f.name for f in table.schema if pa.types.is_date32(f.type)]
    codes = [
        f.name
        for f in table.schema
        if pa.types.is_string(f.type) and f.name not in ("person_id", "source")
    ]
    code = codes[0] if codes else None
    frequent: tuple[str, ...] = ()
    if code is not None:
        counts = [c for c in pc.value_counts(table[code]).to_pylist() if c["values"] is not None]
        counts.sort(key=lambda c: -c["counts"])
        frequent = tuple(c["values"] for c in counts[:2]) or ("?",)
    return Tests(
        name, dates[0] if dates else None, code, frequent, dates[1] if len(dates) > 1 else None
    )


def duckdb_sql(all_tests: list[Tests]) -> str:
    """The stand-in as the engine's docket statement is shaped."""
    branches, cases, k = [], [], 0
    for tests in all_tests:
        whens = []
        for code, subset in tests.sql():
            word, bit = divmod(k, 63)
            words = ", ".join(f"{(1 << bit) if w == word else 0}::BIGINT AS w{w}" for w in (0, 1))
            branches.append(f"SELECT person_id, {words} FROM ({subset})")
            whens.append(f"WHEN (coalesce(m.w{word}, 0) & {1 << bit}) != 0 THEN '{STATUS[code]}'")
            k += 1
        cases.append(f"CASE {' '.join(whens)} ELSE '{STATUS[0]}' END AS r_{tests.list_name}")
    members = (
        "SELECT person_id, bit_or(w0) AS w0, bit_or(w1) AS w1 FROM ("
        + " UNION ALL ".join(branches)
        + ") GROUP BY person_id"
    )
    return (
        f"WITH m AS ({members}) SELECT p.person_id, {', '.join(cases)} "
        "FROM persons_all p LEFT JOIN m ON p.person_id = m.person_id ORDER BY p.person_id"
    )


def columnar_index(tables: dict[str, pa.Table], all_tests: list[Tests]) -> dict[str, Any]:
    """Once per snapshot: each list's rows as person positions, day numbers and code indices."""
    persons = tables["persons"]["person_id"].combine_chunks()
    index: dict[str, Any] = {}
    for tests in all_tests:
        table = tables[tests.list_name]
        positions = pc.index_in(table["person_id"], value_set=persons)
        arrays: dict[str, Any] = {"pos": positions.to_numpy(zero_copy_only=False)}
        for column in (tests.start, tests.end):
            if column is not None:
                days = table[column].combine_chunks().cast(pa.int32()).fill_null(NEVER)
                arrays[column] = days.to_numpy()
        if tests.code is not None:
            encoded = table[tests.code].combine_chunks().dictionary_encode()
            arrays["code"] = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            words = encoded.dictionary.to_pylist()
            # a lookup per code index (-1, a missing code, reads the last entry: False)
            arrays["first"] = np.array([w == tests.codes[0] for w in words] + [False])
            arrays["either"] = np.array([w in tests.codes for w in words] + [False])
        if tests.start is not None and tests.code is not None:
            # ordered by person, code and date once: the latest row per person and code is
            # then found by a pass over adjacent rows
            order = np.lexsort((arrays[tests.start], arrays["code"], arrays["pos"]))
            pos_s, code_s = arrays["pos"][order], arrays["code"][order]
            new = np.r_[True, (pos_s[1:] != pos_s[:-1]) | (code_s[1:] != code_s[:-1])]
            arrays["sorted"] = {
                "pos": pos_s,
                "start": arrays[tests.start][order],
                "end": arrays[tests.end or tests.start][order],
                "group": np.cumsum(new) - 1,
            }
        index[tests.list_name] = arrays
    return index


def latest_positions(rows: dict[str, Any], *, ends: bool) -> Any:
    """The persons whose latest rows per code on the day (every row of the latest date) are
    still open (no end, or an end after the day), or, without an end, dated in the year."""
    dated = np.flatnonzero(rows["start"] <= DAY)
    group, start = rows["group"][dated], rows["start"][dated]
    new = np.r_[True, group[1:] != group[:-1]]
    segment = np.cumsum(new) - 1
    last = np.r_[new[1:], True]
    latest = dated[start == start[last][segment]]
    end = rows["end"][latest]
    still = end > DAY if ends else end >= DAY - 365
    return rows["pos"][latest[still]]


def columnar_chunk(
    persons: pa.Array, all_tests: list[Tests], index: dict[str, Any], start: int, stop: int
) -> pa.Table:
    """The stand-in's statuses of the persons at positions [start, stop): each list's rows of
    those persons are one slice, as the lists are in person order."""
    n = stop - start
    status = pa.array(STATUS)
    columns: dict[str, Any] = {"person_id": persons.slice(start, n)}
    for tests in all_tests:
        arrays = index[tests.list_name]
        low, high = np.searchsorted(arrays["pos"], [start, stop])
        pos = arrays["pos"][low:high] - start
        on_day = arrays[tests.start][low:high] <= DAY if tests.start else None
        first = either = None
        if tests.code is not None:
            code = arrays["code"][low:high]
            first, either = arrays["first"][code], arrays["either"][code]
        third = either
        if on_day is not None:
            third = on_day if third is None else third & on_day
        if tests.end is not None:
            open_ = arrays[tests.end][low:high] > DAY
            third = open_ if third is None else third & open_
        codes = np.zeros(n, dtype=np.int8)
        for value, mask in ((3, third), (2, first), (1, on_day)):  # the first WHEN set last
            member = np.zeros(n, dtype=bool)
            member[pos if mask is None else pos[mask]] = True
            codes[member] = value
        if "sorted" in arrays:
            ordered = arrays["sorted"]
            low, high = np.searchsorted(ordered["pos"], [start, stop])
            rows = {key: values[low:high] for key, values in ordered.items()}
            member = np.zeros(n, dtype=bool)
            member[latest_positions(rows, ends=tests.end is not None) - start] = True
            codes[member] = 2
        columns[f"r_{tests.list_name}"] = pa.DictionaryArray.from_arrays(pa.array(codes), status)
    return pa.table(columns)


def columnar_eval(
    persons: pa.Array, all_tests: list[Tests], index: dict[str, Any], out: Path
) -> float:
    """Writes the stand-in's statuses, computed whole; returns the seconds of the write."""
    table = columnar_chunk(persons, all_tests, index, 0, len(persons))
    started = time.perf_counter()
    pq.write_table(table, out, compression="zstd")
    return time.perf_counter() - started


def columnar_eval_chunked(
    persons: pa.Array, all_tests: list[Tests], index: dict[str, Any], out: Path, chunks: int
) -> None:
    """Writes the same file computed in `chunks` slices of persons: a thread writes each as a
    row group while the next is computed (numpy and the Parquet writer release the GIL)."""
    bounds = [int(b) for b in np.linspace(0, len(persons), chunks + 1)]
    done: queue.Queue[pa.Table | None] = queue.Queue(maxsize=2)
    first = columnar_chunk(persons, all_tests, index, bounds[0], bounds[1])
    with pq.ParquetWriter(out, first.schema, compression="zstd") as writer:

        def write() -> None:
            while (table := done.get()) is not None:
                writer.write_table(table)

        thread = threading.Thread(target=write)
        thread.start()
        done.put(first)
        for start, stop in itertools.pairwise(bounds[1:]):
            done.put(columnar_chunk(persons, all_tests, index, start, stop))
        done.put(None)
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunks", type=int, default=16, help="for the overlapped way")
    args = parser.parse_args()
    files = {n: f.file for n, f in snapshot_tables(args.snapshot).items() if f.file is not None}
    tables = {n: pq.read_table(f) for n, f in files.items()}
    all_tests = [tests_of(n, t) for n, t in tables.items() if n != "persons"]
    rows = sum(tables[t.list_name].num_rows for t in all_tests)
    persons = tables["persons"]["person_id"]
    print(
        f"{len(persons):,} persons, {rows:,} fact rows; {len(all_tests)} lists, "
        f"{sum(len(t.sql()) for t in all_tests)} membership tests "
        f"({sum(t.start is not None and t.code is not None for t in all_tests)} of them a "
        "latest row per person and code)"
    )
    con = duckdb.connect()
    for name, table in tables.items():
        con.register("_loading", table)
        con.execute(f"CREATE TABLE {name}_all AS SELECT * FROM _loading")
        con.unregister("_loading")
    sql = duckdb_sql(all_tests)
    started = time.perf_counter()
    index = columnar_index(tables, all_tests)
    print(f"columnar index, once per snapshot: {time.perf_counter() - started:.2f} s")
    del tables  # held by DuckDB and by the index now (at 10M, both and these overflow 24 GiB)

    writes: list[float] = []

    def by_duckdb(out: Path) -> None:
        cursor = con.cursor()
        cursor.execute(f"COPY ({sql}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
        cursor.close()

    def by_columns(out: Path) -> None:
        writes.append(columnar_eval(persons, all_tests, index, out))

    def by_chunks(out: Path) -> None:
        columnar_eval_chunked(persons, all_tests, index, out, args.chunks)

    ways: dict[str, Callable[[Path], None]] = {
        "duckdb": by_duckdb,
        "columnar": by_columns,
        f"columnar in {args.chunks} chunks, written on a thread": by_chunks,
    }
    outs = {name: Path(f"/tmp/standin-{number}.parquet") for number, name in enumerate(ways)}
    for name, way in ways.items():
        way(outs[name])
    tables_out = [pq.read_table(outs[name]) for name in ways]
    reference = tables_out[0]
    for name, other in zip(list(ways)[1:], tables_out[1:], strict=True):
        for column in reference.column_names:
            x, y = reference[column], other[column]
            if column != "person_id":
                x, y = x.cast(pa.string()), y.cast(pa.string())
            if not x.equals(y):
                sys.exit(f"duckdb and {name} differ in {column}")
    print("the files are equal for every person and column")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
    for _ in range(args.runs):
        for name, way in ways.items():
            wall, cpu = time.perf_counter(), time.process_time()
            way(outs[name])
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    for name, runs in times.items():
        walls = [w for w, _ in runs]
        print(
            f"{name}: wall best {min(walls):.2f} s, median {statistics.median(walls):.2f} s; "
            f"CPU best {min(c for _, c in runs):.2f} s ({' '.join(f'{w:.2f}' for w in walls)})"
        )
    print(f"columnar's Parquet write: {' '.join(f'{w:.2f}' for w in writes[1:])} s")
    best = {name: min(w for w, _ in runs) for name, runs in times.items()}
    for name in list(ways)[1:]:
        print(f"{name}: {best['duckdb'] / best[name]:.2f}x the speed of duckdb (best to best)")


if __name__ == "__main__":
    main()
