"""The columnar evaluator's semantics pinned to DuckDB's, one SQL rule at a time.

Each test builds small Arrow tables with nulls and edge cases, one Ibis expression over
unbound tables, and evaluates it twice: as DuckDB SQL (what the project runs) and with the
columnar evaluator. The rows must be the same; where the expression does not define an order,
both sides are sorted first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import duckdb
import ibis
import pyarrow as pa
import pytest

from accord.engine.columnar.columns import EPOCH, Col, NotColumnar
from accord.engine.columnar.evaluate import Evaluator
from accord.engine.columnar.index import encode_table
from accord.engine.columnar.relations import Rel
from accord.law.framework import latest_on

Row = tuple[Any, ...]
D = dt.date


# --- helpers --------------------------------------------------------------------------------


def unbound(name: str, arrow: pa.Table) -> ibis.Table:
    return ibis.table(ibis.Schema.from_pyarrow(arrow.schema), name=name)


def python_values(col: Col, n: int) -> list[Any]:
    """A column as Python values: strings from the dictionary, dates from day numbers, None
    where the value is null; a constant (0-d) repeated n times."""
    values = col.values.tolist() if col.values.ndim else [col.values.item()] * n
    if col.valid is None:
        valid = [True] * n
    elif col.valid.ndim:
        valid = [bool(v) for v in col.valid]
    else:
        valid = [bool(col.valid)] * n
    assert len(values) == len(valid) == n
    out: list[Any] = []
    for value, present in zip(values, valid, strict=True):
        if not present:
            out.append(None)
        elif col.kind == "str":
            assert col.dictionary is not None
            out.append(col.dictionary[value].as_py())
        elif col.kind == "date":
            out.append(EPOCH + dt.timedelta(days=int(value)))
        elif col.kind == "bool":
            out.append(bool(value))
        else:
            out.append(int(value))
    return out


def columnar_rows(rel: Rel) -> list[Row]:
    columns = [python_values(rel.get(name), rel.n) for name in rel.names]
    return list(zip(*columns, strict=True)) if columns else [() for _ in range(rel.n)]


def as_date(value: Any) -> Any:
    """DuckDB's date + interval is a timestamp: the date of it (the evaluator keeps days)."""
    return value.date() if isinstance(value, dt.datetime) else value


def duckdb_rows(expr: ibis.Table, tables: dict[str, pa.Table]) -> list[Row]:
    con = duckdb.connect()
    try:
        for name, arrow in tables.items():
            con.register(name, arrow)
        result = con.sql(str(ibis.to_sql(expr, dialect="duckdb"))).to_arrow_table()
    finally:
        con.close()
    columns = [
        [as_date(v) for v in result.column(i).to_pylist()] for i in range(result.num_columns)
    ]
    return list(zip(*columns, strict=True)) if columns else [() for _ in range(result.num_rows)]


def evaluate(expr: ibis.Table, tables: dict[str, pa.Table]) -> list[Row]:
    rel = Evaluator(lambda name: encode_table(tables[name])).relation(expr.op())
    return columnar_rows(rel)


def both(
    expr: ibis.Table, tables: dict[str, pa.Table], *, ordered: bool = False
) -> tuple[list[Row], list[Row]]:
    """(DuckDB's rows, the evaluator's rows), sorted unless the expression orders them."""
    want, got = duckdb_rows(expr, tables), evaluate(expr, tables)
    if not ordered:
        want, got = sorted(want, key=repr), sorted(got, key=repr)
    return want, got


def check(expr: ibis.Table, tables: dict[str, pa.Table], expected: list[Row]) -> None:
    """Both engines give `expected` (in any order): the data exercise what the test names,
    and the evaluator agrees with DuckDB."""
    want, got = both(expr, tables)
    assert want == sorted(expected, key=repr), "the test's own expectation is off DuckDB's"
    assert got == want


def ids(n: int) -> pa.Array:
    return pa.array(list(range(n)), pa.int64())


# --- 1. three-valued logic ------------------------------------------------------------------

TRUTH = [True, False, None]


