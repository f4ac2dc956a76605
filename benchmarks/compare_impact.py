"""The impact of one court order, by today's `impact/compute.py` and by the same module at an
earlier git revision, alternated run by run in one process (issue 20's 3 s target).

Run:  .venv/bin/python benchmarks/compare_impact.py --rev HEAD~2 [--persons 10000000] [--runs 5]

Why alternated: on a virtual machine whose speed drifts with its host (machine K ran the same
statement in 2.3 s and, minutes later, 3.45 s), a benchmark run before a change and another
after it compare the host's moments, not the code. Here both versions weigh the same change
(bench_impact.py's candidate order, on its docket and request) on the same loaded store,
turn about, sharing the statuses held under the law before; each run must find the same
outcome changes. `impact/statements.py` and `impact/compute.py` are taken from `--rev`; the
rest of the code is today's, so the revision must fit today's compiler and rules.

Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accord.engine import FactStore
from accord.impact import compute
from bench_impact import ROOT, console, request_and_change, snapshot_for

# taken from the revision, in this order (compute imports statements)
MODULES = ("accord.impact.statements", "accord.impact.compute")


def modules_at(rev: str) -> types.ModuleType:
    """`impact/statements.py` and `impact/compute.py` as they were at `rev`, loaded as
    modules of their own, the second importing the first; returns the revision's compute."""
    today = {name: sys.modules[name] for name in MODULES}
    loaded: dict[str, types.ModuleType] = {}
    try:
        for name in MODULES:
            path = f"src/{name.replace('.', '/')}.py"
            source = subprocess.run(
                ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True
            ).stdout
            module = loaded[name] = types.ModuleType(name)
            module.__file__ = f"{rev}:{path}"
            sys.modules[name] = module  # what the revision's next module imports
            exec(compile(source, module.__file__, "exec"), module.__dict__)
    finally:
        sys.modules.update(today)
    return loaded[MODULES[-1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", required=True, help="the git revision to compare with")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=ROOT / "build" / "bench")
    args = parser.parse_args()
    earlier = modules_at(args.rev)
    store = FactStore.from_snapshot(snapshot_for(args.persons, args.seed, args.dir), load=True)
    request, change = request_and_change()
    earlier._held = compute._held  # one set of held statuses: only the code after it differs
    versions: dict[str, Any] = {args.rev: earlier, "today": compute}
    found = {
        name: len(m.request_impact(store, change, request).changes) for name, m in versions.items()
    }
    assert len(set(found.values())) == 1, f"the versions disagree: {found}"
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    for _ in range(args.runs):
        for name, module in versions.items():
            wall, cpu = time.perf_counter(), time.process_time()
            result = module.request_impact(store, change, request, persons=args.persons)
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            assert len(result.changes) == found[name]
    for name, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        console.print(
            f"{name}: wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
            f"CPU best {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s "
            f"({' '.join(f'{w:.2f}' for w in walls)})"
        )
    before, after = (min(w for w, _ in times[n]) for n in versions)
    console.print(
        f"{args.persons:,} persons, {next(iter(found.values())):,} outcomes change: "
        f"today {before / after:.2f}x the speed of {args.rev} (best to best)"
    )
    store.close()


if __name__ == "__main__":
    main()
