"""Values of the columnar evaluator: each operation of a rule's expression over columns.

A value is computed in a `Scope` (the relations its fields read); each function takes the
operation and the scope and returns a `Col`, with SQL's semantics: nulls, three-valued
logic, DuckDB's date arithmetic. `VALUES` maps each operation type taken to its function;
an operation not there is refused (NotColumnar), never guessed.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
from accord.engine.columnar.relations import concat, group_ids, min_rank

if TYPE_CHECKING:
    from accord.engine.columnar.evaluate import Scope


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


def _field(op: ops.Field, scope: Scope) -> Col:
    getter = scope.tables.get(op.rel)
    if getter is None:
        raise NotColumnar(f"a field {op.name!r} of a relation out of scope")
    return getter(op.name)


_literals: dict[ops.Literal, Col] = {}


def _literal_of(op: ops.Literal) -> Col:
    kind = kind_of(op.dtype)
    made = literal(op.value, "bool" if kind == "null" else kind)
    if kind == "int" and op.value is not None:  # int8 status codes stay small
        return Col("int", made.values.astype(op.dtype.to_numpy()))
    return made


def _literal(op: ops.Literal, scope: Scope) -> Col:
    made = _literals.get(op)
    if made is None:  # one column per constant of the rules, for every slice
        if len(_literals) > 65536:
            _literals.clear()
        made = _literals[op] = _literal_of(op)
    return made


def _cast(op: ops.Cast, scope: Scope) -> Col:
    arg = scope.value(op.arg)
    to = kind_of(op.to)
    if op.arg.dtype.is_null():
        return literal(None, to)
    if arg.kind == to and to in ("int", "date", "bool"):
        return arg
    raise NotColumnar(f"a cast from {op.arg.dtype} to {op.to}")


def _compare(op: ops.Comparison, scope: Scope) -> Col:
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


def _and(op: ops.And, scope: Scope) -> Col:
    a, b = scope.value(op.left), scope.value(op.right)
    if a.valid is None and b.valid is None:
        return Col("bool", a.values & b.values)
    false = _false(a) | _false(b)
    true = a.true() & b.true()
    return Col("bool", true, true | false)


def _or(op: ops.Or, scope: Scope) -> Col:
    a, b = scope.value(op.left), scope.value(op.right)
    if a.valid is None and b.valid is None:
        return Col("bool", a.values | b.values)
    true = a.true() | b.true()
    false = _false(a) & _false(b)
    return Col("bool", true, true | false)


def _not(op: ops.Not, scope: Scope) -> Col:
    arg = scope.value(op.arg)
    return Col("bool", ~arg.values, arg.valid)


def _is_null(op: ops.IsNull | ops.NotNull, scope: Scope) -> Col:
    arg = scope.value(op.arg)
    present = np.ones(arg.values.shape, bool) if arg.valid is None else arg.valid
    return Col("bool", ~present if isinstance(op, ops.IsNull) else present)


def _in_values(op: ops.InValues, scope: Scope) -> Col:
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


def _in_subquery(op: ops.InSubquery, scope: Scope) -> Col:
    needle = scope.value(op.needle)
    rel = scope.evaluator.relation(op.rel)
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


def _case(op: ops.SearchedCase, scope: Scope) -> Col:
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
        out = _where(broadcast(scope.value(condition), scope.n).true(), scope.value(result), out)
    return broadcast(out, scope.n)


def _if_else(op: ops.IfElse, scope: Scope) -> Col:
    condition = broadcast(scope.value(op.bool_expr), scope.n).true()
    yes, no = scope.value(op.true_expr), scope.value(op.false_null_expr)
    return _where(condition, yes, broadcast(no, scope.n))


def _coalesce(op: ops.Coalesce, scope: Scope) -> Col:
    args = [scope.value(a) for a in op.arg]
    out = broadcast(args[-1], scope.n)
    for arg in reversed(args[:-1]):
        present = np.ones(scope.n, bool) if arg.valid is None else arg.valid
        out = _where(np.broadcast_to(present, (scope.n,)), arg, out)
    return out


def _date_add(op: ops.DateAdd, scope: Scope) -> Col:
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


def _strings(op: ops.Value, scope: Scope) -> Col:
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


def _window(op: ops.WindowFunction, scope: Scope) -> Col:
    if not isinstance(op.func, ops.MinRank):
        raise NotColumnar(f"the window function {type(op.func).__name__}")
    keys = [broadcast(scope.value(g), scope.n) for g in op.group_by]
    groups, _ = group_ids(keys, scope.n)
    order = [
        (broadcast(scope.value(k.arg), scope.n), bool(k.ascending), bool(k.nulls_first))
        for k in op.order_by
    ]
    return Col("int", min_rank(groups, order, scope.n))


def _arithmetic(op: ops.Value, scope: Scope) -> Col:
    left, right = scope.value(op.left), scope.value(op.right)
    function = {ops.Add: operator.add, ops.Subtract: operator.sub}[type(op)]
    if left.kind != "int" or right.kind != "int":
        raise NotColumnar(f"{type(op).__name__} of {left.kind} and {right.kind}")
    values = function(left.values.astype(np.int64), right.values.astype(np.int64))
    return Col("int", values, both_valid(left, right))


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


VALUES: dict[type, Callable[[Any, Scope], Col]] = {
    ops.Field: _field,
    ops.Literal: _literal,
    ops.Cast: _cast,
    **{comparison: _compare for comparison in _COMPARE},
    ops.And: _and,
    ops.Or: _or,
    ops.Not: _not,
    ops.IsNull: _is_null,
    ops.NotNull: _is_null,
    ops.InValues: _in_values,
    ops.InSubquery: _in_subquery,
    ops.SearchedCase: _case,
    ops.IfElse: _if_else,
    ops.Coalesce: _coalesce,
    ops.DateAdd: _date_add,
    ops.Lowercase: _strings,
    ops.StringLength: _strings,
    ops.StringReplace: _strings,
    ops.StringContains: _strings,
    ops.WindowFunction: _window,
    ops.Add: _arithmetic,
    ops.Subtract: _arithmetic,
}
