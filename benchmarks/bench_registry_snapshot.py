"""`accord registry snapshot` on PostgreSQL: fact rows per second, against 1,000,000 (issue 20).

    .venv/bin/python benchmarks/bench_registry_snapshot.py --persons 200000

Imports N synthetic persons (accord.synthetic) into a throwaway PostgreSQL
database (created and dropped here) with the registry's own bulk import
(import_case_files, one transaction; not timed), then reads the whole docket
the way the command does, `docket_fact_tables` in a read session, and writes
it with `write_snapshot`. The headline figure is fact rows (every row of every
table of the snapshot, persons included) per second of the read; the write to
Parquet is timed apart and together with it. As known now, the read takes the
tables the writes keep (current_persons, superseded_versions: migration 0015);
the COPY read of the versions themselves (what it did before 0015, and still
does for an earlier cutoff) and the row path, `row_fact_tables` (SQLAlchemy
rows into Python lists), run in the same process on the same registry for the
ratios, and all three results must be equal. Then as known between the first
import and the second (--batches > 1). Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accord.db import read_session, write_session
from accord.facts.snapshot import write_snapshot
from accord.facts.tables import FactTables
from accord.registry import case_files_from_tables, docket_fact_tables, import_case_files
from accord.registry.reads import known_cutoff, row_fact_tables
from accord.registry.snapshot_read import copy_fact_tables
from accord.synthetic import synthetic_docket
from bench_registry_import import SERVER, Throwaway, _users, load, machine

TARGET = 1_000_000  # fact rows per second, PostgreSQL to Arrow


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def cpu_timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall s, CPU s of this process, result): on a shared machine the CPU is the steadier
    figure (PostgreSQL's own CPU is not in it)."""
    cpu = time.process_time()
    seconds, result = timed(fn)
    return seconds, time.process_time() - cpu, result


def build_registry(
    engine: Any, officer: Any, persons: int, batches: int, seed: int
) -> tuple[float, dt.datetime]:
    """Import the synthetic docket in `batches` imports; (seconds, an instant between the
    first import and the second)."""
    cases = case_files_from_tables(synthetic_docket(persons, seed=seed))
    size = -(-len(cases) // batches)
    started = time.perf_counter()
    for number, first in enumerate(range(0, len(cases), size)):
        with write_session(engine) as session:
            import_case_files(
                session,
                actor=officer,
                cases=cases[first : first + size],
                source_document=f"benchmark batch {number}",
                file_sha256=f"{number:064x}",
                file_name=f"batch-{number}.jsonl",
            )
        if number == 0:
            after_first = dt.datetime.now(dt.UTC)
    return time.perf_counter() - started, after_first


def rows(facts: FactTables) -> int:
    return sum(t.num_rows for t in facts.tables.values())


def read_both(engine: Any, as_known_on: dt.datetime | None, runs: int) -> dict[str, Any]:
    """The COPY path (docket_fact_tables) `runs` times, then (as known now) the COPY read of
    the versions once, then the row path once; all equal."""
    fast_times, fast_cpu = [], []
    for _ in range(runs):
        with read_session(engine) as session:
            seconds, cpu, fast = cpu_timed(
                lambda: docket_fact_tables(session, as_known_on=as_known_on)
            )
        fast_times.append(seconds)
        fast_cpu.append(cpu)
    versions_s = None
    if as_known_on is None:  # the versions read, as before migration 0015: a cutoff after all
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        with read_session(engine) as session:
            versions_s, by_versions = timed(lambda: copy_fact_tables(session, cutoff=later))
        for name, table in by_versions.tables.items():
            assert fast.tables[name].equals(table), f"{name}: the two COPY reads differ"
    with read_session(engine) as session:
        cutoff = known_cutoff(as_known_on)
        slow_s, slow = timed(lambda: row_fact_tables(session, cutoff=cutoff))
    for name, table in slow.tables.items():
        assert fast.tables[name].equals(table), f"{name}: the two paths differ"
    return {
        "facts": fast,
        "fast": fast_times,
        "fast_cpu": fast_cpu,
        "versions": versions_s,
        "slow": slow_s,
        "rows": rows(fast),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--batches", type=int, default=2, help="imports, a day apart")
    parser.add_argument("--runs", type=int, default=3, help="runs of the COPY read")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--server", default=SERVER, help="PostgreSQL URL to create databases on")
    args = parser.parse_args()
    print(f"{machine()}; {load()}")
    with Throwaway(args.server) as url, TemporaryDirectory() as tmp:
        engine, officer = _users(url)
        os.environ.pop("ACCORD_TOKEN", None)  # set by _users for the import benchmark's CLI
        import_s, after_first = build_registry(
            engine, officer, args.persons, args.batches, args.seed
        )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would have by then
        print(f"imported {args.persons:,} persons in {args.batches} import(s): {import_s:.1f} s")
        now = read_both(engine, None, args.runs)
        best = min(now["fast"])
        write_s, _ = timed(lambda: write_snapshot(now["facts"], Path(tmp) / "snapshot"))
        n = now["rows"]
        print(
            f"docket_fact_tables, now: {n:,} fact rows; COPY path "
            + ", ".join(f"{s:.2f}" for s in now["fast"])
            + f" s (CPU of this process {min(now['fast_cpu']):.2f} s)"
            + f": best {n / best:,.0f} rows/s = {n / best / TARGET:.2f}x the {TARGET:,} target"
            f"; COPY of the versions (before 0015) {now['versions']:.2f} s "
            f"({n / now['versions']:,.0f} rows/s): {now['versions'] / best:.1f}x slower"
            f"; row path {now['slow']:.2f} s ({n / now['slow']:,.0f} rows/s): "
            f"{now['slow'] / best:.1f}x slower; tables equal"
        )
        print(
            f"write_snapshot (Parquet, sorted): {write_s:.2f} s; read + write "
            f"{n / (best + write_s):,.0f} rows/s"
        )
        if args.batches > 1:
            then = read_both(engine, after_first, 1)
            print(
                f"as known after the first import: {then['rows']:,} fact rows; COPY path "
                f"{then['fast'][0]:.2f} s ({then['rows'] / then['fast'][0]:,.0f} rows/s), "
                f"row path {then['slow']:.2f} s; tables equal"
            )
        engine.dispose()
    print(load())


if __name__ == "__main__":
    main()
