"""The receiving liaison's whole job in Chromium, at a laptop's and a phone's width: open
"My facility", check each arriving person's identity (name, date of birth, nationality,
case), confirm the handover, correct a refused form, report the census and close the
handover. On PostgreSQL (the handover's optimistic write runs its chained path there)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from operations.people import departed_mission, salvadoran

from .conftest import Dashboard, Registry

pytestmark = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
VIEWPORTS = [pytest.param((1366, 768), id="1366"), pytest.param((390, 844), id="390")]
NAMES = {"sv-001": "Carlos Prueba Uno", "sv-002": "Mario Prueba Dos"}  # fictional


@pytest.fixture
def flight(registry: Registry) -> dict[str, int]:
    """GST-1 departed to CECOT with two named Salvadorans; liam acts for CECOT. Recorded at
    March 2025 times, before the dashboard fixture issues its tokens."""
    records = [salvadoran(1) | {"name": NAMES["sv-001"]}, salvadoran(2)]
    records[1]["name"] = NAMES["sv-002"]
    return departed_mission(registry, records)


def _flash(page: Any) -> str:
    flash = page.locator("p.flash").first
    expect(flash).to_be_visible()
    return str(flash.inner_text())


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 1, f"the page scrolls sideways by {width}px"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_liaison_confirms_the_handover_and_reports_the_census(
    flight: dict[str, int], dashboard: Dashboard, viewport: tuple[int, int]
) -> None:
    dash = dashboard
    width, height = viewport
    page = dash.page("liam", start="/", width=width, height=height)
    page.click("nav a[href='/liaison']")
    expect(page.locator("h1")).to_contain_text("CECOT")
    card = page.locator("section.card", has_text="Mission GST-1")
    expect(card).to_contain_text("2 still to confirm")
    # identity at the door: name, date of birth, nationality and case, on one row
    row = card.locator("tbody tr", has_text=NAMES["sv-001"])
    expect(row).to_contain_text("1994-08-12")
    expect(row).to_contain_text("SV")
    expect(row).to_contain_text(str(flight["sv-001"]))
    _no_sideways_scroll(page)
    dash.shot(page, f"liaison-arrivals-{width}")

    # nothing ticked: the page again, a summary linking to the list, the error beside it
    card.locator("button[type=submit]", has_text="Confirm handover").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Select each person")
    expect(page.locator("#h1-person_id-error")).to_contain_text("Select each person")
    summary.locator("a").first.click()
    assert page.url.endswith("#h1-person_id")

    card = page.locator("section.card", has_text="Mission GST-1")
    card.locator("tbody tr", has_text=NAMES["sv-001"]).locator("input[type=checkbox]").check()
    card.locator("button[type=submit]", has_text="Confirm handover").click()
    assert "1 person(s) received into custody" in _flash(page)
    card = page.locator("section.card", has_text="Mission GST-1")
    expect(card).to_contain_text("1 still to confirm")
    expect(card.locator("tbody tr", has_text=NAMES["sv-001"])).to_contain_text("In custody")

    # the census: a count that is not a number is refused beside its field, then reported
    census = page.locator("#census")
    census.locator("input[name=count]").fill("one")
    census.locator("button[type=submit]").click()
    expect(page.locator("#census-count-error")).to_contain_text("whole number")
    expect(page.locator("#census-count")).to_have_value("one")  # what was typed is kept
    page.locator("#census-count").fill("1")
    page.locator("#census button[type=submit]").click()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert f"Census for {today} reported: 1 held." in _flash(page)
    expect(page.locator("table", has_text="Reported").locator("tbody tr").first).to_contain_text(
        today
    )

    # closing the handover: the person neither received nor returned is reported missing
    page.locator("button", has_text="Close handover of GST-1").click()
    text = _flash(page)
    assert re.search(r"2 departed, 1 received, 0 returned on board; 1 missing", text), text
    expect(page.locator("main")).to_contain_text("No mission is on its way to CECOT")
    _no_sideways_scroll(page)
    dash.shot(page, f"liaison-closed-{width}")
    rows = dash.registry.sql(
        "SELECT action FROM audit_log WHERE action LIKE 'operations.%' ORDER BY seq"
    )
    actions = [r[0] for r in rows]
    assert "operations.census" in actions
