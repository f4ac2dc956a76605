"""The DuckDB statements an impact runs, compiled from the rules' own expressions and kept.

* `coded_statement(ctx)`: the screen's statement (engine/compiler.py) with statuses as the
  small codes of engine/status_codes.py: person_id, one code per rule, the outcome's code.
* `coded_statement_of_replaced(ctx)`: the same over the rows of the persons whose facts a
  held docket replaces (impact/warm.py), to bring everyone's held statuses up to date.
* `reading_statement(...)`: for a court order change, the changed order's class (its
  predicate true or not known on the day), then, for those persons only, each rule that
  reads the order: its status under the law before (`b_<rule>`) and after (`a_<rule>`), the
  two law sets' expressions side by side, in one pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

import ibis

from accord.engine.compiler import (
    ALL,
    _sql,
    _with_shared,
    context_key,
    docket_facts,
    statement_relations,
)
from accord.engine.status_codes import coded_table, status_code
from accord.law.catalogue import rules_for
from accord.law.class_predicates import Where, evaluate
from accord.law.court_orders import CourtOrder
from accord.law.framework import Context, Expr, Facts

Compiled = tuple[tuple[str, ...], str]  # (rule ids, SQL)
T = TypeVar("T")


class _Kept(Generic[T]):
    """Statements of one kind, compiled once per key (a few dozen at most: then cleared)."""

    def __init__(self) -> None:
        self._found: dict[tuple[object, ...], T] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...], compile_: Callable[[], T]) -> T:
        with self._lock:
            found = self._found.get(key)
        if found is None:
            found = compile_()  # outside the lock: compiling takes seconds
            with self._lock:
                if len(self._found) > 64:
                    self._found.clear()
                self._found[key] = found
        return found


def coded_statement(ctx: Context) -> Compiled:
    """(rule ids, SQL over `<table>_all`: person_id, a status code per rule, outcome code)."""
    return _coded.get(context_key(ctx), lambda: _compiled_coded(ctx, ALL))


# the suffix of the tables holding the rows of the persons a held docket replaces
# (impact/warm.py): `persons_replaced`, `convictions_replaced`, ...
REPLACED = "_replaced"


def coded_statement_of_replaced(ctx: Context) -> Compiled:
    """coded_statement(ctx) over the `<name>_replaced` tables: the statuses of the persons
    whose facts a held docket replaces, from their rows alone (a person's statuses read only
    their own facts), to put in the held statuses. The statement costs what those persons'
    rows do, not what the docket's do."""
    return _coded_replaced.get(context_key(ctx), lambda: _compiled_coded(ctx, REPLACED))


def _compiled_coded(ctx: Context, suffix: str) -> Compiled:
    rules, _ = rules_for(ctx)
    facts, members = docket_facts(suffix=suffix)
    statuses = {rule.id: rule.evaluate(facts, ctx).status for rule in rules}
    sql = _with_shared(
        statement_relations(facts, members), _sql(coded_table(facts.persons, statuses))
    )
    return tuple(statuses), sql


# the temporary table of the class's person ids that a reading statement reads
CLASS_IDS = "_class_ids"


class Reading(NamedTuple):
    rules: tuple[str, ...]  # the request's rules that read the order
    class_sql: str  # person_id of the order's class, true or not known, on the day
    sql: str  # reads CLASS_IDS, made by class_sql: person_id, b_<rule>, a_<rule>


_coded: _Kept[Compiled] = _Kept()
_coded_replaced: _Kept[Compiled] = _Kept()
_readings: _Kept[Reading] = _Kept()


def reading_statement(order: CourtOrder, before: Context, after: Context) -> Reading:
    """The statements of an order's impact, over `<table>_all`: its class, then the class's
    statuses under both laws of the request's rules that read `order`.

    Two statements, as the class is a small part of a docket: the rules' memberships (the
    statement's cost: a grouped pass over the facts and a join to the persons) are then
    computed for its persons only, not for everyone (engine/memberships.py, `among`)."""

    def compile_() -> Reading:
        rules, _ = rules_for(after)
        reading = [r for r in rules if r.id in order.rules_reading()]
        everyone, everyone_members = docket_facts()
        in_class = everyone.persons.filter(_in_class(order, after, everyone))
        class_sql = _with_shared(
            statement_relations(everyone, everyone_members), _sql(in_class.select("person_id"))
        )
        facts, members = docket_facts(among=ibis.table({"person_id": "string"}, name=CLASS_IDS))
        codes = {}
        for rule in reading:
            codes[f"b_{rule.id}"] = status_code(rule.evaluate(facts, before).status)
            codes[f"a_{rule.id}"] = status_code(rule.evaluate(facts, after).status)
        selected = facts.persons.select("person_id", **codes)
        sql = _with_shared(statement_relations(facts, members), _sql(selected))
        return Reading(tuple(r.id for r in reading), class_sql, sql)

    return _readings.get((order.id, *context_key(before), *context_key(after)), compile_)


def _in_class(order: CourtOrder, ctx: Context, facts: Facts) -> Expr:
    """True for the persons of `order`'s class, or not known to be outside it, on the day."""
    truth = evaluate(order.predicate, Where(facts, ctx.as_of, ctx.pathway, ctx.destination))
    return ~truth.is_false
