"""Compile the rules of a context to SQL, once, for both uses.

The same rule functions are compiled twice:

* for a docket, to DuckDB over the `<table>_all` tables: each
  `person_in(subset)` is a flag column of the persons (engine/memberships.py),
  and one statement gives every person's statuses;
* for one person, to SQLite over tables that hold only that person's facts
  (see one_person.py): the same statement shape, on an engine whose cost
  follows the rows rather than the size of the plan.

Either way the rules' own expressions decide; only the engine differs. The
docket statements are compiled on first use: a server that only decides for
one person at a time never pays for them (about 0.4 s a context).
"""

from __future__ import annotations

import functools
import operator
import re
import threading
from dataclasses import dataclass, field

import ibis

from accord.engine.memberships import INLINED, DocketMemberships
from accord.engine.one_person import to_sqlite
from accord.engine.status_codes import coded_table, decoded
from accord.facts.tables import FACT_SCHEMAS
from accord.law.catalogue import rules_for
from accord.law.framework import (
    FAIL,
    OUTCOMES,
    UNKNOWN,
    Context,
    Expr,
    Facts,
    Rule,
    union_all,
)

ALL = "_all"
_RULE_ID = re.compile(r"[a-z0-9_]+")


@dataclass
class CompiledRules:
    context: Context
    rules: tuple[Rule, ...]
    not_in_effect: tuple[Rule, ...]
    person_status_sql: str  # SQLite: person_id, <list>_known flags, statuses, outcome
    person_evidence_sql: dict[str, str]  # SQLite: rule id -> the facts behind it
    # SQLite: (rule id, fact) of every rule with evidence, in one statement (None: no rule
    # has any); one statement costs a fraction of a dozen
    person_all_evidence_sql: str | None
    _docket: tuple[str, str, str] | None = field(default=None, repr=False, compare=False)
    _docket_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def _docket_sql(self) -> tuple[str, str, str]:
        with self._docket_lock:  # threads asking at once wait for one compilation
            if self._docket is None:
                self._docket = _compile_docket(self.context, list(self.rules))
            return self._docket

    @property
    def docket_status_sql(self) -> str:
        """DuckDB over the `<table>_all` tables: person_id, one column per rule, outcome."""
        return self._docket_sql()[0]

    @property
    def docket_evidence_sql(self) -> str:
        """DuckDB: person_id, rule, fact."""
        return self._docket_sql()[1]

    @property
    def docket_enum_sql(self) -> str:
        """docket_status_sql with statuses and outcome as DuckDB ENUMs (status_codes.py): for
        writing Parquet, which stores them as the same strings."""
        return self._docket_sql()[2]


def fact_tables(suffix: str) -> dict[str, Expr]:
    """Each fact list as an unbound Ibis table named `<list><suffix>` (`_all`: the store's
    views), the tables the rules' expressions are built over."""
    return {
        name: ibis.table(ibis.Schema.from_pyarrow(schema), name=f"{name}{suffix}")
        for name, schema in FACT_SCHEMAS.items()
    }


def outcome_of(columns: list[Expr]) -> Expr:
    any_fail = functools.reduce(operator.or_, [c == FAIL for c in columns])
    any_unknown = functools.reduce(operator.or_, [c == UNKNOWN for c in columns])
    eligible, ineligible, undetermined = OUTCOMES
    return ibis.cases((any_fail, ineligible), (any_unknown, undetermined), else_=eligible)


def _status_table(
    facts: Facts, ctx: Context, rules: list[Rule], keep: tuple[str, ...] = ()
) -> Expr:
    return _status_columns(
        facts, {rule.id: rule.evaluate(facts, ctx).status for rule in rules}, keep
    )


def _status_columns(facts: Facts, statuses: dict[str, Expr], keep: tuple[str, ...] = ()) -> Expr:
    columns = {rule_id: status.cast("string") for rule_id, status in statuses.items()}
    table = facts.persons.select("person_id", *keep, **columns)
    # The outcome reads the named rule columns, so each rule is evaluated once, not again
    # inside the outcome expression.
    return table.mutate(outcome=outcome_of([table[r] for r in columns]))


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


def _sql(expr: Expr) -> str:
    return str(ibis.to_sql(expr, dialect="duckdb"))


def _with_shared(shared: dict[str, Expr], sql: str) -> str:
    """`sql` preceded by the relations the rules share (Facts.share), each computed once:
    DuckDB inlines a relation at every reference otherwise. The persons' flags are read
    once per statement and left for DuckDB to inline."""
    if not shared:
        return sql
    ctes = ", ".join(
        f"shared_{name} AS {'' if name in INLINED else 'MATERIALIZED '}({_sql(relation)})"
        for name, relation in shared.items()
    )
    return f"WITH {ctes} SELECT * FROM ({sql}) AS screened"


