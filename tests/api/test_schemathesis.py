"""Schemathesis against /openapi.json: generated requests to every operation, no server error.

Each operation is called as a user whose role may call it (admin for user management),
so requests get past authorization and reach validation and the services. Bounded:
a few examples per operation.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from accord.api.app import route_table
from accord.auth import GRANTS

from .conftest import Api

ROLE_USERS = {"admin": "root", "officer": "olivia", "legal_reviewer": "lena"}
ROLE_USERS |= {"receiving_liaison": "liam", "monitor": "mona", "analyst": "ana"}


def _caller(api: Api) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> a user allowed to call it."""
    callers = {}
    for info in route_table(api.app):
        if info.permissions is None:
            continue
        role = next(
            (r for r in ROLE_USERS if not info.permissions or GRANTS[r] & set(info.permissions)),
            "admin",
        )
        for method in info.methods:
            callers[(method, info.path)] = ROLE_USERS[role]
    return callers


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    """A few generated requests to one operation: none may get a 5xx."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def no_server_error(case: Any) -> None:
        response = case.call(headers=headers)
        where = f"{case.method} {case.formatted_path}"
        assert response.status_code < 500, f"{where}: {response.text}"
        if response.status_code >= 400:
            assert "application/problem+json" in response.headers["content-type"], where

    no_server_error()


def test_no_server_errors(api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    callers = _caller(api)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    for operation in operations:
        user = callers.get((operation.method.upper(), operation.path), "root")
        _fuzz(operation, api.headers(user))
