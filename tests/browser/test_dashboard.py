"""The dashboard in Chromium: log in as each role, walk a nomination through boarding, record a
monitoring visit, and check the overview at phone width. On PostgreSQL (the registry
fixture's postgresql case); screenshots go to build/test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.db import write_session
from accord.registry import record_list
from case_files import case_file

from .conftest import Dashboard

pytestmark = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)


def _flash(page: Any) -> str:
    flash = page.locator("p.flash.ok, p.flash.error").first
    expect(flash).to_be_visible()
    return str(flash.inner_text())


def _ok(page: Any, pattern: str) -> re.Match[str]:
    text = _flash(page)
    found = re.search(pattern, text)
    assert found, text
    assert "error" not in (page.locator("p.flash").first.get_attribute("class") or ""), text
    return found


def _nominate(dash: Dashboard, page: Any, person_id: str) -> int:
    page.goto(f"{dash.url}/people/{person_id}")
    expect(page.locator("h1")).to_contain_text(person_id)
    page.click("#nominate a")  # the nomination page: nothing chosen for the officer
    expect(page.locator("#field-agreement")).to_have_value("")
    page.select_option("#field-agreement", "sv-2025-offer")
    page.select_option("#field-pathway", "custody_placement")
    page.fill("#field-destination", "SV")
    page.fill("#field-facility", "CECOT")
    page.click("#nominate button[type=submit]")
    return int(_ok(page, r"transfer case (\d+)").group(1))


def test_officer_and_monitor_log_in(dashboard: Dashboard) -> None:
    dash = dashboard
    officer = dash.page("olivia")
    expect(officer.locator("nav")).to_contain_text("Missions")
    expect(officer.locator("h1")).to_have_text("Overview")
    expect(officer.locator("svg.chart")).to_be_visible()
    dash.shot(officer, "officer-overview")
    officer.goto(dash.url + "/invoices")
    expect(officer.locator(".empty")).to_contain_text("Billing has no invoices yet")

    # a monitor asks for the reconcile page, logs in and lands on it
    monitor = dash.page("mona", start="/reconcile")
    expect(monitor.locator("h1")).to_have_text("Reconcile")
    expect(monitor.locator("nav")).to_contain_text("Visits")
    dash.shot(monitor, "monitor-reconcile")

    # logging out ends the session: the next page asks to log in again
    monitor.click("header .who button")
    monitor.goto(dash.url + "/missions")
    assert "/login?next=%2Fmissions" in monitor.url


def test_analyst_sees_masked_ids_and_no_case_pages(dashboard: Dashboard) -> None:
    dash = dashboard
    dash.load(case_file("ve-201", "VE"))
    analyst = dash.page("ana", start="/people")
    body = analyst.locator("main").inner_text()
    assert "anon-" in body
    assert "ve-201" not in body
    response = analyst.goto(dash.url + "/people/ve-201")
    assert response is not None
    assert response.status == 403
    expect(analyst.locator("h1")).to_contain_text("You cannot see this page")
    dash.shot(analyst, "analyst-forbidden")

    # analysts run simulations: a bundled scenario with a few draws, its charts inline
    analyst.goto(dash.url + "/simulator")
    analyst.locator("#simulate select[name=scenario]").select_option("sv-2025-pilot")
    analyst.locator("#simulate input[name=draws]").fill("100")
    analyst.click("#simulate button")
    expect(analyst.locator(".charts img")).to_have_count(4)
    expect(analyst.locator("main")).to_contain_text("100 draws")
    dash.shot(analyst, "simulator")


def test_nomination_through_boarding(dashboard: Dashboard) -> None:
    dash = dashboard
    dash.load(case_file("ve-101", "VE"), case_file("sv-101", "SV"))

    # the officer nominates both for CECOT
    officer = dash.page("olivia")
    ve_case = _nominate(dash, officer, "ve-101")
    sv_case = _nominate(dash, officer, "sv-101")
    dash.shot(officer, "1-nominated")

    # the officer may not review; a legal reviewer approves from the review queue
    expect(officer.locator(f"form[action='/cases/{sv_case}/review']")).to_have_count(0)
    reviewer = dash.page("lena", start="/cases?state=nominated")
    expect(reviewer.locator("main table")).to_contain_text("ve-101")
    for person_id, case_id in (("ve-101", ve_case), ("sv-101", sv_case)):
        reviewer.goto(f"{dash.url}/cases?state=nominated")
        reviewer.click(f"a[href='/people/{person_id}#case-{case_id}']")
        approve = reviewer.locator(f"#case-{case_id} form:has(button[name=approve])")
        approve.locator("select[name=reason]").select_option("facts_verified")  # none chosen
        reviewer.click(f"#case-{case_id} button[name=approve]")
        _ok(reviewer, rf"Case {case_id} approved")
    expect(reviewer.locator(f"#case-{sv_case} .state")).to_have_text("ready", ignore_case=True)
    expect(reviewer.locator(".decision").first).to_contain_text("eligible")
    dash.shot(reviewer, "2-approved")

    # the Venezuelan needs written notice naming El Salvador; served 20 days ago
    officer.goto(f"{dash.url}/people/ve-101")
    expect(officer.locator(f"#case-{ve_case} .state")).to_have_text("approved", ignore_case=True)
    served = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=20)
    notice = officer.locator(f"#case-{ve_case} form[action$='/notice']")
    notice.locator("input[name=served_on]").fill(served.isoformat())
    notice.locator("input[name=source_document]").fill("Written notice naming El Salvador")
    notice.locator("button").click()
    # recorded 20 days after service: it counts only once a legal reviewer confirms it
    _ok(officer, "another legal reviewer must confirm it")
    expect(officer.locator(f"#case-{ve_case} .state")).to_have_text("approved", ignore_case=True)
    reviewer.goto(f"{dash.url}/people/ve-101")
    reviewer.click(f"form[action='/cases/{ve_case}/notice/confirm'] button")
    _ok(reviewer, rf"Notice confirmed for case {ve_case}")
    officer.goto(f"{dash.url}/people/ve-101")
    expect(officer.locator(f"#case-{ve_case} .state")).to_have_text("ready", ignore_case=True)
    expect(officer.locator("#timeline")).to_contain_text("notices")

    # a mission, both passengers on its manifest
    officer.goto(dash.url + "/missions")
    form = officer.locator("#create-mission")
    form.locator("input[name=mission_number]").fill("GST-1")
    form.locator("input[name=carrier]").fill("GlobalX")
    form.locator("button").click()
    officer.wait_for_url(f"{dash.url}/missions/GST-1")
    _ok(officer, "Mission GST-1 planned")
    officer.check(f"#add-passengers input[value='{ve_case}']")
    officer.check(f"#add-passengers input[value='{sv_case}']")
    officer.click("#add-passengers button")
    _ok(officer, "Added to the manifest")

    # a stay of removal for sv-101 arrives after review: the boarding check catches it
    with write_session(dash.registry.engine) as session:
        record_list(
            session,
            actor=dash.registry.users["lena"],
            person_id="sv-101",
            list_name="stays",
            items=[
                {
                    "kind": "judicial",
                    "granted_on": served.isoformat(),
                    "source": "District court order staying removal",
                }
            ],
            source_document="District court order",
        )
    time.sleep(1.1)  # departures are recorded to the second: "now" must be after the stay
    officer.click("#boarding-check button")
    _ok(officer, r"2 checked, 1 eligible, 1 would be struck")
    manifest = officer.locator("#manifest")
    expect(manifest.locator("tr", has_text="ve-101")).to_contain_text("eligible")
    expect(manifest.locator("tr", has_text="sv-101")).to_contain_text("ineligible")
    dash.shot(officer, "3-boarding-check")

    # departure strikes sv-101 and refuses; departing again departs the verified manifest
    officer.click("#depart button")
    _ok(officer, r"Departure refused: 1 struck")
    expect(manifest.locator("tr", has_text="sv-101")).to_contain_text("struck", ignore_case=True)
    officer.click("#depart button")
    _ok(officer, r"departed with 1 passenger")
    expect(officer.locator("h1 .state")).to_have_text("departed", ignore_case=True)
    expect(manifest.locator("tr", has_text="ve-101")).to_contain_text("departed", ignore_case=True)
    dash.shot(officer, "4-departed")

    officer.goto(dash.url + "/")
    expect(officer.locator("main")).to_contain_text("1 person(s) departed in the last 12 months")


def test_monitor_records_a_visit_and_sees_reconcile(dashboard: Dashboard) -> None:
    dash = dashboard
    dash.load(case_file("ve-301", "VE"))
    monitor = dash.page("mona", start="/visits")
    form = monitor.locator("#record-visit")
    form.locator("select[name=facility]").select_option("CECOT")
    form.locator("textarea[name=summary]").fill("Unannounced visit; cells at capacity.")
    form.locator("select[name=severity]").first.select_option("serious")
    form.locator("input[name=finding]").first.fill("No access to counsel for 3 weeks")
    form.locator("input[name=recommendation]").first.fill("Open a counsel room daily")
    form.locator("button").click()
    _ok(monitor, r"Visit \d+ to CECOT recorded with 1 finding")
    expect(monitor.locator(".visit").first).to_contain_text("No access to counsel")
    dash.shot(monitor, "visit")

    # a monitor writes no case data: no nomination form on a person's page
    monitor.goto(dash.url + "/people/ve-301")
    expect(monitor.locator("#facts")).to_contain_text("removal_orders")
    expect(monitor.locator("#nominate")).to_have_count(0)
    reads = dash.registry.sql(
        "SELECT actor FROM audit_log WHERE action = 'read.dashboard_person' "
        "AND subject = 'person:ve-301'"
    )
    assert [r.actor for r in reads] == ["mona"]  # the page read is in the audit chain

    monitor.goto(dash.url + "/facilities/CECOT")
    expect(monitor.locator("main")).to_contain_text("No access to counsel")
    monitor.goto(dash.url + "/reconcile")
    expect(monitor.locator("p.flash.ok")).to_contain_text("No violations")


def test_phone_width_has_no_horizontal_scroll(dashboard: Dashboard) -> None:
    dash = dashboard
    dash.load(case_file("ve-401", "VE"))
    phone = dash.page("olivia", width=390, height=844)
    for path in ("/", "/people/ve-401", "/missions", "/facilities/CECOT"):
        phone.goto(dash.url + path)
        widths = phone.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path} scrolls sideways at 390px: {widths}"
        name = "overview" if path == "/" else path.strip("/").replace("/", "-")
        dash.shot(phone, f"phone-{name}")