def docket_facts(
    among: Expr | None = None, *, suffix: str = ALL
) -> tuple[Facts, DocketMemberships]:
    """The docket's fact tables for one statement: shared relations and person_in as flags
    (engine/memberships.py), for the persons `among` holds (a relation of person ids) or for
    everyone. The statement's SQL is `_with_shared(statement_relations(...))`. It reads the
    tables `<name><suffix>`: `<name>_all` unless said otherwise."""
    tables = fact_tables(suffix)
    memberships = DocketMemberships(tables["persons"], among)
    facts = Facts({**tables, "persons": memberships.persons}, shared={}, memberships=memberships)
    return facts, memberships


def statement_relations(facts: Facts, memberships: DocketMemberships) -> dict[str, Expr]:
    """What a docket statement computes first: the rules' shared relations, then the flags."""
    return {**(facts.shared or {}), **memberships.relations()}


def _compile_docket(ctx: Context, rules: list[Rule]) -> tuple[str, str, str]:
    facts, members = docket_facts()
    statuses = {rule.id: rule.evaluate(facts, ctx).status for rule in rules}
    relations = statement_relations(facts, members)
    status = _with_shared(relations, _sql(_status_columns(facts, statuses)))
    coded = _with_shared(relations, _sql(coded_table(facts.persons, statuses)))
    # the evidence asks its own subsets: a statement pays for its own
    facts_e, members_e = docket_facts()
    evidence = _sql(union_all(list(_evidence_by_rule(facts_e, ctx, rules).values())))
    return (
        status,
        _with_shared(statement_relations(facts_e, members_e), evidence),
        decoded(coded, list(statuses)),
    )


def _compile_person(ctx: Context, rules: list[Rule]) -> tuple[str, dict[str, str], str | None]:
    facts = Facts(fact_tables(""))
    known = tuple(n for n in FACT_SCHEMAS["persons"].names if n.endswith("_known"))
    status = to_sqlite(_status_table(facts, ctx, rules, keep=known))
    evidence = {
        rule_id: to_sqlite(e.select("fact"))
        for rule_id, e in _evidence_by_rule(facts, ctx, rules).items()
    }
    # a flat UNION ALL of the statements above (Ibis nests its unions, past SQLite's parser)
    branches = []
    for rule_id, sql in evidence.items():
        assert _RULE_ID.fullmatch(rule_id), rule_id  # safe as a literal
        branches.append(f"SELECT '{rule_id}' AS rule, fact FROM ({sql})")
    return status, evidence, " UNION ALL ".join(branches) or None


_cache: dict[tuple[object, ...], CompiledRules] = {}
_lock = threading.Lock()


def context_key(ctx: Context) -> tuple[object, ...]:
    """What a context's compiled rules depend on: equal keys, the same expressions."""
    return (
        ctx.agreement.id,
        ctx.agreement.digest,
        ctx.pathway,
        ctx.destination,
        ctx.facility.id if ctx.facility else None,
        ctx.as_of,
        ctx.params.profile,
        ctx.facility_room,  # the rules read the registry's count only through this
        ctx.facility_counts.source if ctx.facility_counts else None,  # and cite its source
        ctx.law.digest,  # the bundled law data and the registry's law entries
    )


# One lock per context being compiled: a server's threads asking for the same rules at
# once wait for one compilation (about a second) instead of each doing it.
_compiling: dict[tuple[object, ...], threading.Lock] = {}


def compile_rules(ctx: Context) -> CompiledRules:
    """Compile (or fetch from the cache) the rules that apply in `ctx`."""
    key = context_key(ctx)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        compiling = _compiling.setdefault(key, threading.Lock())
    with compiling:
        with _lock:
            cached = _cache.get(key)
        if cached is not None:
            return cached
        return _compile(ctx, key)


def _compile(ctx: Context, key: tuple[object, ...]) -> CompiledRules:
    rules, not_in_effect = rules_for(ctx)
    person_status, person_evidence, person_all_evidence = _compile_person(ctx, rules)
    result = CompiledRules(
        context=ctx,
        rules=tuple(rules),
        not_in_effect=tuple(not_in_effect),
        person_status_sql=person_status,
        person_evidence_sql=person_evidence,
        person_all_evidence_sql=person_all_evidence,
    )
    with _lock:
        if len(_cache) > 256:
            _cache.clear()
            _compiling.clear()
        _cache[key] = result
    return result
