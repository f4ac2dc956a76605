"""listing_rows.py: a list computed in Python is filtered, sorted, paged and downloaded as
the same Listing over SQL would be (compared on the people list, on both backends)."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.dashboard import listing_rows
from accord.dashboard.listing import Choice, Column, DateRange, Exact, Listing, Text
from accord.db import read_session
from accord.errors import InputError
from accord.registry.search import people_statement

from .conftest import Registry
from .people_data import load_people

PEOPLE = Listing(  # three to a page, a filter of each kind
    columns=(
        Column("person_id", "Person id", mask=True, filter=Text(prefix=True)),
        Column("name", "Name", filter=Text()),
        Column("birth_date", "Date of birth", filter=DateRange()),
        Column("nationality", "Nationality", filter=Exact()),
        Column("latest_state", "Latest case", filter=Choice([("ready", "Ready")])),
    ),
    default_sort="person_id",
    unique="person_id",
    page_size=3,
)
CASES = [
    {},
    {"page": "2"},
    {"page": "99"},
    {"sort": "-name"},
    {"sort": "birth_date"},
    {"sort": "-birth_date", "page": "2"},
    {"sort": "-person_id"},
    {"name": "fIcTi"},
    {"person_id": "s"},
    {"birth_date_from": "1990-01-01"},
    {"birth_date_from": "1985-01-01", "birth_date_to": "1990-01-01", "sort": "-birth_date"},
    {"latest_state": "ready"},
]


def _sql_and_rows(registry: Registry, params: dict[str, str]):  # type: ignore[no-untyped-def]
    with read_session(registry.engine) as session:
        statement = people_statement(session)
        sql = PEOPLE.apply(session, statement, params)
        everyone = [dict(r._mapping) for r in session.execute(statement)]
    return sql, listing_rows.page(PEOPLE, everyone, params), everyone


@pytest.mark.parametrize("params", CASES, ids=[str(c) or "plain" for c in CASES])
def test_the_same_page_as_the_listing_in_sql(registry: Registry, params: dict[str, str]) -> None:
    load_people(registry)
    sql, rows, everyone = _sql_and_rows(registry, params)
    assert len(everyone) == 7
    assert [r["person_id"] for r in rows.rows] == [r["person_id"] for r in sql.rows]
    assert (rows.total, rows.page, rows.pages) == (sql.total, sql.page, sql.pages)
    assert (rows.sort, rows.filters) == (sql.sort, sql.filters)
    assert rows.query(page=2) == sql.query(page=2)


def test_empty_cells_sort_last_either_way_and_ties_by_the_unique_column() -> None:
    listing = Listing(
        columns=(Column("id", "Id", numeric=True), Column("day", "Day")),
        default_sort="id",
        unique="id",
    )
    rows = [
        {"id": 4, "day": dt.date(2025, 3, 15)},
        {"id": 1, "day": None},
        {"id": 3, "day": dt.date(2025, 3, 15)},
        {"id": 2, "day": dt.date(2025, 1, 1)},
    ]
    up = listing_rows.page(listing, rows, {"sort": "day"})
    down = listing_rows.page(listing, rows, {"sort": "-day"})
    assert [r["id"] for r in up.rows] == [2, 3, 4, 1]
    assert [r["id"] for r in down.rows] == [3, 4, 2, 1]
    assert [r["id"] for r in listing_rows.page(listing, rows, {"sort": "-id"}).rows] == [4, 3, 2, 1]


def test_the_csv_is_the_whole_filtered_list_formula_safe_and_masked() -> None:
    listing = Listing(
        columns=(
            Column("person_id", "Person", mask=True),
            Column("note", "Note", filter=Text()),
        ),
        default_sort="person_id",
        unique="person_id",
        page_size=1,
    )
    rows = [
        {"person_id": "sv-2", "note": "=HYPERLINK(1) x"},
        {"person_id": "sv-1", "note": "plain x"},
        {"person_id": "sv-3", "note": "other"},
    ]
    text = "".join(listing_rows.csv_text(listing, rows, {"note": "x"}))
    assert text == "Person,Note\r\nsv-1,plain x\r\nsv-2,'=HYPERLINK(1) x\r\n"
    masked = "".join(
        listing_rows.csv_text(listing, rows, {}, masked=True, pid=lambda p: "m-" + p[-1])
    )
    assert masked.splitlines()[1:] == ["m-1,plain x", "m-2,'=HYPERLINK(1) x", "m-3,other"]


def test_a_value_the_list_cannot_use_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not one this list offers"):
        listing_rows.page(PEOPLE, [], {"latest_state": "nope"})
    with pytest.raises(InputError, match="cannot sort"):
        listing_rows.page(PEOPLE, [], {"sort": "nope"})
    with pytest.raises(InputError, match="whole number"):
        listing_rows.page(PEOPLE, [], {"page": "x"})
