"""The docket statements' own machinery: person_in as bits of one grouped pass
(engine/memberships.py) and the coded statement written to Parquet (engine/status_codes.py).
The scenarios and test_synthetic.py compare the docket with the one-person engine; these
check the pieces a scenario could miss."""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
import pyarrow.parquet as pq
import pytest

from accord.engine import DecisionRequest, FactStore, screen_docket, screen_table
from accord.engine.compiler import docket_facts, statement_relations
from accord.engine.memberships import MAX_SUBSETS, DocketMemberships
from accord.engine.status_codes import coded_table, decoded
from accord.law.framework import FAIL, NOT_APPLICABLE, PASS, UNKNOWN
from accord.synthetic import synthetic_docket

PEOPLE = ibis.table({"person_id": "string", "age": "int64"}, name="people")
ROWS = ibis.table({"person_id": "string", "kind": "string"}, name="rows")


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    people = "VALUES ('a', 30), ('b', 10), ('c', 50)"
    con.execute(f"CREATE TABLE people AS SELECT * FROM ({people}) v(person_id, age)")
    rows = "VALUES ('a', 'x'), ('a', 'y'), ('c', 'y')"
    con.execute(f"CREATE TABLE rows AS SELECT * FROM ({rows}) v(person_id, kind)")
    return con


def _run(
    con: duckdb.DuckDBPyConnection, members: DocketMemberships, expr: ibis.Expr
) -> list[tuple[object, ...]]:
    ctes = ", ".join(
        f"shared_{name} AS ({ibis.to_sql(rel, dialect='duckdb')})"
        for name, rel in members.relations().items()
    )
    sql = f"WITH {ctes} {ibis.to_sql(expr, dialect='duckdb')} ORDER BY person_id"
    return con.execute(sql).fetchall()


def test_each_subset_is_one_flag_and_persons_without_rows_are_false() -> None:
    members = DocketMemberships(PEOPLE)
    x = members.flag(ROWS.filter(ROWS.kind == "x"))
    y = members.flag(ROWS.filter(ROWS.kind == "y"))
    again = members.flag(ROWS.filter(ROWS.kind == "x"))  # the same subset: the same bit
    none = members.flag(ROWS.filter(ROWS.kind == "z"))
    p = members.persons
    expr = p.select("person_id", x=x, y=y, again=again, none=none)
    assert _run(_con(), members, expr) == [
        ("a", True, True, True, False),
        ("b", False, False, False, False),
        ("c", False, True, False, False),
    ]
    assert len(members._bits) == 3


def test_bits_past_the_first_word_answer_like_the_first() -> None:
    members = DocketMemberships(PEOPLE)
    flags = [members.flag(ROWS.filter(ROWS.kind == f"k{i}")) for i in range(70)]
    last = members.flag(ROWS.filter(ROWS.kind == "y"))  # bit 70: in the second word
    expr = members.persons.select("person_id", first=flags[0], last=last)
    assert _run(_con(), members, expr) == [
        ("a", False, True),
        ("b", False, False),
        ("c", False, True),
    ]


def test_among_some_persons_their_flags_are_as_among_everyone_and_no_one_else_is_there() -> None:
    """An impact decides an order's class only (`among`): those persons' flags must be the
    ones a statement over everyone gives them, and nobody else may come out."""
    con = _con()
    con.execute("CREATE TABLE chosen AS SELECT * FROM (VALUES ('a'), ('b')) v(person_id)")
    chosen = ibis.table({"person_id": "string"}, name="chosen")
    answers = []
    for among in (None, chosen):
        members = DocketMemberships(PEOPLE, among)
        x = members.flag(ROWS.filter(ROWS.kind == "x"))
        y = members.flag(ROWS.filter(ROWS.kind == "y"))
        answers.append(_run(con, members, members.persons.select("person_id", x=x, y=y)))
    everyone, some = answers
    assert everyone == [("a", True, True), ("b", False, False), ("c", False, True)]
    assert some == everyone[:2]


def test_too_many_subsets_fail_loudly() -> None:
    members = DocketMemberships(PEOPLE)
    for i in range(MAX_SUBSETS):
        members.flag(ROWS.filter(ROWS.kind == f"k{i}"))
    with pytest.raises(RuntimeError, match="subsets in one statement"):
        members.flag(ROWS.filter(ROWS.kind == "one more"))


def test_coded_statuses_decode_to_the_same_strings_whatever_the_status_expression() -> None:
    p = PEOPLE
    statuses = {
        "case_of_literals": ibis.cases((p.age < 18, FAIL), (p.age > 40, UNKNOWN), else_=PASS),
        "constant": ibis.literal(NOT_APPLICABLE),
        # not a CASE of literals: decoded through the fallback
        "computed": ibis.ifelse(p.age > 20, ibis.literal("pa") + ibis.literal("ss"), FAIL),
    }
    coded = ibis.to_sql(coded_table(p, statuses), dialect="duckdb")
    rows = _con().execute(decoded(coded, list(statuses)) + " ORDER BY person_id").fetchall()
    assert [tuple(str(v) for v in row) for row in rows] == [
        ("a", PASS, NOT_APPLICABLE, PASS, "eligible"),
        ("b", FAIL, NOT_APPLICABLE, FAIL, "ineligible"),
        ("c", UNKNOWN, NOT_APPLICABLE, PASS, "undetermined"),
    ]


def test_docket_relations_come_after_what_they_read() -> None:
    facts, members = docket_facts()
    facts.person_in(facts.removal_orders.filter(facts.removal_orders.kind == "expedited"))
    names = list(statement_relations(facts, members))
    assert names[-2:] == ["members", "persons_flagged"]


def test_the_parquet_screen_equals_the_string_screen(tmp_path: Path) -> None:
    store = FactStore.from_tables(synthetic_docket(3_000, seed=5))
    request = DecisionRequest.build(
        agreement="sv-2025-offer",
        pathway="custody_placement",
        destination="SV",
        as_of="2025-03-16",
        facility="CECOT",
    )
    out = tmp_path / "screen.parquet"
    summary = screen_docket(store=store, request=request, out=out)
    # the store stays usable after a screen (no result left unfinished on its connection)
    written = pq.read_table(out).cast(screen_table(store=store, request=request).schema)
    assert written.equals(screen_table(store=store, request=request))
    assert summary.persons == 3_000
    assert sum(summary.outcomes.values()) == 3_000
