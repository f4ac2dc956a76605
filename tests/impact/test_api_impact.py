"""GET /api/v1/impact/...: the impact as JSON; problem details for an unknown order or entry
(404) and a bad date (422); POST /api/v1/impact weighs a candidate without writing it."""

from __future__ import annotations

from operations.people import snapshot

from .conftest import Api
from .flight import departed_and_ordered
from .orders import bar_for_nationality

BASE = "/api/v1/impact"


def test_the_impact_of_an_entry_and_of_an_order_in_force(api: Api) -> None:
    _, entry_id = departed_and_ordered(api.registry)
    response = api.call("lena", "GET", f"{BASE}/entries/{entry_id}")
    assert response.status_code == 200, response.text
    report = response.json()
    (request,) = report["requests"]
    assert {p["person_id"] for p in request["changes"]} == {"ve-001", "ve-002"}
    assert report["operations"]["by_state"]["departed, in the air"] == 2
    # J.G.G. vacated on 7 April: in force again from 8 April, and its class is not on the flight
    response = api.call(
        "mona", "GET", f"{BASE}/orders/jgg-v-trump", params={"in_force_from": "2025-04-08"}
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["change"]["order"]["before"].startswith("vacated")
    assert answer["change"]["order"]["after"].startswith("in force since 2025-04-08")
    assert answer["requests"][0]["outcome_changes"] == 0  # an AEA-only bar: not Title 8


def test_problems_for_unknown_subjects_and_bad_dates(api: Api) -> None:
    departed_and_ordered(api.registry)
    before = snapshot(api.registry)
    unknown_entry = api.call("lena", "GET", f"{BASE}/entries/999")
    assert unknown_entry.status_code == 404
    assert unknown_entry.json()["detail"] == "no law entry 999"
    unknown_order = api.call(
        "lena", "GET", f"{BASE}/orders/no-such-order", params={"in_force_from": "2025-03-15"}
    )
    assert unknown_order.status_code == 404
    assert unknown_order.headers["content-type"].startswith("application/problem+json")
    bad_day = api.call(
        "lena", "GET", f"{BASE}/orders/jgg-v-trump", params={"in_force_from": "2025-02-30"}
    )
    assert bad_day.status_code == 422
    bad = bar_for_nationality()
    bad["class"]["predicate"] = {"born_on_a_tuesday": True}
    refused = api.call("lena", "POST", BASE, json={"kind": "court_order", "body": bad})
    assert refused.status_code == 400
    assert "born_on_a_tuesday" in refused.json()["detail"]
    assert snapshot(api.registry) == before  # not even an audit entry


def test_a_candidate_is_weighed_and_not_written(api: Api) -> None:
    departed_and_ordered(api.registry)
    entries = api.registry.sql("SELECT count(*) FROM law_entries")[0][0]
    response = api.call(
        "lena",
        "POST",
        BASE,
        json={"kind": "court_order", "body": bar_for_nationality("SV", order_id="bar-sv")},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["change"]["entry"] is None
    assert [p["person_id"] for p in report["requests"][0]["changes"]] == ["sv-001"]
    assert api.registry.sql("SELECT count(*) FROM law_entries")[0][0] == entries
    denied = api.call("ana", "POST", BASE, json={"kind": "court_order", "body": {}})
    assert denied.status_code == 403
