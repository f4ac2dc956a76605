"""Issue 19 item 7: bad input gets a problem-details 4xx, never a 500, on SQLite and PostgreSQL.

Dates at the edge of the calendar; NUL and lone surrogates in text fields (SQLite stores them,
PostgreSQL text refuses them), other control characters kept alike on both; a 500 that closes the
connection says so. A registry database that does not answer: tests/faults/test_registry_outage.py.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from accord.api.problems import PROBLEM_JSON
from api.conftest import MASKING_KEY, SECRET, Api, api, empty_database, pg_server, registry
from case_files import case_file
from conftest import write_jsonl
from registry.conftest import Registry

__all__ = ["api", "empty_database", "pg_server", "registry"]  # the fixtures this module uses


def _problem(response: Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


def _put_case(api: Api, record: dict[str, Any], **extra: Any) -> Response:
    body = {"case": record, "source_document": "test case file", **extra}
    return api.call("olivia", "PUT", f"/api/v1/persons/{record['person_id']}/case-file", json=body)


@pytest.mark.parametrize(
    "known_on",
    ["9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01"],
    # the last overflowed on neither backend; it is refused with the others: one calendar range
)
def test_as_known_on_at_the_calendar_edges_is_an_input_error(api: Api, known_on: str) -> None:
    assert _put_case(api, case_file("edge-001", "VE")).status_code == 200
    for route in ("case-file", "history"):
        response = api.call(
            "mona", "GET", f"/api/v1/persons/edge-001/{route}", params={"as_known_on": known_on}
        )
        body = _problem(response, 422)
        assert body["code"] == "validation_error"
        assert body["errors"][0]["field"] == "query.as_known_on"


def _put_raw(api: Api, path: str, body: dict[str, Any]) -> Response:
    """PUT `body` as ASCII JSON: a lone surrogate travels as its \\uXXXX escape."""
    headers = {**api.headers("olivia"), "Content-Type": "application/json"}
    return api.client.put(path, content=json.dumps(body), headers=headers)


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
def test_text_postgresql_cannot_hold_is_refused_in_a_case_file_naming_the_field(
    api: Api, bad: str
) -> None:
    record = case_file("ctl-001", "VE")
    record["removal_orders"][0]["source"] = f"EOIR{bad}decision"
    body = {"case": record, "source_document": "test case file"}
    problem = _problem(_put_raw(api, "/api/v1/persons/ctl-001/case-file", body), 422)
    assert problem["errors"][0]["field"].startswith("body.case.removal_orders.0")
    assert "source" in problem["errors"][0]["field"] + problem["errors"][0]["message"]
    assert _problem(api.call("mona", "GET", "/api/v1/persons/ctl-001/case-file"), 404)


def test_nul_in_the_body_outside_the_case_file_is_refused_naming_the_field(api: Api) -> None:
    response = _put_case(api, case_file("ctl-002", "VE"), note="hello\x00world")
    body = _problem(response, 422)
    assert body["errors"][0]["field"] == "body.note"


def test_other_control_characters_are_kept_alike_on_both_backends(api: Api) -> None:
    record = case_file("ctl-003", "VE")
    record["removal_orders"][0]["source"] = "EOIR\tdecision\nsecond line \x07\x1b"
    assert _put_case(api, record).status_code == 200
    stored = api.call("mona", "GET", "/api/v1/persons/ctl-003/case-file").json()
    assert stored["removal_orders"][0]["source"] == "EOIR\tdecision\nsecond line \x07\x1b"


def test_a_lone_surrogate_in_a_free_form_list_item_is_refused_naming_where(api: Api) -> None:
    assert _put_case(api, case_file("ctl-004", "VE")).status_code == 200
    item = dict(case_file("ctl-004", "VE")["removal_orders"][0], source="EOIR\udfff")
    body = {"items": [item], "source_document": "test"}
    problem = _problem(_put_raw(api, "/api/v1/persons/ctl-004/facts/removal_orders", body), 422)
    assert "'items.0.source' contains U+DFFF" in str(problem["errors"])


def test_an_unexpected_error_says_the_connection_will_close(api: Api) -> None:
    """Uvicorn closes the connection after an error the app re-raised: the 500 must say so."""

    @api.app.get("/boom-for-test")
    def boom() -> None:
        raise RuntimeError("a defect")

    with TestClient(api.app, raise_server_exceptions=False) as client:
        response = client.get("/boom-for-test")
    assert _problem(response, 500)["code"] == "internal_error"
    assert response.headers["connection"] == "close"


# the app `accord serve` runs (same factory, same uvicorn), with a route failing as a defect would
SERVE_WITH_A_DEFECT = """
import sys, uvicorn
from accord.api.app import create_app_from_env

def app():
    served = create_app_from_env()

    @served.get("/boom-for-test")
    def boom() -> None:
        raise RuntimeError("a defect")

    return served

uvicorn.run(app, factory=True, host="127.0.0.1", port=int(sys.argv[1]), log_level="critical")
"""


@pytest.mark.slow
def test_a_real_server_says_connection_close_before_it_drops_a_keep_alive_connection(
    registry: Registry,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = registry.env(ACCORD_SECRET_KEY=SECRET, ACCORD_MASKING_KEY=MASKING_KEY)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE_WITH_A_DEFECT, str(port)],
        env=env,
        cwd=registry.tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        connection = _connect_when_up(port, server)
        connection.request("GET", "/boom-for-test")
        failed = connection.getresponse()
        failed.read()
        assert failed.status == 500
        # http.client (like any keep-alive client) learns from the header that the server closes
        assert failed.getheader("Connection") == "close"
        assert failed.will_close
        connection.request("GET", "/openapi.json")  # on a new connection, as the header said
        assert connection.getresponse().status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def _connect_when_up(port: int, server: subprocess.Popen[str]) -> http.client.HTTPConnection:
    for _ in range(300):
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.connect()
            return connection
        except ConnectionRefusedError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_the_dashboard_refuses_a_day_off_the_calendar(api: Api) -> None:
    assert _put_case(api, case_file("edge-002", "VE")).status_code == 200
    response = api.call("mona", "GET", "/people/edge-002", params={"as_known_on": "9999-12-31"})
    assert response.status_code == 400, response.text
    assert "9999-12-31" in response.text


def test_the_cli_import_refuses_nul_in_a_case_file_on_both_backends(
    registry: Registry, tmp_path: Path
) -> None:
    record = case_file("ctl-005", "VE")
    record["convictions"][0]["offence"] = "Possession\x00"
    cases = write_jsonl(tmp_path / "nul.jsonl", [record])
    imported = registry.cli("registry", "import", cases, as_user="olivia")
    assert imported.returncode == 2, imported.stdout + imported.stderr
    assert "convictions.0" in imported.stderr
    assert "field 'offence'" in imported.stderr
    assert "U+0000" in imported.stderr
    assert "Traceback" not in imported.stderr


@pytest.mark.parametrize("known_on", ["9999-12-31", "0001-01-01T00:00:00+14:00"])
def test_the_cli_as_known_on_at_the_calendar_edges_is_one_line_exit_2(
    registry: Registry, known_on: str
) -> None:
    shown = registry.cli("registry", "show", "nobody", "--as-known-on", known_on, as_user="lena")
    assert shown.returncode == 2, shown.stdout + shown.stderr
    assert "outside the calendar" in shown.stderr
    assert len(shown.stderr.strip().splitlines()) == 1
    assert "Traceback" not in shown.stderr
