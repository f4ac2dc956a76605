"""The docket screen with statuses as small codes, decoded to DuckDB ENUMs once per row.

A million persons times two dozen rules are tens of millions of status strings: made by
each rule's CASE, then hashed again by the Parquet writer to dictionary-encode them. Here
each rule's CASE yields the status's index in STATUSES instead (its branches are the same,
only the literal it returns differs), and the statement decodes the index to an ENUM, which
the writer stores as the same strings, already dictionary-encoded. Only the bulk screen to
Parquet reads this statement; every other reader gets the strings (compiler.py).
"""

from __future__ import annotations

import functools
import operator

import ibis
from ibis.expr import operations as ops

from accord.law.framework import FAIL, OUTCOMES, STATUSES, UNKNOWN, Expr

_CODE = {status: i for i, status in enumerate(STATUSES)}
# the outcome codes below are indexes in OUTCOMES
assert OUTCOMES == ("eligible", "ineligible", "undetermined")


def status_code(status: Expr) -> Expr:
    """The status's index in STATUSES: the rule's own CASE with its literals replaced, or
    where the rule's status is not a CASE of literals, a CASE over its value."""

    def code(op: ops.Value) -> Expr | None:
        if isinstance(op, ops.Literal) and op.value in _CODE:
            return ibis.literal(_CODE[op.value], type="int8")
        return None

    op = status.op()
    literal = code(op)
    if literal is not None:
        return literal
    if isinstance(op, ops.SearchedCase):
        results = [code(r) for r in (*op.results, op.default)]
        if all(r is not None for r in results):
            branches = [(c.to_expr(), r) for c, r in zip(op.cases, results[:-1], strict=True)]
            return ibis.cases(*branches, else_=results[-1])
    return ibis.cases(*((status == s, ibis.literal(i, type="int8")) for s, i in _CODE.items()))


def coded_table(persons: Expr, statuses: dict[str, Expr]) -> Expr:
    """person_id, one status code per rule, and the outcome's index in OUTCOMES."""
    coded = persons.select("person_id", **{r: status_code(s) for r, s in statuses.items()})
    columns = [coded[r] for r in statuses]
    any_fail = functools.reduce(operator.or_, [c == _CODE[FAIL] for c in columns])
    any_unknown = functools.reduce(operator.or_, [c == _CODE[UNKNOWN] for c in columns])
    eligible, ineligible, undetermined = (ibis.literal(i, type="int8") for i in range(3))
    outcome = ibis.cases((any_fail, ineligible), (any_unknown, undetermined), else_=eligible)
    return coded.mutate(outcome=outcome)


def decoded(sql: str, rules: list[str]) -> str:
    """`sql` (coded_table's) with each code as the ENUM of its status or outcome: a CASE
    over the code whose results are ENUM constants (cheaper per row than indexing a list)."""
    columns = [f'{_decode(r, STATUSES)} AS "{r}"' for r in rules]
    return (
        f"SELECT person_id, {', '.join(columns)}, "
        f"{_decode('outcome', OUTCOMES)} AS outcome FROM ({sql}) AS coded"
    )


def _decode(column: str, values: tuple[str, ...]) -> str:
    quoted = [f"'{v}'" for v in values]
    enum = f"ENUM({', '.join(quoted)})"
    branches = " ".join(f"WHEN {i} THEN CAST({v} AS {enum})" for i, v in enumerate(quoted))
    return f'CASE "{column}" {branches} END'
