"""The dashboard says when a court order in effect has not yet acted on operations, and a
legal reviewer can make it act from the banner (what `accord law act-due` does).

The order (fictional, for Venezuelan nationals) is entered on 14 March 2025 to take effect on
the 15th; a flight with a Venezuelan passenger leaves at 23:00 on the 14th, and no operation
runs after it. Today the order is in effect and has acted on no one: until it does, every
page tells the users who deal with court orders, and reconcile fails."""

from __future__ import annotations

import pytest

from accord.db import read_session
from accord.operations.handover import list_incidents
from operations.people import at, venezuelan
from operations.test_law_due import depart, enter_the_order, plan, ready

from .conftest import Api, csrf_of

pytestmark = pytest.mark.parametrize("registry", ["sqlite", "postgresql"], indirect=True)

BANNER = "Court order in effect, not yet acted on"


def test_an_order_in_effect_that_has_not_acted_is_on_every_page_until_it_acts(api: Api) -> None:
    registry = api.registry
    ids = ready(registry, [venezuelan(7)])
    plan(registry, "GST-7", [ids["ve-007"]], at(14, 22))
    entry = enter_the_order(registry, at(14, 16))
    assert depart(registry, "GST-7", at(14, 23)).departed

    # records above are dated March 2025; sign-ins (audited at the real time) come after
    lena = api.browser("lena")
    page = lena.get("/").text
    assert BANNER in page
    assert f"ve-v-test (law entry {entry}, in effect from 2025-03-15)" in page
    assert "Act on it now" in page
    mona = api.browser("mona")  # a monitor neither sees court-order banners nor acts
    assert BANNER not in mona.get("/").text
    assert mona.post("/alerts/act-due", data={"csrf_token": csrf_of(page)}).status_code == 403

    acted = lena.post("/alerts/act-due", data={"csrf_token": csrf_of(page)})
    assert acted.status_code == 303
    after = lena.get(acted.headers["location"]).text
    assert "1 law entry acted: 1 incident(s), 1 return case(s)" in after
    assert BANNER not in lena.get("/").text
    with read_session(registry.engine) as s:
        kinds = [(i.kind, i.person_id) for i, _ in list_incidents(s)]
    assert kinds == [("court_order_in_transit", "ve-007")]

    again = lena.post("/alerts/act-due", data={"csrf_token": csrf_of(page)})
    assert (
        "No court order in effect was waiting to act." in lena.get(again.headers["location"]).text
    )
