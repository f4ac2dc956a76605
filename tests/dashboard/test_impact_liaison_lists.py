"""Impact's persons (GET /impact) and cases (GET /impact/cases), and the liaison's expected
arrivals (GET /liaison), as every list: filtered, sorted, paged with the total and
downloaded as CSV (listing_rows.py), over HTTP on SQLite and PostgreSQL, the page's own
parameters (the change weighed; the facility) kept in every link.

The records (a flight to CECOT on 15 March 2025 and an order entered while it was in the
air) are written at their injected 2025 times before anyone signs in: signing in is
audited at the real time, and record time never goes back."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from accord.dashboard import lists_computed
from accord.dashboard.labels import options
from accord.db import write_session
from accord.operations.handover import confirm_handover
from impact.flight import departed_and_ordered
from operations.people import departed_mission, salvadoran
from page_reading import audit_entries, csv_rows, table_rows

from .conftest import Api

NAMES = {"sv-001": "Carlos Prueba Uno", "sv-002": "Mario Prueba Dos", "sv-003": "Ana Prueba Tres"}


def _links(page: str, rel: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a href="([^"]+)" rel="{rel}">', page)]


def _refused(client: TestClient, path: str, params: dict[str, str], line: str) -> None:
    refused = client.get(path, params=params)
    assert refused.status_code == 400, (params, refused.text[:300])
    assert line in html.unescape(refused.text), (params, refused.text[:500])


# --- impact ----------------------------------------------------------------------------------


@pytest.fixture
def entry(api: Api) -> str:
    """The order's law entry: it changes the outcome of the two Venezuelans in the air."""
    return str(departed_and_ordered(api.registry)[1])


