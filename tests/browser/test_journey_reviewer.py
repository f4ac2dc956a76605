"""The legal reviewer's journey in Chromium, at 1366x768 and at 390x844: the review queue
lists each nomination with its decision as of today, its failed and unknown rules, its age
and nominator; a review form has no reason pre-selected and puts a missing one beside its
field; the reviewer approves from the queue; a case whose decision fails a rule no later
step cures offers no approval, only a denial with a coded reason."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from accord.db import write_session
from accord.operations.workflow import nominate
from accord.registry import record_list
from operations.people import CECOT, protected_salvadoran, salvadoran, venezuelan

from .conftest import Dashboard

VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}


def _no_sideways_scroll(page: Any, where: str) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"


def _nominated(dash: Dashboard) -> dict[str, int]:
    """sv-001 eligible, ve-002 owed notice, sv-003 granted withholding after nomination."""
    dash.load(salvadoran(1), venezuelan(2), salvadoran(3))
    olivia = dash.registry.users["olivia"]
    with write_session(dash.registry.engine) as s:
        people = ("sv-001", "ve-002", "sv-003")
        ids = {p: nominate(s, actor=olivia, person_id=p, **CECOT).id for p in people}
    with write_session(dash.registry.engine) as s:
        record_list(
            s,
            actor=dash.registry.users["lena"],
            person_id="sv-003",
            list_name="protections",
            items=protected_salvadoran(3)["protections"],
            source_document="EOIR order 2019-10-10",
        )
    return ids


@pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_reviewer_approves_from_the_queue(dashboard: Dashboard, viewport: str) -> None:
    dash = dashboard
    width, height = VIEWPORTS[viewport]
    ids = _nominated(dash)
    reviewer = dash.page("lena", width=width, height=height)
    reviewer.click("nav >> text=Review queue")
    expect(reviewer.locator("h1")).to_have_text("Review queue")
    queue = reviewer.locator("table.listing")
    expect(queue.locator("tbody tr")).to_have_count(3)
    expect(queue).to_contain_text("olivia")
    expect(queue.locator("tr", has_text="sv-003")).to_contain_text(
        "cannot be approved: no_withholding"
    )
    expect(queue.locator("tr", has_text="ve-002")).to_contain_text("third_country_notice")
    expect(reviewer.locator(".listing-pager")).to_contain_text("Showing 1–3 of 3")
    _no_sideways_scroll(reviewer, "the review queue")
    dash.shot(reviewer, f"{viewport}-1-queue")

    # sv-001: the decision beside the form, no reason chosen for the reviewer
    reviewer.click(f"a[href='/review/{ids['sv-001']}']")
    expect(reviewer.locator(".decision-panel")).to_contain_text("Eligible")
    expect(reviewer.locator("#deny-reason")).to_have_value("")
    expect(reviewer.locator("#approve-reason")).to_have_value("")
    reviewer.locator("#approve-form button[type=submit]").click()
    summary = reviewer.locator(".error-summary")
    expect(summary).to_contain_text("Select an approval reason")
    expect(reviewer.locator("#approve-reason-error")).to_contain_text("Select an approval reason")
    _no_sideways_scroll(reviewer, "the review form with an error")
    dash.shot(reviewer, f"{viewport}-2-no-reason")
    reviewer.locator("#approve-reason").select_option("facts_verified")
    reviewer.locator("#approve-form button[type=submit]").click()
    reviewer.wait_for_url(dash.url + "/review")
    expect(reviewer.locator("p.flash.ok")).to_contain_text(f"Case {ids['sv-001']} approved")
    expect(queue.locator("tbody tr")).to_have_count(2)

    # sv-003: withholding granted since nomination: no approval offered, a coded denial
    reviewer.click(f"a[href='/review/{ids['sv-003']}']")
    expect(reviewer.locator("#approve-form")).to_have_count(0)
    expect(reviewer.locator("#no-approval")).to_contain_text("no_withholding")
    expect(reviewer.locator(".decision-panel")).to_contain_text("8 U.S.C. 1231(b)(3)")
    reviewer.locator("#deny-reason").select_option("protection_granted")
    reviewer.locator("#deny-form button[type=submit]").click()
    reviewer.wait_for_url(dash.url + "/review")
    expect(reviewer.locator("p.flash.ok")).to_contain_text(f"Case {ids['sv-003']} denied")
    expect(queue.locator("tbody tr")).to_have_count(1)
    dash.shot(reviewer, f"{viewport}-3-reviewed")