def truth_table() -> pa.Table:
    pairs = [(a, b) for a in TRUTH for b in TRUTH]
    return pa.table(
        {
            "i": ids(len(pairs)),
            "a": pa.array([a for a, _ in pairs], pa.bool_()),
            "b": pa.array([b for _, b in pairs], pa.bool_()),
        }
    )


def test_and_or_not_follow_three_valued_logic() -> None:
    """SQL's Kleene logic: FALSE AND NULL is FALSE, TRUE OR NULL is TRUE, NOT NULL is NULL,
    and otherwise NULL in gives NULL out; over all nine pairs of TRUE/FALSE/NULL."""
    arrow = truth_table()
    t = unbound("t", arrow)
    expr = t.select("i", both_=t.a & t.b, either=t.a | t.b, neither=~t.a, mixed=~(t.a & ~t.b))

    def kleene_and(a: bool | None, b: bool | None) -> bool | None:
        if a is False or b is False:
            return False
        return None if a is None or b is None else True

    def kleene_or(a: bool | None, b: bool | None) -> bool | None:
        if a is True or b is True:
            return True
        return None if a is None or b is None else False

    def kleene_not(a: bool | None) -> bool | None:
        return None if a is None else not a

    pairs = [(a, b) for a in TRUTH for b in TRUTH]
    expected = [
        (
            i,
            kleene_and(a, b),
            kleene_or(a, b),
            kleene_not(a),
            kleene_not(kleene_and(a, kleene_not(b))),
        )
        for i, (a, b) in enumerate(pairs)
    ]
    check(expr, {"t": arrow}, expected)


def test_filter_drops_rows_whose_predicate_is_null() -> None:
    """WHERE keeps only rows whose predicate is TRUE: a NULL predicate (NULL OR FALSE, NOT
    NULL) drops the row just as FALSE does, while TRUE OR NULL keeps it."""
    arrow = truth_table()
    t = unbound("t", arrow)
    expr = t.filter(t.a | ~t.b).select("i")
    # a | ~b is TRUE for (T,*), (F,F), (N,F); NULL for (F,N), (N,T), (N,N)
    check(expr, {"t": arrow}, [(0,), (1,), (2,), (4,), (7,)])


# --- 2. string comparisons ------------------------------------------------------------------


def test_string_equality_with_a_literal_absent_from_the_column() -> None:
    """s = 'zz', a string in no row (and so in no dictionary of the column), is FALSE for
    every present value and NULL for a null one; s != 'zz' is TRUE for every present value."""
    arrow = pa.table({"i": ids(4), "s": ["b", None, "a", "c"]})
    t = unbound("t", arrow)
    expr = t.select("i", eq=t.s == "zz", ne=t.s != "zz", eq_b=t.s == "b")
    expected = [
        (0, False, True, True),
        (1, None, None, None),
        (2, False, True, False),
        (3, False, True, False),
    ]
    check(expr, {"t": arrow}, expected)


def test_string_inequality_with_nulls_on_either_side() -> None:
    """s != r is NULL when either side is NULL (never TRUE), and a filter on it keeps only the
    rows where both are present and different."""
    arrow = pa.table(
        {
            "i": ids(6),
            "s": ["a", "a", None, None, "b", "c"],
            "r": ["a", "b", "a", None, None, "Zc"],
        }
    )
    t = unbound("t", arrow)
    projected = t.select("i", ne=t.s != t.r, eq=t.s == t.r)
    expected = [
        (0, False, True),
        (1, True, False),
        (2, None, None),
        (3, None, None),
        (4, None, None),
        (5, True, False),
    ]
    check(projected, {"t": arrow}, expected)
    check(t.filter(t.s != t.r).select("i"), {"t": arrow}, [(1,), (5,)])


def test_string_equality_across_tables_with_different_dictionaries() -> None:
    """A join on string keys of two tables compares the strings, not their codes: the tables'
    dictionaries differ (each sorted over its own values), a right key absent from the left
    table matches nothing, and null keys never match."""
    left = pa.table({"k": ["b", "d", None, "a", "zz"], "x": ids(5)})
    right = pa.table({"k": ["a", "c", "d", None, "b", "e"], "y": pa.array(range(10, 16))})
    a, b = unbound("a", left), unbound("b", right)
    expr = a.join(b, a.k == b.k).select(a.x, b.y, key=a.k)
    check(expr, {"a": left, "b": right}, [(0, 14, "b"), (1, 12, "d"), (3, 10, "a")])


