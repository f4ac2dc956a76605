"""The columnar screen (`--engine columnar`) of today's code and of an earlier git revision,
alternated process by process on one snapshot (issue 20's 8 s target).

Run:  .venv/bin/python benchmarks/compare_columnar.py --rev 75f48a2 [--persons 10000000]
      [--rounds 2] [--runs 3]

Why processes, alternated: the columnar index and the threads' memory are the process's, so
each version runs in a fresh process; and on a virtual machine whose speed drifts with its
host, a run before a change and another after it compare the host's moments, not the code.
So the two versions take turns, `--rounds` times each. The revision runs from a temporary
git worktree (its `src/` first on the path); both read the benchmark snapshot that
`bench_engine.py` makes (made here if missing), CECOT custody placement. Each process makes
the index, screens once cold, then `--runs` warm screens; the files of both versions must be
equal (rows, values, order).

Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.table import Table

from bench_engine import ROOT, console, snapshot_for

ONE_VERSION = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
from accord.engine import DecisionRequest, FactStore, screen_docket
from accord.engine.columnar.index import index_of

snapshot, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
store = FactStore.from_snapshot(snapshot, load=False)
request = DecisionRequest("sv-2025-offer", "custody_placement", "SV", dt.date(2025, 3, 16), "CECOT")

def screen():
    return screen_docket(store=store, request=request, out=out, evaluator="columnar")

started = time.perf_counter(); index_of(store); index_s = time.perf_counter() - started
started = time.perf_counter(); screen(); cold = time.perf_counter() - started
warm, cpu = [], []
for _ in range(runs):
    wall, used = time.perf_counter(), time.process_time()
    screen()
    warm.append(time.perf_counter() - wall); cpu.append(time.process_time() - used)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
print(json.dumps({"index": index_s, "cold": cold, "warm": warm, "cpu": cpu, "peak": peak}))
"""


def run_version(src: Path, snapshot: Path, out: Path, runs: int) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", ONE_VERSION, str(snapshot), str(out), str(runs)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"the screen from {src} failed:\n{done.stderr[-2000:]}")
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", required=True, help="the git revision to compare with")
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="processes per version")
    parser.add_argument("--runs", type=int, default=3, help="warm screens per process")
    parser.add_argument("--dir", type=Path, default=ROOT / "build" / "bench")
    args = parser.parse_args()
    snapshot = snapshot_for(args.persons, 0, args.dir.resolve())
    with tempfile.TemporaryDirectory(prefix="compare-columnar-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), args.rev],
            check=True,
        )
        try:
            versions = {args.rev: tree / "src", "today": ROOT / "src"}
            results: dict[str, list[dict[str, object]]] = {name: [] for name in versions}
            for round_ in range(args.rounds):
                for name, src in versions.items():
                    console.print(f"round {round_ + 1}: {name} ...")
                    out = Path(tmp) / f"{name}.parquet"
                    results[name].append(run_version(src, snapshot, out, args.runs))
            same = _equal(Path(tmp) / f"{args.rev}.parquet", Path(tmp) / "today.parquet")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
            )
    _show(results, args.persons, same)


def _equal(a: Path, b: Path) -> bool:
    import pyarrow.parquet as pq

    return bool(pq.read_table(a).equals(pq.read_table(b)))


def _show(results: dict[str, list[dict[str, object]]], persons: int, same: bool) -> None:
    table = Table(title=f"columnar screen, {persons:,} persons, CECOT custody placement")
    for column in ("version", "index", "first screen", "warm", "best (median)", "CPU best"):
        table.add_column(column)
    table.add_column("peak RSS")
    best: dict[str, float] = {}
    for name, runs in results.items():
        for figures in runs:
            warm = [float(x) for x in figures["warm"]]  # type: ignore[attr-defined]
            cpu = [float(x) for x in figures["cpu"]]  # type: ignore[attr-defined]
            best[name] = min(best.get(name, float("inf")), min(warm))
            table.add_row(
                name,
                f"{figures['index']:.1f} s",
                f"{figures['cold']:.2f} s",
                " ".join(f"{w:.2f}" for w in warm),
                f"{min(warm):.2f} s ({statistics.median(warm):.2f} s)",
                f"{min(cpu):.2f} s",
                f"{figures['peak']:.2f} GiB",
            )
    console.print(table)
    before, today = best[next(iter(best))], best["today"]
    console.print(f"warm best: today {today:.2f} s, before {before:.2f} s: {before / today:.2f}x")
    console.print(f"the two files equal: {'yes' if same else '[red]no[/red]'}")


if __name__ == "__main__":
    main()
