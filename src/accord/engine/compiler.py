"""Compile the rules of a context to SQL, once, for both uses.

The same Ibis expressions are compiled against two sets of table names:
`<table>_all` (the whole docket, for screening) and `<table>_one` (views that
hold only the person named by the DuckDB variable `accord_person`). So the
per-person path and the bulk path run the very same rules.
"""

from __future__ import annotations

import functools
import operator
import threading
from dataclasses import dataclass

import ibis

from accord.facts.tables import FACT_SCHEMAS
from accord.law.catalogue import rules_for
from accord.law.framework import FAIL, UNKNOWN, Context, Expr, Facts, Rule

ALL, ONE = "_all", "_one"


@dataclass(frozen=True)
class CompiledRules:
    context: Context
    rules: tuple[Rule, ...]
    not_in_effect: tuple[Rule, ...]
    status_sql: dict[str, str]  # suffix -> SQL giving person_id, one column per rule, outcome
    evidence_sql: dict[str, str]  # suffix -> SQL giving person_id, rule, fact


def _facts(suffix: str) -> Facts:
    return Facts(
        {
            name: ibis.table(ibis.Schema.from_pyarrow(schema), name=f"{name}{suffix}")
            for name, schema in FACT_SCHEMAS.items()
        }
    )


def outcome_of(columns: list[Expr]) -> Expr:
    any_fail = functools.reduce(operator.or_, [c == FAIL for c in columns])
    any_unknown = functools.reduce(operator.or_, [c == UNKNOWN for c in columns])
    return ibis.cases((any_fail, "ineligible"), (any_unknown, "undetermined"), else_="eligible")


def _compile(ctx: Context, suffix: str, rules: list[Rule]) -> tuple[str, str]:
    facts = _facts(suffix)
    verdicts = {rule.id: rule.evaluate(facts, ctx) for rule in rules}
    columns = {rid: v.status.cast("string") for rid, v in verdicts.items()}
    status = facts.persons.select(
        "person_id", **columns, outcome=outcome_of(list(columns.values()))
    )
    evidence = [
        v.evidence.select("person_id", rule=ibis.literal(rid), fact=v.evidence.fact)
        for rid, v in verdicts.items()
        if v.evidence is not None
    ]
    union = functools.reduce(lambda a, b: a.union(b), evidence)
    return ibis.to_sql(status, dialect="duckdb"), ibis.to_sql(union, dialect="duckdb")


_cache: dict[tuple[object, ...], CompiledRules] = {}
_lock = threading.Lock()


def _key(ctx: Context) -> tuple[object, ...]:
    return (
        ctx.agreement.id,
        ctx.agreement.digest,
        ctx.pathway,
        ctx.destination,
        ctx.facility.id if ctx.facility else None,
        ctx.as_of,
        ctx.params.profile,
    )


def compile_rules(ctx: Context) -> CompiledRules:
    """Compile (or fetch from the cache) the rules that apply in `ctx`."""
    key = _key(ctx)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    rules, not_in_effect = rules_for(ctx)
    compiled_all = _compile(ctx, ALL, rules)
    compiled_one = _compile(ctx, ONE, rules)
    result = CompiledRules(
        context=ctx,
        rules=tuple(rules),
        not_in_effect=tuple(not_in_effect),
        status_sql={ALL: compiled_all[0], ONE: compiled_one[0]},
        evidence_sql={ALL: compiled_all[1], ONE: compiled_one[1]},
    )
    with _lock:
        if len(_cache) > 256:
            _cache.clear()
        _cache[key] = result
    return result
