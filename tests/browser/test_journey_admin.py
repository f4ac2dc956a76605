"""The admin's whole job in Chromium, at a laptop's and a phone's width: add a user (a taken
name refused beside its field, then the enrolment code shown once) and disable them, see
what each role may do, assign a liaison to a facility, issue an API token (shown once; it
works) and revoke it (it stops working). On PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Dashboard

pytestmark = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
VIEWPORTS = [pytest.param((1366, 768), id="1366"), pytest.param((390, 844), id="390")]


def _flash(page: Any) -> str:
    flash = page.locator("p.flash").first
    expect(flash).to_be_visible()
    return str(flash.inner_text())


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 1, f"the page scrolls sideways by {width}px"


def _status_with(page: Any, url: str, token: str) -> int:
    response = page.request.get(url, headers={"Authorization": f"Bearer {token}"})
    return int(response.status)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_admin_adds_a_user_and_issues_and_revokes_a_token(
    dashboard: Dashboard, viewport: tuple[int, int]
) -> None:
    dash = dashboard
    width, height = viewport
    page = dash.page("root", start="/", width=width, height=height)
    page.click("nav a[href='/admin']")
    expect(page.locator("h1")).to_have_text("Users")
    expect(page.locator("#users")).to_contain_text("liam")
    _no_sideways_scroll(page)

    # a taken name: refused beside its field, with what was typed kept
    form = page.locator("#add-user")
    form.locator("input[name=name]").fill("liam")
    form.locator("select[name=role]").select_option("officer")
    form.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("already exists")
    expect(page.locator("#field-name-error")).to_contain_text("already exists")
    expect(page.locator("#field-name")).to_have_value("liam")
    expect(page.locator("#field-role")).to_have_value("officer")

    page.locator("#field-name").fill("nora")
    page.locator("#add-user button[type=submit]").click()
    code = page.locator("#secret")
    expect(code).to_contain_text("enrol_")
    expect(page.locator(".panel-secret")).to_contain_text("shown only this once")
    expect(page.locator("#users")).to_contain_text("nora")
    dash.shot(page, f"admin-user-added-{width}")
    # nora never redeemed her code: disabling her withdraws it (she cannot act at all)
    page.locator("#users a", has_text="nora").click()
    expect(page.locator("h1")).to_contain_text("nora")
    page.locator("button", has_text="Disable nora").click()
    assert "nora disabled: 0 token(s) revoked, 1 enrolment code(s) withdrawn" in _flash(page)
    expect(page.locator("table.facts")).to_contain_text("no: disabled")

    # the roles, and a liaison assigned to a facility
    page.click(".subnav a[href='/admin/roles']")
    expect(page.locator("#role-receiving_liaison")).to_contain_text("report the daily census")
    page.click(".subnav a[href='/admin/liaisons']")
    page.locator("#field-user_name").select_option("liam")
    page.locator("#field-facility").select_option("CECOT")
    page.locator("#assign-liaison button[type=submit]").click()
    assert "liam now acts for CECOT" in _flash(page)
    expect(page.locator("#assignments")).to_contain_text("CECOT")

    # a token for the admin: shown once, it works; revoked, it no longer does
    page.click(".subnav a[href='/admin/tokens']")
    page.locator("#issue-token button[type=submit]").click()
    token = str(page.locator("#secret").inner_text()).strip()
    assert token.startswith("accord_")
    key_id = token.split("_")[1]
    users_api = dash.url + "/api/v1/users"
    assert _status_with(page, users_api, token) == 200
    row = page.locator("#tokens tbody tr", has_text=key_id)
    expect(row).to_contain_text("live")
    _no_sideways_scroll(page)
    dash.shot(page, f"admin-token-issued-{width}")
    row.locator("button", has_text="Revoke").click()
    assert f"Token {key_id} revoked" in _flash(page)
    expect(page.locator("#tokens tbody tr", has_text=key_id)).not_to_contain_text("live")
    expect(page.locator("main")).not_to_contain_text(token)  # never shown again
    assert _status_with(page, users_api, token) == 401
    revoked = dash.registry.sql(
        "SELECT count(*) FROM audit_log WHERE action = 'user.token_revoke' AND change LIKE :key",
        key=f"%{key_id}%",
    )
    assert revoked[0][0] == 1