def test_impact_lists_every_person_whose_outcome_changes(
    api: Api, entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lena = api.browser("lena")
    page = lena.get("/impact", params={"entry": entry})
    assert page.status_code == 200, page.text[:500]
    rows = table_rows(page.text, "impact-persons")
    assert [r[1] for r in rows] == ["ve-001", "ve-002"]
    assert all(r[0].count(" · ") == 2 for r in rows)  # agreement · pathway · destination
    assert all("no_class_order_bar" in r[4] for r in rows)
    assert "Showing 1–2 of 2" in page.text
    assert f'href="/impact/cases?entry={entry}"' in page.text  # the cases' own list

    one = lena.get("/impact", params={"entry": entry, "person_id": "ve-002"})
    assert [r[1] for r in table_rows(one.text, "impact-persons")] == ["ve-002"]
    other_rule = lena.get("/impact", params={"entry": entry, "rules": "no such rule"})
    assert table_rows(other_rule.text, "impact-persons") == [["No person matches the filters."]]
    after = rows[0][3]  # the outcome after, by its label: the same for both
    code = next(c for c, label in options("outcome") if label == after)
    same = lena.get("/impact", params={"entry": entry, "after": code})
    assert len(table_rows(same.text, "impact-persons")) == 2
    down = lena.get("/impact", params={"entry": entry, "sort": "-person_id"})
    assert [r[1] for r in table_rows(down.text, "impact-persons")] == ["ve-002", "ve-001"]

    monkeypatch.setattr(lists_computed, "PAGE_SIZE", 1)
    first = lena.get("/impact", params={"entry": entry})
    assert "Showing 1–1 of 2" in first.text
    (next_link,) = _links(first.text, "next")
    assert f"entry={entry}" in next_link  # the change weighed, kept
    second = lena.get("/impact" + next_link)
    assert "Showing 2–2 of 2" in second.text
    assert [r[1] for r in table_rows(second.text, "impact-persons")] == ["ve-002"]

    download = lena.get("/impact", params={"entry": entry, "format": "csv", "sort": "-person_id"})
    assert download.status_code == 200
    assert 'filename="impact-persons.csv"' in download.headers["content-disposition"]
    table = csv_rows(download.text)
    assert table[0] == ["Request", "Person", "Before", "After", "Rules changed"]
    assert [r[1] for r in table[1:]] == ["ve-002", "ve-001"]  # whole list, the page's order
    assert table[1][3] == code
    audited = audit_entries(api.registry, "read.dashboard_impact")
    assert [a.get("format") for a in audited] == [None] * (len(audited) - 1) + ["csv"]
    assert audited[-1]["list"] == "persons"

    for params, line in (
        ({"before": "nope"}, "Before 'nope' is not one this list offers"),
        ({"sort": "secret"}, "cannot sort this list by 'secret'"),
        ({"page": "x"}, "page 'x': a whole number from 1"),
    ):
        _refused(lena, "/impact", {"entry": entry, **params}, line)
        if "page" not in params:  # the CSV is the whole list: no page
            _refused(lena, "/impact", {"entry": entry, "format": "csv", **params}, line)


def test_impact_lists_the_transfer_cases_touched(api: Api, entry: str) -> None:
    lena = api.browser("lena")
    page = lena.get("/impact/cases", params={"entry": entry})
    assert page.status_code == 200, page.text[:500]
    rows = table_rows(page.text, "impact-cases")
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("departed, in the air", "ve-001", "GST-1"),
        ("departed, in the air", "ve-002", "GST-1"),
    ]
    assert {r[7] for r in rows} == {"yes"}  # both in the order's class
    assert "Showing 1–2 of 2" in page.text
    assert f'href="/impact?entry={entry}"' in page.text

    def cases(**params: str) -> list[str]:
        found = lena.get("/impact/cases", params={"entry": entry, **params})
        assert found.status_code == 200, found.text[:300]
        return [r[2] for r in table_rows(found.text, "impact-cases") if len(r) > 1]

    assert cases(group="departed, in the air") == ["ve-001", "ve-002"]
    assert cases(group="ready") == []
    assert cases(mission="gst-1") == ["ve-001", "ve-002"]
    assert cases(mission="GST-9") == []
    assert cases(person_id="ve-002") == ["ve-002"]
    assert cases(sort="-case_id") == ["ve-002", "ve-001"]

    download = lena.get(
        "/impact/cases", params={"entry": entry, "format": "csv", "sort": "-case_id"}
    )
    assert download.status_code == 200
    assert 'filename="impact-cases.csv"' in download.headers["content-disposition"]
    table = csv_rows(download.text)
    assert table[0] == [
        "State",
        "Case",
        "Person",
        "Mission",
        "Planned departure",
        "Before",
        "After",
        "Class member",
    ]
    assert [r[2] for r in table[1:]] == ["ve-002", "ve-001"]
    assert table[1][4] == "2025-03-15T18:00:00+00:00"
    last = audit_entries(api.registry, "read.dashboard_impact")[-1]
    assert (last["list"], last["format"]) == ("cases", "csv")
    _refused(lena, "/impact/cases", {"entry": entry, "group": "lost"}, "'lost' is not one")
    _refused(lena, "/impact/cases", {"entry": entry, "format": "csv", "sort": "x"}, "cannot sort")
    # without a change picked, or with a bad one: the Impact page says what to pick
    bare = lena.get("/impact/cases")
    assert (bare.status_code, bare.headers["location"]) == (303, "/impact")
    bad = lena.get("/impact/cases", params={"entry": "x"})
    assert (bad.status_code, bad.headers["location"]) == (303, "/impact?entry=x")
    assert lena.get(bad.headers["location"]).status_code == 400


def test_an_analyst_may_not_read_the_impact_lists(api: Api, entry: str) -> None:
    ana = api.browser("ana")
    for path in ("/impact", "/impact/cases"):
        for extra in ({}, {"format": "csv"}):
            assert ana.get(path, params={"entry": entry, **extra}).status_code == 403


# --- the liaison's expected arrivals -----------------------------------------------------------


@pytest.fixture
def flight(api: Api) -> dict[str, int]:
    """GST-7 departed to CECOT with three named Salvadorans; sv-001 received at the door."""
    records = []
    for n, (person_id, name) in enumerate(NAMES.items(), start=1):
        record = salvadoran(n)
        assert record["person_id"] == person_id
        records.append(record | {"name": name})
    cases = departed_mission(api.registry, records, mission="GST-7")
    with write_session(api.registry.engine) as session:
        confirm_handover(
            session, actor=api.registry.users["liam"], mission_number="GST-7", person_ids=["sv-001"]
        )
    return cases


