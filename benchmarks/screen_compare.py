"""Compare two screens person by person: every rule's status and the outcome.

Used by bench_engine.py (the engine's screen against each naive baseline) and by
tests/test_naive_baseline.py. Both screens are SQL relations on one DuckDB connection (a
table name, or `read_parquet('...')`) with a `person_id` column and one column per rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Comparison:
    persons: int  # in either screen
    in_both: int
    only_engine: int  # persons the naive screen lacks
    only_naive: int
    columns: tuple[str, ...]  # compared: rules, then outcome
    missing_columns: tuple[str, ...]  # the engine's columns the naive screen lacks
    differing: dict[str, int]  # column -> persons in both whose value differs (0 omitted)
    persons_differing: int  # persons with any column differing, or in one screen only
    # column -> up to `examples` (person_id, engine's value, naive value), by person_id
    examples: dict[str, list[tuple[str, str | None, str | None]]]

    @property
    def agree(self) -> bool:
        return self.persons_differing == 0 and not self.missing_columns

    def summary(self) -> str:
        """One line: agreement, or what differs."""
        if self.agree:
            return f"all {self.persons:,} persons agree on {len(self.columns)} columns"
        parts = [f"{self.persons_differing:,} of {self.persons:,} persons differ"]
        if self.only_engine or self.only_naive:
            parts.append(
                f"{self.only_engine:,} only in the engine's, {self.only_naive:,} only in naive"
            )
        if self.missing_columns:
            parts.append(f"naive lacks {', '.join(self.missing_columns)}")
        parts.extend(f"{c} {n:,}" for c, n in self.differing.items())
        return "; ".join(parts)


def _columns(con: Any, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def compare_screens(
    con: Any,
    *,
    engine: str,
    naive: str,
    columns: tuple[str, ...] | None = None,
    examples: int = 3,
) -> Comparison:
    """Compare `naive` with `engine` on `columns` (default: every column of the engine's
    screen but person_id). A column the naive screen lacks is reported, not compared."""
    wanted = [c for c in _columns(con, engine) if c != "person_id"] if columns is None else columns
    present = set(_columns(con, naive))
    compared = tuple(c for c in wanted if c in present)
    missing = tuple(c for c in wanted if c not in present)
    both = "e.person_id IS NOT NULL AND n.person_id IS NOT NULL"
    distinct = [f'e."{c}"::VARCHAR IS DISTINCT FROM n."{c}"::VARCHAR' for c in compared]
    any_distinct = " OR ".join(distinct) or "FALSE"
    joined = f"FROM {engine} e FULL OUTER JOIN {naive} n ON e.person_id = n.person_id"
    tallies = ", ".join(f"count_if({both} AND ({d}))" for d in distinct)
    row = con.execute(
        f"SELECT count(*), count_if({both}), count_if(n.person_id IS NULL), "
        f"count_if(e.person_id IS NULL), "
        f"count_if(e.person_id IS NULL OR n.person_id IS NULL OR {any_distinct})"
        f"{', ' + tallies if tallies else ''} {joined}"
    ).fetchall()[0]
    persons, in_both, only_engine, only_naive, persons_differing, *counts = row
    differing = {c: int(k) for c, k in zip(compared, counts, strict=True) if k}
    found: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for c in differing:
        found[c] = [
            (str(pid), e, n)
            for pid, e, n in con.execute(
                f'SELECT e.person_id, e."{c}"::VARCHAR, n."{c}"::VARCHAR {joined} '
                f'WHERE {both} AND e."{c}"::VARCHAR IS DISTINCT FROM n."{c}"::VARCHAR '
                f"ORDER BY e.person_id LIMIT {int(examples)}"
            ).fetchall()
        ]
    return Comparison(
        persons=int(persons),
        in_both=int(in_both),
        only_engine=int(only_engine),
        only_naive=int(only_naive),
        columns=compared,
        missing_columns=missing,
        differing=differing,
        persons_differing=int(persons_differing),
        examples=found,
    )
