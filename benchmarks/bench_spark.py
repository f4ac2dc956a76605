"""Spark benchmark: the bulk screen on Spark local mode beside DuckDB, in the same process.

Run:  .venv/bin/python benchmarks/bench_spark.py [--persons 1000000] [--runs 2]
          [--master local[2]] [--driver-memory 4g] [--dir build/bench]

Not a test: it prints figures and never fails. Both engines screen the same Parquet
snapshot (bench_engine.py's, `synthetic_docket(persons, seed)`, reused if present) for one
request (sv-2025-offer, custody_placement to SV at CECOT, as of 2025-03-16) and write the
same decisions file:

* DuckDB: `FactStore.from_snapshot(load=False)` + `screen_docket`, as `accord screen` runs;
* Spark: `screen_docket_spark` on one session started first (its start-up is reported
  apart), as `accord screen --engine spark` runs after the session is up.

Each engine runs once cold (first compilation, JIT warm-up) and `--runs` times warm; the
figures are the warm best and the ratio Spark / DuckDB. The two decisions files are compared
(every person, every rule). Peak memory: this process's (DuckDB's) and the Spark JVM's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accord.engine import DecisionRequest, FactStore, screen_docket
from accord.engine.spark import screen_docket_spark
from accord.engine.spark_session import spark_session
from bench_engine import console, machine, show, snapshot_for

REQUEST = DecisionRequest("sv-2025-offer", "custody_placement", "SV", dt.date(2025, 3, 16), "CECOT")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def peak_rss_gib(pid: int | str = "self") -> float:
    """VmHWM of a process, in GiB (0 if it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def jvm_pid() -> int | None:
    from pyspark import SparkContext

    proc = getattr(SparkContext._gateway, "proc", None)
    return proc.pid if proc is not None else None


def run(engine: str, once: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    cold, summary = timed(once)
    warm = [timed(once)[0] for _ in range(runs)]
    console.print(
        f"{engine}: cold {cold:.2f} s, warm " + ", ".join(f"{x:.2f}" for x in warm) + " s"
    )
    return cold, warm, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g", help="spark.driver.memory")
    parser.add_argument("--dir", type=Path, default=Path("build/bench"))
    args = parser.parse_args()
    show("Machine", list(machine().items()))
    args.dir.mkdir(parents=True, exist_ok=True)
    path = snapshot_for(args.persons, args.seed, args.dir)
    duck_out = args.dir / "screen-spark-bench-duckdb.parquet"
    spark_out = args.dir / "screen-spark-bench-spark.parquet"

    def duck_once() -> Any:
        store = FactStore.from_snapshot(path, load=False)
        try:
            return screen_docket(store=store, request=REQUEST, out=duck_out)
        finally:
            store.close()

    d_cold, d_warm, d_summary = run("duckdb", duck_once, args.runs)
    duck_rss = peak_rss_gib()

    start_s, spark = timed(
        lambda: spark_session(args.master, conf={"spark.driver.memory": args.driver_memory})
    )
    console.print(f"spark: session on {args.master} started in {start_s:.2f} s")
    try:
        s_cold, s_warm, s_summary = run(
            "spark",
            lambda: screen_docket_spark(snapshot=path, request=REQUEST, out=spark_out, spark=spark),
            args.runs,
        )
        pid = jvm_pid()
        jvm_rss = peak_rss_gib(pid) if pid else 0.0
    finally:
        spark.stop()
    identical = (
        pq.read_table(duck_out).cast(pq.read_schema(spark_out)).equals(pq.read_table(spark_out))
    )
    d_best, s_best = min(d_warm), min(s_warm)
    show(
        f"Bulk screen of {d_summary.persons:,} persons ({REQUEST.pathway}, CECOT): "
        "Spark local mode beside DuckDB",
        [
            ("outcomes", ", ".join(f"{k} {v:,}" for k, v in d_summary.outcomes.items())),
            ("same decisions (every person, every rule)", "yes" if identical else "NO"),
            ("same summary", "yes" if s_summary.outcomes == d_summary.outcomes else "NO"),
            ("duckdb cold / warm best / median", _fig(d_cold, d_warm)),
            ("spark session start", f"{start_s:.2f} s"),
            ("spark cold / warm best / median", _fig(s_cold, s_warm)),
            ("spark / duckdb (warm best)", f"{s_best / d_best:.1f}x"),
            (
                "persons per second (warm best)",
                f"duckdb {_rate(d_summary, d_best)}, spark {_rate(d_summary, s_best)}",
            ),
            ("peak RSS", f"python+duckdb {duck_rss:.1f} GiB, spark JVM {jvm_rss:.1f} GiB"),
            ("load average at the end", " ".join(f"{x:.2f}" for x in os.getloadavg())),
        ],
    )


def _fig(cold: float, warm: list[float]) -> str:
    return f"{cold:.2f} s / {min(warm):.2f} s / {statistics.median(warm):.2f} s"


def _rate(summary: Any, seconds: float) -> str:
    return f"{summary.persons / seconds:,.0f}"


if __name__ == "__main__":
    main()
