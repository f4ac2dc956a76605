"""listing.py on both backends: filter, sort, page with the total, and the CSV of the whole
filtered list (streamed, formula-safe, masked for analysts), through the Listing itself and
through the list pages."""

from __future__ import annotations

import re

import pytest

from accord.dashboard import lists
from accord.dashboard.listing import Choice, Column, DateRange, Listing
from accord.db import read_session
from accord.errors import InputError
from accord.registry.search import people_statement
from page_reading import csv_rows

from .conftest import Api, Registry
from .people_data import PERSONS, load_people

SMALL = Listing(  # the people list, three to a page
    columns=(
        Column("person_id", "Person id", mask=True),
        Column("name", "Name"),
        Column("birth_date", "Date of birth", filter=DateRange()),
        Column("nationality", "Nationality", sortable=False),
        Column("latest_state", "Latest case", filter=Choice([("ready", "Ready")])),
    ),
    default_sort="person_id",
    unique="person_id",
    page_size=3,
)


def _page(registry: Registry, **params: str):  # type: ignore[no-untyped-def]
    with read_session(registry.engine) as session:
        return SMALL.apply(session, people_statement(session), params)


def test_pages_carry_the_total_and_the_sort(registry: Registry) -> None:
    load_people(registry)
    first = _page(registry)
    assert (first.total, first.pages, first.page) == (7, 3, 1)
    assert [r["person_id"] for r in first.rows] == ["co-001", "gt-001", "hn-001"]
    assert (first.first, first.last) == (1, 3)
    last = _page(registry, page="3")
    assert [r["person_id"] for r in last.rows] == ["ve-002"]
    assert (last.first, last.last) == (7, 7)
    beyond = _page(registry, page="99")  # past the end: the last page
    assert beyond.page == 3
    by_name = _page(registry, sort="-name")
    assert [r["name"] for r in by_name.rows] == [
        "Pedro Hernandez Ficticio",
        "Maria Gonzalez Ficticia",
        "Luis Ramirez Ficticio",
    ]
    assert by_name.query(page=2) == "?sort=-name&page=2"
    assert by_name.sort_query(SMALL.column("name")) == "?sort=name"


def test_filters_are_sql_and_count_only_what_they_keep(registry: Registry) -> None:
    load_people(registry)
    born = _page(registry, birth_date_from="1990-01-01", birth_date_to="1990-01-01")
    assert born.total == 2
    assert {r["person_id"] for r in born.rows} == {"ve-001", "sv-002"}
    assert born.filters == {"birth_date_from": "1990-01-01", "birth_date_to": "1990-01-01"}
    assert "birth_date_from=1990-01-01" in born.csv_query()
    assert born.clear_query() == "?"
    past = _page(registry, birth_date_from="1990-01-01", sort="name", page="5")
    assert (past.page, past.pages, past.total) == (2, 2, 5)  # a filtered list's last page
    assert len(past.rows) == 2
    none = _page(registry, latest_state="ready")
    assert (none.total, none.rows, none.pages) == (0, [], 1)


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "nationality"},  # not sortable
        {"sort": "nope"},
        {"page": "x"},
        {"page": "0"},
        {"latest_state": "flying"},  # not a choice the list offers
        {"birth_date_from": "1990-13-01"},
        {"birth_date_to": "soon"},
    ],
)
def test_what_the_list_cannot_use_is_refused(registry: Registry, params: dict[str, str]) -> None:
    with pytest.raises(InputError):
        _page(registry, **params)


def test_the_csv_is_the_whole_filtered_list(registry: Registry) -> None:
    load_people(registry)
    with read_session(registry.engine) as session:
        text = "".join(
            SMALL.csv_rows(
                session,
                people_statement(session),
                {"sort": "-name"},
                pid=lambda p: p,
                masked=False,
            )
        )
    rows = csv_rows(text)
    assert rows[0] == ["Person id", "Name", "Date of birth", "Nationality", "Latest case"]
    assert len(rows) == 1 + len(PERSONS)  # every page, not the first three
    assert rows[1][:3] == ["gt-001", "Pedro Hernandez Ficticio", "1995-07-07"]
    formula = next(r for r in rows if r[0] == "co-001")
    assert formula[1] == '\'=HYPERLINK("http://x")'  # a spreadsheet shows it, runs nothing


