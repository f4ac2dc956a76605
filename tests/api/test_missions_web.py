"""Missions on the dashboard: the plan form's errors beside their fields, "add passengers"
offering only cases that may fly on the mission's date and keeping the ticks when refused,
no departure form for an empty manifest, counts in words and the mission's incidents."""

from __future__ import annotations

import datetime as dt
import re

from accord.db import read_session, write_session
from accord.operations.events import get_mission
from accord.operations.handover import close_handover, confirm_handover
from accord.operations.mission_reads import mission_counts
from operations.people import at, departed_mission, protected_salvadoran, salvadoran, venezuelan

from .conftest import Api
from .test_nominate_review_web import NOMINATION, _client
from .test_problems_and_auth import put_case


def _ready(api: Api, *people: str) -> dict[str, int]:
    ids = {}
    for person in people:
        made = api.call("olivia", "POST", "/api/v1/cases", json={"person_id": person, **NOMINATION})
        assert made.status_code == 201, made.text
        ids[person] = made.json()["id"]
        approved = api.call(
            "lena",
            "POST",
            f"/api/v1/cases/{ids[person]}/review",
            json={"approve": True, "reason": "facts_verified"},
        )
        assert approved.status_code == 200, approved.text
    return ids


def _boxes(page: str) -> dict[str, bool]:
    """Each case_id checkbox's value and whether it is ticked."""
    return {m[1]: bool(m[2]) for m in re.finditer(r'name="case_id" value="(\d+)"( checked)?', page)}


def test_plan_add_passengers_and_an_empty_manifest(api: Api) -> None:
    for record in (salvadoran(1), salvadoran(2), salvadoran(3), venezuelan(4)):
        put_case(api, record)
    ids = _ready(api, "sv-001", "sv-002", "sv-003", "ve-004")  # ve-004: notice still owed
    put_case(api, protected_salvadoran(3))  # ready, but ineligible on the mission's date
    officer, csrf = _client(api, "olivia")
    departure = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    plan = NOMINATION | {"planned_departure": departure, "legs": "IAH:SAL", "csrf_token": csrf}
    bad = officer.post("/missions", data=plan | {"mission_number": "M-1", "seats": "0"})
    assert bad.status_code == 400
    assert 'href="#field-carrier"' in bad.text
    assert "Seats must be 1 or more" in bad.text
    assert 'value="M-1"' in bad.text  # what was typed is kept
    made = officer.post(
        "/missions", data=plan | {"mission_number": "M-1", "carrier": "X", "seats": "5"}
    )
    assert made.status_code == 303, made.text
    page = officer.get("/missions/M-1").text
    assert "0 on the manifest of 5 seats" in page
    offered = _boxes(page)
    assert set(offered) == {str(ids["sv-001"]), str(ids["sv-002"])}
    assert "The manifest is empty: add passengers before recording a departure." in page
    assert 'action="/missions/M-1/depart"' not in page
    just_now = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    refused_depart = officer.post(
        "/missions/M-1/depart", data={"departed_at": just_now, "csrf_token": csrf}
    )
    assert refused_depart.status_code == 303  # the service refuses anyway
    assert "its manifest is empty" in officer.get("/missions/M-1").text
    over_api = api.call(
        "olivia",
        "POST",
        "/api/v1/missions/M-1/depart",
        json={"departed_at": dt.datetime.now(dt.UTC).isoformat()},
    )
    assert over_api.status_code == 409
    assert "its manifest is empty" in over_api.json()["detail"]
    ticked = [str(ids["sv-001"]), str(ids["sv-003"])]
    refused = officer.post("/missions/M-1/passengers", data={"case_id": ticked, "csrf_token": csrf})
    assert refused.status_code == 400
    assert f"case {ids['sv-003']} is ineligible as of" in refused.text
    assert _boxes(refused.text)[str(ids["sv-001"])] is True  # the user's tick is kept
    added = officer.post(
        "/missions/M-1/passengers",
        data={"case_id": [str(ids["sv-001"]), str(ids["sv-002"])], "csrf_token": csrf},
    )
    assert added.status_code == 303
    after = officer.get("/missions/M-1").text
    assert "2 on the manifest of 5 seats" in after
    assert 'action="/missions/M-1/depart"' in after


def test_counts_in_words_and_the_missions_incidents(api: Api) -> None:
    registry = api.registry
    departed_mission(registry, [salvadoran(1), salvadoran(2)])
    with write_session(registry.engine) as s:
        confirm_handover(
            s, actor=registry.users["liam"], mission_number="GST-1", person_ids=["sv-001"],
            now=at(16, 9),
        )  # fmt: skip
    with read_session(registry.engine) as s:
        mission = get_mission(s, "GST-1")
        words = mission_counts(s, [mission])[mission.id].words()
    assert words == "2 departed / 1 received · handover open"
    with write_session(registry.engine) as s:
        close_handover(s, actor=registry.users["liam"], mission_number="GST-1", now=at(16, 10))
    monitor, _ = _client(api, "mona")
    page = monitor.get("/missions/GST-1").text
    assert "2 departed / 1 received / 1 missing at handover · handover closed" in page
    found = re.search(r'<a href="/monitoring/incidents/(\d+)">Incident \1</a>', page)
    assert found, page
    assert "<strong>open</strong>" in page
    assert "0 / 2" not in page
