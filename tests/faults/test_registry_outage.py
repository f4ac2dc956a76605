"""Issue 19 item 7: a registry database that does not answer is a 503 problem with Retry-After
(the client may retry), not a 500; the server recovers when the database is back."""

from __future__ import annotations

import dataclasses
from typing import Any

from httpx import Response
from sqlalchemy import text

from accord.api.problems import PROBLEM_JSON
from accord.db import make_engine
from api.conftest import Api, api, empty_database, pg_server, registry
from case_files import case_file

__all__ = ["api", "empty_database", "pg_server", "registry"]  # the fixtures this module uses


def _unavailable(response: Response) -> dict[str, Any]:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert int(response.headers["Retry-After"]) > 0
    body: dict[str, Any] = response.json()
    assert body["code"] == "registry_unavailable"
    for leak in ("127.0.0.1", "psycopg", "Traceback", "connection"):
        assert leak not in body["detail"]
    return body


def test_a_database_that_does_not_answer_is_503_with_retry_after(api: Api) -> None:
    """Point the running app at a PostgreSQL port where nothing listens: an outage."""
    state = api.app.state.accord
    dead = make_engine("postgresql+psycopg://postgres@127.0.0.1:9/accord?connect_timeout=2")
    api.app.state.accord = dataclasses.replace(state, engine=dead)
    try:
        api.client.cookies.clear()
        response = api.call("mona", "GET", "/api/v1/persons/edge-001/case-file")
        _unavailable(response)
    finally:
        api.app.state.accord = state
        dead.dispose()


def test_backends_terminated_mid_session_give_503_then_recovery(api: Api) -> None:
    if api.registry.backend != "postgresql":
        return  # SQLite has no server to lose
    record = case_file("outage-001", "VE")
    body = {"case": record, "source_document": "test case file"}
    assert api.call("olivia", "PUT", "/api/v1/persons/outage-001/case-file", json=body).is_success
    path = "/api/v1/persons/outage-001/case-file"
    assert api.call("mona", "GET", path).status_code == 200  # the pool holds live connections
    killer = make_engine(api.registry.url)  # not from the app's pool: every one of those dies
    with killer.begin() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    killer.dispose()
    _unavailable(api.call("mona", "GET", path))
    assert api.call("mona", "GET", path).status_code == 200  # a new connection: recovered
