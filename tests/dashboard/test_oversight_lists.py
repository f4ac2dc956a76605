"""The oversight pages' lists over HTTP, on SQLite and PostgreSQL: the court-order alerts
(/alerts) and reconcile's violations (/reconcile), computed in Python, and who is held at a
facility (/facilities/CECOT), in SQL. Each filters, sorts, pages with the total, downloads
the filtered list as CSV, refuses a bad value with one line, and audits the read.

The records are dated March 2025 and written before any page is read (the reads are
audited at the real time)."""

from __future__ import annotations

import html
import re

import pytest
from httpx import Response

from accord.dashboard import lists_facility
from accord.db import read_session, write_session
from accord.operations.law_due import act_on_due_law
from accord.operations.reconcile import reconcile
from operations.people import at, in_custody, venezuelan
from operations.test_law_due import depart, enter_the_order, plan, ready
from page_reading import audit_entries, csv_rows, table_rows

from .conftest import Api, Registry


def _three_in_the_air(registry: Registry) -> None:
    """ve-001..003 took off at 23:00 on 14 March; the order entered that afternoon is in force
    from the 15th and acts at 09:00: three incidents and three return cases open."""
    ids = ready(registry, [venezuelan(1), venezuelan(2), venezuelan(3)])
    plan(registry, "GST-7", list(ids.values()), at(14, 22))
    enter_the_order(registry, at(14, 16))
    assert depart(registry, "GST-7", at(14, 23)).departed
    with write_session(registry.engine) as s:
        assert act_on_due_law(s, actor=registry.users["lena"], at=at(15, 9))


def _showing(page: str) -> str:
    found = re.search(r"Showing [^<]*", page)
    assert found is not None
    return found[0].strip()


def _one_line_error(response: Response) -> str:
    assert response.status_code == 400, response.text[:300]
    found = re.search(r'<p class="flash error" role="alert">(.*?)</p>', response.text, re.S)
    assert found is not None
    assert "\n" not in found[1].strip()
    return html.unescape(found[1])


# --- /alerts -------------------------------------------------------------------------------


