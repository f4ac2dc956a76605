"""Issue 19 item 3: made-up tokens cannot starve everyone.

An unknown key id fails without argon2; failed verifications are limited per client address
and per key id (429 with Retry-After); argon2 verifies of unproven tokens run in a bounded
pool of their own, so an authenticated (cached) request completes while that pool is full.
Bodies before authentication: tests/security/test_body_limits.py. Figures under attack:
benchmarks/bench_auth_pressure.py.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import threading
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest
from asgi_calls import Answer, call
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.api import create_app
from accord.api.auth_budget import FailureBudget
from accord.api.deps import AppState
from accord.api.problems import PROBLEM_JSON
from accord.auth import users
from api.conftest import Api, api, empty_database, pg_server, registry, settings_for

__all__ = ["api", "empty_database", "pg_server", "registry"]  # the fixtures this module uses


class CountingHasher:
    """The real argon2 hasher, counting verifies; `gate` (if set) holds each verify until
    it is set, and `entered` tells that one has started."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.real = users._hasher
        self.calls = 0
        self.gate = gate
        self.entered = threading.Event()
        self._lock = threading.Lock()

    def verify(self, secret_hash: str, secret: str) -> bool:
        with self._lock:
            self.calls += 1
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(timeout=60)
        return bool(self.real.verify(secret_hash, secret))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _key_id(token: str) -> str:
    return token.split("_", 2)[1]


def _bogus(key_id: str | None = None) -> dict[str, str]:
    """A valid-looking token: a known key id with a made-up secret, or an unknown key id."""
    key_id = key_id or secrets.token_hex(8)
    return {"Authorization": f"Bearer accord_{key_id}_{secrets.token_urlsafe(32)}"}


def _app(api: Api, **settings: Any) -> FastAPI:
    """Another app on the same registry with these settings (and its own budgets)."""
    return create_app(
        settings_for(api.registry).model_copy(update=settings), engine=api.registry.engine
    )


def _problem(answer: Answer, status: int, code: str) -> None:
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["code"] == code


