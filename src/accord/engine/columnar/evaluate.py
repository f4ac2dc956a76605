"""Evaluate the rules' Ibis expressions over columns, as DuckDB evaluates their SQL.

The evaluator walks the expression's operations: relations (tables, filters, projections,
joins, unions, groups) become `Rel`s, values become `Col`s. Only the operations the rules
use are taken; anything else raises NotColumnar naming it, never a guess. Each relation is
evaluated once per statement (the same operation read twice is one result), and each value
once per relation that computes it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyarrow.compute as pc
from ibis.expr import operations as ops
from ibis.expr.datatypes import DataType

from accord.engine.columnar.columns import (
    Array,
    Col,
    NotColumnar,
    add_months,
    both_valid,
    broadcast,
    codes_in,
    literal,
    map_strings,
    same_strings,
)
from accord.engine.columnar.relations import (
    Rel,
    concat,
    equal_pairs,
    group_ids,
    group_max,
    min_rank,
)

Getter = Callable[[str], Col]


def kind_of(dtype: DataType) -> str:
    if dtype.is_boolean():
        return "bool"
    if dtype.is_integer():
        return "int"
    if dtype.is_date() or dtype.is_timestamp():
        return "date"
    if dtype.is_string():
        return "str"
    if dtype.is_null():
        return "null"
    raise NotColumnar(f"values of type {dtype}")


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
        method = _VALUES.get(type(op))
        if method is None:
            raise NotColumnar(f"the operation {type(op).__name__}")
        return method(self, op, scope)

    def _field(self, op: ops.Field, scope: Scope) -> Col:
        getter = scope.tables.get(op.rel)
        if getter is None:
            raise NotColumnar(f"a field {op.name!r} of a relation out of scope")
        return getter(op.name)

    def _literal(self, op: ops.Literal, scope: Scope) -> Col:
        made = _literals.get(op)
        if made is None:  # one column per constant of the rules, for every slice
            if len(_literals) > 65536:
                _literals.clear()
            made = _literals[op] = _literal_of(op)
        return made

    def _cast(self, op: ops.Cast, scope: Scope) -> Col:
        arg = scope.value(op.arg)
        to = kind_of(op.to)
        if op.arg.dtype.is_null():
            return literal(None, to)
        if arg.kind == to and to in ("int", "date", "bool"):
            return arg
        raise NotColumnar(f"a cast from {op.arg.dtype} to {op.to}")

    def _compare(self, op: ops.Comparison, scope: Scope) -> Col:
        left, right = scope.value(op.left), scope.value(op.right)
        compare = _COMPARE[type(op)]
        if left.kind == "str" or right.kind == "str":
            if left.dictionary is not right.dictionary and type(op) not in (
                ops.Equals,
                ops.NotEquals,
            ):
                raise NotColumnar("an ordering of strings of two dictionaries")
            lv, rv = same_strings(left, right)
        else:
            lv, rv = left.values, right.values
        return Col("bool", compare(lv, rv), both_valid(left, right))

    def _and(self, op: ops.And, scope: Scope) -> Col:
        a, b = scope.value(op.left), scope.value(op.right)
        if a.valid is None and b.valid is None:
            return Col("bool", a.values & b.values)
        false = _false(a) | _false(b)
        true = a.true() & b.true()
        return Col("bool", true, true | false)

    def _or(self, op: ops.Or, scope: Scope) -> Col:
        a, b = scope.value(op.left), scope.value(op.right)
        if a.valid is None and b.valid is None:
            return Col("bool", a.values | b.values)
        true = a.true() | b.true()
        false = _false(a) & _false(b)
        return Col("bool", true, true | false)

    def _not(self, op: ops.Not, scope: Scope) -> Col:
        arg = scope.value(op.arg)
        return Col("bool", ~arg.values, arg.valid)

    def _is_null(self, op: ops.IsNull | ops.NotNull, scope: Scope) -> Col:
        arg = scope.value(op.arg)
        present = np.ones(arg.values.shape, bool) if arg.valid is None else arg.valid
        return Col("bool", ~present if isinstance(op, ops.IsNull) else present)

    def _in_values(self, op: ops.InValues, scope: Scope) -> Col:
        arg = scope.value(op.value)
        options = [scope.value(o) for o in op.options]
        if any(o.valid is not None or o.values.ndim for o in options):
            raise NotColumnar("IN over values that are not constants")
        if arg.kind == "str":
            assert arg.dictionary is not None
            wanted = np.unique(np.array([codes_in(o, arg.dictionary) for o in options]))
            found = np.isin(arg.values, wanted[wanted >= 0])
        else:
            found = np.isin(arg.values, np.array([o.values for o in options]))
        return Col("bool", found, arg.valid)

    def _in_subquery(self, op: ops.InSubquery, scope: Scope) -> Col:
        needle = scope.value(op.needle)
        rel = self.relation(op.rel)
        (name,) = rel.names
        found = rel.get(name)
        present = np.ones(rel.n, bool) if found.valid is None else found.valid
        if needle.kind == "str":
            candidates = codes_in(found, needle.dictionary)[present] if rel.n else np.zeros(0)
        else:
            candidates = found.values[present]
        if rel.n == 0:  # x IN (no rows) is false, x null or not
            return Col("bool", np.zeros(np.shape(needle.values), bool))
        result = np.isin(needle.values, candidates)
        valid = needle.valid
        if not present.all():  # x IN (..., NULL) is null where x is not found
            valid = result if valid is None else valid & result
        return Col("bool", result, valid)

    def _case(self, op: ops.SearchedCase, scope: Scope) -> Col:
        constants = [scope.value(r) for r in (*op.results, op.default)]
        if all(_is_constant(c) and c.kind in ("int", "bool") for c in constants):
            # the rules' statuses: a CASE of codes, each row given its first branch's code
            dtype = np.result_type(*(c.values.dtype for c in constants))
            values = np.full(scope.n, constants[-1].values, dtype)
            for condition, result in reversed(list(zip(op.cases, constants, strict=False))):
                values[broadcast(scope.value(condition), scope.n).true()] = result.values
            return Col(constants[-1].kind, values)
        out = scope.value(op.default)  # a null constant stays one until a branch meets it
        for condition, result in reversed(list(zip(op.cases, op.results, strict=True))):
            out = _where(
                broadcast(scope.value(condition), scope.n).true(), scope.value(result), out
            )
        return broadcast(out, scope.n)

    def _if_else(self, op: ops.IfElse, scope: Scope) -> Col:
        condition = broadcast(scope.value(op.bool_expr), scope.n).true()
        yes, no = scope.value(op.true_expr), scope.value(op.false_null_expr)
        return _where(condition, yes, broadcast(no, scope.n))

    def _coalesce(self, op: ops.Coalesce, scope: Scope) -> Col:
        args = [scope.value(a) for a in op.arg]
        out = broadcast(args[-1], scope.n)
        for arg in reversed(args[:-1]):
            present = np.ones(scope.n, bool) if arg.valid is None else arg.valid
            out = _where(np.broadcast_to(present, (scope.n,)), arg, out)
        return out

    def _date_add(self, op: ops.DateAdd, scope: Scope) -> Col:
        day = scope.value(op.left)
        right = op.right
        if isinstance(right, ops.Literal):
            unit, amount = right.dtype.unit.short, int(right.value)
            if unit == "D":
                shifted = day.values.astype(np.int64) + amount
            elif unit in ("M", "Y"):
                shifted = add_months(day.values, amount * (12 if unit == "Y" else 1))
            else:
                raise NotColumnar(f"an interval of unit {unit}")
            return Col("date", shifted, day.valid)
        if isinstance(right, ops.IntervalFromInteger) and right.unit.short == "D":
            days = scope.value(right.arg)
            shifted = day.values.astype(np.int64) + days.values
            return Col("date", shifted, both_valid(day, days))
        raise NotColumnar("a date plus an interval that is not a number of days or a constant")

    def _strings(self, op: ops.Value, scope: Scope) -> Col:
        if isinstance(op, ops.Lowercase):
            return map_strings(scope.value(op.arg), pc.utf8_lower, "str")
        if isinstance(op, ops.StringLength):
            return map_strings(scope.value(op.arg), pc.utf8_length, "int")
        if isinstance(op, ops.StringReplace):
            pattern, replacement = _constant(op.pattern), _constant(op.replacement)
            if pattern == "":  # replace(s, '', r) is s (and pyarrow would not end)
                return scope.value(op.arg)
            return map_strings(
                scope.value(op.arg),
                lambda a: pc.replace_substring(a, pattern, replacement),
                "str",
            )
        if isinstance(op, ops.StringContains):
            needle = _constant(op.needle)
            return map_strings(
                scope.value(op.haystack), lambda a: pc.match_substring(a, needle), "bool"
            )
        raise NotColumnar(f"the operation {type(op).__name__}")

    def _window(self, op: ops.WindowFunction, scope: Scope) -> Col:
        if not isinstance(op.func, ops.MinRank):
            raise NotColumnar(f"the window function {type(op.func).__name__}")
        keys = [broadcast(scope.value(g), scope.n) for g in op.group_by]
        groups, _ = group_ids(keys, scope.n)
        order = [
            (broadcast(scope.value(k.arg), scope.n), bool(k.ascending), bool(k.nulls_first))
            for k in op.order_by
        ]
        return Col("int", min_rank(groups, order, scope.n))

    def _arithmetic(self, op: ops.Value, scope: Scope) -> Col:
        left, right = scope.value(op.left), scope.value(op.right)
        function = {ops.Add: operator.add, ops.Subtract: operator.sub}[type(op)]
        if left.kind != "int" or right.kind != "int":
            raise NotColumnar(f"{type(op).__name__} of {left.kind} and {right.kind}")
        values = function(left.values.astype(np.int64), right.values.astype(np.int64))
        return Col("int", values, both_valid(left, right))


_literals: dict[ops.Literal, Col] = {}


def _literal_of(op: ops.Literal) -> Col:
    kind = kind_of(op.dtype)
    made = literal(op.value, "bool" if kind == "null" else kind)
    if kind == "int" and op.value is not None:  # int8 status codes stay small
        return Col("int", made.values.astype(op.dtype.to_numpy()))
    return made


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


def _constant(op: ops.Value) -> Any:
    if not isinstance(op, ops.Literal):
        raise NotColumnar(f"a string function of a {type(op).__name__}, not a constant")
    return op.value


def _false(col: Col) -> Array:
    return ~col.values if col.valid is None else ~col.values & col.valid


def _where(condition: Array, yes: Col, no: Col) -> Col:
    """`yes` where `condition`, else `no` (a CASE's branch over the rest)."""
    if yes.kind != no.kind and not (_is_null_constant(yes) or _is_null_constant(no)):
        raise NotColumnar(f"a CASE of kinds {yes.kind} and {no.kind}")
    kind = no.kind if _is_null_constant(yes) else yes.kind
    dictionary = yes.dictionary if kind == "str" else None
    if kind == "str":
        if _is_null_constant(yes):
            yes_values, no_values, dictionary = np.zeros((), np.int32), no.values, no.dictionary
        elif _is_null_constant(no):
            yes_values, no_values = yes.values, np.zeros((), np.int32)
        else:
            merged = concat([yes, no], [len(yes), len(no)])
            dictionary = merged.dictionary
            yes_values = merged.values[: len(yes)] if yes.values.ndim else merged.values[0]
            no_values = merged.values[len(yes) :] if no.values.ndim else merged.values[-1]
    else:
        yes_values, no_values = yes.values, no.values
    values = np.where(condition, yes_values, no_values)
    if yes.valid is None and no.valid is None:
        return Col(kind, values, None, dictionary)
    yes_valid = True if yes.valid is None else yes.valid
    no_valid = True if no.valid is None else no.valid
    valid = np.where(condition, yes_valid, no_valid)
    return Col(kind, values, np.broadcast_to(valid, values.shape).copy(), dictionary)


def _is_constant(col: Col) -> bool:
    return not col.values.ndim and col.valid is None and col.kind != "str"


def _is_null_constant(col: Col) -> bool:
    return col.valid is not None and not col.values.ndim and not bool(col.valid)


_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ops.Equals: operator.eq,
    ops.NotEquals: operator.ne,
    ops.Less: operator.lt,
    ops.LessEqual: operator.le,
    ops.Greater: operator.gt,
    ops.GreaterEqual: operator.ge,
}

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

