"""API tests: the app in-process (Starlette's TestClient, over httpx) on the registry fixture.

Every user of the registry fixture has their own API token (Registry.token); `api.headers(name)`
sends it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.api import ApiSettings, create_app
from registry.conftest import Registry, empty_database, pg_server, registry

SECRET = "test-secret-key-" + "s" * 32
MASKING_KEY = "test-masking-key-0123456789"


@dataclass
class Api:
    registry: Registry
    app: FastAPI
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def call(self, name: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, path, headers=self.headers(name), **kwargs)

    def browser(self, name: str) -> TestClient:
        """A dashboard session of `name`, signed in through the login form (no redirects
        followed: a test sees each 303). Signing in is audited at the real time."""
        client = TestClient(self.app, follow_redirects=False)
        token = csrf_of(client.get("/login?next=/").text)
        done = client.post(
            "/login", data={"token": self.tokens[name], "csrf_token": token, "next": "/"}
        )
        assert done.status_code == 303, done.text[:200]
        return client


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "no form with a CSRF token on the page"
    return found[1]


def settings_for(reg: Registry) -> ApiSettings:
    return ApiSettings(database_url=reg.url, secret_key=SECRET, masking_key=MASKING_KEY)


@pytest.fixture
def api(registry: Registry) -> Iterator[Api]:
    app = create_app(settings_for(registry), engine=registry.engine)
    tokens = {name: registry.token(name) for name in registry.users}  # each user's own
    with TestClient(app, follow_redirects=False) as client:
        yield Api(registry=registry, app=app, client=client, tokens=tokens)


__all__ = ["Api", "api", "csrf_of", "empty_database", "pg_server", "registry"]
