"""Problem details for every error, bearer tokens, masking for analysts, audited reads."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from accord.api.problems import PROBLEM_JSON
from accord.db import AuditEntry, read_session
from accord.errors import DataError, RegistryNotReady, SettingsError
from operations.people import salvadoran, venezuelan

from .conftest import Api

DECIDE = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
    "as_of": "2025-03-16",
}


def put_case(api: Api, record: dict[str, object]) -> None:
    body = {"case": record, "source_document": "test case file"}
    response = api.call(
        "olivia", "PUT", f"/api/v1/persons/{record['person_id']}/case-file", json=body
    )
    assert response.status_code == 200, response.text


def _problem(response: object) -> dict[str, object]:
    assert response.headers["content-type"] == PROBLEM_JSON  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert {"type", "title", "status", "detail", "instance", "code"} <= set(body)
    assert body["status"] == response.status_code  # type: ignore[attr-defined]
    return dict(body)


def test_unauthenticated_and_bad_tokens_get_401_with_www_authenticate(api: Api) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer accord_0000000000000000_nope"},
        {"Authorization": "Basic x"},
    ):
        response = api.client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        _problem(response)
    me = api.call("olivia", "GET", "/api/v1/me").json()
    assert me["role"] == "officer"
    assert not me["masked"]


def test_validation_errors_name_the_field(api: Api) -> None:
    response = api.call(
        "olivia", "POST", "/api/v1/decisions", json={**DECIDE, "person_id": "x"} | {"as_of": "soon"}
    )
    body = _problem(response)
    assert response.status_code == 422
    assert body["code"] == "validation_error"
    assert "body.as_of" in str(body["detail"])
    assert [e["field"] for e in body["errors"]] == ["body.as_of"]  # type: ignore[union-attr]
    missing = _problem(api.call("olivia", "POST", "/api/v1/cases", json={"agreement": "a"}))
    assert "body.person_id" in str(missing["detail"])
    unknown = _problem(
        api.call(
            "olivia",
            "POST",
            "/api/v1/decisions",
            json={**DECIDE, "person_id": "x", "agreement": "no-such"},
        )
    )
    assert unknown["status"] == 422
    assert unknown["code"] == "unknown_agreement"


def test_not_found_conflict_and_forbidden(api: Api) -> None:
    missing = _problem(api.call("olivia", "GET", "/api/v1/persons/nobody/case-file"))
    assert missing["status"] == 404
    assert missing["code"] == "unknown_person"
    assert missing["instance"] == "/api/v1/persons/nobody/case-file"
    assert _problem(api.call("olivia", "GET", "/api/v1/no/such/route"))["status"] == 404
    duplicate = _problem(
        api.call("root", "POST", "/api/v1/users", json={"name": "olivia", "role": "officer"})
    )
    assert duplicate["status"] == 409
    assert duplicate["code"] == "registry_conflict"
    denied = _problem(api.call("ana", "GET", "/api/v1/persons/nobody/case-file"))
    assert denied["status"] == 403
    assert denied["code"] == "permission_denied"


def test_a_server_error_leaks_no_traceback_nor_sql(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("SELECT secret FROM persons WHERE password = 'hunter2'")

    monkeypatch.setattr("accord.operations.views.run_reconcile", broken)
    with TestClient(api.app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/reconcile", headers=api.headers("olivia"))
    body = _problem(response)
    assert response.status_code == 500
    assert body["code"] == "internal_error"
    for leak in ("SELECT", "hunter2", "Traceback", "RuntimeError", "views.py"):
        assert leak not in response.text


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (
            RegistryNotReady("postgresql://db.internal/accord: no registry here"),
            503,
            "registry_not_ready",
        ),
        (SettingsError("ACCORD_MASKING_KEY is not set"), 500, "settings_error"),
        (DataError("law/data/parameters.yaml must be a mapping"), 500, "data_error"),
    ],
)
def test_errors_of_the_server_are_5xx_problems_that_say_nothing_of_the_cause(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    status: int,
    code: str,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr("accord.operations.views.run_reconcile", broken)
    response = api.call("olivia", "GET", "/api/v1/reconcile")
    body = _problem(response)
    assert response.status_code == status
    assert body["code"] == code
    assert body["type"] == "urn:accord:problem:" + code.replace("_", "-")
    for leak in ("db.internal", "ACCORD_MASKING_KEY", "parameters.yaml", "Traceback"):
        assert leak not in response.text
    assert str(error) in caplog.text  # the operator finds the cause in the log


def test_analysts_see_masked_identifiers_and_reads_are_audited(api: Api) -> None:
    put_case(api, venezuelan(1))
    put_case(api, salvadoran(1))
    plain = api.call("mona", "GET", "/api/v1/persons").json()["persons"]
    assert plain == ["sv-001", "ve-001"]
    masked = api.call("ana", "GET", "/api/v1/persons").json()
    assert len(masked["persons"]) == 2
    assert all(p.startswith("anon-") and "001" not in p for p in masked["persons"])
    assert api.call("ana", "GET", "/api/v1/me").json()["masked"] is True
    case = api.call(
        "mona", "GET", "/api/v1/persons/ve-001/case-file", params={"as_known_on": "2099-01-01"}
    )
    assert case.status_code == 200
    assert case.json()["person_id"] == "ve-001"
    with read_session(api.registry.engine) as session:
        reads = session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject).where(
                AuditEntry.action.like("read.%")
            )
        ).all()
    assert ("mona", "read.case_file", "person:ve-001") in reads
    assert ("ana", "read.persons", "persons") in reads


def test_as_known_on_reads_the_past(api: Api) -> None:
    put_case(api, venezuelan(1))
    before = api.call(
        "olivia", "GET", "/api/v1/persons/ve-001/case-file", params={"as_known_on": "2025-01-01"}
    )
    assert before.status_code == 404
    bad = _problem(
        api.call(
            "olivia",
            "GET",
            "/api/v1/persons/ve-001/history",
            params={"as_known_on": "2025-01-01T10:00"},
        )
    )
    assert bad["status"] == 422
    assert "as_known_on" in str(bad["detail"])
    history = api.call("olivia", "GET", "/api/v1/persons/ve-001/history").json()
    assert {v["recorded_by"] for v in history} == {"olivia"}
