"""The law-entry API: POST /api/v1/law/entries (multipart: kind, subject, body as JSON, the
document as a file part), GET the list, one entry and its document. Problem details on bad
input, nothing written; the document route's body cap (api/body_limits.py)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from accord.api.app import route_table
from accord.api.body_limits import DOCUMENT_BODY_MAX_BYTES, DOCUMENT_PATHS
from accord.law_entries.service import DOCUMENT_MAX_BYTES
from api.conftest import Api, api, empty_database, pg_server, registry

from .law_data import ADULT_AT_21, JOP_STAYED, PDF, TEST_ORDER, TEST_ORDER_ID

__all__ = ["api", "empty_database", "pg_server", "registry"]
URL = "/api/v1/law/entries"


def _post(api: Api, who: str, kind: str, subject: str, body: Any, document: bytes = PDF) -> Any:
    return api.call(
        who,
        "POST",
        URL,
        data={"kind": kind, "subject": subject, "body": json.dumps(body)},
        files={"document": ("C:\\scans\\order 12.pdf", document, "application/pdf")},
    )


def _counts(api: Api) -> tuple[int, int]:
    (entries,) = api.registry.sql("SELECT count(*) FROM law_entries")
    (audit,) = api.registry.sql("SELECT count(*) FROM audit_log")
    return entries[0], audit[0]


def test_enter_list_show_and_download(api: Api) -> None:
    made = _post(api, "lena", "court_order", TEST_ORDER_ID, TEST_ORDER)
    assert made.status_code == 201, made.text
    entry = made.json()
    assert entry["kind"] == "court_order"
    assert entry["subject"] == TEST_ORDER_ID
    assert entry["effective_on"] == "2025-03-12"
    assert entry["recorded_by"] == "lena"
    assert entry["source_document"] == "order 12.pdf"  # no folder kept
    assert entry["source_document_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert entry["body"]["docket"] == TEST_ORDER["docket"]
    made = _post(api, "root", "parameter_value", "adult_age_years", ADULT_AT_21)
    assert made.status_code == 201, made.text

    listed = api.call("ana", "GET", URL)  # analysts read the law too
    assert listed.status_code == 200
    assert [(e["kind"], e["recorded_by"]) for e in listed.json()] == [
        ("court_order", "lena"),
        ("parameter_value", "root"),
    ]
    assert all(e["body"] is None for e in listed.json())
    only = api.call("mona", "GET", URL, params={"kind": "parameter_value"}).json()
    assert [e["subject"] for e in only] == ["adult_age_years"]

    one = api.call("olivia", "GET", f"{URL}/{entry['id']}")
    assert one.status_code == 200
    assert one.json()["body"]["id"] == TEST_ORDER_ID
    document = api.call("olivia", "GET", entry["document_url"])
    assert document.status_code == 200
    assert document.content == PDF
    assert document.headers["content-type"] == "application/pdf"
    assert document.headers["x-content-sha256"] == entry["source_document_sha256"]
    assert api.call("liam", "GET", URL).status_code == 403


@pytest.mark.parametrize(
    ("who", "kind", "subject", "body", "document", "status", "needle"),
    [
        ("olivia", "court_order", TEST_ORDER_ID, TEST_ORDER, PDF, 403, "permission"),
        ("root", "court_order", TEST_ORDER_ID, TEST_ORDER, PDF, 403, "may not law.orders"),
        ("lena", "parameter_value", "adult_age_years", ADULT_AT_21, PDF, 403, "law.terms"),
        ("lena", "court_order_event", "jop-v-dhs", {**JOP_STAYED, "date": "x"}, PDF, 400, "date"),
        ("lena", "court_order_event", "nope", JOP_STAYED, PDF, 400, "no court order 'nope'"),
        ("lena", "court_order", TEST_ORDER_ID, [1, 2], PDF, 400, "one JSON object"),
        ("lena", "court_order", TEST_ORDER_ID, TEST_ORDER, b"", 400, "document is empty"),
        ("lena", "unknown_kind", TEST_ORDER_ID, TEST_ORDER, PDF, 422, "kind"),
    ],
)
def test_bad_input_is_a_problem_and_writes_nothing(
    api: Api,
    who: str,
    kind: str,
    subject: str,
    body: Any,
    document: bytes,
    status: int,
    needle: str,
) -> None:
    before = _counts(api)
    response = _post(api, who, kind, subject, body, document)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert needle in response.text
    assert _counts(api) == before


def test_body_not_json_and_unknown_entry(api: Api) -> None:
    response = api.call(
        "lena",
        "POST",
        URL,
        data={"kind": "court_order", "subject": "x", "body": "{not json"},
        files={"document": ("a.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]
    for path in (f"{URL}/99", f"{URL}/99/document"):
        missing = api.call("lena", "GET", path)
        assert missing.status_code == 404
        assert missing.json()["code"] == "unknown_law_entry"


def test_the_document_route_takes_16_mib_and_no_more(api: Api) -> None:
    assert DOCUMENT_BODY_MAX_BYTES > DOCUMENT_MAX_BYTES
    paths = {info.path for info in route_table(api.app)}
    assert paths >= DOCUMENT_PATHS  # a renamed route would fall back to the default cap
    big = b"%PDF-1.4\n" + b"0" * (DOCUMENT_MAX_BYTES - 9)
    made = _post(api, "lena", "court_order", TEST_ORDER_ID, TEST_ORDER, big)
    assert made.status_code == 201, made.text[:300]
    before = _counts(api)
    too_big = _post(api, "lena", "court_order_event", "jop-v-dhs", JOP_STAYED, big + b"0")
    assert too_big.status_code == 400
    assert "larger than" in too_big.json()["detail"]
    way_too_big = _post(
        api, "lena", "court_order_event", "jop-v-dhs", JOP_STAYED, big + b"0" * 2 * 1024**2
    )
    assert way_too_big.status_code == 413
    assert _counts(api) == before


def test_dashboard_forms_for_admins_and_reviewers(api: Api) -> None:
    """The Law page's forms (the browser test drives the reviewer's event form)."""
    pdf = {"document": ("order.pdf", PDF, "application/pdf")}
    value = {"kind": "parameter_value", "subject": "adult_age_years", "value": "21"}
    value |= {"effective_from": "2025-03-10", "source": ADULT_AT_21["source"]}
    done = api.call("root", "POST", "/law/terms", data=value, files=pdf)
    assert done.status_code == 303
    assert done.headers["location"] == "/law"
    assert "recorded" in done.cookies.get("accord_flash", "")
    refused = api.call("root", "POST", "/law/terms", data={**value, "value": "99"}, files=pdf)
    assert refused.status_code == 400  # the page again, the refusal beside its field
    assert 'id="param-subject-error"' in refused.text
    assert "21" in refused.text
    assert 'value="99"' in refused.text  # what was typed is kept
    order = {"kind": "court_order", "text": json.dumps(TEST_ORDER)}  # JSON is YAML
    assert api.call("root", "POST", "/law/orders", data=order, files=pdf).status_code == 403
    assert api.call("lena", "POST", "/law/terms", data=value, files=pdf).status_code == 403
    done = api.call("lena", "POST", "/law/orders", data=order, files=pdf)
    assert done.status_code == 303
    assert "recorded" in done.cookies.get("accord_flash", "")
    assert [e["kind"] for e in api.call("lena", "GET", URL).json()] == [
        "parameter_value",
        "court_order",
    ]
    page = api.call("root", "GET", "/law")
    assert page.status_code == 200
    assert 'id="set-parameter"' in page.text
    assert 'id="enter-order"' not in page.text
    assert "test-ve-sv-tro" in page.text
    assert api.call("liam", "GET", "/law").status_code == 403


def test_decisions_and_explanations_apply_the_registry_law(api: Api) -> None:
    import datetime as dt

    from registry.factories import VE, record_case

    record_case(api.registry, VE, dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC))
    request = {"person_id": "ve-001", "agreement": "sv-2025-offer"}
    request |= {"pathway": "third_country_removal", "destination": "SV", "as_of": "2025-03-15"}
    before = api.call("lena", "POST", "/api/v1/decisions/explain", json=request).json()
    assert "no_class_order_bar" not in [r["rule"] for r in before["failed"]]
    assert before["law_entries"] == []
    entry = _post(api, "lena", "court_order", TEST_ORDER_ID, TEST_ORDER).json()
    for path in ("/api/v1/decisions/explain", "/api/v1/decisions"):
        decision = api.call("lena", "POST", path, json=request)
        assert decision.status_code in (200, 201), decision.text
        body = decision.json()
        assert "no_class_order_bar" in [r["rule"] for r in body["failed"]], path
        assert [e["entry"] for e in body["law_entries"]] == [str(entry["id"])]
        assert "law_digest" in body["ruleset"]
