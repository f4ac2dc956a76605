"""The officer's journey in Chromium, at 1366x768 and at 390x844: an ineligible nomination is
refused with its rules and citations shown (and no case made); an eligible one is nominated
with its decision; once a legal reviewer has approved it, the officer plans a mission, adds
the passenger (only cases that may fly on its date are offered; the empty manifest offers
no departure) and records the departure."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.db import write_session
from accord.operations.states import ApproveReason
from accord.operations.workflow import review
from operations.people import protected_salvadoran, salvadoran

from .conftest import Dashboard

VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}


def _no_sideways_scroll(page: Any, where: str) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"


def _nominate(page: Any) -> None:
    form = page.locator("#nominate")
    form.locator("select[name=agreement]").select_option("sv-2025-offer")
    form.locator("select[name=pathway]").select_option("custody_placement")
    form.locator("input[name=destination]").fill("SV")
    form.locator("input[name=facility]").fill("CECOT")
    form.locator("button[type=submit]").click()


@pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_officer_nominates_and_departs_a_mission(dashboard: Dashboard, viewport: str) -> None:
    dash = dashboard
    width, height = VIEWPORTS[viewport]
    dash.load(protected_salvadoran(1), salvadoran(2))
    officer = dash.page("olivia", start="/people/sv-001/nominate", width=width, height=height)
    expect(officer.locator("h1")).to_contain_text("Nominate")
    expect(officer.locator("#field-agreement")).to_have_value("")  # nothing pre-chosen

    # withholding of removal as to El Salvador: refused, with the rule and its citation
    _nominate(officer)
    refusal = officer.locator("#refusal")
    expect(refusal).to_contain_text("Nomination refused")
    expect(refusal).to_contain_text("no_withholding (8 U.S.C. 1231(b)(3))")
    expect(officer.locator(".decision-panel")).to_contain_text("No later step")
    expect(officer.locator("#field-facility")).to_have_value("CECOT")  # typed values kept
    _no_sideways_scroll(officer, "the refused nomination")
    dash.shot(officer, f"{viewport}-1-refused")
    assert dash.registry.sql("SELECT count(*) FROM transfer_cases")[0][0] == 0

    # an eligible Salvadoran: nominated, the decision record named in the message
    officer.goto(dash.url + "/people/sv-002/nominate")
    _nominate(officer)
    officer.wait_for_url(re.compile(r".*/people/sv-002#case-\d+$"))
    flash = officer.locator("p.flash.ok")
    expect(flash).to_contain_text(re.compile(r"Nominated: transfer case \d+\. Decision record"))
    case_id = int(re.findall(r"#case-(\d+)", officer.url)[0])
    dash.shot(officer, f"{viewport}-2-nominated")

    with write_session(dash.registry.engine) as s:  # a legal reviewer approves it
        review(
            s,
            actor=dash.registry.users["lena"],
            case_id=case_id,
            approve=True,
            reason=ApproveReason.FACTS_VERIFIED,
        )

    # a mission: planned, nothing to depart yet, the ready case offered, added, departed
    officer.goto(dash.url + "/missions")
    form = officer.locator("#create-mission")
    form.locator("input[name=mission_number]").fill("GST-9")
    form.locator("input[name=carrier]").fill("GlobalX")
    form.locator("button[type=submit]").click()
    officer.wait_for_url(f"{dash.url}/missions/GST-9")
    expect(officer.locator("#mission-counts")).to_have_text("0 on the manifest of 10 seats")
    expect(officer.locator("#depart")).to_contain_text("The manifest is empty")
    expect(officer.locator("#depart button")).to_have_count(0)
    boxes = officer.locator("#add-passengers input[name=case_id]")
    expect(boxes).to_have_count(1)
    boxes.first.check()
    officer.locator("#add-passengers button[type=submit]").click()
    expect(officer.locator("p.flash.ok")).to_contain_text(f"case(s) {case_id}")
    expect(officer.locator("#mission-counts")).to_have_text("1 on the manifest of 10 seats")
    _no_sideways_scroll(officer, "the mission page")
    dash.shot(officer, f"{viewport}-3-manifest")
    officer.locator("#depart button[type=submit]").click()
    expect(officer.locator("p.flash.ok")).to_contain_text("departed with 1 passenger")
    expect(officer.locator("#mission-counts")).to_have_text(
        "1 departed / 0 received · handover open"
    )
    expect(officer.locator("#manifest")).to_contain_text("sv-002")
    dash.shot(officer, f"{viewport}-4-departed")
