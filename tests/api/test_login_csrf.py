"""The login page: a session cookie from an API token, and CSRF on cookie-authenticated writes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from accord.api.security import CSRF_COOKIE, SESSION_COOKIE

from .conftest import Api

NOMINATION = {
    "person_id": "nobody-1",
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
}


def login(client: TestClient, token: str) -> str:
    """Log in through the form; return the CSRF token of the session."""
    page = client.get("/login")
    assert page.status_code == 200
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert form_token is not None
    response = client.post(
        "/login", data={"token": token, "csrf_token": form_token.group(1), "next": "/api/v1/me"}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/api/v1/me"
    cookie = response.headers.get_list("set-cookie")
    session = next(c for c in cookie if c.startswith(SESSION_COOKIE + "="))
    assert "httponly" in session.lower()
    assert "samesite=lax" in session.lower()
    return str(client.cookies[CSRF_COOKIE])


def test_cookie_post_without_the_csrf_token_is_rejected(api: Api) -> None:
    client = TestClient(api.app, follow_redirects=False)
    csrf = login(client, api.tokens["olivia"])
    assert client.get("/api/v1/me").json()["name"] == "olivia"
    refused = client.post("/api/v1/cases", json=NOMINATION)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_rejected"
    wrong = client.post("/api/v1/cases", json=NOMINATION, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    accepted = client.post("/api/v1/cases", json=NOMINATION, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 404  # past CSRF and permission: the person is unknown
    assert accepted.json()["code"] == "unknown_person"
    # a bearer request needs no CSRF token
    bearer = api.call("olivia", "POST", "/api/v1/cases", json=NOMINATION)
    assert bearer.status_code == 404
    out = client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_login_refuses_bad_tokens_forms_and_redirects(api: Api) -> None:
    client = TestClient(api.app, follow_redirects=False)
    page = client.get("/login", params={"next": "//evil.example/x"})
    assert 'name="next" value="/"' in page.text  # no open redirect
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    bad = client.post(
        "/login", data={"token": "accord_0000000000000000_x", "csrf_token": token.group(1)}
    )
    assert bad.status_code == 401
    assert SESSION_COOKIE not in client.cookies
    forged = TestClient(api.app, follow_redirects=False).post(
        "/login", data={"token": api.tokens["olivia"], "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    tampered = TestClient(api.app, cookies={SESSION_COOKIE: "x.y.z"})
    assert tampered.get("/api/v1/me").status_code == 401


def test_serve_refuses_to_start_without_a_secret_key(api: Api) -> None:
    # in a new process: were it to start, a server would not block this one
    result = api.registry.cli_process("serve", "--port", "1", ACCORD_MASKING_KEY="m" * 20)
    assert result.returncode == 4  # a SetupError: the operator must act, not bad input
    assert "ACCORD_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    short = api.registry.cli_process(
        "serve", ACCORD_SECRET_KEY="short", ACCORD_MASKING_KEY="m" * 20
    )
    assert short.returncode == 4
    assert "at least 32" in short.stderr