def test_an_unknown_key_id_fails_without_argon2(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = CountingHasher()
    monkeypatch.setattr(users, "_hasher", hasher)
    for _ in range(3):
        response = api.client.get("/api/v1/me", headers=_bogus())
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"
    assert hasher.calls == 0
    # a known key id with a wrong secret is verified (so the counter does count)
    response = api.client.get("/api/v1/me", headers=_bogus(_key_id(api.tokens["olivia"])))
    assert response.status_code == 401
    assert hasher.calls == 1


def test_failed_tokens_from_one_address_are_refused_with_429_past_the_budget(api: Api) -> None:
    app = _app(api, auth_failures_per_address=5)
    with TestClient(app) as client:
        assert client.get("/api/v1/me", headers=api.headers("olivia")).status_code == 200
        for _ in range(5):
            assert client.get("/api/v1/me", headers=_bogus()).status_code == 401
        refused = client.get("/api/v1/me", headers=_bogus())
        assert refused.status_code == 429
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert refused.json()["code"] == "too_many_failed_authentications"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # a token proven before is cached: its caller is not refused with the attacker
        assert client.get("/api/v1/me", headers=api.headers("olivia")).status_code == 200
        app.state.accord.auth_cache.clear()  # expired: proven, it is read again, not refused
        assert client.get("/api/v1/me", headers=api.headers("olivia")).status_code == 200
        unproven = client.get("/api/v1/me", headers=api.headers("mona"))
        assert unproven.status_code == 429  # a valid token not proven here waits like the rest


def test_failed_secrets_for_one_key_id_are_refused_from_any_address(api: Api) -> None:
    app = _app(api, auth_failures_per_key=3, auth_failures_per_address=100)
    target = _key_id(api.tokens["mona"])

    async def attempts() -> list[Answer]:
        return [
            await call(app, "GET", "/api/v1/me", headers=_bogus(target), client=f"198.51.100.{i}")
            for i in range(5)
        ]

    answers = asyncio.run(attempts())
    assert [a.status for a in answers] == [401, 401, 401, 429, 429]
    _problem(answers[3], 429, "too_many_failed_authentications")
    other = asyncio.run(call(app, "GET", "/api/v1/me", headers=api.headers("olivia")))
    assert other.status == 200  # another key id, not yet proven here, is not refused


def test_failure_budget_refills_and_stays_bounded() -> None:
    now = [0.0]
    budget = FailureBudget(burst=2, window_s=10.0, size=3, clock=lambda: now[0])
    assert budget.take("a") == 0.0
    assert budget.take("a") == 0.0
    assert budget.take("a") == pytest.approx(5.0)  # one unit back in 10 s / 2
    now[0] = 5.0
    assert budget.take("a") == 0.0
    budget.give_back("a")  # a success gives its unit back
    assert budget.take("a") == 0.0
    for key in "bcdefg":
        budget.take(key)
    assert len(budget) == 3  # least recently used buckets dropped


async def _until(condition: Callable[[], bool]) -> None:
    """Wait for `condition` (a guard of 60 s against a server that never gets there)."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout=60)


def test_a_cached_caller_completes_while_the_argon2_pool_is_full(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(api, verify_threads=1, verify_queue=1, auth_failures_per_key=100)
    gate = threading.Event()
    hasher = CountingHasher(gate)
    target = _key_id(api.tokens["olivia"])

    async def scenario() -> tuple[list[Answer], Answer, int]:
        # as a served worker: two request threads (ApiSettings.db_threads)
        anyio.to_thread.current_default_thread_limiter().total_tokens = 2
        cached = await call(app, "GET", "/api/v1/me", headers=api.headers("olivia"))
        assert cached.status == 200  # proven and cached before the attack
        monkeypatch.setattr(users, "_hasher", hasher)
        attack = [
            asyncio.ensure_future(
                call(app, "GET", "/api/v1/me", headers=_bogus(target), client=f"192.0.2.{i}")
            )
            for i in range(8)
        ]
        # one verify holds the pool's thread, one waits in its queue, six are refused
        await _until(lambda: hasher.entered.is_set() and sum(a.done() for a in attack) >= 6)
        in_flight = state.auth_budget.pool.in_flight
        # the pool is full and its verify blocked: an authenticated caller still completes
        during = await asyncio.wait_for(
            call(app, "GET", "/api/v1/me", headers=api.headers("olivia")), timeout=60
        )
        gate.set()
        return list(await asyncio.gather(*attack)), during, in_flight

    state = app.state.accord
    assert isinstance(state, AppState)
    try:
        answers, during, in_flight = asyncio.run(scenario())
    finally:
        gate.set()
        state.auth_budget.close()
    assert during.status == 200
    assert in_flight == 2
    statuses = sorted(a.status for a in answers)
    assert statuses == [401, 401] + [503] * 6
    busy = next(a for a in answers if a.status == 503)
    _problem(busy, 503, "verification_busy")
    assert busy.headers["retry-after"] == "1"
    assert hasher.calls == 2  # the bound held: the refused ones never reached argon2


def test_the_login_form_spends_the_same_budget(api: Api) -> None:
    app = _app(api, auth_failures_per_address=3)

    def form(page: str) -> dict[str, str]:
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found is not None
        return {"csrf_token": found.group(1)}  # each page sets a new login CSRF cookie

    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/login").text
        for _ in range(3):
            bad = client.post("/login", data={**form(page), "token": _bogus()["Authorization"][7:]})
            assert bad.status_code == 401
            page = bad.text
        refused = client.post("/login", data={**form(page), "token": api.tokens["olivia"]})
        assert refused.status_code == 429  # even a good token, from this address, for now
        assert "Too many attempts" in refused.text
        assert int(refused.headers["retry-after"]) >= 1