# --- 3. dates plus intervals ----------------------------------------------------------------


def test_date_plus_months_and_years_clamps_to_the_month_end() -> None:
    """date + INTERVAL n MONTH keeps the day of the month, clamped to the target month's last
    day (2024-01-31 + 1 month is 2024-02-29, 2023-01-31 + 1 month is 2023-02-28); a year is
    twelve months (2024-02-29 + 1 year is 2025-02-28); a null date stays null."""
    days = [D(2024, 1, 31), D(2023, 1, 31), D(2024, 2, 29), D(2023, 12, 31), None, D(2023, 8, 31)]
    arrow = pa.table({"i": ids(len(days)), "d": pa.array(days, pa.date32())})
    t = unbound("t", arrow)
    expr = t.select(
        "i",
        month=t.d + ibis.interval(months=1),
        year=t.d + ibis.interval(years=1),
        half=t.d + ibis.interval(months=6),
        back=t.d + ibis.interval(months=-6),
    )
    expected = [
        (0, D(2024, 2, 29), D(2025, 1, 31), D(2024, 7, 31), D(2023, 7, 31)),
        (1, D(2023, 2, 28), D(2024, 1, 31), D(2023, 7, 31), D(2022, 7, 31)),
        (2, D(2024, 3, 29), D(2025, 2, 28), D(2024, 8, 29), D(2023, 8, 29)),
        (3, D(2024, 1, 31), D(2024, 12, 31), D(2024, 6, 30), D(2023, 6, 30)),
        (4, None, None, None, None),
        (5, D(2023, 9, 30), D(2024, 8, 31), D(2024, 2, 29), D(2023, 2, 28)),
    ]
    check(expr, {"t": arrow}, expected)


def test_date_plus_a_column_of_days() -> None:
    """date + INTERVAL (n) DAY with n from an integer column: null if the date or n is null,
    negative n goes back, and a month or year end is crossed by days, not clamped."""
    arrow = pa.table(
        {
            "i": ids(6),
            "d": pa.array(
                [
                    D(2024, 2, 28),
                    D(2023, 12, 31),
                    None,
                    D(2024, 3, 1),
                    D(2024, 1, 1),
                    D(2000, 1, 1),
                ],
                pa.date32(),
            ),
            "n": pa.array([1, 1, 5, None, -1, 366], pa.int64()),
        }
    )
    t = unbound("t", arrow)
    expr = t.select("i", later=t.d + t.n.as_interval("D"))
    expected = [
        (0, D(2024, 2, 29)),
        (1, D(2024, 1, 1)),
        (2, None),
        (3, None),
        (4, D(2023, 12, 31)),
        (5, D(2001, 1, 1)),
    ]
    check(expr, {"t": arrow}, expected)


# --- 4. rank windows ------------------------------------------------------------------------


def ranked_table() -> pa.Table:
    return pa.table(
        {
            "i": ids(10),
            "p": ["x", "x", "x", "x", "x", "x", "y", "y", None, None],
            "c": ["A", "A", "A", "A", "B", "B", "A", "A", "A", "A"],
            "d": pa.array(
                [
                    D(2024, 5, 1),
                    D(2024, 5, 1),  # tie on the latest day
                    D(2023, 1, 1),
                    None,
                    None,  # a group whose dates are all null but one
                    D(2020, 1, 1),
                    D(2019, 6, 1),
                    D(2021, 6, 1),
                    D(2022, 1, 1),  # a null person: its own group
                    D(2022, 1, 1),
                ],
                pa.date32(),
            ),
        }
    )


def test_rank_over_two_keys_descending_date() -> None:
    """rank() - 1 over PARTITION BY two keys ORDER BY d DESC: peers share the lowest rank, the
    next rank skips them (1, 1, 3 less one), nulls sort last in descending order (DuckDB's
    default NULLS LAST), and null partition keys form one partition."""
    arrow = ranked_table()
    t = unbound("t", arrow)
    window = ibis.window(group_by=["p", "c"], order_by=ibis.desc("d"))
    expr = t.select("i", r=ibis.rank().over(window))
    expected = [(0, 0), (1, 0), (2, 2), (3, 3), (4, 1), (5, 0), (6, 1), (7, 0), (8, 0), (9, 0)]
    check(expr, {"t": arrow}, expected)