def test_the_liaison_lists_the_expected_arrivals(
    api: Api, flight: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    liam = api.browser("liam")
    page = liam.get("/liaison")
    assert page.status_code == 200, page.text[:500]
    rows = table_rows(page.text, "arrivals")
    assert [(r[0], r[1], r[5], r[6]) for r in rows] == [
        (NAMES["sv-001"], "sv-001", "GST-7", "Arrived"),
        (NAMES["sv-002"], "sv-002", "GST-7", "Waiting"),
        (NAMES["sv-003"], "sv-003", "GST-7", "Waiting"),
    ]
    assert rows[0][2] == "1994-08-12"
    assert rows[0][3] == "SV"
    assert rows[1][4] == str(flight["sv-002"])
    assert "Showing 1–3 of 3" in page.text
    assert "Mission GST-7" in page.text  # the handover form stays below

    def names(**params: str) -> list[str]:
        found = liam.get("/liaison", params=params)
        assert found.status_code == 200, found.text[:300]
        return [r[0] for r in table_rows(found.text, "arrivals") if len(r) > 1]

    assert names(status="waiting") == [NAMES["sv-002"], NAMES["sv-003"]]
    assert names(status="arrived") == [NAMES["sv-001"]]
    assert names(status="returned on board") == []
    assert names(name="prueba d") == [NAMES["sv-002"]]
    assert names(mission="GST-7", sort="-name") == [
        NAMES["sv-002"],
        NAMES["sv-001"],
        NAMES["sv-003"],
    ]

    monkeypatch.setattr(lists_computed, "PAGE_SIZE", 2)
    first = liam.get("/liaison", params={"facility": "CECOT"})
    assert "Showing 1–2 of 3" in first.text
    (next_link,) = _links(first.text, "next")
    assert "facility=CECOT" in next_link  # the facility picked, kept
    second = liam.get("/liaison" + next_link)
    assert [r[0] for r in table_rows(second.text, "arrivals")] == [NAMES["sv-003"]]

    download = liam.get(
        "/liaison", params={"format": "csv", "status": "waiting", "sort": "-case_id"}
    )
    assert download.status_code == 200
    assert 'filename="arrivals-CECOT.csv"' in download.headers["content-disposition"]
    table = csv_rows(download.text)
    assert table[0] == [
        "Name",
        "Person",
        "Date of birth",
        "Nationality",
        "Case",
        "Mission",
        "Status",
    ]
    assert [r[0] for r in table[1:]] == [NAMES["sv-003"], NAMES["sv-002"]]  # all, not a page
    assert table[1][4:] == [str(flight["sv-003"]), "GST-7", "waiting"]
    audited = audit_entries(api.registry, "read.dashboard_liaison")
    assert audited[-1]["format"] == "csv"
    assert audited[-1]["status"] == "waiting"

    _refused(liam, "/liaison", {"status": "gone"}, "Status 'gone' is not one this list offers")
    _refused(liam, "/liaison", {"mission": "GST-9"}, "Mission 'GST-9' is not one this list offers")
    _refused(liam, "/liaison", {"format": "csv", "sort": "x"}, "cannot sort this list by 'x'")


def test_the_door_list_is_only_the_liaisons_own(api: Api, flight: dict[str, int]) -> None:
    liam = api.browser("liam")
    for extra in ({}, {"format": "csv"}):
        other = liam.get("/liaison", params={"facility": "TERMA", **extra})
        assert other.status_code in (403, 404)
    ana = api.browser("ana")
    assert ana.get("/liaison", params={"format": "csv"}).status_code == 403


def test_person_ids_are_masked_for_analysts_and_neither_filtered_nor_sorted() -> None:
    """Analysts may read neither page; were one of these lists shown masked, its person
    ids would be masked in the page and the CSV, and not filtered by (a prefix tells)."""
    from accord.dashboard import listing_rows

    listing = lists_computed.arrivals_listing(["GST-7"])
    rows = [
        {"seq": 1, "name": "A", "person_id": "sv-001", "case_id": 1, "mission": "GST-7"},
        {"seq": 2, "name": "B", "person_id": "sv-002", "case_id": 2, "mission": "GST-7"},
    ]
    page = listing_rows.page(listing, rows, {}, masked=True, pid=lambda p: "m-" + p[-1])
    person = listing.column("person_id")
    assert [page.cell(person, r) for r in page.rows] == ["m-1", "m-2"]
    assert not page.sortable(person)
    text = "".join(
        listing_rows.csv_text(listing, rows, {}, masked=True, pid=lambda p: "m-" + p[-1])
    )
    assert [r[1] for r in csv_rows(text)[1:]] == ["m-1", "m-2"]
    for masked_listing in (
        lists_computed.impact_persons_listing([]),
        lists_computed.impact_cases_listing(),
    ):
        assert masked_listing.column("person_id").mask
        assert masked_listing.filters({"person_id": "sv"}, masked=True) == {}
