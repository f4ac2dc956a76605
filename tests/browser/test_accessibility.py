"""Every dashboard page checked with axe-core in Chromium: no violation of impact "serious" or
"critical" (issue 21).

The pages are the app's own GET routes (every PageRoute), so a new page cannot be forgotten:
a path parameter this test has no value for fails it, naming the parameter. Each page is
visited by the first role (in ROLE_ORDER) that may see it, and by the analyst too when the
analyst may (their pages show masked identifiers). The login page, a not-found page and
forms showing their errors are checked as well. axe-core comes from the npm registry at the
version package-lock.json pins (`make install` or `make chromium` runs `npm ci`); it is
injected into each page (the context bypasses the page's CSP for that script only).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accord.api import ApiSettings, create_app
from accord.api.app import RouteInfo, route_table
from accord.auth import GRANTS, Permission
from accord.dashboard.pages import PageRoute
from accord.db import write_session
from accord.operations.handover import confirm_handover
from accord.operations.models import Incident
from accord.operations.workflow import nominate
from impact.flight import departed_and_ordered
from operations.people import CECOT, at, load, salvadoran

from .conftest import TIMEOUT_MS, Dashboard, Registry

pytestmark = pytest.mark.parametrize("registry", ["sqlite"], indirect=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
ROLE_ORDER = ("olivia", "lena", "mona", "liam", "root", "ana")
ROLE_OF = {
    "olivia": "officer",
    "lena": "legal_reviewer",
    "mona": "monitor",
    "liam": "receiving_liaison",
    "root": "admin",
    "ana": "analyst",
}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  if (!result.passes.length) throw new Error("axe checked nothing");
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.html.slice(0, 160)),
  }));
}"""


