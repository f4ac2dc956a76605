"""The impact of a court order on a PostgreSQL registry, weighed again and again (issue 20).

    .venv/bin/python benchmarks/bench_registry_impact.py --persons 100000
    .venv/bin/python benchmarks/bench_registry_impact.py --registry postgresql+psycopg://...

What the Impact page, its sorts and its CSV and the API do: name a change (a candidate
order barring removal to SV of Cuban nationals, in force on 2025-03-16) and weigh it on the
registry's docket for CECOT custody placement (`service.registry_impact`). The registry's
docket is held between impacts (impact/warm.py): the first impact reads it and decides
everyone under the law before; the next ones weigh only the persons the change can touch.
The baseline, in the same process, is the way before: the docket read again for every
impact (`docket_fact_tables` into a new store, then the same weighing). Both must name the
same persons.

Then, facts written between impacts (on a throwaway registry only): each round corrects
--written persons' case files (half recorded as Cuban nationals, so into the order's class;
half given withholding of removal as to El Salvador), then weighs the change on the held
docket, brought up to date by replacing those persons (impact/warm.py), and again on the
docket read in full: the same persons both ways.

Imports N synthetic persons into a throwaway database first (not timed), or reads an
existing registry (--registry). Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accord.auth import User
from accord.casefile.models import CaseFile
from accord.db import make_engine, read_session, write_session
from accord.engine.store import FactStore
from accord.impact import service
from accord.impact.service import ImpactReport, RequestSpec
from accord.registry import import_case_files
from accord.registry.reads import docket_fact_tables, person_case_file
from accord.synthetic import synthetic_person_id
from bench_registry_import import SERVER, Throwaway, _users, load, machine
from bench_registry_snapshot import build_registry

DAY = dt.date(2025, 3, 16)
SPEC = RequestSpec(
    agreement="sv-2025-offer", pathway="custody_placement", destination="SV", facility="CECOT"
)
ORDER: dict[str, Any] = {
    "id": "bench-bar-cu",
    "title": "Bench v. Order (fictional, for the benchmark)",
    "court": "D.D.C.",
    "docket": "No. 1:26-cv-00000 (benchmark)",
    "class": {
        "definition": "All nationals of Cuba (fictional class)",
        "source": "benchmark",
        "predicate": {"nationality_in": ["CU"]},
    },
    "events": [
        {
            "date": DAY.isoformat(),
            "kind": "entered",
            "what": "temporary restraining order (benchmark)",
            "source": "benchmark",
            "effect": {"kind": "bar_removal", "countries": ["SV"]},
        }
    ],
}


def impact(engine: Any, read_each_time: bool) -> tuple[float, ImpactReport]:
    """One impact as a page view makes it: (seconds, report)."""
    with read_session(engine) as session:
        started = time.perf_counter()
        change = service.change_of_candidate(
            session, kind="court_order", subject=ORDER["id"], body=ORDER, as_of=DAY
        )
        if not read_each_time:
            report = service.registry_impact(session, change=change, given=[SPEC])
            return time.perf_counter() - started, report
        store = FactStore.from_tables(docket_fact_tables(session))
        try:
            report = service.registry_impact(session, change=change, given=[SPEC], store=store)
        finally:
            store.close()
        return time.perf_counter() - started, report


def persons_named(report: ImpactReport) -> list[tuple[str, str, str]]:
    (request,) = report.requests
    return [(p.person_id, p.before, p.after) for p in request.changes]


def run(engine: Any, runs: int) -> None:

    def timed(read_each_time: bool) -> tuple[float, ImpactReport]:
        return impact(engine, read_each_time)

    first_s, first = timed(False)
    held = [timed(False) for _ in range(runs)]
    before = [timed(True) for _ in range(runs)]
    named = persons_named(first)
    assert all(persons_named(r) == named for _, r in held + before), "the answers differ"
    held_s = [s for s, _ in held]
    before_s = [s for s, _ in before]
    print(f"registry docket: {first.persons:,} persons; {len(named):,} outcomes change")
    print(
        f"first impact (reads the docket, decides everyone under the law before): {first_s:.2f} s"
    )
    print(
        f"next impacts, docket held: {', '.join(f'{s:.3f}' for s in held_s)} s "
        f"(median {statistics.median(held_s):.3f} s)"
    )
    print(
        f"baseline, the docket read again for each impact: "
        f"{', '.join(f'{s:.2f}' for s in before_s)} s (median {statistics.median(before_s):.2f} s)"
    )
    print(
        f"held / read each time (medians): "
        f"{statistics.median(before_s) / statistics.median(held_s):.1f}x faster; same persons"
    )


WITHHOLDING_SV = {
    "kind": "withholding",
    "status": "granted",
    "country": "SV",
    "date": "2019-10-10",
    "source": "EOIR immigration judge decision granting withholding of removal (benchmark)",
}


def correct(engine: Any, officer: User, person_ids: list[str], batch: int) -> None:
    """Correct these persons' case files in one import: half recorded as Cuban nationals,
    half given withholding of removal as to El Salvador."""
    with read_session(engine) as session:
        cases = [person_case_file(session, person_id=p).model_dump(mode="json") for p in person_ids]
    for n, case in enumerate(cases):
        if n % 2:
            case["protections"] = [*(case["protections"] or []), WITHHOLDING_SV]
        else:
            case["nationalities"] = ["CU"]
    with write_session(engine) as session:
        import_case_files(
            session,
            actor=officer,
            cases=[CaseFile.model_validate(c) for c in cases],
            source_document=f"benchmark corrections {batch}",
            file_sha256=f"c{batch:063x}",
            file_name=f"corrections-{batch}.jsonl",
        )


def run_writes(engine: Any, officer: User, persons: int, written: int, runs: int) -> None:
    """Rounds of: `written` persons corrected, then the impact on the held docket brought up
    to date, then on the docket read in full (the baseline); the two must agree."""
    rng = random.Random(20)
    numbers = rng.sample(range(1, persons + 1), min(persons, written * runs))
    refreshed_s, read_s = [], []
    for batch in range(runs):
        chosen = numbers[batch * written : (batch + 1) * written]
        correct(engine, officer, [synthetic_person_id(n, persons) for n in chosen], batch)
        seconds, refreshed = impact(engine, read_each_time=False)
        baseline_s, baseline = impact(engine, read_each_time=True)
        assert persons_named(refreshed) == persons_named(baseline), "the answers differ"
        refreshed_s.append(seconds)
        read_s.append(baseline_s)
        changed = len(persons_named(refreshed))
    print(
        f"after {written:,} persons corrected (each round): the held docket brought up to "
        f"date {', '.join(f'{s:.2f}' for s in refreshed_s)} s "
        f"(median {statistics.median(refreshed_s):.2f} s); read again in full "
        f"{', '.join(f'{s:.2f}' for s in read_s)} s (median {statistics.median(read_s):.2f} s): "
        f"{statistics.median(read_s) / statistics.median(refreshed_s):.1f}x; "
        f"same persons ({changed:,} outcomes change in the last round)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="impacts of each kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--server", default=SERVER, help="PostgreSQL URL to create databases on")
    parser.add_argument("--registry", help="weigh on this registry (a PostgreSQL URL)")
    parser.add_argument(
        "--written", type=int, default=100, help="persons corrected between impacts (0: none)"
    )
    args = parser.parse_args()
    print(f"{machine()}; {load()}")
    if args.registry:
        engine = make_engine(args.registry)
        run(engine, args.runs)
        engine.dispose()
    else:
        with Throwaway(args.server, keep=False) as url:
            engine, officer = _users(url)
            import_s, _ = build_registry(engine, officer, args.persons, 1, args.seed)
            print(f"imported {args.persons:,} persons: {import_s:.1f} s")
            run(engine, args.runs)
            if args.written:
                run_writes(engine, officer, args.persons, args.written, args.runs)
            engine.dispose()
    print(load())


if __name__ == "__main__":
    main()
