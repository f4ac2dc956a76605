"""Compile the rules of a context to SQL, once, for both uses.

The same rule functions are compiled twice:

* for a docket, over the `<table>_all` tables: each `person_in(subset)` is a
  semi-join, and one statement gives every person's statuses;
* for one person, over the same tables filtered by a `$pid` parameter. Here
  a chain of semi-joins costs DuckDB time that grows faster than the number
  of rules, so the work is split in prepared statements: a UNION ALL that says
  which subsets hold the person, the rules' status expressions over one row of
  those membership flags, then the evidence of the rules that did not pass.

Either way the rules' own expressions decide; only the plumbing differs.
"""

from __future__ import annotations

import functools
import operator
import re
import threading
from dataclasses import dataclass

import ibis

from accord.facts.tables import FACT_SCHEMAS
from accord.law.catalogue import rules_for
from accord.law.framework import FAIL, UNKNOWN, Context, Expr, Facts, Rule

ALL, ONE = "_all", "_one"
FLAGS_TABLE = "persons_flags"


@dataclass(frozen=True)
class CompiledRules:
    context: Context
    rules: tuple[Rule, ...]
    not_in_effect: tuple[Rule, ...]
    docket_status_sql: str  # person_id, one column per rule, outcome
    docket_evidence_sql: str  # person_id, rule, fact
    person_members_sql: str  # the numbers of the subsets that hold the person; $pid
    person_evidence_sql: dict[str, str]  # rule id -> fact texts for the person; $pid
    person_status_sql: str  # person_id, <list>_known flags, statuses, outcome; $pid, $members


def _tables(suffix: str) -> dict[str, Expr]:
    return {
        name: ibis.table(ibis.Schema.from_pyarrow(schema), name=f"{name}{suffix}")
        for name, schema in FACT_SCHEMAS.items()
    }


def outcome_of(columns: list[Expr]) -> Expr:
    any_fail = functools.reduce(operator.or_, [c == FAIL for c in columns])
    any_unknown = functools.reduce(operator.or_, [c == UNKNOWN for c in columns])
    return ibis.cases((any_fail, "ineligible"), (any_unknown, "undetermined"), else_="eligible")


def _status_table(
    facts: Facts, ctx: Context, rules: list[Rule], keep: tuple[str, ...] = ()
) -> Expr:
    columns = {rule.id: rule.evaluate(facts, ctx).status.cast("string") for rule in rules}
    statuses = facts.persons.select("person_id", *keep, **columns)
    # The outcome reads the named rule columns, so each rule is evaluated once, not again
    # inside the outcome expression.
    return statuses.mutate(outcome=outcome_of([statuses[r] for r in columns]))


def _evidence_by_rule(facts: Facts, ctx: Context, rules: list[Rule]) -> dict[str, Expr]:
    """Rule id -> the facts that decided it: person_id, rule, fact."""
    branches = {}
    for rule in rules:
        evidence = rule.evaluate(facts, ctx).evidence
        if evidence is not None:
            branches[rule.id] = evidence.select(
                "person_id", rule=ibis.literal(rule.id), fact=evidence.fact
            )
    return branches


def _union(branches: list[Expr]) -> Expr:
    return functools.reduce(lambda a, b: a.union(b), branches)


def _sql(expr: Expr) -> str:
    return str(ibis.to_sql(expr, dialect="duckdb"))


def _compile_docket(ctx: Context, rules: list[Rule]) -> tuple[str, str]:
    facts = Facts(_tables(ALL))
    status = _status_table(facts, ctx, rules)
    return _sql(status), _sql(_union(list(_evidence_by_rule(facts, ctx, rules).values())))


def _compile_person(ctx: Context, rules: list[Rule]) -> tuple[str, dict[str, str], str]:
    # Pass 1: record every subset the rules ask about, over the one-person views.
    subsets: list[Expr] = []

    def record(subset: Expr) -> Expr:
        subsets.append(subset)
        return ibis.literal(False)

    tables = _tables(ONE)
    recording = Facts(tables, membership=record)
    _status_table(recording, ctx, rules)
    members = [s.select(member=ibis.literal(str(k))).limit(1) for k, s in enumerate(subsets)]
    # Branches compiled one by one and joined flat: DuckDB binds a flat UNION ALL
    # much faster than the nested one Ibis builds.
    members_sql = " UNION ALL ".join(f"({_sql(m)})" for m in members)
    evidence = {
        rule_id: _bind_person(_sql(e.select("fact")))
        for rule_id, e in _evidence_by_rule(Facts(tables), ctx, rules).items()
    }

    # Pass 2: the same rules, each subset answered by its flag column m<k>.
    schema = ibis.Schema.from_pyarrow(FACT_SCHEMAS["persons"])
    flags = {f"m{k}": "boolean" for k in range(len(subsets))}
    persons = ibis.table(ibis.schema({**dict(schema.items()), **flags}), name=FLAGS_TABLE)
    counter = iter(range(len(subsets)))
    answering = Facts(
        {**tables, "persons": persons}, membership=lambda _s: persons[f"m{next(counter)}"]
    )
    known = tuple(n for n in schema.names if n.endswith("_known"))
    status_sql = _sql(_status_table(answering, ctx, rules, keep=known))
    flag_columns = ", ".join(
        f"list_contains($members::VARCHAR[], '{k}') AS m{k}" for k in range(len(subsets))
    )
    prelude = f"{FLAGS_TABLE} AS (SELECT *, {flag_columns or 'NULL AS m_'} FROM persons{ONE} AS p)"
    if status_sql.lstrip().upper().startswith("WITH "):
        status_sql = f"WITH {prelude}, " + status_sql.lstrip()[5:]
    else:
        status_sql = f"WITH {prelude} " + status_sql
    return _bind_person(members_sql), evidence, _bind_person(status_sql)


def _bind_person(sql: str) -> str:
    """Point every one-person table at its docket table, filtered by the $pid parameter."""
    return re.sub(rf'"?\b(\w+){ONE}\b"?', rf'(SELECT * FROM "\1{ALL}" WHERE person_id = $pid)', sql)


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
    docket_status, docket_evidence = _compile_docket(ctx, rules)
    person_members, person_evidence, person_status = _compile_person(ctx, rules)
    result = CompiledRules(
        context=ctx,
        rules=tuple(rules),
        not_in_effect=tuple(not_in_effect),
        docket_status_sql=docket_status,
        docket_evidence_sql=docket_evidence,
        person_members_sql=person_members,
        person_evidence_sql=person_evidence,
        person_status_sql=person_status,
    )
    with _lock:
        if len(_cache) > 256:
            _cache.clear()
        _cache[key] = result
    return result
