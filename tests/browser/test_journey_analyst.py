"""The analyst in Chromium, at a laptop's and a phone's width: every page they can reach by
following links from the overview (and every download those pages offer) shows person
identifiers only masked, and no name. On PostgreSQL."""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from operations.people import departed_mission, salvadoran, venezuelan

from .conftest import Dashboard, Registry

pytestmark = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
VIEWPORTS = [pytest.param((1366, 768), id="1366"), pytest.param((390, 844), id="390")]
PAGE_LIMIT = 80  # links to sort and filter multiply: enough to reach every page and list
NAMES = ("Carlos Prueba Uno", "Ana Prueba Dos")  # fictional
PERSON_IDS = ("sv-001", "ve-001")


@pytest.fixture
def flight(registry: Registry) -> dict[str, int]:
    """A departed flight with two named persons (recorded before the dashboard's tokens)."""
    records = [salvadoran(1), venezuelan(1)]
    for record, name in zip(records, NAMES, strict=True):
        record["name"] = name
    return departed_mission(registry, records)


def _links(page: Any, base: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        url = urljoin(base, href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != base or parts.path.startswith("/logout"):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _unmasked(text: str) -> list[str]:
    return [s for s in (*PERSON_IDS, *NAMES) if s in text]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_analyst_sees_only_masked_identifiers_everywhere(
    flight: dict[str, int], dashboard: Dashboard, viewport: tuple[int, int]
) -> None:
    dash = dashboard
    width, height = viewport
    page = dash.page("ana", start="/", width=width, height=height)
    expect(page.locator("header .tag")).to_contain_text("identifiers masked")
    seen: set[str] = set()
    queue = deque(["/"])
    leaks: list[str] = []
    pages_checked = downloads_checked = 0
    saw_masked = False
    while queue and len(seen) < PAGE_LIMIT:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        fetched = page.request.get(dash.url + path)  # with the session's cookies
        kind = fetched.headers.get("content-type", "")
        if not kind.startswith("text/html"):
            if fetched.ok and kind.startswith(("text/", "application/json")):
                downloads_checked += 1
                leaks.extend(f"{path}: {s}" for s in _unmasked(fetched.text()))
            continue
        response = page.goto(dash.url + path)
        assert response is not None
        if response.status >= 400:  # a page the analyst may not see says so: nothing leaks
            assert response.status in (403, 404), f"{path}: {response.status}"
        text = str(page.locator("body").inner_text())
        leaks.extend(f"{path}: {s}" for s in _unmasked(text))
        saw_masked = saw_masked or "anon-" in text
        pages_checked += 1
        queue.extend(p for p in _links(page, dash.url) if p not in seen)
    assert not leaks, leaks
    assert saw_masked  # the people list shows the persons, masked
    assert "/people" in seen
    assert "/simulator" in seen
    assert pages_checked >= 5, seen
    dash.shot(page, f"analyst-last-page-{width}")
    people = dash.url + "/people"
    page.goto(people)
    expect(page.locator("main")).to_contain_text("anon-")
    width_over = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width_over <= 1
    if page.locator("a[download]").count():  # the people list downloads as CSV, masked
        assert downloads_checked >= 1
        csv = page.request.get(people + "?format=csv").text()
        assert "anon-" in csv
        assert not _unmasked(csv)