@pytest.fixture(scope="module", autouse=True)
def _axe_installed() -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make chromium` (npm ci installs axe-core)")


@pytest.fixture
def data(registry: Registry) -> dict[str, str]:
    """A departed flight to CECOT (one person received), an order entered while it was in
    the air, liam assigned to CECOT: the values of every path parameter. Recorded at their
    March 2025 times: before the dashboard fixture issues its tokens (record time never goes
    back), so tests ask for `data` before `dashboard`."""
    cases, entry_id = departed_and_ordered(registry)
    load(registry, [salvadoran(9)], at(16))
    with write_session(registry.engine) as session:
        nominated = nominate(  # for the review pages: a case waiting for its review
            session, actor=registry.users["olivia"], person_id="sv-009", now=at(16, 13), **CECOT
        )
    with write_session(registry.engine) as session:
        confirm_handover(
            session, actor=registry.users["liam"], mission_number="GST-1", person_ids=["sv-001"]
        )
        incident_id = session.scalars(select(Incident.id).order_by(Incident.id)).first()
    assert incident_id is not None  # the order opened one for each Venezuelan in the air
    return {
        "person_id": "ve-001",
        "number": "GST-1",
        "mission_number": "GST-1",
        "facility_id": "CECOT",
        "case_id": str(cases["ve-001"]),
        "name": "liam",
        "entry_id": str(entry_id),
        "incident_id": str(incident_id),
        "review_case_id": str(nominated.id),
    }


def _routes(dashboard: Dashboard) -> list[RouteInfo]:
    """Every dashboard GET route of the app (an app like the one served: the same routes)."""
    settings = ApiSettings(
        database_url=dashboard.registry.url, secret_key="s" * 40, masking_key="m" * 40
    )
    app = create_app(settings, engine=dashboard.registry.engine)
    return [r for r in route_table(app) if isinstance(r.route, PageRoute) and "GET" in r.methods]


def _fill(template: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1].split(":")[0]
        if template.startswith("/review/") and name == "case_id":
            name = "review_case_id"  # the review form of a case waiting for review
        if name not in values:
            pytest.fail(f"page {template}: no value for path parameter '{name}' (add it to data)")
        return values[name]

    return re.sub(r"\{([^}]+)\}", value, template)


def _viewers(route: RouteInfo) -> list[str]:
    """The first role in ROLE_ORDER that may see the page, and the analyst if they may."""
    needs: tuple[Permission, ...] = route.permissions or ()

    def sees(user: str) -> bool:
        return not needs or any(p in GRANTS[ROLE_OF[user]] for p in needs)

    first = next((u for u in ROLE_ORDER if sees(u)), None)
    assert first is not None, f"no role may see {route.path}"
    return sorted({first, *(["ana"] if sees("ana") else [])}, key=ROLE_ORDER.index)


def _login(dashboard: Dashboard, user: str, viewport: tuple[int, int] = (1366, 768)) -> Any:
    """A logged-in page of `user` whose context lets axe's script in past the CSP."""
    width, height = viewport
    context = dashboard.browser.new_context(
        viewport={"width": width, "height": height}, bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(dashboard.url + "/login?next=/")
    page.fill("#token", dashboard.tokens[user])
    page.click("button[type=submit]")
    page.wait_for_url(dashboard.url + "/")
    return page


def _violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def _report(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{where}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"      {node}" for node in v["nodes"])
    return "\n".join(lines)


@pytest.fixture
def pages(data: dict[str, str], dashboard: Dashboard) -> dict[str, list[str]]:
    """user -> the paths they visit."""
    plan: dict[str, list[str]] = {u: [] for u in ROLE_ORDER}
    for route in sorted(_routes(dashboard), key=lambda r: r.path):
        for user in _viewers(route):
            plan[user].append(_fill(route.path, data))
    return plan


@pytest.mark.parametrize(
    "viewport", [pytest.param((1366, 768), id="1366"), pytest.param((390, 844), id="390")]
)
def test_every_page_has_no_serious_or_critical_violation(
    pages: dict[str, list[str]], dashboard: Dashboard, viewport: tuple[int, int]
) -> None:
    """At a laptop's and a phone's width (a table that scrolls in its box at 390 px must
    still be reachable by keyboard: axe's scrollable-region-focusable)."""
    failures: list[str] = []
    checked = 0
    for user, paths in pages.items():
        if not paths:
            continue
        page = _login(dashboard, user, viewport)
        for path in paths:
            fetched = page.request.get(dashboard.url + path)  # the session's cookies
            if not fetched.headers.get("content-type", "").startswith("text/html"):
                assert fetched.ok, f"{path} as {user}: {fetched.status}"
                continue  # a stylesheet, a CSV, a PDF or a bundle: nothing for axe
            response = page.goto(dashboard.url + path)
            assert response is not None
            assert response.status < 500, f"{path} as {user}: {response.status}"
            checked += 1
            if found := _violations(page):
                failures.append(_report(f"{path} as {user} ({response.status})", found))
        page.context.close()
    assert checked >= 15  # every page of the menu, and the records behind them
    assert not failures, "\n".join(failures)


def test_login_not_found_and_forms_with_errors_have_no_serious_violation(
    data: dict[str, str], dashboard: Dashboard
) -> None:
    failures: list[str] = []
    context = dashboard.browser.new_context(bypass_csp=True)
    anonymous = context.new_page()
    anonymous.goto(dashboard.url + "/login?next=/")
    anonymous.click("button[type=submit]")  # no token: the error summary and the field's error
    expect(anonymous.locator(".error-summary")).to_have_count(1)
    if found := _violations(anonymous):
        failures.append(_report("login with an error", found))
    context.close()

    admin = _login(dashboard, "root")
    admin.goto(dashboard.url + "/no/such/page")
    if found := _violations(admin):
        failures.append(_report("not found", found))
    admin.goto(dashboard.url + "/admin")
    admin.click("#add-user button[type=submit]")  # nothing typed: both fields in error
    expect(admin.locator(".error-message")).to_have_count(2)
    if found := _violations(admin):
        failures.append(_report("add user with errors", found))
    admin.context.close()

    liaison = _login(dashboard, "liam")
    liaison.goto(dashboard.url + "/liaison")
    liaison.fill("#census-count", "-1")
    liaison.click("#census button[type=submit]")
    expect(liaison.locator("#census-count-error")).to_have_count(1)
    if found := _violations(liaison):
        failures.append(_report("census with an error", found))
    liaison.context.close()
    assert not failures, "\n".join(failures)
