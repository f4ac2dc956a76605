"""The DuckDB statements an impact runs, compiled from the rules' own expressions and kept.

* `coded_statement(ctx)`: the screen's statement (engine/compiler.py) with statuses as the
  small codes of engine/status_codes.py: person_id, one code per rule, the outcome's code.
* `reading_statement(...)`: for a court order change, one statement over every person that
  keeps only the changed order's class (its predicate true or not known on the day) and
  gives, for each rule that reads the order, its status under the law before (`b_<rule>`)
  and after (`a_<rule>`): the two law sets' expressions side by side, in one pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from accord.engine.compiler import _key, _sql, _with_shared, docket_facts, statement_relations
from accord.engine.status_codes import coded_table, status_code
from accord.law.catalogue import rules_for
from accord.law.class_predicates import Where, evaluate
from accord.law.court_orders import CourtOrder
from accord.law.framework import Context

Compiled = tuple[tuple[str, ...], str]  # (rule ids, SQL)
_compiled: dict[tuple[object, ...], Compiled] = {}
_lock = threading.Lock()


def _kept(key: tuple[object, ...], compile_: Callable[[], Compiled]) -> Compiled:
    with _lock:
        found = _compiled.get(key)
    if found is None:
        found = compile_()
        with _lock:
            if len(_compiled) > 64:
                _compiled.clear()
            _compiled[key] = found
    return found


def coded_statement(ctx: Context) -> Compiled:
    """(rule ids, SQL over `<table>_all`: person_id, a status code per rule, outcome code)."""

    def compile_() -> Compiled:
        rules, _ = rules_for(ctx)
        facts, members = docket_facts()
        statuses = {rule.id: rule.evaluate(facts, ctx).status for rule in rules}
        sql = _with_shared(
            statement_relations(facts, members), _sql(coded_table(facts.persons, statuses))
        )
        return tuple(statuses), sql

    return _kept(("coded", *_key(ctx)), compile_)


def reading_statement(order: CourtOrder, before: Context, after: Context) -> Compiled:
    """(the request's rules that read `order`, SQL over `<table>_all`: person_id and
    `b_<rule>`, `a_<rule>` status codes, for the persons of the order's class, true or not
    known, on the decisions' day)."""

    def compile_() -> Compiled:
        rules, _ = rules_for(after)
        reading = [r for r in rules if r.id in order.rules_reading()]
        facts, members = docket_facts()
        truth = evaluate(
            order.predicate, Where(facts, after.as_of, after.pathway, after.destination)
        )
        codes = {}
        for rule in reading:
            codes[f"b_{rule.id}"] = status_code(rule.evaluate(facts, before).status)
            codes[f"a_{rule.id}"] = status_code(rule.evaluate(facts, after).status)
        selected = facts.persons.filter(~truth.is_false).select("person_id", **codes)
        sql = _with_shared(statement_relations(facts, members), _sql(selected))
        return tuple(r.id for r in reading), sql

    return _kept(("reading", order.id, *_key(before), *_key(after)), compile_)
