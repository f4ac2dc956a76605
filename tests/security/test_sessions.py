"""Issue 19 item 4: dashboard sessions end on the server.

Logout, revoking the token a session logged in with, or changing the user's role ends the
session: a copy of its cookie gets 401. Tokens are revoked by `accord users revoke` and
POST /api/v1/tokens/{key_id}/revoke (the owner, or an admin), roles changed by
`accord users role` and PUT /api/v1/users/{name}/role (admin); each is audited.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from accord.api.security import SESSION_COOKIE
from api.conftest import Api, api, empty_database, pg_server, registry

__all__ = ["api", "empty_database", "pg_server", "registry"]  # the fixtures this module uses


def _login(api: Api, name: str) -> tuple[TestClient, str, str]:
    """A browser logged in as `name`: (client, its session cookie, its CSRF token)."""
    client = TestClient(api.app, follow_redirects=False)
    page = client.get("/login")
    form = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert form is not None
    response = client.post(
        "/login", data={"token": api.tokens[name], "csrf_token": form.group(1), "next": "/"}
    )
    assert response.status_code == 303, response.text
    assert client.get("/api/v1/me").json()["name"] == name
    return client, str(client.cookies[SESSION_COOKIE]), str(client.cookies["accord_csrf"])


def _copied(api: Api, cookie: str) -> TestClient:
    """Another browser holding a copy of the cookie."""
    thief = TestClient(api.app, follow_redirects=False)
    thief.cookies.set(SESSION_COOKIE, cookie)
    return thief


def _key_id(token: str) -> str:
    return token.split("_")[1]


def test_after_logout_a_copied_cookie_gets_401(api: Api) -> None:
    client, cookie, csrf = _login(api, "olivia")
    thief = _copied(api, cookie)
    assert thief.get("/api/v1/me").status_code == 200  # a live session: the copy works
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert thief.get("/api/v1/me").status_code == 401  # ended on the server, at once here
    assert api.registry.sql("SELECT count(*) FROM sessions WHERE revoked_at IS NULL") == [(0,)]
    assert api.call("olivia", "GET", "/api/v1/me").status_code == 200  # the token lives on


def test_revoking_the_token_ends_its_sessions(api: Api) -> None:
    _, cookie, _ = _login(api, "olivia")
    _, other, _ = _login(api, "lena")
    thief = _copied(api, cookie)
    key_id = _key_id(api.tokens["olivia"])
    # another user who is not an admin may not revoke it
    assert api.call("lena", "POST", f"/api/v1/tokens/{key_id}/revoke").status_code == 403
    revoked = api.call("root", "POST", f"/api/v1/tokens/{key_id}/revoke")
    assert revoked.status_code == 200, revoked.text
    assert thief.get("/api/v1/me").status_code == 401
    assert api.call("olivia", "GET", "/api/v1/me").status_code == 401
    assert _copied(api, other).get("/api/v1/me").status_code == 200  # lena's goes on
    entry = api.registry.sql(
        "SELECT actor, action, subject, credential FROM audit_log ORDER BY seq DESC LIMIT 1"
    )[0]
    assert tuple(entry[:3]) == ("root", "user.token_revoke", "user:olivia")
    assert entry[3] == f"token:{_key_id(api.tokens['root'])}"
    again = api.call("root", "POST", f"/api/v1/tokens/{key_id}/revoke")
    assert again.status_code == 409


def test_a_user_revokes_their_own_token(api: Api) -> None:
    key_id = _key_id(api.tokens["mona"])
    assert api.call("mona", "POST", f"/api/v1/tokens/{key_id}/revoke").status_code == 200
    assert api.call("mona", "GET", "/api/v1/me").status_code == 401


def test_a_role_change_ends_the_users_sessions(api: Api) -> None:
    _, cookie, _ = _login(api, "olivia")
    thief = _copied(api, cookie)
    refused = api.call("olivia", "PUT", "/api/v1/users/olivia/role", json={"role": "admin"})
    assert refused.status_code == 403
    changed = api.call("root", "PUT", "/api/v1/users/olivia/role", json={"role": "monitor"})
    assert changed.status_code == 200, changed.text
    assert thief.get("/api/v1/me").status_code == 401
    # her token still works, with her new role
    assert api.call("olivia", "GET", "/api/v1/me").json()["role"] == "monitor"
    entry = api.registry.sql("SELECT actor, action, change FROM audit_log ORDER BY seq DESC")[0]
    assert tuple(entry[:2]) == ("root", "user.role")
    assert '"from":"officer"' in entry[2]
    assert '"to":"monitor"' in entry[2]


def test_the_revoke_and_role_commands_are_audited(api: Api) -> None:
    reg = api.registry
    _, cookie, _ = _login(api, "lena")
    key_id = _key_id(api.tokens["olivia"])
    denied = reg.cli("users", "revoke", key_id, as_user="mona")
    assert denied.returncode == 2
    assert "only their own" in denied.stderr
    revoked = reg.cli("users", "revoke", key_id, as_user="root")
    assert revoked.returncode == 0, revoked.stderr
    assert reg.cli("users", "list", as_user="olivia").returncode == 2  # her token is revoked
    role = reg.cli("users", "role", "lena", "monitor", as_user="root")
    assert role.returncode == 0, role.stderr
    # the server learns of a change made elsewhere when its cached identity expires (TTL)
    api.app.state.accord.auth_cache.clear()
    assert _copied(api, cookie).get("/api/v1/me").status_code == 401
    bad = reg.cli("users", "role", "lena", "pope", as_user="root")
    assert bad.returncode == 2
    rows = reg.sql("SELECT actor, action, credential FROM audit_log ORDER BY seq DESC LIMIT 2")
    root = f"token:{_key_id(api.tokens['root'])}"
    assert [tuple(r) for r in rows] == [
        ("root", "user.role", root),
        ("root", "user.token_revoke", root),
    ]
    # the last admin cannot be demoted
    last = reg.cli("users", "role", "root", "officer", as_user="root")
    assert last.returncode == 2
    assert "only admin" in last.stderr