def test_rank_ascending_date() -> None:
    """rank() - 1 ORDER BY d ASC: nulls last (after the largest date), ties share a rank."""
    arrow = ranked_table()
    t = unbound("t", arrow)
    window = ibis.window(group_by=["p", "c"], order_by=ibis.asc("d"))
    expr = t.select("i", r=ibis.rank().over(window))
    expected = [(0, 1), (1, 1), (2, 0), (3, 3), (4, 1), (5, 0), (6, 0), (7, 1), (8, 0), (9, 0)]
    check(expr, {"t": arrow}, expected)


def test_rank_ascending_nulls_first() -> None:
    """rank() - 1 ORDER BY d ASC NULLS FIRST: the null dates rank first (0), then the
    earliest date."""
    arrow = ranked_table()
    t = unbound("t", arrow)
    window = ibis.window(group_by=["p", "c"], order_by=ibis.asc("d", nulls_first=True))
    expr = t.select("i", r=ibis.rank().over(window))
    expected = [(0, 2), (1, 2), (2, 1), (3, 0), (4, 0), (5, 1), (6, 0), (7, 1), (8, 0), (9, 0)]
    check(expr, {"t": arrow}, expected)


def test_rank_descending_nulls_first() -> None:
    """rank() - 1 ORDER BY d DESC NULLS FIRST: the null dates rank first (0), before the
    latest date, in every partition."""
    arrow = ranked_table()
    t = unbound("t", arrow)
    window = ibis.window(group_by=["p", "c"], order_by=ibis.desc("d", nulls_first=True))
    expr = t.select("i", r=ibis.rank().over(window))
    expected = [(0, 1), (1, 1), (2, 3), (3, 0), (4, 0), (5, 1), (6, 1), (7, 0), (8, 0), (9, 0)]
    check(expr, {"t": arrow}, expected)


def test_latest_on_keeps_ties_and_ignores_later_and_null_dates() -> None:
    """latest_on (the rules' pattern): the rows dated on or before as_of that are latest per
    person and keys; ties on the latest day all stay; a row dated after as_of and a null date
    (d <= as_of is NULL) are dropped before ranking; as_of itself counts."""
    arrow = pa.table(
        {
            "person_id": ["p1", "p1", "p1", "p1", "p2", "p2", "p3", "p3"],
            "kind": ["a", "a", "a", "b", "a", "a", "a", "a"],
            "on": pa.array(
                [
                    D(2024, 3, 1),
                    D(2024, 3, 1),
                    D(2025, 1, 1),  # after as_of
                    D(2020, 1, 1),
                    None,
                    D(2022, 2, 2),
                    D(2024, 6, 30),  # as_of itself
                    D(2024, 6, 29),
                ],
                pa.date32(),
            ),
            "i": ids(8),
        }
    )
    t = unbound("facts", arrow)
    expr = latest_on(t, ibis.literal(D(2024, 6, 30)), date_col="on", keys=("kind",)).select("i")
    check(expr, {"facts": arrow}, [(0,), (1,), (3,), (5,), (6,)])


# --- 5. joins -------------------------------------------------------------------------------


def join_tables() -> dict[str, pa.Table]:
    return {
        "a": pa.table(
            {
                "k": pa.array([1, 2, None, 3, 2], pa.int64()),
                "d": pa.array(
                    [D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1), D(2025, 1, 1)],
                    pa.date32(),
                ),
                "x": ids(5),
            }
        ),
        "b": pa.table(
            {
                "k": pa.array([2, 2, None, 1, 4], pa.int64()),
                "d": pa.array(
                    [D(2024, 6, 1), D(2023, 1, 1), D(2024, 6, 1), None, D(2024, 6, 1)],
                    pa.date32(),
                ),
                "y": pa.array(range(10, 15), pa.int64()),
                "s": ["two", "two-old", "none", "one", "four"],
            }
        ),
    }