_VALUES: dict[type, Callable[[Evaluator, Any, Scope], Col]] = {
    ops.Field: Evaluator._field,
    ops.Literal: Evaluator._literal,
    ops.Cast: Evaluator._cast,
    **{comparison: Evaluator._compare for comparison in _COMPARE},
    ops.And: Evaluator._and,
    ops.Or: Evaluator._or,
    ops.Not: Evaluator._not,
    ops.IsNull: Evaluator._is_null,
    ops.NotNull: Evaluator._is_null,
    ops.InValues: Evaluator._in_values,
    ops.InSubquery: Evaluator._in_subquery,
    ops.SearchedCase: Evaluator._case,
    ops.IfElse: Evaluator._if_else,
    ops.Coalesce: Evaluator._coalesce,
    ops.DateAdd: Evaluator._date_add,
    ops.Lowercase: Evaluator._strings,
    ops.StringLength: Evaluator._strings,
    ops.StringReplace: Evaluator._strings,
    ops.StringContains: Evaluator._strings,
    ops.WindowFunction: Evaluator._window,
    ops.Add: Evaluator._arithmetic,
    ops.Subtract: Evaluator._arithmetic,
}

# every operation the evaluator takes: the relations and values above, and the parts of
# operations it reads inside them (plan.py checks a rule's expression against these)
TAKEN: frozenset[type] = frozenset(
    {
        *_RELATIONS,
        *_VALUES,
        ops.JoinLink,
        ops.JoinReference,
        ops.SortKey,
        ops.IntervalFromInteger,
        ops.MinRank,
        ops.Max,
        ops.Min,
    }
)
