"""The dashboard's pages in-process (httpx, no browser): how they answer browsers that are not
logged in, not allowed, or send a form without the CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from accord.api import ApiSettings, create_app
from accord.auth import issue_token
from accord.db import write_session
from case_files import case_file

from .conftest import Registry

pytestmark = pytest.mark.parametrize("registry", ["sqlite"], indirect=True)


@pytest.fixture
def app(registry: Registry) -> Any:
    from accord.casefile.models import CaseFile
    from accord.registry import import_case_files

    with write_session(registry.engine) as session:
        import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=[CaseFile.model_validate(case_file("ve-501", "VE"))],
            source_document="test",
        )
    settings = ApiSettings(database_url=registry.url, secret_key="s" * 40, masking_key="m" * 40)
    return create_app(settings, engine=registry.engine)


def _client(app: Any, registry: Registry, user: str) -> TestClient:
    with write_session(registry.engine) as session:
        token = issue_token(session, actor=registry.users[user], name=user)
    client = TestClient(app, follow_redirects=False)
    form = client.get("/login?next=/").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf is not None
    response = client.post("/login", data={"token": token, "csrf_token": csrf[1], "next": "/"})
    assert response.status_code == 303
    return client


def test_not_logged_in_is_sent_to_login_and_back(app: Any) -> None:
    client = TestClient(app, follow_redirects=False)
    response = client.get("/missions?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmissions%3Fx%3D1"
    client.cookies.set("accord_session", "forged")
    assert client.get("/").headers["location"] == "/login?next=%2F"


def test_forbidden_and_unknown_are_html_pages(app: Any, registry: Registry) -> None:
    admin = _client(app, registry, "root")
    response = admin.get("/people/ve-501")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "may not facts.read" in response.text
    officer = _client(app, registry, "olivia")
    missing = officer.get("/people/nobody")
    assert missing.status_code == 404
    assert "no person &#39;nobody&#39;" in missing.text
    bad = officer.get("/cases?state=flying")
    assert bad.status_code == 400  # the list's filter refuses it (dashboard/listing.py)
    assert "State &#39;flying&#39; is not one this list offers" in bad.text


def test_a_form_without_the_csrf_token_is_refused(app: Any, registry: Registry) -> None:
    officer = _client(app, registry, "olivia")
    fields = {"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV"}
    refused = officer.post("/people/ve-501/nominate", data=fields | {"facility": "CECOT"})
    assert refused.status_code == 403
    assert "CSRF" in refused.text
    page = officer.get("/people/ve-501").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    done = officer.post(
        "/people/ve-501/nominate", data=fields | {"facility": "CECOT", "csrf_token": token[1]}
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith("/people/ve-501#case-")  # the new case
    shown = officer.get("/people/ve-501")
    assert "Nominated: transfer case" in shown.text
    assert "Nominated: transfer case" not in officer.get("/people/ve-501").text  # shown once
    again = officer.post(
        "/people/ve-501/nominate", data=fields | {"facility": "CECOT", "csrf_token": token[1]}
    )
    assert again.status_code == 303  # refused by the service: a message, nothing written
    assert "already in transfer case" in officer.get("/people/ve-501").text


def test_analysts_see_masked_ids_only(app: Any, registry: Registry) -> None:
    analyst = _client(app, registry, "ana")
    page = analyst.get("/people").text
    assert "anon-" in page
    assert "ve-501" not in page
    assert analyst.get("/people?q=ve").text.count("anon-") == 1  # no prefix search
