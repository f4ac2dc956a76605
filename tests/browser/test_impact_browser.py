"""The Impact page in Chromium: a legal reviewer picks the law entry of an order entered while
a flight to CECOT was in the air, and sees who it changes and the flight's cases; then picks a
known order and a day. On PostgreSQL (the registry fixture's postgresql case)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from impact.flight import departed_and_ordered

from .conftest import Dashboard, Registry

pytestmark = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)


@pytest.fixture
def entry_id(registry: Registry) -> int:
    """The flight and the order, recorded at their March 2025 times before the dashboard's
    tokens are issued (record time never goes back)."""
    return departed_and_ordered(registry)[1]


def test_a_legal_reviewer_weighs_an_entry_and_an_order(entry_id: int, dashboard: Dashboard) -> None:
    page = dashboard.page("lena", start="/impact")
    expect(page.locator("nav a[href='/impact']")).to_have_attribute("aria-current", "page")
    page.select_option("#impact-entry select[name=entry]", str(entry_id))
    page.click("#impact-entry button[type=submit]")
    result = page.locator("#impact-result")
    expect(result).to_contain_text(f"law entry {entry_id}")
    expect(page.locator("#impact-requests tbody tr")).to_have_count(1)
    expect(page.locator("#impact-requests")).to_contain_text("no_class_order_bar: 2")
    states = page.locator("#impact-states")
    expect(states.locator("tr", has_text="departed, in the air")).to_contain_text("2")
    expect(page.locator("#impact-persons")).to_contain_text("ve-001")
    expect(page.locator("#impact-persons tbody tr")).to_have_count(2)
    dashboard.shot(page, "entry")
    # the transfer cases touched: their own list, the change kept in its links
    page.click("#impact-cases-link a")
    cases = page.locator("#impact-cases tbody tr")
    expect(cases).to_have_count(2)
    expect(page.locator("#impact-cases")).to_contain_text("GST-1")
    page.locator("a", has_text="Back to the impact").click()
    expect(page.locator("#impact-persons tbody tr")).to_have_count(2)
    # a known order in force from a day that it stands already: said, and nothing changes
    page.select_option("#impact-order select[name=order]", "jop-v-dhs")
    page.fill("#impact-order input[name=in_force_from]", "2025-03-15")
    page.click("#impact-order button[type=submit]")
    expect(result).to_contain_text("already")
    expect(page.locator("#impact-cases-link")).to_contain_text("No transfer case is touched")
    # an analyst has no Impact link and may not open the page
    analyst = dashboard.page("ana")
    expect(analyst.locator("nav a[href='/impact']")).to_have_count(0)
    response = analyst.goto(f"{dashboard.url}/impact")
    assert response is not None
    assert response.status == 403


@pytest.mark.parametrize("width", [1366, 390])
def test_the_impact_lists_have_no_serious_accessibility_violation(
    entry_id: int, dashboard: Dashboard, width: int
) -> None:
    """The persons' and the cases' lists as weighed (test_accessibility.py visits /impact
    with nothing picked): filters, table, pager, each checked by axe."""
    from .test_accessibility import _login, _report, _violations

    page = _login(dashboard, "lena", (width, 844))
    failures = []
    for path in (f"/impact?entry={entry_id}", f"/impact/cases?entry={entry_id}&sort=-case_id"):
        response = page.goto(dashboard.url + path)
        assert response is not None
        assert response.status == 200
        expect(page.locator(".listing tbody tr")).to_have_count(2)
        if found := _violations(page):
            failures.append(_report(path, found))
    page.context.close()
    assert not failures, "\n".join(failures)
