"""Issue 19 item 10: security headers on every response; `Secure` cookies over TLS.

Every route family (API JSON, problem details, dashboard pages, static files, the
login page, the API docs) answers with a Content-Security-Policy that allows no inline
script, X-Frame-Options DENY, nosniff and a Referrer-Policy; the cookies set over
https (TestClient base_url https://testserver) are Secure, those over http are not.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from accord.api.security import CSRF_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE
from api.conftest import Api, api, empty_database, pg_server, registry

__all__ = ["api", "empty_database", "pg_server", "registry"]  # the fixtures this module uses

HTTPS = "https://testserver"


def _directives(response: Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    out: dict[str, list[str]] = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        out[name] = sources
    return out


def assert_secured(response: Response) -> None:
    headers = response.headers
    assert headers["x-frame-options"] == "DENY", response.url
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in {"no-referrer", "same-origin"}
    csp = _directives(response)
    script = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script
    assert "'unsafe-eval'" not in script
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    if response.headers.get("content-type", "").startswith("text/html"):
        nonces = {s.removeprefix("'nonce-").rstrip("'") for s in script if s.startswith("'nonce-")}
        for tag in re.findall(r"<script\b[^>]*>", response.text):
            nonce = re.search(r'nonce="([^"]+)"', tag)
            assert "src=" in tag or (nonce is not None and nonce[1] in nonces), tag
        markup = re.sub(r"<script.*?</script>", "", response.text, flags=re.S)
        assert not re.search(r"\son[a-z]+\s*=", markup)  # no on* handler attributes


def login(client: TestClient, token: str) -> list[Response]:
    page = client.get("/login")
    form = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert form is not None
    done = client.post("/login", data={"token": token, "csrf_token": form[1], "next": "/"})
    assert done.status_code == 303, done.text
    return [page, done]


@pytest.mark.parametrize("base_url", ["http://testserver", HTTPS])
def test_every_route_family_sends_the_security_headers(api: Api, base_url: str) -> None:
    client = TestClient(api.app, base_url=base_url, follow_redirects=False)
    responses = login(client, api.tokens["olivia"])
    bearer = api.headers("olivia")
    responses += [
        client.get("/api/v1/me", headers=bearer),  # API JSON
        client.get("/api/v1/me", headers={"Authorization": "Bearer accord_x_y"}),  # problem 401
        client.get("/api/v1/no-such-route", headers=bearer),  # problem 404
        client.get("/"),  # dashboard page (logged in by cookie)
        client.get("/people"),
        client.get("/static/dashboard.css"),
        client.get("/openapi.json"),
        client.get("/docs"),
        client.get("/docs/oauth2-redirect"),
    ]
    anonymous = TestClient(api.app, base_url=base_url, follow_redirects=False)
    responses.append(anonymous.get("/"))  # not logged in: redirected to the login page
    assert [r.status_code for r in responses] == [
        200, 303, 200, 401, 404, 200, 200, 200, 200, 200, 200, 303
    ]  # fmt: skip
    for response in responses:
        assert_secured(response)


def test_the_login_page_style_runs_by_nonce_only(api: Api) -> None:
    page = TestClient(api.app).get("/login")
    style = re.search(r'<style nonce="([^"]+)">', page.text)
    assert style is not None
    assert _directives(page)["style-src"] == ["'self'", f"'nonce-{style[1]}'"]
    again = TestClient(api.app).get("/login")
    assert _directives(again)["style-src"] != _directives(page)["style-src"]  # one per response


def _cookies(responses: list[Response]) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for r in responses for c in r.headers.get_list("set-cookie")}


def test_cookies_are_secure_over_tls_and_only_there(api: Api) -> None:
    over_tls = _cookies(
        login(TestClient(api.app, base_url=HTTPS, follow_redirects=False), api.tokens["olivia"])
    )
    plain = _cookies(login(TestClient(api.app, follow_redirects=False), api.tokens["olivia"]))
    names = {LOGIN_CSRF_COOKIE, SESSION_COOKIE, CSRF_COOKIE}
    assert names <= set(over_tls)
    assert names <= set(plain)
    for name in names:
        assert "secure" in [a.strip().lower() for a in over_tls[name].split(";")], name
        assert "secure" not in [a.strip().lower() for a in plain[name].split(";")], name
    # the session cookie set over TLS is sent back over TLS and works
    client = TestClient(api.app, base_url=HTTPS, follow_redirects=False)
    login(client, api.tokens["olivia"])
    assert client.get("/api/v1/me").json()["name"] == "olivia"


def test_an_unhandled_error_answers_with_the_headers_too(api: Api) -> None:
    def fails() -> None:
        raise RuntimeError("a bug")

    api.app.add_api_route("/api/v1/test-only-fails", fails)
    client = TestClient(api.app, base_url=HTTPS, raise_server_exceptions=False)
    response = client.get("/api/v1/test-only-fails", headers=api.headers("olivia"))
    assert response.status_code == 500
    assert_secured(response)
