"""Sign-in, refused sign-in and sign-out of the dashboard in the audit chain, on both
backends: each as who and with which token, never the secret; refused sign-ins at most once
per account per minute, the rest counted into the account's next entry."""

from __future__ import annotations

import datetime as dt
import json
import re

from fastapi.testclient import TestClient

from accord.auth.sign_ins import UNAUTHENTICATED, RefusedSignIns
from accord.db import read_session, verify_chain

from .conftest import Api
from .test_login_csrf import login

T0 = dt.datetime(2026, 12, 6, 23, 0, 5, tzinfo=dt.UTC)


def _entries(api: Api, action: str) -> list[tuple[str, str, dict[str, object], str | None]]:
    rows = api.registry.sql(
        f"SELECT actor, subject, change, credential FROM audit_log WHERE action = '{action}' "
        "ORDER BY seq"
    )
    return [(a, s, json.loads(c), cred) for a, s, c, cred in rows]


def _try(client: TestClient, token: str) -> int:
    page = client.get("/login")
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert form_token is not None
    return client.post(
        "/login", data={"token": token, "csrf_token": form_token.group(1), "next": "/"}
    ).status_code


def test_sign_in_and_sign_out_are_audited(api: Api) -> None:
    client = TestClient(api.app, follow_redirects=False)
    token = api.tokens["olivia"]
    key_id = token.split("_")[1]
    csrf = login(client, token)
    [(actor, subject, change, credential)] = _entries(api, "user.sign_in")
    assert (actor, subject, credential) == ("olivia", "user:olivia", f"token:{key_id}")
    assert change["key_id"] == key_id
    assert token.split("_", 2)[2] not in json.dumps(change)  # never the secret
    assert _entries(api, "user.sign_out") == []
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert _entries(api, "user.sign_out") == [("olivia", "user:olivia", {}, f"token:{key_id}")]
    bearer = api.call("olivia", "POST", "/logout")  # no session: nothing ended, nothing audited
    assert bearer.status_code == 303
    assert len(_entries(api, "user.sign_out")) == 1
    with read_session(api.registry.engine) as session:
        assert verify_chain(session).intact


def test_refused_sign_ins_are_audited_without_flooding(api: Api) -> None:
    client = TestClient(api.app, follow_redirects=False)
    olivia = api.tokens["olivia"]
    key_id = olivia.split("_")[1]
    wrong_secret = f"accord_{key_id}_not-the-secret"
    attempts = [wrong_secret] * 3 + ["garbage", "accord_0123456789abcdef_made-up"] * 2
    assert all(_try(client, t) == 401 for t in attempts)
    refused = _entries(api, "user.sign_in_refused")
    # one entry per account (olivia's, and the unknown one) unless a minute began meanwhile
    subjects = [s for _a, s, _c, _cred in refused]
    assert 2 <= len(refused) <= 4
    assert set(subjects) == {"user:olivia", "sign-in:unknown-account"}
    assert {a for a, _s, _c, _cred in refused} == {UNAUTHENTICATED.name}
    assert {cred for _a, _s, _c, cred in refused} == {None}
    for _a, subject, change, _cred in refused:
        assert set(change) <= {"refusals", "key_id"}
        if subject == "user:olivia":
            assert change["key_id"] == key_id
        else:
            assert "key_id" not in change  # a made-up key id is not copied into the chain
    text = json.dumps([c for _a, _s, c, _cred in refused])
    assert "not-the-secret" not in text
    assert "made-up" not in text
    assert "garbage" not in text
    assert _entries(api, "user.sign_in") == []


def test_the_throttle_counts_one_entry_per_account_per_minute() -> None:
    throttle = RefusedSignIns()
    assert throttle.admit("olivia", T0) == 1
    assert throttle.admit("olivia", T0 + dt.timedelta(seconds=20)) is None
    assert throttle.admit("olivia", T0 + dt.timedelta(seconds=40)) is None
    assert throttle.admit("", T0) == 1  # another account: its own entry
    # the next minute's entry reports the two counted since, and itself
    assert throttle.admit("olivia", T0 + dt.timedelta(seconds=60)) == 3
    assert throttle.admit("olivia", T0 + dt.timedelta(minutes=5)) == 1
    small = RefusedSignIns(size=2)
    for account in ("a", "b", "c"):
        assert small.admit(account, T0) == 1
    assert small.admit("a", T0) == 1  # forgotten (bounded): it only gets an entry sooner
    assert small.admit("c", T0) is None
