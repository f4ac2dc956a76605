"""Impact benchmark: the impact of one court order on a docket, incremental, against deciding
everyone again (issue 20: at most 3 s warm at 10,000,000 persons on 2 cores).

Run:  .venv/bin/python benchmarks/bench_impact.py [--persons 1000000] [--runs 3]
      .venv/bin/python benchmarks/bench_impact.py --persons 10000000   (the lead's run)

The docket is the default synthetic one (src/accord/synthetic/), written once as a snapshot
under build/bench/ and loaded into memory (FactStore.from_snapshot(load=True)). The change is a
candidate court order (not entered) barring removal to El Salvador of Cuban nationals, entered
2025-03-15: its class is the Cubans and the persons whose nationality is not recorded (a few
percent of the docket). The request: sv-2025-offer, custody_placement to SV at CECOT, as of
2025-03-16.

* impact (incremental): accord.impact.compute.request_impact: one pass over the docket gives
  the order's class (its predicate true or not known) with the statuses of the rules that read
  the order under the law before and after; the persons whose statuses differ are joined to
  every person's statuses under the law before (the decisions that stand: computed on the
  store's first impact for that law and request, and held in the store) for the outcomes. The
  first run compiles both law sets and decides everyone under the law before once; the next
  `--runs` are warm.
* facts written (`--replace K`): K persons' facts as a registry's held docket takes them in
  (impact/warm.replace_persons: their rows and their statuses held under the law before
  replaced, in one DuckDB transaction; here each is recorded as a Cuban national, so into the
  order's class), a different K each run, then the impact again; at the end every held status
  is checked against everyone decided again under the law before.
* baseline (everyone decided again): the same rules' statement under the law after, over
  every person, materialized, in the same process, warm (compiled already); the ratio is the
  baseline over the warm impact. (Deciding everyone under the law before too, to compare,
  would double it: the baseline is the cheaper half.)

Not a test: it prints figures and never fails on a missed target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import pyarrow as pa
from rich.console import Console
from rich.table import Table

from accord.engine import DecisionRequest, FactStore
from accord.facts.snapshot import MANIFEST, is_snapshot, write_snapshot
from accord.facts.tables import FACT_SCHEMAS, TABLE_NAMES, FactTables
from accord.impact.change import Change, of_candidate
from accord.impact.compute import before_statuses, coded_statement, request_impact, under
from accord.impact.warm import replace_persons
from accord.law.law_set import bundled_law
from accord.synthetic import synthetic_docket, synthetic_person_id

ROOT = Path(__file__).resolve().parent.parent
TARGET_10M_S = 3.0
console = Console(width=110)
ORDER = {
    "id": "bench-bar-cu-sv",
    "title": "Bench v. Noem (fictional, for the benchmark)",
    "court": "D.D.C.",
    "docket": "No. 1:25-cv-00000 (benchmark)",
    "class": {
        "definition": "All Cuban nationals (fictional class)",
        "source": "benchmark",
        "predicate": {"nationality_in": ["CU"]},
    },
    "events": [
        {
            "date": "2025-03-15",
            "kind": "entered",
            "what": "temporary restraining order (benchmark)",
            "source": "benchmark",
            "effect": {"kind": "bar_removal", "countries": ["SV"]},
        }
    ],
}


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def snapshot_for(persons: int, seed: int, folder: Path) -> Path:
    path = folder / f"impact-docket-{persons}-seed{seed}"
    note = f"bench_impact: synthetic docket of {persons} persons, seed {seed}"
    if is_snapshot(path) and json.loads((path / MANIFEST).read_text("utf-8")).get("note") == note:
        console.print(f"reusing snapshot {path}")
        return path
    started = time.perf_counter()
    write_snapshot(synthetic_docket(persons, seed=seed), path, note=note)
    console.print(f"generated and wrote {path} in {time.perf_counter() - started:.1f} s")
    return path


def request_and_change() -> tuple[DecisionRequest, Change]:
    """The benchmark's request (CECOT custody placement on 2025-03-16) and its change (the
    candidate order `ORDER` under the bundled law)."""
    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        facility="CECOT",
        as_of="2025-03-16",
    )
    change = of_candidate(
        bundled_law(), kind="court_order", subject=None, body=ORDER, day=dt.date(2025, 3, 16)
    )
    return request, change


def recorded_cuban(store: FactStore, person_ids: list[str]) -> FactTables:
    """These persons' facts as the store holds them, each with Cuban nationality alone."""
    wanted = pa.table({"person_id": pa.array(person_ids, pa.string())})
    cursor = store.con.cursor()
    try:
        cursor.register("_wanted", wanted)
        tables = {
            name: cursor.sql(
                f"SELECT * FROM {name}_all WHERE person_id IN (SELECT person_id FROM _wanted) "
                "ORDER BY person_id"
            )
            .to_arrow_table()
            .cast(FACT_SCHEMAS[name])
            for name in TABLE_NAMES
        }
    finally:
        cursor.close()
    ids = tables["persons"].column("person_id")
    tables["nationalities"] = pa.table(
        {"person_id": ids, "country": pa.array(["CU"] * len(ids), pa.string())}
    ).cast(FACT_SCHEMAS["nationalities"])
    persons = tables["persons"]
    known = persons.schema.get_field_index("nationalities_known")
    tables["persons"] = persons.set_column(
        known, "nationalities_known", pa.array([True] * len(ids), pa.bool_())
    )
    return FactTables(tables)


