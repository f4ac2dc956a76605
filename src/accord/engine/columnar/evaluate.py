"""Evaluate the rules' Ibis expressions over columns, as DuckDB evaluates their SQL.

The evaluator walks the expression's operations: relations (tables, filters, projections,
joins, unions, groups) become `Rel`s, values become `Col`s. Only the operations the rules
use are taken; anything else raises NotColumnar naming it, never a guess. Each relation is
evaluated once per statement (the same operation read twice is one result), and each value
once per relation that computes it (values.py computes them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from ibis.expr import operations as ops

from accord.engine.columnar.columns import Array, Col, NotColumnar, broadcast
from accord.engine.columnar.relations import Rel, concat, equal_pairs, group_ids, group_max
from accord.engine.columnar.values import VALUES

Getter = Callable[[str], Col]


class Scope:
    """The relations a value's fields read (one for a filter or projection, one per table of
    a join), and the values computed in it so far."""

    def __init__(self, evaluator: Evaluator, tables: Mapping[ops.Relation, Getter], n: int):
        self.evaluator = evaluator
        self.tables = tables
        self.n = n
        self._values: dict[ops.Value, Col] = {}

    def value(self, op: ops.Value) -> Col:
        made = self._values.get(op)
        if made is None:
            made = self._values[op] = self.evaluator.value(op, self)
        return made


class Evaluator:
    """One statement's evaluation: `tables` gives each named table's relation (the index's
    fact lists, the shared relations, the flagged persons)."""

    def __init__(self, tables: Callable[[str], Rel]) -> None:
        self._tables = tables
        self._relations: dict[ops.Relation, Rel] = {}

    # --- relations ------------------------------------------------------------------------

    def relation(self, op: ops.Relation) -> Rel:
        made = self._relations.get(op)
        if made is None:
            method = _RELATIONS.get(type(op))
            if method is None:
                raise NotColumnar(f"the relation {type(op).__name__}")
            made = self._relations[op] = method(self, op)
        return made

    def release(self) -> None:
        """Forget every relation evaluated. A relation's lazy columns hold their scope, and
        the scope this evaluator: a cycle, which only the garbage collector would free, late
        and with every array in it. Released, they are freed as soon as nothing reads them."""
        self._relations.clear()

    def _unbound(self, op: ops.UnboundTable) -> Rel:
        return self._tables(op.name)

    def _self_reference(self, op: ops.SelfReference) -> Rel:
        return self.relation(op.parent)

    def _scope(self, parent: ops.Relation) -> tuple[Rel, Scope]:
        rel = self.relation(parent)
        return rel, Scope(self, {parent: rel.get}, rel.n)

    def _filter(self, op: ops.Filter) -> Rel:
        rel, scope = self._scope(op.parent)
        keep = np.ones(rel.n, bool)
        for predicate in op.predicates:
            keep &= broadcast(scope.value(predicate), rel.n).true()
        return rel.take(np.flatnonzero(keep))

    def _project(self, op: ops.Project) -> Rel:
        rel, scope = self._scope(op.parent)
        return Rel(rel.n, {name: _later(scope, value) for name, value in op.values.items()})

    def _drop(self, op: ops.DropColumns) -> Rel:
        rel = self.relation(op.parent)
        kept = [n for n in rel.names if n not in op.columns_to_drop]
        return Rel(rel.n, {name: rel.column(name) for name in kept})

    def _union(self, op: ops.Union) -> Rel:
        if op.distinct:
            raise NotColumnar("UNION DISTINCT")
        left, right = self.relation(op.left), self.relation(op.right)
        return Rel(left.n + right.n, {name: _union_of(left, right, name) for name in left.names})

    def _aggregate(self, op: ops.Aggregate) -> Rel:
        rel, scope = self._scope(op.parent)
        keys = [broadcast(scope.value(v), rel.n) for v in op.groups.values()]
        if keys:
            groups, count = group_ids(keys, rel.n, numbered=True)
        else:  # one row, whatever the rows: SQL's aggregate without GROUP BY
            groups, count = np.zeros(rel.n, np.int64), 1
        first = np.full(count, max(rel.n - 1, 0), np.int64)
        np.minimum.at(first, groups, np.arange(rel.n))
        columns: dict[str, Col] = {
            name: key.take(first) for name, key in zip(op.groups, keys, strict=True)
        }
        for name, metric in op.metrics.items():
            if not isinstance(metric, (ops.Max, ops.Min)) or metric.where is not None:
                raise NotColumnar(f"the aggregate {type(metric).__name__}")
            arg = broadcast(scope.value(metric.arg), rel.n)
            columns[name] = group_max(arg, groups, count, smallest=isinstance(metric, ops.Min))
        return Rel.of(count, columns)

    def _join(self, op: ops.JoinChain) -> Rel:
        first = self.relation(op.first.parent)
        rels: dict[ops.Relation, Rel] = {op.first: first}
        rows: dict[ops.Relation, Array] = {op.first: np.arange(first.n)}
        n = first.n
        for link in op.rest:
            right = self.relation(link.table.parent)
            rels[link.table] = right
            left_idx, right_idx = self._link_pairs(link, rels, rows, n, right)
            if link.how == "inner":
                rows = {r: idx[left_idx] for r, idx in rows.items()}
                rows[link.table] = right_idx
                n = len(left_idx)
            elif link.how == "left":
                matched = np.zeros(n, bool)
                matched[left_idx] = True
                alone = np.flatnonzero(~matched)
                order = np.argsort(np.concatenate([left_idx, alone]), kind="stable")
                both = np.concatenate([left_idx, alone])[order]
                rows = {r: idx[both] for r, idx in rows.items()}
                rows[link.table] = np.concatenate([right_idx, np.full(len(alone), -1)])[order]
                n = len(both)
            elif link.how in ("semi", "anti"):
                matched = np.zeros(n, bool)
                matched[left_idx] = True
                keep = np.flatnonzero(matched if link.how == "semi" else ~matched)
                rows = {r: idx[keep] for r, idx in rows.items()}
                n = len(keep)
            else:
                raise NotColumnar(f"a {link.how} join")
        getters = {r: _joined(rels[r], idx) for r, idx in rows.items()}
        scope = Scope(self, getters, n)
        return Rel(n, {name: _later(scope, value) for name, value in op.values.items()})

    def _link_pairs(
        self,
        link: ops.JoinLink,
        rels: Mapping[ops.Relation, Rel],
        rows: Mapping[ops.Relation, Array],
        n: int,
        right: Rel,
    ) -> tuple[Array, Array]:
        """Pairs (joined row so far, row of the link's table) meeting every predicate."""
        lefts = {r: _joined(rels[r], idx) for r, idx in rows.items()}
        left_scope = Scope(self, lefts, n)
        right_scope = Scope(self, {link.table: right.get}, right.n)
        equal_left: list[Col] = []
        equal_right: list[Col] = []
        others = []
        for predicate in link.predicates:
            sides = _equal_sides(predicate, link.table)
            if sides is None:
                others.append(predicate)
                continue
            equal_left.append(broadcast(left_scope.value(sides[0]), n))
            equal_right.append(broadcast(right_scope.value(sides[1]), right.n))
        if equal_left:
            left_idx, right_idx = equal_pairs(equal_left, equal_right, n, right.n)
        else:  # no equality: every pair, as the rules' joins never are
            raise NotColumnar("a join without an equality between its tables")
        if others:
            paired = {r: _joined(rels[r], idx[left_idx]) for r, idx in rows.items()}
            paired[link.table] = _joined(right, right_idx)
            pair_scope = Scope(self, paired, len(left_idx))
            keep = np.ones(len(left_idx), bool)
            for predicate in others:
                keep &= broadcast(pair_scope.value(predicate), len(left_idx)).true()
            left_idx, right_idx = left_idx[keep], right_idx[keep]
        return left_idx, right_idx

    # --- values ---------------------------------------------------------------------------

    def value(self, op: ops.Value, scope: Scope) -> Col:
        method = VALUES.get(type(op))
        if method is None:
            raise NotColumnar(f"the operation {type(op).__name__}")
        return method(op, scope)


def _later(scope: Scope, value: ops.Value) -> Callable[[], Col]:
    return lambda: broadcast(scope.value(value), scope.n)


def _union_of(left: Rel, right: Rel, name: str) -> Callable[[], Col]:
    return lambda: concat([left.get(name), right.get(name)], [left.n, right.n])


def _joined(rel: Rel, rows: Array) -> Getter:
    """A table's columns at the joined rows (-1: no row, every column null)."""
    cache: dict[str, Col] = {}

    def get(name: str) -> Col:
        if name not in cache:
            cache[name] = rel.get(name).take_nullable(rows)
        return cache[name]

    return get


def _equal_sides(predicate: ops.Value, table: ops.Relation) -> tuple[ops.Value, ops.Value] | None:
    """(the earlier tables' side, the link table's side) of an equality between the two."""
    if not isinstance(predicate, ops.Equals):
        return None
    left, right = _tables_read(predicate.left), _tables_read(predicate.right)
    if left and right == {table} and table not in left:
        return predicate.left, predicate.right
    if right and left == {table} and table not in right:
        return predicate.right, predicate.left
    return None


def _tables_read(op: ops.Value) -> set[ops.Relation]:
    """The relations whose fields `op` reads (not looking inside those relations)."""
    found: set[ops.Relation] = set()
    stack: list[Any] = [op]
    while stack:
        node = stack.pop()
        if isinstance(node, ops.Field):
            found.add(node.rel)
        elif isinstance(node, ops.Value):
            stack.extend(node.__args__)
        elif isinstance(node, (tuple, list)):
            stack.extend(node)
    return found


_RELATIONS: dict[type, Callable[[Evaluator, Any], Rel]] = {
    ops.UnboundTable: Evaluator._unbound,
    ops.SelfReference: Evaluator._self_reference,
    ops.Filter: Evaluator._filter,
    ops.Project: Evaluator._project,
    ops.DropColumns: Evaluator._drop,
    ops.Union: Evaluator._union,
    ops.Aggregate: Evaluator._aggregate,
    ops.JoinChain: Evaluator._join,
}


# every operation the evaluator takes: the relations and values above, and the parts of
# operations it reads inside them (plan.py checks a rule's expression against these)
TAKEN: frozenset[type] = frozenset(
    {
        *_RELATIONS,
        *VALUES,
        ops.JoinLink,
        ops.JoinReference,
        ops.SortKey,
        ops.IntervalFromInteger,
        ops.MinRank,
        ops.Max,
        ops.Min,
    }
)