def test_alerts_filter_sort_page_and_download(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _three_in_the_air(api.registry)
    incidents = [int(i) for (i,) in api.registry.sql("SELECT id FROM incidents ORDER BY id")]
    returns = [int(i) for (i,) in api.registry.sql("SELECT id FROM return_cases ORDER BY id")]

    page = api.call("lena", "GET", "/alerts")
    assert page.status_code == 200, page.text[:300]
    rows = table_rows(page.text, "law-alerts")
    assert _showing(page.text) == "Showing 1–6 of 6"
    # in the order opened: each person's incident, then their return case
    assert [r[0] for r in rows] == [
        f"{what} {n}"
        for pair in zip(incidents, returns, strict=True)
        for what, n in zip(("incident", "return case"), pair, strict=True)
    ]
    assert {r[1] for r in rows} == {"ve-001", "ve-002", "ve-003"}
    assert {(r[2], r[3], r[5]) for r in rows} == {("GST-7", "ve-v-test", "in the class")}
    assert f'href="/monitoring/incidents/{incidents[0]}"' in page.text
    assert f'href="/monitoring/returns?id={returns[0]}"' in page.text
    assert 'href="/people/ve-002"' in page.text
    assert 'href="/missions/GST-7"' in page.text

    only = api.call("lena", "GET", "/alerts", params={"what": "return case"})
    assert [r[0] for r in table_rows(only.text, "law-alerts")] == [
        f"return case {n}" for n in returns
    ]
    person = api.call("lena", "GET", "/alerts", params={"person_id": "VE-002"})
    assert [r[1] for r in table_rows(person.text, "law-alerts")] == ["ve-002", "ve-002"]
    unknown = api.call("lena", "GET", "/alerts", params={"membership": "unknown"})
    assert table_rows(unknown.text, "law-alerts") == [["Nothing open matches the filters."]]
    assert "Nothing open: no person" not in unknown.text
    ordered = api.call("lena", "GET", "/alerts", params={"sort": "-person_id"})
    assert [r[1] for r in table_rows(ordered.text, "law-alerts")][:2] == ["ve-003", "ve-003"]

    monkeypatch.setattr(lists_facility, "PAGE_SIZE", 4)
    second = api.call("lena", "GET", "/alerts", params={"page": "2"})
    assert _showing(second.text) == "Showing 5–6 of 6"
    assert [r[0] for r in table_rows(second.text, "law-alerts")] == [
        f"incident {incidents[2]}",
        f"return case {returns[2]}",
    ]
    assert _showing(api.call("lena", "GET", "/alerts").text) == "Showing 1–4 of 6"

    csv = api.call(
        "olivia",
        "GET",
        "/alerts",
        params={"format": "csv", "what": "incident", "sort": "-person_id"},
    )
    assert csv.status_code == 200
    assert 'filename="court-order-alerts.csv"' in csv.headers["content-disposition"]
    table = csv_rows(csv.text)
    assert table[0] == [
        "Open",
        "Person",
        "Mission",
        "Court order",
        "Law entry",
        "Class membership",
    ]
    assert [(r[0], r[1], r[5]) for r in table[1:]] == [
        (f"incident {n}", p, "in_class")
        for n, p in zip(reversed(incidents), ("ve-003", "ve-002", "ve-001"), strict=True)
    ]

    assert "is not one this list offers" in _one_line_error(
        api.call("lena", "GET", "/alerts", params={"order": "no-such-order"})
    )
    assert api.call("lena", "GET", "/alerts", params={"page": "x"}).status_code == 400
    assert api.call("ana", "GET", "/alerts").status_code == 403  # analysts: no operations
    audited = audit_entries(api.registry, "read.dashboard_law_alerts")
    assert audited[0] == {"actor": "lena", "open": 6, "count": 6, "total": 6}
    assert {"actor": "lena", "open": 6, "count": 2, "total": 2, "person_id": "VE-002"} in audited
    assert {"actor": "olivia", "format": "csv", "open": 6, "what": "incident"} in audited


def test_nothing_open_says_so(api: Api) -> None:
    page = api.call("lena", "GET", "/alerts")
    assert "Nothing open: no person protected by a court order is unaccounted for." in page.text
    assert 'id="law-alerts"' not in page.text


# --- /reconcile ----------------------------------------------------------------------------


def test_reconcile_violations_filter_sort_page_and_download(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_in_the_air(api.registry)
    with read_session(api.registry.engine) as s:
        found = [(v.code, v.subject, v.message) for v in reconcile(s).violations]
    codes = {code for code, _, _ in found}
    assert {"unresolved_incident", "court_order_return_open"} <= codes
    everyone = len(found)

    page = api.call("mona", "GET", "/reconcile")
    assert page.status_code == 200
    assert f"{everyone} violation(s)." in page.text
    assert "Checked: " in page.text
    assert _showing(page.text) == f"Showing 1–{everyone} of {everyone}"
    rows = table_rows(page.text, "violations")
    assert [r[1] for r in rows] == [subject for _, subject, _ in found]  # as reconcile found
    assert rows[0][0].endswith(found[0][0])  # its label, then its code

    incident = api.call("mona", "GET", "/reconcile", params={"code": "unresolved_incident"})
    kept = [f for f in found if f[0] == "unresolved_incident"]
    assert [r[1] for r in table_rows(incident.text, "violations")] == [f[1] for f in kept]
    assert (
        table_rows(incident.text, "violations")[0][0] == "Unresolved incident unresolved_incident"
    )
    assert f"{everyone} violation(s)." in incident.text  # the flash counts them all
    about = api.call("mona", "GET", "/reconcile", params={"message": "VE-002"})
    mentioned = [f[2] for f in found if "ve-002" in f[2]]
    assert mentioned
    assert [r[2] for r in table_rows(about.text, "violations")] == mentioned
    records = api.call("mona", "GET", "/reconcile", params={"record": "return:"})
    returns = [f[1] for f in found if "return:" in f[1]]
    assert len(returns) == 3
    assert [r[1] for r in table_rows(records.text, "violations")] == returns
    by_code = api.call("mona", "GET", "/reconcile", params={"sort": "-code"})
    # by code, the other way round; within a code as reconcile found them (a stable sort)
    assert [r[1] for r in table_rows(by_code.text, "violations")] == [
        f[1] for f in sorted(found, key=lambda f: f[0], reverse=True)
    ]

    monkeypatch.setattr(lists_facility, "PAGE_SIZE", 2)
    second = api.call("mona", "GET", "/reconcile", params={"page": "2"})
    assert _showing(second.text) == f"Showing 3–4 of {everyone}"
    assert [r[1] for r in table_rows(second.text, "violations")] == [f[1] for f in found[2:4]]

    csv = api.call(
        "mona", "GET", "/reconcile", params={"format": "csv", "code": "unresolved_incident"}
    )
    assert 'filename="reconcile-violations.csv"' in csv.headers["content-disposition"]
    assert csv_rows(csv.text) == [["Violation", "Record", "What"], *[list(f) for f in kept]]

    assert "is not one this list offers" in _one_line_error(
        api.call("mona", "GET", "/reconcile", params={"code": "no_such_code"})
    )
    assert api.call("mona", "GET", "/reconcile", params={"sort": "link"}).status_code == 400
    audited = audit_entries(api.registry, "read.dashboard_reconcile")
    assert audited[0] == {
        "actor": "mona",
        "violations": everyone,
        "count": everyone,
        "total": everyone,
    }
    assert {
        "actor": "mona",
        "format": "csv",
        "violations": everyone,
        "code": "unresolved_incident",
    } in audited


def test_a_clean_registry_has_no_violations(api: Api) -> None:
    page = api.call("olivia", "GET", "/reconcile")
    assert "No violations: every case, mission, custody record and census agrees." in page.text
    assert 'id="violations"' not in page.text


# --- /facilities/{id}: held now ------------------------------------------------------------


def test_held_at_a_facility_filter_sort_page_and_download(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = in_custody(api.registry)  # ve-001, ve-002, sv-001 at CECOT since 16 March, 02:00

    page = api.call("mona", "GET", "/facilities/CECOT")
    assert page.status_code == 200, page.text[:300]
    assert "Held now (3)" in page.text
    assert "Census reports of CECOT" in page.text  # the page's other tables stay
    assert _showing(page.text) == "Showing 1–3 of 3"
    rows = table_rows(page.text, "held")
    assert rows == [
        [p, str(ids[p]), "sv-2025-offer", "GST-1", "2025-03-16 02:00 UTC"]
        for p in ("sv-001", "ve-001", "ve-002")
    ]
    assert 'href="/people/ve-001"' in page.text
    assert 'href="/missions/GST-1"' in page.text

    venezuelans = api.call("mona", "GET", "/facilities/CECOT", params={"person_id": "ve-"})
    assert [r[0] for r in table_rows(venezuelans.text, "held")] == ["ve-001", "ve-002"]
    pilot = api.call("mona", "GET", "/facilities/CECOT", params={"agreement_id": "sv-2025-pilot"})
    assert table_rows(pilot.text, "held") == [["No person held here matches the filters."]]
    assert _showing(pilot.text) == "Showing 0 of 0"
    offer = api.call("mona", "GET", "/facilities/CECOT", params={"agreement_id": "sv-2025-offer"})
    assert _showing(offer.text) == "Showing 1–3 of 3"
    newest = api.call("mona", "GET", "/facilities/CECOT", params={"sort": "-person_id"})
    assert [r[0] for r in table_rows(newest.text, "held")] == ["ve-002", "ve-001", "sv-001"]
    by_case = api.call("mona", "GET", "/facilities/CECOT", params={"sort": "-id"})
    assert [r[1] for r in table_rows(by_case.text, "held")] == [
        str(i) for i in sorted(ids.values(), reverse=True)
    ]

    # a receiving liaison sees its facility's persons, without links to case files or missions
    liaison = api.call("liam", "GET", "/facilities/CECOT")
    assert [r[0] for r in table_rows(liaison.text, "held")] == ["sv-001", "ve-001", "ve-002"]
    assert 'href="/people/' not in liaison.text
    assert 'href="/missions/' not in liaison.text

    monkeypatch.setattr(lists_facility, "PAGE_SIZE", 2)
    second = api.call("mona", "GET", "/facilities/CECOT", params={"page": "2"})
    assert _showing(second.text) == "Showing 3–3 of 3"
    assert [r[0] for r in table_rows(second.text, "held")] == ["ve-002"]
    assert "Page 2 of 2" in second.text

    csv = api.call(
        "mona",
        "GET",
        "/facilities/CECOT",
        params={"format": "csv", "person_id": "ve-", "sort": "-person_id"},
    )
    assert 'filename="held-CECOT.csv"' in csv.headers["content-disposition"]
    assert csv_rows(csv.text) == [
        ["Person", "Case", "Agreement", "Mission", "In custody since"],
        *[
            [p, str(ids[p]), "sv-2025-offer", "GST-1", "2025-03-16T02:00:00+00:00"]
            for p in ("ve-002", "ve-001")
        ],
    ]

    assert "is not one this list offers" in _one_line_error(
        api.call("mona", "GET", "/facilities/CECOT", params={"agreement_id": "us-none"})
    )
    assert api.call("mona", "GET", "/facilities/CECOT", params={"sort": "x"}).status_code == 400
    assert api.call("ana", "GET", "/facilities/CECOT").status_code == 403
    audited = audit_entries(api.registry, "read.dashboard_census")
    assert audited[0] == {"actor": "mona", "held": 3, "count": 3}
    assert {"actor": "mona", "held": 0, "count": 0, "agreement_id": "sv-2025-pilot"} in audited
    assert {"actor": "mona", "format": "csv", "held": 2, "person_id": "ve-"} in audited