def test_left_join_keeps_unmatched_rows_with_null_right_columns() -> None:
    """LEFT JOIN: every left row at least once; a left row with no match (key 3, or a null key,
    which equals nothing) has every right column NULL, strings included."""
    tables = join_tables()
    a, b = unbound("a", tables["a"]), unbound("b", tables["b"])
    expr = a.left_join(b, a.k == b.k).select(a.x, b.y, b.s, bd=b.d)
    expected = [
        (0, 13, "one", None),
        (1, 10, "two", D(2024, 6, 1)),
        (1, 11, "two-old", D(2023, 1, 1)),
        (2, None, None, None),
        (3, None, None, None),
        (4, 10, "two", D(2024, 6, 1)),
        (4, 11, "two-old", D(2023, 1, 1)),
    ]
    check(expr, {"a": tables["a"], "b": tables["b"]}, expected)


def test_left_join_with_an_extra_predicate_keeps_rows_it_rejects() -> None:
    """LEFT JOIN ... ON a.k = b.k AND b.d > a.d: a left row whose matches all fail the second
    condition (or compare with a null date) is still kept, with NULL right columns."""
    tables = join_tables()
    a, b = unbound("a", tables["a"]), unbound("b", tables["b"])
    expr = a.left_join(b, (a.k == b.k) & (b.d > a.d)).select(a.x, b.y)
    expected = [(0, None), (1, 10), (2, None), (3, None), (4, None)]
    check(expr, {"a": tables["a"], "b": tables["b"]}, expected)


def test_anti_join_keeps_null_keys() -> None:
    """ANTI JOIN (NOT EXISTS): a null key matches no row, even a right row with a null key, so a
    left row with a null key always stays; rows whose key is on the right go."""
    tables = join_tables()
    a, b = unbound("a", tables["a"]), unbound("b", tables["b"])
    expr = a.anti_join(b, a.k == b.k).select("x")
    check(expr, {"a": tables["a"], "b": tables["b"]}, [(2,), (3,)])


def test_semi_join_with_a_non_equality_predicate() -> None:
    """SEMI JOIN ON a.k = b.k AND b.d > a.d: a left row stays once (never multiplied) if some
    right row meets both conditions; a right row with a null date meets none."""
    tables = join_tables()
    a, b = unbound("a", tables["a"]), unbound("b", tables["b"])
    expr = a.semi_join(b, (a.k == b.k) & (b.d > a.d)).select("x")
    # x=0: k=1 matches b's null date only; x=1: 2024-06-01 > 2024-01-01; x=4: d is 2025
    check(expr, {"a": tables["a"], "b": tables["b"]}, [(1,)])


def test_inner_join_multiplies_duplicate_keys() -> None:
    """INNER JOIN: each pair of rows with equal keys, so keys duplicated on both sides give
    the product of their counts; null keys pair with nothing."""
    left = pa.table({"k": pa.array([7, 7, 8, None], pa.int64()), "x": ids(4)})
    right = pa.table({"k": pa.array([7, 7, 7, None, 8], pa.int64()), "y": ids(5)})
    a, b = unbound("a", left), unbound("b", right)
    expr = a.join(b, a.k == b.k).select(a.x, b.y)
    expected = [(x, y) for x in (0, 1) for y in (0, 1, 2)] + [(2, 4)]
    check(expr, {"a": left, "b": right}, expected)


# --- 6. IN ----------------------------------------------------------------------------------


def test_in_subquery_containing_null() -> None:
    """x IN (subquery with a NULL) is TRUE where x is found and NULL (not FALSE) where it is
    not, so a filter on it drops those rows and NOT of it is NULL too; a null x gives NULL."""
    left = pa.table({"i": ids(4), "s": ["a", "b", None, "c"]})
    right = pa.table({"s": ["c", None, "a", "q"]})
    t, u = unbound("t", left), unbound("u", right)
    found = t.s.isin(u.s)
    expr = t.select(
        "i",
        flag=ibis.ifelse(found, 1, 0),
        raw=found,
        negated=~found,
        filled=found.fill_null(False),
    )
    expected = [
        (0, 1, True, False, True),
        (1, 0, None, None, False),
        (2, 0, None, None, False),
        (3, 1, True, False, True),
    ]
    tables = {"t": left, "u": right}
    check(expr, tables, expected)
    check(t.filter(~found).select("i"), tables, [])
    check(t.filter(found).select("i"), tables, [(0,), (3,)])