def replace_rounds(
    store: FactStore, request: DecisionRequest, change: Change, args: argparse.Namespace
) -> list[tuple[str, str]]:
    """`--runs` rounds of `--replace` persons recorded as Cuban, then the impact; rows of the
    table. Then every held status against everyone decided again under the law before."""
    step = max(args.persons // (args.replace * args.runs + 1), 1)
    replaced, after = [], []
    for run in range(args.runs):
        numbers = range(1 + run * args.replace * step, args.persons + 1, step)
        ids = [synthetic_person_id(n, args.persons) for n in numbers][: args.replace]
        facts = recorded_cuban(store, ids)
        started = time.perf_counter()
        replace_persons(store, facts)
        replaced.append(time.perf_counter() - started)
        started = time.perf_counter()
        request_impact(store, change, request, persons=args.persons)
        after.append(time.perf_counter() - started)
    before_ctx = under(request, change.before, change.day).context()
    cursor = store.con.cursor()
    try:
        _rules, held = before_statuses(store, cursor, before_ctx)  # the table the impacts read
        everyone = coded_statement(before_ctx)[1]
        differ = cursor.execute(
            f"SELECT count(*) FROM ((SELECT * FROM {held} EXCEPT ALL ({everyone})) "
            f"UNION ALL (({everyone}) EXCEPT ALL SELECT * FROM {held}))"
        ).fetchall()[0][0]
    finally:
        cursor.close()
    assert differ == 0, f"{differ} held statuses differ from everyone decided again"
    return [
        (
            f"{args.replace:,} persons' facts replaced (their rows and held statuses), "
            f"best of {args.runs}",
            f"{min(replaced):.3f} s (median {statistics.median(replaced):.3f})",
        ),
        (
            "impact after each replacement, best",
            f"{min(after):.3f} s (median {statistics.median(after):.3f})",
        ),
        ("held statuses against everyone decided again after the replacements", "all equal"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument(
        "--replace", type=int, default=100, help="persons' facts replaced per run (0: none)"
    )
    args = parser.parse_args()
    console.print(
        f"bench_impact: {args.persons:,} persons, {os.cpu_count()} cores, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    path = snapshot_for(args.persons, args.seed, args.dir)
    started = time.perf_counter()
    store = FactStore.from_snapshot(path, load=True)
    load_s = time.perf_counter() - started
    request, change = request_and_change()

    def impact() -> tuple[float, float, object]:
        t, cpu = time.perf_counter(), time.process_time()
        found = request_impact(store, change, request, persons=args.persons)
        return time.perf_counter() - t, time.process_time() - cpu, found

    cold_s, _, result = impact()
    warm: list[float] = []
    warm_cpu: list[float] = []
    for _ in range(args.runs):
        seconds, cpu_s, result = impact()
        warm.append(seconds)
        warm_cpu.append(cpu_s)
    after_sql = coded_statement(under(request, change.after, change.day).context())[1]

    def everyone() -> tuple[float, float]:
        t, cpu = time.perf_counter(), time.process_time()
        cursor = store.con.cursor()
        try:
            cursor.execute(f"CREATE TEMP TABLE _everyone AS {after_sql}")
            cursor.execute("DROP TABLE _everyone")
        finally:
            cursor.close()
        return time.perf_counter() - t, time.process_time() - cpu

    everyone()  # warm the statement's first run too
    runs = [everyone() for _ in range(args.runs)]
    baseline = [wall for wall, _ in runs]
    best, base = min(warm), min(baseline)
    best_cpu, base_cpu = min(warm_cpu), min(cpu for _, cpu in runs)
    assert hasattr(result, "redecided")
    table = Table(title=f"Impact of one court order on {args.persons:,} persons")
    table.add_column("what")
    table.add_column("figure", justify="right")
    rows = [
        ("snapshot loaded into memory", f"{load_s:.2f} s"),
        ("class (decided again)", f"{result.redecided:,} ({result.redecided / args.persons:.1%})"),
        ("outcomes that change", f"{len(result.changes):,}"),
        (
            "impact, first run (compiles; decides everyone under the law before once)",
            f"{cold_s:.2f} s",
        ),
        (
            f"impact, warm best of {args.runs}",
            f"{best:.3f} s (median {statistics.median(warm):.3f})",
        ),
        (
            f"everyone decided again under the law after, warm best of {args.runs}",
            f"{base:.3f} s (median {statistics.median(baseline):.3f})",
        ),
        ("ratio (baseline / impact)", f"{base / best:.1f}x"),
        (
            "CPU seconds of the process: impact / baseline (best)",
            f"{best_cpu:.2f} / {base_cpu:.2f} ({base_cpu / best_cpu:.1f}x)",
        ),
        ("peak RSS", f"{peak_rss_gib():.2f} GiB"),
        ("load average at the end", " ".join(f"{x:.2f}" for x in os.getloadavg())),
    ]
    if args.replace:
        rows[-2:-2] = replace_rounds(store, request, change, args)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if args.persons >= 10_000_000:
        verdict = "met" if best <= TARGET_10M_S else "missed"
        console.print(f"target <= {TARGET_10M_S} s warm at 10M: {verdict}")
    store.close()


if __name__ == "__main__":
    sys.exit(main())
