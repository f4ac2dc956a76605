"""The rules' expressions for the columnar evaluator, built once per context.

The rules are evaluated as the DuckDB statement is built (compiler.py): the same fact
tables, the same shared relations, the same coded statuses (status_codes.py). Only
`person_in` differs: each subset is a boolean column `_m<k>` of the flagged persons, its rows'
person positions scattered into it, where DuckDB groups the subsets' rows by person and
joins them back.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
from ibis.expr import operations as ops

from accord.engine.columnar.evaluate import TAKEN
from accord.engine.compiler import ALL, context_key, fact_tables
from accord.engine.status_codes import coded_table
from accord.errors import EngineCannotEvaluate
from accord.law.framework import Context, Expr, Facts, Rule

MAX_SUBSETS = 512
FLAGGED = "shared_persons_flagged"
PERSON = "person_id"


class ColumnarMemberships:
    """`person_in` as a boolean column `_m<k>` of the flagged persons, one per subset."""

    def __init__(self, persons: Expr) -> None:
        self.subsets: list[ops.Relation] = []
        self._bits: dict[ops.Relation, int] = {}
        flags = {f"_m{k}": "boolean" for k in range(MAX_SUBSETS)}
        self.persons = ibis.table(ibis.schema({**persons.schema(), **flags}), name=FLAGGED)

    def flag(self, subset: Expr) -> Expr:
        rows = subset.select(PERSON).op()
        if rows not in self._bits:  # the same subset asked twice is one column
            if len(self.subsets) == MAX_SUBSETS:
                raise RuntimeError(f"more than {MAX_SUBSETS} subsets in one statement")
            self._bits[rows] = len(self.subsets)
            self.subsets.append(rows)
        return self.persons[f"_m{self._bits[rows]}"]


@dataclass(frozen=True)
class Plan:
    """What one context's screen evaluates: the coded statuses over the flagged persons
    (person_id, a code per rule, the outcome), the subsets behind the flags, the shared
    relations by name; and whether every relation is per person (index.py's slices)."""

    coded: ops.Relation
    subsets: tuple[ops.Relation, ...]
    shared: dict[str, ops.Relation]
    per_person: bool
    law_tables: tuple[str, ...]  # the tables besides the facts it reads (the calendar)


_plans: dict[tuple[object, ...], Plan] = {}
_plans_lock = threading.Lock()


def plan_for(ctx: Context, rules: Sequence[Rule]) -> Plan:
    key = (context_key(ctx), tuple(rule.id for rule in rules))
    with _plans_lock:
        found = _plans.get(key)
    if found is not None:
        return found
    tables = fact_tables(ALL)
    memberships = ColumnarMemberships(tables["persons"])
    facts = Facts({**tables, "persons": memberships.persons}, shared={}, memberships=memberships)
    statuses = {}
    for rule in rules:  # each rule's own expressions checked as they are made
        asked, shared_before = len(memberships.subsets), set(facts.shared or {})
        statuses[rule.id] = rule.evaluate(facts, ctx).status
        made = [
            *memberships.subsets[asked:],
            *(r.op() for n, r in (facts.shared or {}).items() if n not in shared_before),
        ]
        for node in (statuses[rule.id].op(), *made):
            _check_taken(rule.id, node)
    coded = coded_table(facts.persons, statuses).op()
    shared = {name: relation.op() for name, relation in (facts.shared or {}).items()}
    roots = [coded, *memberships.subsets, *shared.values()]
    named = {t.name for root in roots for t in root.find(ops.UnboundTable)}
    plan = Plan(
        coded,
        tuple(memberships.subsets),
        shared,
        per_person=all(_per_person(r) for r in roots),
        law_tables=tuple(sorted(n for n in named if not n.endswith(ALL) and "shared_" not in n)),
    )
    with _plans_lock:
        if len(_plans) > 64:
            _plans.clear()
        _plans[key] = plan
    return plan


def _check_taken(rule_id: str, status: ops.Node) -> None:
    """EngineCannotEvaluate naming the rule if its expression holds an operation the
    evaluator does not take (the rest it checks as it evaluates)."""
    for node in status.find(ops.Node):
        if type(node) not in TAKEN:
            raise EngineCannotEvaluate(
                f"rule {rule_id}: the columnar evaluator does not take "
                f"{type(node).__name__}; screen with --engine duckdb"
            )


def _per_person(root: ops.Node) -> bool:
    """Whether every row the relation yields for a person comes from that person's rows and
    tables that hold no person: each group, window and join keyed by the person, each IN
    asked of person ids. Then deciding a slice of the persons is deciding them in the whole."""
    for node in root.find((ops.Aggregate, ops.WindowFunction, ops.JoinChain, ops.InSubquery)):
        if isinstance(node, ops.Aggregate) and not _names_person(node.groups.values()):
            return False
        if isinstance(node, ops.WindowFunction) and not _names_person(node.group_by):
            return False
        if isinstance(node, ops.InSubquery) and not (
            _is_person(node.needle) and node.rel.schema.names == (PERSON,)
        ):
            return False
        if isinstance(node, ops.JoinChain) and not _joins_by_person(node):
            return False
    return True


def _joins_by_person(join: ops.JoinChain) -> bool:
    if PERSON not in join.first.schema:
        return False  # rows of a table of no person, joined to persons' rows
    for link in join.rest:
        if PERSON not in link.table.schema:
            continue  # a table of no person (the calendar) beside each person's rows
        if not any(
            isinstance(p, ops.Equals) and _is_person(p.left) and _is_person(p.right)
            for p in link.predicates
        ):
            return False
    return True


def _names_person(values: Any) -> bool:
    return any(_is_person(v) for v in values)


def _is_person(value: ops.Value) -> bool:
    return isinstance(value, ops.Field) and value.name == PERSON