def test_in_subquery_of_integers_without_null() -> None:
    """x IN (subquery without NULL): TRUE or FALSE for a present x, NULL for a null x."""
    left = pa.table({"i": ids(4), "k": pa.array([1, 5, None, 3], pa.int64())})
    right = pa.table({"k": pa.array([3, 1, 1], pa.int64())})
    t, u = unbound("t", left), unbound("u", right)
    expr = t.select("i", found=t.k.isin(u.k))
    check(expr, {"t": left, "u": right}, [(0, True), (1, False), (2, None), (3, True)])


def test_null_in_an_empty_subquery_is_false() -> None:
    """x IN (an empty subquery) is FALSE for every x, a NULL x included: there is no row to
    compare it with, so nothing makes it unknown (DuckDB: NULL IN (SELECT ... none) = FALSE)."""
    left = pa.table({"i": ids(3), "k": pa.array([1, None, 2], pa.int64())})
    right = pa.table({"k": pa.array([7], pa.int64())})
    t, u = unbound("t", left), unbound("u", right)
    empty = u.filter(u.k > 100).k
    expr = t.select("i", found=t.k.isin(empty))
    check(expr, {"t": left, "u": right}, [(0, False), (1, False), (2, False)])


def test_in_values_with_a_null_on_the_left() -> None:
    """x IN ('a', 'zz'): TRUE or FALSE for a present x (a value absent from the column is
    simply not found), NULL for a null x; NOT IN likewise NULL for a null x."""
    arrow = pa.table({"i": ids(4), "s": ["a", None, "b", "A"], "d": pa.array([1, 2, None, 4])})
    t = unbound("t", arrow)
    expr = t.select(
        "i",
        found=t.s.isin(["a", "zz"]),
        not_found=t.s.notin(["a", "zz"]),
        number=t.d.isin([2, 4]),
    )
    expected = [
        (0, True, False, False),
        (1, None, None, True),
        (2, False, True, None),
        (3, False, True, True),
    ]
    check(expr, {"t": arrow}, expected)


# --- 7. CASE, COALESCE, IF ------------------------------------------------------------------


def test_cases_with_a_null_branch_and_else() -> None:
    """CASE WHEN ... THEN NULL ... ELSE ... END: the first TRUE condition's result, even a NULL
    one; a NULL condition is not TRUE and falls through; without ELSE, no match is NULL."""
    arrow = pa.table({"i": ids(5), "x": pa.array([9, 4, 1, None, 6], pa.int64())})
    t = unbound("t", arrow)
    expr = t.select(
        "i",
        code=ibis.cases((t.x > 8, None), (t.x > 3, 1), else_=0),
        word=ibis.cases((t.x > 5, "big"), (t.x > 3, ibis.null("string")), else_="small"),
        constants=ibis.cases((t.x > 5, 2), (t.x > 3, 1), else_=0),
    )
    expected = [
        (0, None, "big", 2),
        (1, 1, None, 1),
        (2, 0, "small", 0),
        (3, 0, "small", 0),
        (4, 1, "big", 2),
    ]
    check(expr, {"t": arrow}, expected)


def test_cases_without_else_is_null_where_nothing_matches() -> None:
    """CASE without ELSE: a row no condition is TRUE for (a NULL condition included) is
    NULL."""
    arrow = pa.table({"i": ids(4), "x": pa.array([9, 4, 1, None], pa.int64())})
    t = unbound("t", arrow)
    expr = t.select("i", open_=ibis.cases((t.x > 5, 2), (t.x < 3, 3)))
    check(expr, {"t": arrow}, [(0, 2), (1, None), (2, 3), (3, None)])


