"""The monitor's journey in Chromium, at 1366x768 and at 390x844: Monitoring shows the
incident of a person missing at the handover; the monitor records an urgent observation on
its page (a monitor writes no case data: no resolution form for them), which the officer
sees in the alert area and on the page while resolving it with a coded reason; the monitor
sees it resolved, verifies the audit chain now and downloads the signed export bundle."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import zipfile
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.db import write_session
from case_files import case_file

from .conftest import Dashboard
from .test_accessibility import _login, _report, _violations

VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}
CECOT = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
}


def _missing_at_handover(dash: Dashboard) -> int:
    """sv-701 and sv-702 flew on GST-701 today; only sv-701 was received: an incident."""
    from accord.operations.care import assign_liaison
    from accord.operations.handover import close_handover, confirm_handover
    from accord.operations.missions import add_to_mission, create_mission, depart_mission
    from accord.operations.states import ApproveReason
    from accord.operations.workflow import nominate, review

    users = dash.registry.users
    persons = ["sv-701", "sv-702"]
    dash.load(*[case_file(p, "SV") for p in persons])
    time.sleep(1.1)  # departures are recorded to the second: after the facts
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with write_session(dash.registry.engine) as s:
        ids = [nominate(s, actor=users["olivia"], person_id=p, **CECOT).id for p in persons]
        for case_id in ids:
            review(
                s,
                actor=users["lena"],
                case_id=case_id,
                approve=True,
                reason=ApproveReason.FACTS_VERIFIED,
            )
        create_mission(
            s,
            actor=users["olivia"],
            mission_number="GST-701",
            carrier="GlobalX",
            planned_departure=now,
            seats=5,
            legs=[("Harlingen TX", "Comalapa SAL")],
            **CECOT,
        )
        add_to_mission(s, actor=users["olivia"], mission_number="GST-701", case_ids=ids)
        assign_liaison(s, actor=users["root"], user_name="liam", facility_id="CECOT")
    time.sleep(1.1)
    with write_session(dash.registry.engine) as s:
        departed = dt.datetime.now(dt.UTC).replace(microsecond=0)
        result = depart_mission(
            s, actor=users["olivia"], mission_number="GST-701", departed_at=departed
        )
        assert result.departed, result.struck
    time.sleep(1.1)
    with write_session(dash.registry.engine) as s:
        liam = users["liam"]
        confirm_handover(
            s,
            actor=liam,
            mission_number="GST-701",
            person_ids=["sv-701"],
            occurred_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )
        close_handover(s, actor=liam, mission_number="GST-701")
    return int(dash.registry.sql("SELECT id FROM incidents")[0][0])


def _no_sideways_scroll(page: Any, where: str) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"


@pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_monitor_follows_an_incident_and_takes_the_audit_bundle(
    dashboard: Dashboard, viewport: str
) -> None:
    dash = dashboard
    width, height = VIEWPORTS[viewport]
    incident = _missing_at_handover(dash)

    monitor = dash.page("mona", width=width, height=height)
    monitor.click("nav >> text=Monitoring")
    expect(monitor.locator("h1")).to_have_text("Monitoring")
    expect(monitor.locator("#hub-incidents").locator("..")).to_contain_text("1 open")
    _no_sideways_scroll(monitor, "/monitoring")
    dash.shot(monitor, f"{viewport}-hub")
    monitor.click("#hub-incidents a")
    rows = monitor.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Missing at handover")
    expect(monitor.locator(".listing-pager")).to_contain_text("Showing 1–1 of 1")
    monitor.click(f"table.listing a[href='/monitoring/incidents/{incident}']")
    expect(monitor.locator("h1")).to_contain_text(f"Incident {incident}")
    expect(monitor.locator("main")).to_contain_text("GST-701")
    expect(monitor.locator("#resolve-incident")).to_have_count(0)  # monitors do not resolve
    observe = monitor.locator("#observe-incident")
    observe.locator("button[type=submit]").click()  # nothing given: errors beside the fields
    expect(monitor.locator(".error-summary")).to_contain_text("Select concern level")
    expect(monitor.locator("#field-text-error")).to_be_visible()
    observe = monitor.locator("#observe-incident")
    observe.locator("select[name=level]").select_option("urgent")
    observe.locator("textarea[name=text]").fill("No search of the aircraft hold is recorded")
    observe.locator("button[type=submit]").click()
    expect(monitor.locator(".flash.ok")).to_contain_text("Observation recorded")
    noted = monitor.locator("#observations li.observation").first
    expect(noted).to_contain_text("Urgent by mona")
    expect(noted).to_contain_text("No search of the aircraft hold is recorded")
    expect(monitor.locator(".urgent-alert")).to_have_count(0)  # the alert is for those who act
    _no_sideways_scroll(monitor, f"/monitoring/incidents/{incident}")
    checker = _login(dash, "mona", (width, height))  # axe-core, let in past the CSP
    checker.goto(f"{dash.url}/monitoring/incidents/{incident}")
    found = _violations(checker)
    assert not found, _report("the incident page with an observation", found)
    checker.locator("#observe-incident button[type=submit]").click()
    expect(checker.locator(".error-summary")).to_be_visible()
    found = _violations(checker)
    assert not found, _report("the observation form with its errors", found)
    checker.context.close()
    dash.shot(monitor, f"{viewport}-observation")

    officer = dash.page("olivia", start="/", width=width)
    alert = officer.locator(".urgent-alert")
    expect(alert).to_contain_text("a monitor marked 1 open incident(s) urgent")
    alert.locator(f"a[href='/monitoring/incidents/{incident}#observations']").click()
    expect(officer.locator("#observations")).to_contain_text("No search of the aircraft hold")
    expect(officer.locator("#observe-incident")).to_have_count(0)  # officers resolve instead
    form = officer.locator("#resolve-incident")
    form.locator("button[type=submit]").click()  # nothing chosen: errors beside the fields
    expect(officer.locator(".error-summary")).to_contain_text("Select reason")
    expect(officer.locator("#field-note-error")).to_be_visible()
    form = officer.locator("#resolve-incident")
    form.locator("select[name=reason]").select_option("received_late")
    form.locator("textarea[name=note]").fill("Received at CECOT at 03:10; count confirmed")
    form.locator("button[type=submit]").click()
    expect(officer.locator(".flash.ok")).to_contain_text(f"Incident {incident} resolved")
    expect(officer.locator("main")).to_contain_text("Received late")
    expect(officer.locator(".urgent-alert")).to_have_count(0)  # resolved: the alert is gone

    monitor.goto(dash.url + "/monitoring/incidents?status=resolved")
    expect(monitor.locator("table.listing tbody tr").first).to_contain_text("Received late")
    _no_sideways_scroll(monitor, "/monitoring/incidents")
    dash.shot(monitor, f"{viewport}-incidents")

    monitor.goto(dash.url + "/monitoring")
    monitor.click("#hub-audit a")
    head = monitor.locator("#audit-head")
    expect(head).to_contain_text("Head hash")
    monitor.click("text=Verify the chain now")
    expect(monitor.locator("#audit-result")).to_contain_text("Verified: the audit chain is intact")
    _no_sideways_scroll(monitor, "/monitoring/audit")
    dash.shot(monitor, f"{viewport}-audit")

    with monitor.expect_download() as info:
        monitor.click("#download-bundle")
    download = info.value
    assert re.fullmatch(r"accord-audit-\d+\.zip", download.suggested_filename)
    with zipfile.ZipFile(download.path()) as zipped:
        names = zipped.namelist()
        manifest_name = next(n for n in names if n.endswith("/manifest.json"))
        manifest = json.loads(zipped.read(manifest_name))
        entries = zipped.read(manifest_name.replace("manifest.json", "audit.jsonl")).splitlines()
    assert manifest["format"]
    assert manifest["entries"] == len(entries)
    assert manifest["chain_intact_at_export"] is True
    assert any(n.endswith("/verify_bundle.py") for n in names)
    resolved = [json.loads(e) for e in entries if b"operations.incident_resolved" in e]
    assert [e["subject"] for e in resolved] == [f"incident:{incident}"]  # in the bundle
    observed = [json.loads(e) for e in entries if b"operations.incident_observation" in e]
    assert [(e["actor"], e["subject"]) for e in observed] == [("mona", f"incident:{incident}")]
