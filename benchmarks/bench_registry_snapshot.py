"""`accord registry snapshot` on PostgreSQL: fact rows per second, against 1,000,000 (issue 20).

    .venv/bin/python benchmarks/bench_registry_snapshot.py --persons 200000
    .venv/bin/python benchmarks/bench_registry_snapshot.py --registry postgresql+psycopg://...

Imports N synthetic persons (accord.synthetic) into a throwaway PostgreSQL
database (created and dropped here) with the registry's own bulk import
(import_case_files, one transaction; not timed), or reads an existing registry
(--registry), then reads the whole docket the way the command does,
`docket_fact_tables` in a read session, and writes it with `write_snapshot`.
The headline figure is fact rows (every row of every table of the snapshot,
persons included) per second of the read; the write to Parquet is timed apart
and together with it. The read is COPY (FORMAT binary) over ADBC streams in one
exported snapshot (registry/snapshot_adbc.py); the COPY CSV route before it
(`copy_fact_tables(route="csv")`) runs interleaved with it, run for run, for
the ratio. Beside the wall times: the CPU of this process and of the
PostgreSQL backends that served each read (from /proc: the server must be on
this machine), the figure a busy shared machine moves least. As known now, the
read takes the tables the writes keep (current_persons, superseded_versions:
migration 0015); the COPY read of the versions (what it did before 0015, and
still does for an earlier cutoff) and the row path, `row_fact_tables`
(SQLAlchemy rows into Python lists), run once in the same process on the same
registry (`--no-row-path` skips the row path: about 6 minutes a million persons), and all
results must be equal (schemas with their metadata too).
Then as known between the first import and the second (--batches > 1).
Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accord.db import driver_connection, make_engine, read_session, write_session
from accord.facts.snapshot import write_snapshot
from accord.facts.tables import FactTables
from accord.registry import (
    case_files_from_tables,
    docket_fact_tables,
    import_case_files,
    snapshot_adbc,
    snapshot_read,
)
from accord.registry.reads import known_cutoff, row_fact_tables
from accord.registry.snapshot_read import copy_fact_tables
from accord.synthetic import synthetic_docket
from bench_registry_import import SERVER, Throwaway, _users, load, machine
from bulk_registry import bulk_registry

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


class ServerCpu:
    """CPU seconds of the PostgreSQL backends that served the reads (the session's own and
    each stream's), from /proc: the server must run on this machine. On a shared machine
    this process's CPU plus theirs is the figure least moved by what else runs. The streams'
    connections are wrapped while it is entered (a benchmark's instrument, not the code's)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self) -> None:
        self.seconds = 0.0

    @classmethod
    def of(cls, pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / cls.TICK  # utime + stime

    def __enter__(self) -> ServerCpu:
        self.binary, self.csv = snapshot_adbc._open, snapshot_read._same_snapshot
        snapshot_adbc._open = self._counted_open  # type: ignore[assignment]
        snapshot_read._same_snapshot = self._counted_same  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        snapshot_adbc._open, snapshot_read._same_snapshot = self.binary, self.csv

    def _counted_open(self, info: str, snapshot: str) -> Any:
        connection = self.binary(info, snapshot)
        if connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                (pid,) = cursor.fetchone()
            close = connection.close

            def counted_close() -> None:
                self.seconds += self.of(pid)  # a new backend: all its CPU is this read's
                close()

            connection.close = counted_close
        return connection

    @contextmanager
    def _counted_same(self, session: Any, raw: Any) -> Iterator[Any]:
        with self.csv(session, raw) as other:
            pid = other.info.backend_pid if other is not None else None
            yield other
            if pid is not None:
                self.seconds += self.of(pid)

    def timed(self, session: Any, fn: Callable[[], Any]) -> tuple[float, float, float, Any]:
        """(wall s, CPU s of this process, CPU s of the backends, result) of fn() in
        `session`: its own backend's CPU counted from before to after."""
        own = driver_connection(session).info.backend_pid
        self.seconds, before = 0.0, self.of(own)
        seconds, cpu, result = cpu_timed(fn)
        return seconds, cpu, self.seconds + self.of(own) - before, result


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


def read_both(
    engine: Any,
    as_known_on: dt.datetime | None,
    runs: int,
    *,
    row_path: bool = True,
    versions: bool = True,
) -> dict[str, Any]:
    """The COPY read (docket_fact_tables: COPY binary over ADBC streams) and the COPY CSV
    route before it, interleaved `runs` times each; then (as known now) the COPY read of the
    versions once unless `versions` is false (a bulk registry has none), then the row path
    once unless `row_path` is false; all equal."""
    cutoff = known_cutoff(as_known_on)
    times: dict[str, list[float]] = {k: [] for k in ("fast", "csv", "fast_cpu", "csv_cpu")}
    times |= {"fast_server": [], "csv_server": []}
    with ServerCpu() as server:
        for _ in range(runs):
            with read_session(engine) as session:
                seconds, cpu, theirs, fast = server.timed(
                    session, lambda: docket_fact_tables(session, as_known_on=as_known_on)
                )
            times["fast"].append(seconds)
            times["fast_cpu"].append(cpu)
            times["fast_server"].append(theirs)
            with read_session(engine) as session:
                seconds, cpu, theirs, by_csv = server.timed(
                    session, lambda: copy_fact_tables(session, cutoff=cutoff, route="csv")
                )
            times["csv"].append(seconds)
            times["csv_cpu"].append(cpu)
            times["csv_server"].append(theirs)
            _assert_equal(fast, by_csv, "the binary and CSV COPY reads")
    versions_s = None
    if as_known_on is None and versions:  # the versions read, as before 0015: a later cutoff
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        with read_session(engine) as session:
            versions_s, by_versions = timed(lambda: copy_fact_tables(session, cutoff=later))
        _assert_equal(fast, by_versions, "the two COPY reads")
    slow_s = None
    if row_path:  # 335-411 s at 1,000,000 persons
        with read_session(engine) as session:
            slow_s, slow = timed(lambda: row_fact_tables(session, cutoff=cutoff))
        _assert_equal(fast, slow, "the COPY and row paths")
    return {"facts": fast, **times, "versions": versions_s, "slow": slow_s, "rows": rows(fast)}


def _assert_equal(one: FactTables, other: FactTables, what: str) -> None:
    """Equal tables, schemas (field metadata too: it would be written to Parquet) and all."""
    assert one.tables.keys() == other.tables.keys(), what
    for name, table in other.tables.items():
        mine = one.tables[name]
        assert mine.schema.equals(table.schema, check_metadata=True), f"{name}: {what} differ"
        assert mine.equals(table), f"{name}: {what} differ"


def _figures(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--batches", type=int, default=2, help="imports, a day apart")
    parser.add_argument("--runs", type=int, default=3, help="runs of each COPY route")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--server", default=SERVER, help="PostgreSQL URL to create databases on")
    parser.add_argument(
        "--registry",
        help="read this registry (a PostgreSQL URL) instead of importing one; the reads as "
        "known now only",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the imported registry (its URL is printed) for later runs with --registry",
    )
    parser.add_argument(
        "--import-only", action="store_true", help="import the registry and stop (with --keep)"
    )
    parser.add_argument(
        "--no-row-path",
        action="store_true",
        help="skip the row path's read (the reference: about 6 minutes a million persons)",
    )
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="write the tables the snapshot reads straight from Arrow instead of importing "
        "(bulk_registry.py: no versions, no audit; for 10M persons); the reads as known now, "
        "the COPY routes only (with --registry: a registry written so)",
    )
    args = parser.parse_args()
    print(f"{machine()}; {load()}")
    with TemporaryDirectory() as tmp:
        if args.registry:
            engine = make_engine(args.registry)
            report(
                engine,
                None,
                args.runs,
                Path(tmp),
                row_path=not (args.no_row_path or args.bulk),
                versions=not args.bulk,
            )
            engine.dispose()
        else:
            with Throwaway(args.server, keep=args.keep) as url:
                engine, officer = _users(url)
                os.environ.pop("ACCORD_TOKEN", None)  # set by _users for the import's CLI
                if args.bulk:
                    bulk_s, written = bulk_registry(
                        url, persons=args.persons, seed=args.seed, user_id=officer.id
                    )
                    print(
                        f"wrote the registry's read tables for {args.persons:,} persons in "
                        f"bulk (bulk_registry.py): {written:,} rows, {bulk_s:.1f} s"
                    )
                    if not args.import_only:
                        report(engine, None, args.runs, Path(tmp), row_path=False, versions=False)
                    engine.dispose()
                    print(load())
                    return
                import_s, after_first = build_registry(
                    engine, officer, args.persons, args.batches, args.seed
                )
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would have by then
                print(
                    f"imported {args.persons:,} persons in {args.batches} import(s): "
                    f"{import_s:.1f} s"
                )
                if not args.import_only:
                    report(
                        engine,
                        after_first if args.batches > 1 else None,
                        args.runs,
                        Path(tmp),
                        row_path=not args.no_row_path,
                    )
                engine.dispose()
    print(load())


def report(
    engine: Any,
    after_first: dt.datetime | None,
    runs: int,
    tmp: Path,
    *,
    row_path: bool,
    versions: bool = True,
) -> None:
    """Read as known now `runs` times by each route and print the figures; then as known
    `after_first` (the versions path), when given."""
    now = read_both(engine, None, runs, row_path=row_path, versions=versions)
    best, best_csv = min(now["fast"]), min(now["csv"])
    write_s, _ = timed(lambda: write_snapshot(now["facts"], tmp / "snapshot"))
    n = now["rows"]
    ratios = [c / f for f, c in zip(now["fast"], now["csv"], strict=True)]
    print(
        f"docket_fact_tables, now: {n:,} fact rows; COPY binary (ADBC) "
        f"{_figures(now['fast'])} s: best {n / best:,.0f} rows/s = "
        f"{n / best / TARGET:.2f}x the {TARGET:,} target"
    )
    print(
        f"  COPY CSV (the route before), interleaved: {_figures(now['csv'])} s: best "
        f"{n / best_csv:,.0f} rows/s; CSV/binary per pair "
        f"{', '.join(f'{r:.2f}' for r in ratios)}, best to best {best_csv / best:.2f}x"
    )
    for route, key in (("binary", "fast"), ("CSV", "csv")):
        total = [c + s for c, s in zip(now[f"{key}_cpu"], now[f"{key}_server"], strict=True)]
        print(
            f"  CPU, {route}: this process {_figures(now[f'{key}_cpu'])} s, PostgreSQL "
            f"backends {_figures(now[f'{key}_server'])} s; together best {min(total):.2f} s "
            f"= {n / min(total):,.0f} rows per CPU-second (so at most "
            f"{2 * n / min(total):,.0f} rows/s on two cores)"
        )
    slow, versions_s = now["slow"], now["versions"]
    print(
        (
            f"  COPY of the versions (before 0015) {versions_s:.2f} s "
            f"({n / versions_s:,.0f} rows/s): {versions_s / best:.1f}x slower; "
            if versions_s is not None
            else "  COPY of the versions not read (a bulk registry has none); "
        )
        + (
            f"row path {slow:.2f} s ({n / slow:,.0f} rows/s): {slow / best:.1f}x slower"
            if slow is not None
            else "row path not read (--no-row-path)"
        )
        + "; tables equal"
    )
    print(
        f"write_snapshot (Parquet, sorted): {write_s:.2f} s; read + write "
        f"{n / (best + write_s):,.0f} rows/s"
    )
    if after_first is not None:
        then = read_both(engine, after_first, 1, row_path=row_path)
        print(
            f"as known after the first import: {then['rows']:,} fact rows; COPY binary "
            f"{then['fast'][0]:.2f} s ({then['rows'] / then['fast'][0]:,.0f} rows/s), "
            f"COPY CSV {then['csv'][0]:.2f} s, row path "
            + (f"{then['slow']:.2f} s" if then["slow"] is not None else "not read")
            + "; tables equal"
        )


if __name__ == "__main__":
    main()