def test_fill_null_and_ifelse() -> None:
    """COALESCE(x, y) is the first non-null argument (NULL if all are null), for integers,
    dates and strings of two dictionaries; IF(c, a, b) takes b when c is NULL."""
    arrow = pa.table(
        {
            "i": ids(4),
            "x": pa.array([1, None, None, 4], pa.int64()),
            "y": pa.array([10, 20, None, None], pa.int64()),
            "d": pa.array([None, D(2024, 1, 1), None, None], pa.date32()),
            "s": ["a", None, None, "d"],
            "r": ["z", "y", None, "x"],
            "b": pa.array([True, None, False, None], pa.bool_()),
        }
    )
    t = unbound("t", arrow)
    expr = t.select(
        "i",
        xy=t.x.fill_null(t.y),
        x0=t.x.fill_null(0),
        day=t.d.fill_null(D(1999, 12, 31)),
        sr=t.s.fill_null(t.r),
        if_b=ibis.ifelse(t.b, t.s, t.r),
        if_n=ibis.ifelse(t.b, 1, 0),
    )
    expected = [
        (0, 1, 1, D(1999, 12, 31), "a", "a", 1),
        (1, 20, 0, D(2024, 1, 1), "y", "y", 0),
        (2, None, 0, D(1999, 12, 31), None, None, 0),
        (3, 4, 4, D(1999, 12, 31), "d", "x", 0),
    ]
    check(expr, {"t": arrow}, expected)


# --- 8. aggregates --------------------------------------------------------------------------


def test_max_per_group_is_null_for_a_group_of_nulls() -> None:
    """MAX over a group ignores nulls; a group whose values are all null (group 'b') has a
    NULL max; null group keys are one group; MIN likewise."""
    arrow = pa.table(
        {
            "g": ["a", "b", "a", "b", None, None, "c"],
            "d": pa.array(
                [D(2024, 1, 1), None, D(2025, 1, 1), None, D(2020, 1, 1), None, D(1969, 12, 31)],
                pa.date32(),
            ),
        }
    )
    t = unbound("t", arrow)
    expr = t.group_by("g").aggregate(m=t.d.max(), low=t.d.min())
    expected = [
        ("a", D(2025, 1, 1), D(2024, 1, 1)),
        ("b", None, None),
        (None, D(2020, 1, 1), D(2020, 1, 1)),
        ("c", D(1969, 12, 31), D(1969, 12, 31)),
    ]
    check(expr, {"t": arrow}, expected)


def test_max_of_integers_per_two_keys() -> None:
    """MAX of integers grouped by two keys, negative values and nulls included."""
    arrow = pa.table(
        {
            "g": ["a", "a", "a", "b", "b"],
            "h": pa.array([1, 1, 2, 1, None], pa.int64()),
            "x": pa.array([-5, -7, None, 3, 4], pa.int64()),
        }
    )
    t = unbound("t", arrow)
    expr = t.group_by(["g", "h"]).aggregate(m=t.x.max())
    check(expr, {"t": arrow}, [("a", 1, -5), ("a", 2, None), ("b", 1, 3), ("b", None, 4)])


def test_aggregate_without_groups_over_no_rows_is_one_null_row() -> None:
    """SELECT MAX(x) FROM (no rows): an aggregate without GROUP BY gives exactly one row, its
    MAX NULL, even over an empty input."""
    arrow = pa.table({"x": pa.array([1, 2], pa.int64())})
    t = unbound("t", arrow)
    expr = t.filter(t.x > 5).aggregate(m=t.x.max())
    check(expr, {"t": arrow}, [(None,)])


# --- integer arithmetic ---------------------------------------------------------------------


def test_integer_addition_and_subtraction_with_nulls() -> None:
    """x + y and x - y are NULL when either side is; a literal is added to every row."""
    arrow = pa.table(
        {
            "i": ids(3),
            "x": pa.array([1, None, -4], pa.int64()),
            "y": pa.array([10, 3, None], pa.int64()),
        }
    )
    t = unbound("t", arrow)
    expr = t.select("i", s=t.x + t.y, d=t.x - t.y, k=t.x + 100)
    check(expr, {"t": arrow}, [(0, 11, -9, 101), (1, None, None, None), (2, None, None, 96)])


