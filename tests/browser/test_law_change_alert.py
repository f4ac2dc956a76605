"""A legal reviewer sees the court-order alert: a mission departed with sv-601 and sv-602;
an order barring removal of Salvadoran nationals is entered while they are in the air; the
banner on every page of a legal reviewer (and an officer) names the count and links to the
alerts page, which lists each person with the mission. A monitor sees no banner. On
PostgreSQL, at the real clock (the dashboard's tokens are issued now)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from playwright.sync_api import expect

from accord.db import write_session
from accord.law_entries import enter_law
from accord.operations.missions import add_to_mission, create_mission, depart_mission
from accord.operations.states import ApproveReason
from accord.operations.workflow import nominate, review
from case_files import case_file

from .conftest import Dashboard

pytestmark = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
CECOT = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
}


def _in_the_air(dash: Dashboard, persons: list[str]) -> None:
    users = dash.registry.users
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
            mission_number="GST-601",
            carrier="GlobalX",
            planned_departure=now,
            seats=5,
            legs=[("Harlingen TX", "Comalapa SAL")],
            **CECOT,
        )
        add_to_mission(s, actor=users["olivia"], mission_number="GST-601", case_ids=ids)
    time.sleep(1.1)
    with write_session(dash.registry.engine) as s:
        result = depart_mission(
            s,
            actor=users["olivia"],
            mission_number="GST-601",
            departed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )
        assert result.departed, result.struck
    today = dt.datetime.now(dt.UTC).date().isoformat()
    with write_session(dash.registry.engine) as s:
        enter_law(
            s,
            actor=users["lena"],
            kind="court_order",
            subject="sv-v-test",
            body={
                "id": "sv-v-test",
                "title": "S.V. v. Test (removal of Salvadoran nationals)",
                "court": "D.D.C.",
                "docket": "No. 1:26-cv-00601",
                "class": {
                    "definition": "All Salvadoran nationals in U.S. custody (fictional)",
                    "source": "Minute order (fictional)",
                    "predicate": {"nationality_in": ["SV"]},
                },
                "events": [
                    {
                        "date": today,
                        "kind": "entered",
                        "what": "temporary restraining order: return planes in the air",
                        "effect": {"kind": "bar_removal"},
                        "source": "Minute order (fictional)",
                    }
                ],
            },
            document=b"fictional minute order",
            document_name="minute-order.pdf",
            media_type="application/pdf",
        )


def test_legal_reviewer_sees_the_alert(dashboard: Dashboard) -> None:
    dash = dashboard
    _in_the_air(dash, ["sv-601", "sv-602"])

    reviewer = dash.page("lena", start="/missions")
    banner = reviewer.locator("p.law-alert")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("2 person(s) protected by a court order")
    expect(banner).to_contain_text("2 incident(s) and 2 return case(s) open")
    dash.shot(reviewer, "1-banner")
    banner.locator("a").click()
    reviewer.wait_for_url(dash.url + "/alerts")
    table = reviewer.locator("#law-alerts")
    expect(table.locator("tbody tr")).to_have_count(4)
    row = table.locator("tr", has_text="incident").filter(has_text="sv-601")
    expect(row).to_contain_text("sv-v-test")
    expect(row.locator("a", has_text="GST-601")).to_have_attribute("href", "/missions/GST-601")
    expect(row.locator("a", has_text="sv-601")).to_have_attribute("href", "/people/sv-601")
    dash.shot(reviewer, "2-alerts")

    officer = dash.page("olivia")
    expect(officer.locator("p.law-alert")).to_be_visible()
    monitor = dash.page("mona")
    expect(monitor.locator("h1")).to_have_text("Overview")
    expect(monitor.locator("p.law-alert")).to_have_count(0)