def test_people_page_and_csv_through_the_app(api: Api) -> None:
    load_people(api.registry)
    page = api.call("olivia", "GET", "/people", params={"sort": "-birth_date"})
    assert page.status_code == 200, page.text
    assert "Showing 1–7 of 7" in page.text
    assert page.text.index("co-001") < page.text.index("hn-001")  # youngest first
    download = api.call("olivia", "GET", "/people", params={"format": "csv", "nationality": "ve"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = csv_rows(download.text)
    assert [r[0] for r in rows[1:]] == ["ve-001", "ve-002"]
    actions = api.registry.sql(
        "SELECT action, change FROM audit_log WHERE action = 'read.dashboard_people' ORDER BY seq"
    )
    assert len(actions) == 2
    assert '"format":"csv"' in actions[1][1].replace(" ", "")


def test_analysts_see_masked_ids_and_no_names(api: Api) -> None:
    load_people(api.registry)
    page = api.call("ana", "GET", "/people")
    assert page.status_code == 200, page.text
    assert "Showing 1–7 of 7" in page.text
    for person_id, name, born, _ in PERSONS:
        assert person_id not in page.text
        assert name.split()[0] not in page.text
        assert born not in page.text
    download = api.call("ana", "GET", "/people", params={"format": "csv"})
    rows = csv_rows(download.text)
    assert rows[0] == ["Person id", "Nationality", "Latest case"]
    masked = [r[0] for r in rows[1:]]
    assert len(masked) == 7
    assert not set(masked) & {p[0] for p in PERSONS}
    assert all(re.fullmatch(r"[A-Za-z0-9:_-]+", m) for m in masked)
    # a sort by the ids would tell their order; a name search would unmask them
    assert api.call("ana", "GET", "/people", params={"sort": "-person_id"}).status_code == 400
    found = api.call("ana", "GET", "/people", params={"q": "ve-001"})
    assert "Showing 1–7 of 7" in found.text  # the search text is ignored for analysts


def test_every_list_page_filters_and_downloads(api: Api) -> None:
    from operations.people import departed_mission, venezuelan

    departed_mission(api.registry, [venezuelan(1), venezuelan(2)])
    cases = api.call("mona", "GET", "/cases", params={"state": "departed"})
    assert cases.status_code == 200, cases.text
    assert "Showing 1–2 of 2" in cases.text
    none = api.call("mona", "GET", "/cases", params={"state": "denied"})
    assert "Showing 0 of 0" in none.text
    bad = api.call("mona", "GET", "/cases", params={"state": "flying"})
    assert bad.status_code == 400
    csv_text = api.call("mona", "GET", "/cases", params={"format": "csv"}).text
    assert [r[1] for r in csv_rows(csv_text)[1:]] == ["ve-002", "ve-001"]  # newest first
    missions = api.call("mona", "GET", "/missions", params={"carrier": "globalx"})
    assert "GST-1" in missions.text
    assert "Showing 1–1 of 1" in missions.text
    mission_rows = csv_rows(api.call("mona", "GET", "/missions", params={"format": "csv"}).text)
    header = mission_rows[0]
    assert mission_rows[1][header.index("Departed")] == "2"
    invoices = api.call("mona", "GET", "/invoices")
    assert "Billing has no invoices yet" in invoices.text
    for path in ("/invoices", "/visits", "/monitoring/incidents", "/monitoring/consular",
                 "/monitoring/counsel", "/monitoring/returns"):  # fmt: skip
        response = api.call("mona", "GET", path)
        assert response.status_code == 200, (path, response.text)
        assert path == "/invoices" or "Showing" in response.text
        download = api.call("mona", "GET", path, params={"format": "csv"})
        assert download.status_code == 200, path
        assert download.headers["content-type"].startswith("text/csv"), path


def test_the_lists_are_defined_over_their_columns() -> None:
    for listing in (lists.CASES, lists.MISSIONS, lists.INVOICES, lists.VISITS, lists.PEOPLE):
        keys = [c.key for c in listing.columns]
        assert len(keys) == len(set(keys))
        assert listing.unique in keys


def test_the_whole_list_joins_what_a_page_looks_up_per_row(registry: Registry) -> None:
    """The CSV of every person (nationality and latest case joined once) and the list with
    them read per row give the same cells, after a correction and a retraction too."""
    from accord.db import write_session
    from accord.registry import record_list, retract_list
    from operations.people import at, departed_mission, venezuelan

    departed_mission(registry, [venezuelan(1), venezuelan(2), venezuelan(3)])
    with write_session(registry.engine) as session:
        olivia = registry.users["olivia"]
        record_list(
            session,
            actor=olivia,
            person_id="ve-002",
            list_name="nationalities",
            items=["CO", "VE"],
            source_document="corrected passport record",
            now=at(20),
        )
        retract_list(
            session,
            actor=olivia,
            person_id="ve-003",
            list_name="nationalities",
            source_document="nationality in doubt",
            now=at(20, 13),
        )

    def cells(bulk: bool) -> list[list[str]]:
        with read_session(registry.engine) as session:
            text = "".join(
                lists.PEOPLE.csv_rows(
                    session,
                    people_statement(session, bulk=bulk),
                    {},
                    pid=lambda p: p,
                    masked=False,
                )
            )
        return csv_rows(text)

    per_row = cells(bulk=False)
    assert per_row == cells(bulk=True)
    by_id = {r[0]: r for r in per_row[1:]}
    assert by_id["ve-002"][3] == "CO, VE"  # in the record's order
    assert by_id["ve-003"][3] == ""  # retracted: not known
    assert {r[4] for r in per_row[1:]} == {"departed"}
