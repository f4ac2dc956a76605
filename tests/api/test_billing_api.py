"""Invoices over HTTP: issue once then final, drafts not stored, masked reads, reconcile and
credit notes after a late release, problem details for bad input.

sv-001 and sv-002 are held at CECOT from 16 March 2025 under the El Salvador offer (USD
20,000 per person-year, prorated by day). Their custody is recorded with 2025 record times
before the API issues its tokens (record time never goes back); everything after that runs
over HTTP at the clock's time, so April 2025 is a closed month and issuing is for real.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from accord.auth import mask_person_id
from accord.db import AuditEntry, read_session
from billing.custody import OFFER, in_custody
from registry.conftest import Registry

from .conftest import MASKING_KEY, Api

D = dt.date
APRIL = {"agreement": OFFER, "month": "2025-04"}
APRIL_TOTAL = "3287.68"  # 2 x 30 days x 20,000 / 365, rounded once per line: 2 x 1643.84


@pytest.fixture
def held(registry: Registry) -> Registry:
    in_custody(registry, {"sv-001": D(2025, 3, 16), "sv-002": D(2025, 3, 16)})
    return registry


@pytest.fixture
def bills(held: Registry, api: Api) -> Api:
    """The API over `held`: custody is recorded first, so `held` comes before `api`."""
    return api


def floats(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats(v)]
    return []


def issue_april(api: Api) -> dict[str, Any]:
    issued = api.call("olivia", "POST", "/api/v1/invoices", json=APRIL)
    assert issued.status_code == 201, issued.text
    body: dict[str, Any] = issued.json()
    return body


def audit_actions(api: Api, actor: str) -> list[tuple[str, str]]:
    with read_session(api.registry.engine) as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.subject)
            .where(AuditEntry.actor == actor)
            .order_by(AuditEntry.seq)
        )
        return [(action, subject) for action, subject in rows]


def test_an_issued_invoice_is_final_and_reads_back(bills: Api) -> None:
    issued = issue_april(bills)
    assert (issued["status"], issued["newly_issued"], issued["total"]) == (
        "issued",
        True,
        APRIL_TOTAL,
    )
    assert [(x["person_id"], x["days_billed"], x["amount"]) for x in issued["lines"]] == [
        ("sv-001", 30, "1643.84"),
        ("sv-002", 30, "1643.84"),
    ]
    assert issued["lines"][0]["periods"] == [["2025-04-01", "2025-04-30"]]
    assert not floats(issued), "money goes out as decimal text, never a JSON number"

    again = bills.call("olivia", "POST", "/api/v1/invoices", json=APRIL)
    assert again.status_code == 200, again.text
    assert not again.json()["newly_issued"]
    for key in ("number", "content_digest", "total", "lines", "issued_at"):
        assert again.json()[key] == issued[key], key

    listed = bills.call("mona", "GET", "/api/v1/invoices", params=APRIL)
    assert listed.status_code == 200, listed.text
    summary = [
        (i["number"], i["total"], i["credited"], i["net"], i["lines"]) for i in listed.json()
    ]
    assert summary == [(issued["number"], APRIL_TOTAL, "0", APRIL_TOTAL, 2)]
    assert bills.call("mona", "GET", "/api/v1/invoices", params={"month": "2025-03"}).json() == []

    shown = bills.call("mona", "GET", f"/api/v1/invoices/{issued['number']}")
    assert shown.status_code == 200, shown.text
    assert shown.json()["content_digest"] == issued["content_digest"]
    assert shown.json()["digest_verified"]
    assert shown.json()["credit_notes"] == []
    assert shown.json()["issued_by"] == "olivia"
    assert ("billing.invoice_issued", f"invoice:{OFFER}:2025-04") in audit_actions(bills, "olivia")
    assert ("read.invoice", f"invoice:{OFFER}:2025-04") in audit_actions(bills, "mona")


def test_a_draft_is_not_stored(bills: Api) -> None:
    today = dt.datetime.now(dt.UTC).date()
    running = {"agreement": OFFER, "month": today.strftime("%Y-%m")}
    draft = bills.call("mona", "GET", "/api/v1/invoices/preview", params=running)
    assert draft.status_code == 200, draft.text
    assert (draft.json()["status"], draft.json()["number"]) == ("draft", None)
    assert draft.json()["through"] == (today - dt.timedelta(days=1)).isoformat()
    posted = bills.call("olivia", "POST", "/api/v1/invoices", json=running)
    assert posted.status_code == 200, posted.text  # a running month is drafted, not issued
    assert posted.json()["status"] == "draft"

    # a closed month not yet issued: what issuing would store, previewed by a reader
    may = bills.call(
        "mona", "GET", "/api/v1/invoices/preview", params={**APRIL, "month": "2025-05"}
    )
    assert may.status_code == 200, may.text
    assert (may.json()["status"], may.json()["through"]) == ("draft", "2025-05-31")
    assert [x["days_billed"] for x in may.json()["lines"]] == [31, 31]
    assert bills.call("mona", "GET", "/api/v1/invoices").json() == []

    issued = issue_april(bills)
    previewed = bills.call("mona", "GET", "/api/v1/invoices/preview", params=APRIL)
    assert (previewed.json()["number"], previewed.json()["content_digest"]) == (
        issued["number"],
        issued["content_digest"],
    )


def test_analysts_see_masked_ids_monitors_read_but_do_not_issue(bills: Api) -> None:
    denied = bills.call("mona", "POST", "/api/v1/invoices", json=APRIL)
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    number = issue_april(bills)["number"]
    key = MASKING_KEY.encode()

    masked = bills.call("ana", "GET", f"/api/v1/invoices/{number}")
    assert masked.status_code == 200, masked.text
    assert [x["person_id"] for x in masked.json()["lines"]] == [
        mask_person_id("sv-001", key),
        mask_person_id("sv-002", key),
    ]
    assert "sv-00" not in masked.text
    plain = bills.call("mona", "GET", f"/api/v1/invoices/{number}")
    assert [x["person_id"] for x in plain.json()["lines"]] == ["sv-001", "sv-002"]

    credit = bills.call("mona", "POST", f"/api/v1/invoices/{number}/credit-notes", json={})
    assert credit.status_code == 403
    assert bills.call("ana", "POST", "/api/v1/invoices", json=APRIL).status_code == 403
    assert bills.call("mona", "GET", "/api/v1/billing/reconcile").status_code == 200


def test_a_late_release_is_reconciled_and_credited(bills: Api) -> None:
    number = issue_april(bills)["number"]
    clean = bills.call("mona", "GET", "/api/v1/billing/reconcile", params={"agreement": OFFER})
    assert clean.status_code == 200, clean.text
    assert (clean.json()["clean"], clean.json()["invoices"], clean.json()["lines"]) == (True, 1, 2)

    late = bills.call(
        "liam",
        "POST",
        "/api/v1/custody/sv-002/end",
        json={
            "end": "release",
            "reason": "released_by_receiving_state",
            "occurred_at": "2025-04-20T15:00:00Z",
        },
    )
    assert late.status_code == 200, late.text

    report = bills.call("mona", "GET", "/api/v1/billing/reconcile", params=APRIL)
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["clean"], body["over_billed"], body["under_billed"]) == (False, "602.74", "0")
    fields = ("invoice", "line_no", "person_id", "code", "days", "periods", "amount")
    assert [tuple(d[f] for f in fields) for d in body["differences"]] == [
        (number, 2, "sv-002", "billed_not_in_custody", 11, [["2025-04-20", "2025-04-30"]], "602.74")
    ]  # 20,000 x 11 / 365
    assert not floats(body)
    masked = bills.call("ana", "GET", "/api/v1/billing/reconcile").json()
    assert masked["differences"][0]["person_id"] == mask_person_id("sv-002", MASKING_KEY.encode())
    assert ("read.billing_reconcile", "invoices") in audit_actions(bills, "mona")

    credited = bills.call(
        "olivia",
        "POST",
        f"/api/v1/invoices/{number}/credit-notes",
        json={"note": "release on 20 April recorded late"},
    )
    assert credited.status_code == 201, credited.text
    notes = credited.json()
    got = [(n["invoice"], n["line_no"], n["person_id"], n["days"], n["amount"]) for n in notes]
    assert got == [(number, 2, "sv-002", 11, "602.74")]
    assert notes[0]["reason"] == "billed_not_in_custody"

    after = bills.call("mona", "GET", "/api/v1/billing/reconcile", params=APRIL)
    assert after.json()["clean"]
    shown = bills.call("mona", "GET", f"/api/v1/invoices/{number}").json()
    assert (shown["total"], shown["credited"], shown["net"]) == (APRIL_TOTAL, "602.74", "2684.94")
    assert [n["number"] for n in shown["credit_notes"]] == [notes[0]["number"]]
    again = bills.call("olivia", "POST", "/api/v1/invoices", json=APRIL)
    assert (again.status_code, again.json()["total"]) == (200, APRIL_TOTAL)  # never edited

    nothing = bills.call("olivia", "POST", f"/api/v1/invoices/{number}/credit-notes", json={})
    assert nothing.status_code == 400
    assert nothing.json()["code"] == "nothing_to_credit"


@pytest.mark.parametrize("month", ["2025-13", "April", "2025-4", "0000-01"])
def test_a_bad_month_is_a_problem_naming_the_field(api: Api, month: str) -> None:
    posted = api.call("olivia", "POST", "/api/v1/invoices", json={**APRIL, "month": month})
    assert posted.status_code == 422
    assert posted.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in posted.json()["errors"]] == ["body.month"]
    previewed = api.call(
        "mona", "GET", "/api/v1/invoices/preview", params={**APRIL, "month": month}
    )
    assert previewed.status_code == 422
    assert [e["field"] for e in previewed.json()["errors"]] == ["query.month"]
    listed = api.call("mona", "GET", "/api/v1/billing/reconcile", params={"month": month})
    assert [e["field"] for e in listed.json()["errors"]] == ["query.month"]


def test_unknown_invoices_agreements_and_months_to_come(api: Api) -> None:
    for method, path in (
        ("GET", "/api/v1/invoices/999999"),
        ("POST", "/api/v1/invoices/999999/credit-notes"),
    ):
        missing = api.call("olivia", method, path, **({"json": {}} if method == "POST" else {}))
        assert missing.status_code == 404, missing.text
        assert missing.json()["code"] == "unknown_invoice"
    unknown = api.call("olivia", "POST", "/api/v1/invoices", json={**APRIL, "agreement": "nope"})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_agreement")
    future = api.call("olivia", "POST", "/api/v1/invoices", json={**APRIL, "month": "2199-01"})
    assert (future.status_code, future.json()["code"]) == (400, "month_not_billed")
