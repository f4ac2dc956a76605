"""Nomination -> review -> notice -> mission -> boarding check -> departure, over HTTP."""

from __future__ import annotations

import datetime as dt

from operations.people import protected_salvadoran, salvadoran, venezuelan

from .conftest import Api
from .test_problems_and_auth import put_case

CECOT = {"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV"}


def test_nomination_to_boarding_over_http(api: Api) -> None:
    put_case(api, venezuelan(1))
    put_case(api, protected_salvadoran(3))
    refused = api.call(
        "olivia",
        "POST",
        "/api/v1/cases",
        json={"person_id": "sv-003", "facility": "CECOT", **CECOT},
    )
    assert refused.status_code == 409, refused.text  # withholding: nothing cures it
    assert refused.json()["code"] == "rule_of_law_block"
    assert refused.json()["decision"]["blocking"] == ["no_withholding"]
    assert "8 U.S.C. 1231(b)(3)" in refused.json()["detail"]
    put_case(api, salvadoran(2))
    ids = {}
    for person in ("ve-001", "sv-002"):
        made = api.call(
            "olivia",
            "POST",
            "/api/v1/cases",
            json={"person_id": person, "facility": "CECOT", **CECOT},
        )
        assert made.status_code == 201, made.text
        assert made.json()["state"] == "nominated"
        assert made.json()["decision"]["decision_record_id"] > 0
        ids[person] = made.json()["id"]
    assert made.json()["decision"]["outcome"] == "eligible"
    put_case(api, protected_salvadoran(2))  # the grant learnt after nomination
    own = api.call(
        "olivia",
        "POST",
        f"/api/v1/cases/{ids['ve-001']}/review",
        json={"approve": True, "reason": "facts_verified"},
    )
    assert own.status_code == 403  # officers do not review
    approved = api.call(
        "lena",
        "POST",
        f"/api/v1/cases/{ids['ve-001']}/review",
        json={"approve": True, "reason": "facts_verified"},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["to_state"] == "approved"  # notice naming El Salvador still owed
    blocked = api.call(
        "lena",
        "POST",
        f"/api/v1/cases/{ids['sv-002']}/review",
        json={"approve": True, "reason": "facts_verified"},
    )
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "rule_of_law_block"
    mixed = api.call(
        "lena",
        "POST",
        f"/api/v1/cases/{ids['sv-002']}/review",
        json={"approve": True, "reason": "stay_in_force"},
    )
    assert mixed.status_code == 422
    today = dt.datetime.now(dt.UTC).date()
    served = {"served_on": today.isoformat(), "source_document": "DHS notice", "counsel": True}
    notice = api.call(
        "olivia", "POST", "/api/v1/cases/notices", json={"case_ids": [ids["ve-001"]], **served}
    )
    assert notice.status_code == 200, notice.text
    assert notice.json()[0]["to_state"] == "ready"
    departure = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=30)
    mission = api.call(
        "olivia", "POST", "/api/v1/missions",
        json={"mission_number": "GST-1", "carrier": "GlobalX", "facility": "CECOT", **CECOT,
              "planned_departure": departure.isoformat(), "seats": 10,
              "legs": [{"pickup": "Harlingen TX", "dropoff": "San Salvador"}]},
    )  # fmt: skip
    assert mission.status_code == 201, mission.text
    added = api.call(
        "olivia", "POST", "/api/v1/missions/GST-1/cases", json={"case_ids": [ids["ve-001"]]}
    )
    assert added.status_code == 200, added.text
    assert [c["state"] for c in added.json()] == ["manifested"]
    check = api.call("olivia", "POST", "/api/v1/missions/GST-1/check")
    assert check.status_code == 200, check.text
    assert check.json() | {"struck": []} == {
        "mission_number": "GST-1",
        "checked": 1,
        "cleared": 1,
        "departed": False,
        "struck": [],
    }
    shown = api.call("mona", "GET", "/api/v1/missions/GST-1").json()
    assert [c["person_id"] for c in shown["cases"]] == ["ve-001"]
    detail = api.call("mona", "GET", f"/api/v1/cases/{ids['ve-001']}").json()
    assert [e["kind"] for e in detail["events"]][:1] == ["nominated"]
    manifest = api.call("mona", "GET", "/api/v1/missions/GST-1/manifest", params={"format": "csv"})
    assert manifest.headers["content-type"].startswith("text/csv")
    assert "ve-001" in manifest.text
    decision = api.call(
        "olivia",
        "POST",
        "/api/v1/decisions",
        json={
            "person_id": "ve-001",
            "facility": "CECOT",
            **CECOT,
            "as_of": departure.date().isoformat(),
        },
    )
    assert decision.status_code == 201
    assert decision.json()["outcome"] == "eligible"
    record = decision.json()["decision_record"]
    replay = api.call("mona", "POST", f"/api/v1/decisions/{record}/replay").json()
    assert replay["reproduces"] is True
    assert api.call("mona", "GET", "/api/v1/reconcile").json()["clean"] is True
    assert api.call("mona", "GET", "/api/v1/audit/verify").json()["intact"] is True
