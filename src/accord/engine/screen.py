"""Bulk screening of a docket: one row per person, one column per rule."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from accord.engine.compiler import CompiledRules, compile_rules
from accord.engine.decision import OUTCOMES, provenance
from accord.engine.request import DecisionRequest
from accord.engine.store import FactStore
from accord.law.framework import FAIL, STATUSES, UNKNOWN

ProgressCallback = Callable[[float], None]


@dataclass(frozen=True)
class ScreenSummary:
    persons: int
    outcomes: dict[str, int]
    failing_rules: list[tuple[str, int]]  # most frequent first
    unknown_rules: list[tuple[str, int]]
    rules: list[str]
    metadata: dict[str, Any]
    seconds: float
    out: Path | None = None


def _screen_select(request: DecisionRequest) -> tuple[CompiledRules, list[str], dict[str, Any]]:
    ctx = request.context()
    compiled = compile_rules(ctx)
    ruleset, agreement, parameters = provenance(ctx)
    metadata = {
        "agreement": agreement,
        "ruleset": ruleset,
        "parameters": list(parameters),
        "pathway": ctx.pathway,
        "destination": ctx.destination,
        "facility": ctx.facility.id if ctx.facility else None,
        "as_of": ctx.as_of.isoformat(),
        "not_in_effect": [r.id for r in compiled.not_in_effect],
    }
    return compiled, [r.id for r in compiled.rules], metadata


def screen_table(*, store: FactStore, request: DecisionRequest) -> pa.Table:
    """The screen as an Arrow table (person_id, one column per rule, outcome)."""
    compiled, _rules, _meta = _screen_select(request)
    return store.con.sql(compiled.docket_status_sql + " ORDER BY person_id").to_arrow_table()


def _run_with_progress(store: FactStore, sql: str, progress: ProgressCallback | None) -> None:
    """Run `sql`, reporting DuckDB's own progress estimate while it works."""
    error: list[BaseException] = []

    def work() -> None:
        try:
            store.con.execute(sql).fetchall()
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
        if progress is not None:
            done = store.con.query_progress()
            if done >= 0:
                progress(min(done, 100.0))
    if error:
        raise error[0]
    if progress is not None:
        progress(100.0)


def screen_docket(
    *,
    store: FactStore,
    request: DecisionRequest,
    out: Path,
    progress: ProgressCallback | None = None,
    evaluator: str = "duckdb",
) -> ScreenSummary:
    """Screen every person and write decisions to Parquet at `out` (atomically).

    `evaluator`: "duckdb" runs the rules compiled to one SQL statement; "columnar" evaluates
    the same expressions over the store's columns (engine/columnar/, docs/scale.md). The two
    write the same file."""
    started = time.perf_counter()
    compiled, rules, metadata = _screen_select(request)
    tmp = out.with_name(out.name + ".partial")
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"accord": json.dumps(metadata, sort_keys=True)}
    tally: dict[str, list[int]] = {}
    try:
        if evaluator == "columnar":
            from accord.engine.columnar.screen import write_screen

            tally = write_screen(
                store=store,
                ctx=compiled.context,
                rules=compiled.rules,
                path=tmp,
                metadata=meta,
                progress=progress,
            )
        elif evaluator == "duckdb":
            kv = ", ".join(f"'{k}': '{v.replace(chr(39), chr(39) * 2)}'" for k, v in meta.items())
            copy = (
                f"COPY ({compiled.docket_enum_sql} ORDER BY person_id) TO '{_quote(tmp)}' "
                f"(FORMAT parquet, COMPRESSION zstd, KV_METADATA {{{kv}}})"
            )
            _run_with_progress(store, copy, progress)
        else:
            raise ValueError(f"no evaluator {evaluator!r}")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    if evaluator == "columnar":  # counted as it was written, not read again
        summary = _summary(
            {o: tally.get("outcome", [0] * 3)[i] for i, o in enumerate(OUTCOMES)},
            [(r, tally.get(r, [0] * 4)[STATUSES.index(FAIL)]) for r in rules],
            [(r, tally.get(r, [0] * 4)[STATUSES.index(UNKNOWN)]) for r in rules],
            rules,
            metadata,
        )
    else:
        summary = summarise(store=store, decisions=out, rules=rules, metadata=metadata)
    return ScreenSummary(
        **{**summary.__dict__, "seconds": time.perf_counter() - started, "out": out}
    )


def summarise(
    *, store: FactStore, decisions: Path, rules: list[str], metadata: dict[str, Any]
) -> ScreenSummary:
    src = f"read_parquet('{_quote(decisions)}')"
    counts = dict(store.con.execute(f"SELECT outcome, count(*) FROM {src} GROUP BY 1").fetchall())
    outcomes = {o: int(counts.get(o, 0)) for o in OUTCOMES}
    tallies = ", ".join(
        f"count_if(\"{r}\" = '{FAIL}'), count_if(\"{r}\" = '{UNKNOWN}')" for r in rules
    )
    # fetchall: a result left unfinished would hold the store's connection (DuckDB 2)
    row = store.con.execute(f"SELECT {tallies} FROM {src}").fetchall()[0]
    # count_if over no rows is NULL: an empty docket counts none
    fails = [(r, int(row[2 * i] or 0)) for i, r in enumerate(rules)]
    unknowns = [(r, int(row[2 * i + 1] or 0)) for i, r in enumerate(rules)]
    return _summary(outcomes, fails, unknowns, rules, metadata)


def _summary(
    outcomes: dict[str, int],
    fails: list[tuple[str, int]],
    unknowns: list[tuple[str, int]],
    rules: list[str],
    metadata: dict[str, Any],
) -> ScreenSummary:
    return ScreenSummary(
        persons=sum(outcomes.values()),
        outcomes=outcomes,
        failing_rules=sorted((x for x in fails if x[1]), key=lambda x: (-x[1], x[0])),
        unknown_rules=sorted((x for x in unknowns if x[1]), key=lambda x: (-x[1], x[0])),
        rules=rules,
        metadata=metadata,
        seconds=0.0,
    )


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
