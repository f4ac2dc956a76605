"""The dashboard's Law page in Chromium: a legal reviewer enters an event of a court order
with its source document through the form and sees it listed; a refused event comes back as
an error with nothing written. On PostgreSQL (the registry fixture's postgresql case)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import expect

from .conftest import Dashboard

pytestmark = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)

# J.O.P. v. DHS stayed pending appeal: a FICTITIOUS event, for this test only
EVENT = {
    "date": "2026-01-15",
    "kind": "stayed",
    "stay": "pending_appeal",
    "what": "settlement enforcement stayed pending appeal (TEST ONLY, fictitious)",
    "by": "4th Cir.",
    "source": "Fictitious order of 2026-01-15 (TEST ONLY)",
}


def _flash(page: Any) -> str:
    flash = page.locator("p.flash.ok, p.flash.error").first
    expect(flash).to_be_visible()
    return str(flash.inner_text())


def test_a_legal_reviewer_enters_an_event_and_sees_it_listed(
    dashboard: Dashboard, tmp_path: Path
) -> None:
    dash = dashboard
    document = tmp_path / "stay-order.pdf"
    document.write_bytes(b"%PDF-1.4\n% fictitious stay order (test)\n%%EOF\n")
    page = dash.page("lena", start="/law")
    expect(page.locator("nav")).to_contain_text("Law")
    expect(page.locator(".empty")).to_contain_text("No law entries")

    form = page.locator("#enter-event")
    form.locator("input[name=order_id]").fill("jop-v-dhs")
    form.locator("textarea[name=text]").fill(yaml.safe_dump({**EVENT, "date": "2020-01-01"}))
    form.locator("input[name=document]").set_input_files(str(document))
    form.locator("button[type=submit]").click()
    # refused: nothing written; the page again with the error beside the field it is about
    expect(page.locator(".error-summary")).to_contain_text("before its entry")
    expect(page.locator("#enter-event .error-message").first).to_contain_text("before its entry")
    expect(page.locator("#event-order_id")).to_have_value("jop-v-dhs")
    expect(page.locator(".empty")).to_contain_text("No law entries")

    form = page.locator("#enter-event")
    form.locator("input[name=order_id]").fill("jop-v-dhs")
    form.locator("textarea[name=text]").fill(yaml.safe_dump(EVENT))
    form.locator("input[name=document]").set_input_files(str(document))
    form.locator("button[type=submit]").click()
    assert re.search(r"Law entry \d+ recorded: court order event jop-v-dhs", _flash(page))
    row = page.locator("#law-entries tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("court order event")
    expect(row).to_contain_text("jop-v-dhs")
    expect(row).to_contain_text("2026-01-15")
    expect(row).to_contain_text("lena")
    expect(row.locator("a")).to_have_text("stay-order.pdf")
    dash.shot(page, "law-event-entered")
    # the document link serves the document as uploaded, to the logged-in session
    href = row.locator("a").get_attribute("href")
    served = page.request.get(dash.url + str(href))
    assert served.ok
    assert served.body() == document.read_bytes()
    # the admin's forms are not shown to a legal reviewer
    expect(page.locator("#set-parameter")).to_have_count(0)
    (count,) = dash.registry.sql("SELECT count(*) FROM law_entries")
    assert count[0] == 1