def test_sum_of_small_literals_does_not_wrap() -> None:
    """100 + 100 is 200: Ibis types each literal as int8, but their sum is not computed in
    8 bits (DuckDB's literals are INTEGER)."""
    arrow = pa.table({"x": pa.array([1], pa.int64())})
    t = unbound("t", arrow)
    expr = t.select(y=ibis.literal(100) + ibis.literal(100))
    check(expr, {"t": arrow}, [(200,)])


# --- 9. string functions --------------------------------------------------------------------


def test_string_functions_over_mixed_case_nulls_and_non_ascii() -> None:
    """lower(), replace(s, 'a', 'b') (every occurrence, case-sensitive), contains(s, 'x')
    and length(s) (characters, not bytes) over mixed case, non-ASCII and null values; two
    values that lower to one string stay equal after."""
    values = ["Élodie", "ABBA", "abba", None, "xaXa", "", "naïve", "ΣΑΣ"]
    arrow = pa.table({"i": ids(len(values)), "s": values})
    t = unbound("t", arrow)
    expr = t.select(
        "i",
        low=t.s.lower(),
        rep=t.s.replace("a", "b"),
        has=t.s.contains("x"),
        has_accent=t.s.contains("ï"),
        n=t.s.length(),
        same=t.s.lower() == "abba",
    )
    expected = [
        (0, "élodie", "Élodie", False, False, 6, False),
        (1, "abba", "ABBA", False, False, 4, True),
        (2, "abba", "bbbb", False, False, 4, True),
        (3, None, None, None, None, None, None),
        (4, "xaxa", "xbXb", True, False, 4, False),
        (5, "", "", False, False, 0, False),
        (6, "naïve", "nbïve", False, True, 5, False),
        (7, "σασ", "ΣΑΣ", False, False, 3, False),
    ]
    check(expr, {"t": arrow}, expected)


def test_replacing_an_empty_string_leaves_the_value() -> None:
    """replace(s, '', 'x') is s in DuckDB (pyarrow's replace of '' would not end)."""
    values = ["ab", "", None]
    arrow = pa.table({"i": ids(len(values)), "s": values})
    t = unbound("t", arrow)
    check(t.select("i", r=t.s.replace("", "x")), {"t": arrow}, [(0, "ab"), (1, ""), (2, None)])


# --- 10. union ------------------------------------------------------------------------------


def test_union_all_of_tables_with_different_strings() -> None:
    """UNION ALL keeps every row of both tables, duplicates included, and each string stays
    itself though the tables' dictionaries differ (a string only in one table, nulls)."""
    left = pa.table({"s": ["m", "a", None, "a"], "x": pa.array([1, 2, 3, 2], pa.int64())})
    right = pa.table({"s": ["z", "a", "b"], "x": pa.array([4, 2, None], pa.int64())})
    a, b = unbound("a", left), unbound("b", right)
    expr = a.union(b, distinct=False)
    expected = [("m", 1), ("a", 2), (None, 3), ("a", 2), ("z", 4), ("a", 2), ("b", None)]
    check(expr, {"a": left, "b": right}, expected)
    check(expr.filter(expr.s == "a").select("x"), {"a": left, "b": right}, [(2,), (2,), (2,)])


# --- 11. what the evaluator does not take ---------------------------------------------------


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (lambda t: t.select(y=t.x * 2), "Multiply"),
        (lambda t: t.select(parts=t.s.split(",")), "StringSplit"),
        (lambda t: t.select(u=t.s.upper()), "Uppercase"),
        (lambda t: t.group_by("s").aggregate(n=t.x.sum()), "Sum"),
        (lambda t: t.distinct(), "Distinct"),
    ],
)
def test_operations_it_does_not_take_raise_not_columnar(
    build: Callable[[ibis.Table], ibis.Table], named: str
) -> None:
    """An operation outside the evaluator's tables raises NotColumnar naming it, never a guess
    (the columns are computed when read, so reading them is what raises)."""
    arrow = pa.table({"s": ["a,b", None], "x": pa.array([1, 2], pa.int64())})
    t = unbound("t", arrow)
    expr = build(t)
    duckdb_rows(expr, {"t": arrow})  # DuckDB takes it
    with pytest.raises(NotColumnar, match=named):
        evaluate(expr, {"t": arrow})
