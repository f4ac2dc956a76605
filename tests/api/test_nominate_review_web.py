"""Nominating and reviewing on the dashboard: the decision shown, refusals with their rules,
the review queue, and a review form with no reason pre-selected (in-process, no browser)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from accord.api import create_app
from operations.people import protected_salvadoran, salvadoran, venezuelan

from .conftest import Api, settings_for
from .test_login_csrf import login
from .test_problems_and_auth import put_case

NOMINATION = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
}


def _client(api: Api, name: str) -> tuple[TestClient, str]:
    client = TestClient(
        create_app(settings_for(api.registry), engine=api.registry.engine), follow_redirects=False
    )
    return client, login(client, api.tokens[name])


def test_a_web_nomination_shows_its_decision_or_its_refusal(api: Api) -> None:
    put_case(api, protected_salvadoran(1))
    put_case(api, venezuelan(2))
    officer, csrf = _client(api, "olivia")
    form = officer.get("/people/ve-002/nominate")
    assert form.status_code == 200
    assert 'id="field-agreement"' in form.text
    assert re.search(r"<option value=\"sv-2025-offer\"[^>]*selected", form.text) is None
    refused = officer.post("/people/sv-001/nominate", data=NOMINATION | {"csrf_token": csrf})
    assert refused.status_code == 409
    assert "Nomination refused" in refused.text
    assert "no_withholding" in refused.text
    assert "8 U.S.C. 1231(b)(3)" in refused.text
    assert re.search(r"decision record \d+ is kept", refused.text)
    assert 'value="CECOT"' in refused.text  # what was typed is kept
    blank = officer.post(
        "/people/ve-002/nominate",
        data=NOMINATION | {"agreement": "", "destination": "S1", "csrf_token": csrf},
    )
    assert blank.status_code == 400
    assert "There is a problem" in blank.text
    assert 'href="#field-agreement"' in blank.text
    assert 'href="#field-destination"' in blank.text
    done = officer.post("/people/ve-002/nominate", data=NOMINATION | {"csrf_token": csrf})
    assert done.status_code == 303
    assert done.headers["location"].startswith("/people/ve-002#case-")
    shown = officer.get(done.headers["location"]).text
    assert re.search(r"Nominated: transfer case \d+\. Decision record \d+", shown)
    assert "third_country_notice" in shown  # the warning: notice still to serve
    cases = api.call("mona", "GET", "/api/v1/cases").json()
    assert [c["person_id"] for c in cases] == ["ve-002"]  # the refusal made no case


def test_the_review_queue_and_a_review_form_without_a_preselected_reason(api: Api) -> None:
    put_case(api, salvadoran(1))
    put_case(api, salvadoran(2))
    ids = {}
    for person in ("sv-001", "sv-002"):
        body = {"person_id": person, **NOMINATION}
        ids[person] = api.call("olivia", "POST", "/api/v1/cases", json=body).json()["id"]
    put_case(api, protected_salvadoran(2))  # learnt after nomination: cannot be approved now
    reviewer, csrf = _client(api, "lena")
    queue = reviewer.get("/review")
    assert queue.status_code == 200
    assert "Showing 1–2 of 2" in queue.text
    assert f'href="/review/{ids["sv-001"]}"' in queue.text
    assert "cannot be approved: no_withholding" in queue.text
    download = reviewer.get("/review?format=csv")
    assert download.headers["content-type"].startswith("text/csv")
    assert download.text.splitlines()[0] == "Case,Person,Agreement,To,Waiting since,Nominated by"
    assert len(download.text.splitlines()) == 3
    blocked = reviewer.get(f"/review/{ids['sv-002']}").text
    assert 'id="approve-form"' not in blocked
    assert 'id="no-approval"' in blocked
    assert 'id="deny-form"' in blocked
    page = reviewer.get(f"/review/{ids['sv-001']}").text
    assert 'id="approve-form"' in page
    deny_select = page[
        page.index('id="deny-reason"') : page.index("</select>", page.index('id="deny-reason"'))
    ]
    assert '<option value="" selected>Choose a denial reason</option>' in deny_select
    assert deny_select.count("selected") == 1
    missing = reviewer.post(
        f"/cases/{ids['sv-001']}/review",
        data={
            "decision": "deny",
            "reason": "",
            "note": "typed",
            "back": "queue",
            "csrf_token": csrf,
        },
    )
    assert missing.status_code == 400
    assert 'href="#deny-reason"' in missing.text
    assert "Select a denial reason" in missing.text
    assert ">typed</textarea>" in missing.text
    forced = reviewer.post(
        f"/cases/{ids['sv-002']}/review",
        data={
            "decision": "approve",
            "reason": "facts_verified",
            "back": "queue",
            "csrf_token": csrf,
        },
    )
    assert forced.status_code == 303  # the service refuses: the message on the review page
    assert forced.headers["location"] == f"/review/{ids['sv-002']}"
    assert "no_withholding" in reviewer.get(forced.headers["location"]).text
    approved = reviewer.post(
        f"/review/{ids['sv-001']}",
        data={
            "decision": "approve",
            "reason": "facts_verified",
            "back": "queue",
            "csrf_token": csrf,
        },
    )
    assert approved.status_code == 303
    assert approved.headers["location"] == "/review"
    after = reviewer.get("/review").text
    assert "Showing 1–1 of 1" in after
    assert "now Ready" in after
