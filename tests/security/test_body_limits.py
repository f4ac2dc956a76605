"""Issue 19 item 3: a body is read only after the caller is authenticated, and only up to
its route's cap (413 before reading a declared Content-Length over it; a chunked body cut
off past it). The request body is handed to the app chunk by chunk and counted
(tests/security/asgi_calls.py), so "not read" is what the server asked for, not a guess."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from asgi_calls import CHUNK, Answer, call, repeated
from fastapi import FastAPI

from accord.api import create_app
from accord.api.app import route_table
from accord.api.body_limits import IMPORT_PATHS, LOGIN_PATHS, RECORD_PATHS
from accord.api.problems import PROBLEM_JSON
from api.conftest import Api, api, empty_database, pg_server, registry, settings_for
from case_files import case_file

__all__ = ["api", "empty_database", "pg_server", "registry"]  # the fixtures this module uses

FIFTY_MB = 50 * 1024 * 1024


def _run(app: FastAPI, *args: Any, **kwargs: Any) -> Answer:
    return asyncio.run(call(app, *args, **kwargs))


def _problem(answer: Answer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, answer.body[:500]
    assert answer.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = answer.json()
    assert body["code"] == code
    return body


def _json(data: Any) -> bytes:
    return json.dumps(data).encode()


def test_a_50_mb_body_without_credentials_gets_401_unread(api: Api) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer accord_0123456789abcdef_made-up"},
        {"Authorization": f"Bearer {api.tokens['olivia'][:-3]}xyz"},  # known key id
        {"Cookie": "accord_session=forged"},
    ):
        answer = _run(
            api.app,
            "POST",
            "/api/v1/imports",
            headers={
                **headers,
                "Content-Type": "application/json",
                "Content-Length": str(FIFTY_MB),
            },
            body=repeated(FIFTY_MB),
        )
        assert answer.status == 401, (headers, answer.body)
        assert answer.headers["content-type"] == PROBLEM_JSON
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.headers["connection"] == "close"
        assert answer.read == 0


def test_a_chunked_body_without_credentials_gets_401_unread(api: Api) -> None:
    answer = _run(
        api.app,
        "PUT",
        "/api/v1/persons/p-1/case-file",
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        body=repeated(FIFTY_MB),
    )
    assert answer.status == 401
    assert answer.read == 0


def test_a_dashboard_form_without_a_session_redirects_to_login_unread(api: Api) -> None:
    answer = _run(
        api.app,
        "POST",
        "/visits",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(FIFTY_MB),
        },
        body=repeated(FIFTY_MB),
    )
    assert answer.status == 303
    assert answer.headers["location"].startswith("/login")
    assert answer.read == 0


def test_an_over_cap_body_with_credentials_gets_413_unread_on_a_small_route(api: Api) -> None:
    cap = settings_for(api.registry).body_max_bytes
    answer = _run(
        api.app,
        "POST",
        "/api/v1/census",
        headers={
            **api.headers("liam"),
            "Content-Type": "application/json",
            "Content-Length": str(cap + 1),
        },
        body=repeated(cap + 1),
    )
    body = _problem(answer, 413, "body_too_large")
    assert str(cap) in body["detail"]
    assert answer.headers["connection"] == "close"
    assert answer.read == 0


def test_a_chunked_body_past_the_cap_gets_413_and_is_not_read_further(api: Api) -> None:
    app = create_app(
        settings_for(api.registry).model_copy(update={"body_max_bytes": 4096}),
        engine=api.registry.engine,
    )
    answer = _run(
        app,
        "POST",
        "/api/v1/census",
        headers={
            **api.headers("liam"),
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        body=repeated(FIFTY_MB, chunk=1024),
    )
    _problem(answer, 413, "body_too_large")
    assert 4096 < answer.read <= 4096 + 1024  # stopped at the first chunk past the cap


def test_a_body_longer_than_declared_is_cut_off_too(api: Api) -> None:
    app = create_app(
        settings_for(api.registry).model_copy(update={"body_max_bytes": 4096}),
        engine=api.registry.engine,
    )
    answer = _run(
        app,
        "POST",
        "/api/v1/census",
        headers={**api.headers("liam"), "Content-Type": "application/json", "Content-Length": "10"},
        body=repeated(CHUNK, chunk=1024),
    )
    _problem(answer, 413, "body_too_large")
    assert answer.read <= 4096 + 1024


def test_the_login_form_is_capped_small_without_credentials(api: Api) -> None:
    cap = settings_for(api.registry).login_body_max_bytes
    answer = _run(
        api.app,
        "POST",
        "/login",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(cap + 1),
        },
        body=repeated(cap + 1),
    )
    _problem(answer, 413, "body_too_large")
    assert answer.read == 0


def test_a_chunked_body_under_the_cap_is_served(api: Api) -> None:
    record = case_file("chunk-001", "VE")
    data = _json({"case": record, "source_document": "test case file"})
    answer = _run(
        api.app,
        "PUT",
        "/api/v1/persons/chunk-001/case-file",
        headers={
            **api.headers("olivia"),
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        body=(data[i : i + 100] for i in range(0, len(data), 100)),
    )
    assert answer.status == 200, answer.body
    assert answer.read == len(data)


def test_an_import_larger_than_the_default_cap_is_taken_on_its_own_route(api: Api) -> None:
    cases = [case_file(f"big-{i:04d}", "VE") for i in range(150)]
    data = _json({"cases": cases, "source_document": "a large batch"})
    settings = settings_for(api.registry)
    assert settings.body_max_bytes < len(data) < settings.import_body_max_bytes
    response = api.client.post(
        "/api/v1/imports",
        content=data,
        headers={**api.headers("olivia"), "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    small = api.client.post(  # the same bytes on a small route
        "/api/v1/decisions",
        content=data,
        headers={**api.headers("olivia"), "Content-Type": "application/json"},
    )
    assert small.status_code == 413
    assert small.json()["code"] == "body_too_large"


def test_every_route_given_a_larger_cap_exists(api: Api) -> None:
    paths = {info.path for info in route_table(api.app)}
    for template in LOGIN_PATHS | IMPORT_PATHS | RECORD_PATHS:
        assert template in paths  # a renamed route would fall back to the default cap
