"""The review queue and a review page on a phone (390x844) in Chromium: each nominated case
is a stacked, labelled card and every field is readable without scrolling sideways, neither
the page nor the queue's own box (which used to scroll its table)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Dashboard
from .test_accessibility import _login, _report, _violations
from .test_journey_reviewer import _nominated

PHONE = (390, 844)
# elements of <main> whose right edge passes the window: what a reader would scroll to see
# (an element of a box that scrolls sideways included); visually hidden ones are 1px wide
BEYOND_THE_EDGE = """() => Array.from(document.querySelectorAll('main *'))
  .filter(e => e.getBoundingClientRect().width > 1
            && e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))"""


def _fits(page: Any, where: str, *selectors: str) -> None:
    document = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert document[0] <= document[1], f"{where} scrolls sideways: {document}"
    for selector in selectors:
        box = page.locator(selector).first
        widths = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert widths[0] <= widths[1], f"{where}: {selector} scrolls sideways: {widths}"
    assert page.evaluate(BEYOND_THE_EDGE) == [], where


@pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
def test_the_review_queue_is_cards_on_a_phone(dashboard: Dashboard) -> None:
    dash = dashboard
    ids = _nominated(dash)
    width = PHONE[0]
    reviewer = _login(dash, "lena", PHONE)  # lets axe-core in past the CSP
    reviewer.goto(f"{dash.url}/review")
    expect(reviewer.locator("h1")).to_have_text("Review queue")
    cards = reviewer.locator(".review-queue table.listing tbody tr")
    expect(cards).to_have_count(3)
    _fits(reviewer, "the review queue", ".review-queue", ".review-queue .scroll", "table.listing")
    # stacked: one cell under another, each with its label, every card within the window
    cell = cards.first.locator("td[data-label='Decision today']")
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"Decision today"'
    for n in range(3):
        box = cards.nth(n).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
    blocked = reviewer.locator(".review-queue tr", has_text="sv-003")
    expect(blocked).to_contain_text("cannot be approved: no_withholding")
    expect(blocked.locator("td[data-label='Nominated by']")).to_contain_text("olivia")
    found = _violations(reviewer)  # the cards keep the page accessible (axe-core)
    assert not found, _report("the review queue at 390 px", found)
    dash.shot(reviewer, "phone-queue")

    for person, case_id in ids.items():  # each review page fits too, the decision beside it
        reviewer.goto(f"{dash.url}/review/{case_id}")
        expect(reviewer.locator(".decision-panel")).to_be_visible()
        _fits(reviewer, f"review case {case_id} ({person})", ".decision-panel")
    dash.shot(reviewer, "phone-review-case")
