"""Issue 19 item 8: one set of input limits (accord/limits.py), the same on the CLI, the API and
the dashboard: a mission number with '/', a 600 KB finding, a 20 MB name, a birth date in 9999
and a liaison for a facility no agreement names are refused by each interface that takes them,
with nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from accord import limits
from accord.db import read_session
from accord.operations.models import LiaisonFacility, Mission, MonitoringFinding, MonitoringVisit
from api.conftest import Api, api, empty_database, pg_server, registry
from case_files import case_file

__all__ = ["api", "empty_database", "pg_server", "registry"]  # the fixtures this module uses

INTERFACES = ["cli", "api", "dashboard"]
# the limits are the interfaces', not the backend's: SQLite only (NUL: test_bad_input.py)
SQLITE = pytest.mark.parametrize("registry", ["sqlite"], indirect=True)


def _login(api: Api, name: str) -> tuple[TestClient, str]:
    """A browser session of `name` and a CSRF token for its forms."""
    client = TestClient(api.app, follow_redirects=False)
    form = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login?next=/").text)
    assert form is not None
    data = {"token": api.tokens[name], "csrf_token": form[1], "next": "/"}
    assert client.post("/login", data=data).status_code == 303
    page = client.get("/visits").text if name == "mona" else client.get("/missions").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None, page[:500]
    return client, csrf[1]


def _count(api: Api, table: Any) -> int:
    with read_session(api.registry.engine) as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _refused_on_the_dashboard(response: Any, client: TestClient, page: str, words: str) -> None:
    """Refused by the form's constraints (422 page) or by the service (a message on the page
    it redirects to, nothing written)."""
    if response.status_code == 303:
        assert words in client.get(page).text
    elif response.status_code == 400:  # the form again, the message beside its field
        assert words in response.text
    else:
        assert response.status_code in (413, 422), response.text[:300]


MISSION = {
    "carrier": "GlobalX",
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
    "seats": 10,
}


def _departure() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).replace(microsecond=0).isoformat()


@SQLITE
@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize("number", ["GST/1", "../GST-1", "GST 1", "GST\n1", "G" * 65])
def test_a_mission_number_that_is_not_one_path_segment_is_refused(
    api: Api, interface: str, number: str
) -> None:
    if interface == "cli":
        result = api.registry.cli(
            "missions", "create", number, "--carrier", "GlobalX", "--agreement",
            "sv-2025-offer", "--pathway", "custody_placement", "--destination", "SV",
            "--facility", "CECOT", "--departure", _departure(), "--seats", "10",
            "--leg", "IAH:SAL", as_user="olivia",
        )  # fmt: skip
        assert result.returncode == 2, result.stdout + result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "mission number" in result.stderr
    elif interface == "api":
        body = MISSION | {
            "mission_number": number,
            "planned_departure": _departure(),
            "legs": [{"pickup": "IAH", "dropoff": "SAL"}],
        }
        response = api.call("olivia", "POST", "/api/v1/missions", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "body.mission_number"
    else:
        client, csrf = _login(api, "olivia")
        form = MISSION | {"mission_number": number, "planned_departure": _departure()}
        response = client.post("/missions", data=form | {"legs": "IAH:SAL", "csrf_token": csrf})
        _refused_on_the_dashboard(response, client, "/missions", "mission number")
    assert _count(api, Mission) == 0


@SQLITE
def test_a_mission_number_of_one_segment_is_reachable_again(api: Api) -> None:
    body = MISSION | {
        "mission_number": "GST-2025.03:1",
        "planned_departure": _departure(),
        "legs": [{"pickup": "IAH", "dropoff": "SAL"}],
    }
    assert api.call("olivia", "POST", "/api/v1/missions", json=body).status_code == 201
    found = api.call("mona", "GET", "/api/v1/missions/GST-2025.03:1")
    assert found.status_code == 200, found.text


FINDING_600_KB = "x" * 600_000


@SQLITE
@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.parametrize(
    ("finding", "recommendation"),
    [(FINDING_600_KB, "follow up"), ("crowded cells", "x" * (limits.SHORT_TEXT_MAX + 1))],
    ids=["600 KB finding", "recommendation one over"],
)
def test_a_finding_longer_than_the_api_allows_is_refused_everywhere(
    api: Api, interface: str, finding: str, recommendation: str
) -> None:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    if interface == "cli":
        result = api.registry.cli(
            "visits", "record", "CECOT", "--on", today, "--summary", "seen",
            "--finding", f"concern:{finding}:{recommendation}", as_user="mona",
        )  # fmt: skip
        assert result.returncode == 2, result.stdout + result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr[:300]
        assert f"at most {limits.SHORT_TEXT_MAX} characters" in result.stderr
    elif interface == "api":
        body = {
            "facility_id": "CECOT",
            "visited_on": today,
            "summary": "seen",
            "findings": [
                {"severity": "concern", "finding": finding, "recommendation": recommendation}
            ],
        }
        response = api.call("mona", "POST", "/api/v1/visits", json=body)
        assert response.status_code in (413, 422), response.text[:300]
    else:
        client, csrf = _login(api, "mona")
        form = {
            "facility": "CECOT",
            "visited_on": today,
            "summary": "seen",
            "severity": "concern",
            "finding": finding,
            "recommendation": recommendation,
            "csrf_token": csrf,
        }
        response = client.post("/visits", data=form)
        _refused_on_the_dashboard(
            response, client, "/visits", f"at most {limits.SHORT_TEXT_MAX} characters"
        )
    assert _count(api, MonitoringVisit) == 0
    assert _count(api, MonitoringFinding) == 0


@SQLITE
def test_a_finding_at_the_limit_is_recorded_on_the_dashboard_as_by_the_api(api: Api) -> None:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    at_limit = "y" * limits.SHORT_TEXT_MAX
    client, csrf = _login(api, "mona")
    form = {"facility": "CECOT", "visited_on": today, "summary": "seen", "csrf_token": csrf}
    form |= {"severity": "info", "finding": at_limit, "recommendation": "none"}
    assert client.post("/visits", data=form).status_code == 303
    finding = {"severity": "info", "finding": at_limit, "recommendation": "none"}
    body = {"facility_id": "CECOT", "visited_on": today, "summary": "seen", "findings": [finding]}
    assert api.call("mona", "POST", "/api/v1/visits", json=body).status_code in (200, 201)
    assert _count(api, MonitoringFinding) == 2


BAD_PERSONS = [
    ({"name": "N" * 20_000_000}, "name"),  # the 20 MB name
    ({"name": "N" * (limits.PERSON_NAME_MAX + 1)}, "name"),
    ({"birth_date": "9999-01-01"}, "birth_date"),
    ({"birth_date": "1899-12-31"}, "birth_date"),
    ({"birth_date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "birth_date"),
    ({"removal_orders": [{"kind": "immigration_judge", "issued_on": "2024-10-07",
                          "source": "S" * (limits.SHORT_TEXT_MAX + 1)}]}, "source"),
]  # fmt: skip
BAD_IDS = ["20 MB name", "name one over", "born 9999", "born 1899",
           "born after today", "source one over"]  # fmt: skip


@SQLITE
@pytest.mark.parametrize("interface", ["cli", "api"])
@pytest.mark.parametrize(("change", "field"), BAD_PERSONS, ids=BAD_IDS)
def test_a_case_file_past_the_limits_is_refused_on_import(
    api: Api, tmp_path: Path, interface: str, change: dict[str, Any], field: str
) -> None:
    record = case_file("lim-001", "VE") | change
    before = api.registry.counts()
    if interface == "cli":
        path = tmp_path / "cases.jsonl"
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        result = api.registry.cli("registry", "import", path, as_user="olivia")
        assert result.returncode == 2, result.stdout[:300] + result.stderr[:300]
        line = result.stderr.strip()
        assert len(line.splitlines()) == 1, line[:500]
        assert len(line) < 500, line[:500]
        assert f"{path}:1" in line
        too_big = len(json.dumps(record)) > limits.CASE_FILE_MAX_BYTES
        assert f"at most {limits.CASE_FILE_MAX_BYTES} bytes" in line if too_big else field in line
    else:
        body = {"case": record, "source_document": "test case file"}
        response = api.call("olivia", "PUT", "/api/v1/persons/lim-001/case-file", json=body)
        assert response.status_code in (413, 422), response.text[:300]
        if response.status_code == 422:
            assert field in json.dumps(response.json()["errors"][0])  # the field, or its name
        bulk = api.call(
            "olivia",
            "POST",
            "/api/v1/imports",
            json={"cases": [record], "source_document": "test case files"},
        )
        assert bulk.status_code in (413, 422), bulk.text[:300]
    assert api.registry.counts() == before


def test_the_reader_skips_an_oversized_record_without_reading_it_whole(tmp_path: Path) -> None:
    from accord.casefile import read_case_files

    good = case_file("lim-002", "VE")
    path = tmp_path / "cases.jsonl"
    big = json.dumps(case_file("lim-003", "VE") | {"name": "N" * 2_000_000})
    path.write_text("\n".join([big, json.dumps(good)]) + "\n", encoding="utf-8")
    result = read_case_files(path, skip_invalid=True)
    assert [c.person_id for c in result.cases] == ["lim-002"]
    (reject,) = result.rejects
    assert (reject.line, reject.reason) == (
        1,
        f"a case file is at most {limits.CASE_FILE_MAX_BYTES} bytes",
    )
    assert len(reject.raw) <= 200


@SQLITE
@pytest.mark.parametrize("interface", ["cli", "api"])
def test_a_liaison_cannot_be_assigned_to_a_facility_no_agreement_names(
    api: Api, interface: str
) -> None:
    if interface == "cli":
        refused = api.registry.cli("liaisons", "assign", "liam", "NOWHERE", as_user="root")
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "no agreement names a facility 'NOWHERE'" in refused.stderr
        done = api.registry.cli("liaisons", "assign", "liam", "cecot", as_user="root")
        assert done.returncode == 0, done.stderr
    else:
        body = {"user_name": "liam", "facility_id": "NOWHERE"}
        refused = api.call("root", "POST", "/api/v1/liaisons", json=body)
        assert refused.status_code in (404, 422), refused.text
        assert "NOWHERE" in refused.text
        bad_name = api.call("root", "POST", "/api/v1/liaisons", json=body | {"user_name": "a/b"})
        assert bad_name.status_code == 422, bad_name.text
        done = api.call("root", "POST", "/api/v1/liaisons", json=body | {"facility_id": "cecot"})
        assert done.status_code in (200, 201), done.text
    with read_session(api.registry.engine) as s:
        assert s.scalars(select(LiaisonFacility.facility_id)).all() == ["CECOT"]  # as spelled


@SQLITE
@pytest.mark.parametrize("interface", INTERFACES)
def test_a_note_longer_than_the_api_allows_is_refused_everywhere(api: Api, interface: str) -> None:
    record = case_file("lim-010", "VE")
    body = {"case": record, "source_document": "test case file"}
    assert (
        api.call("olivia", "PUT", "/api/v1/persons/lim-010/case-file", json=body).status_code == 200
    )
    nomination = {"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV"}
    nomination |= {"facility": "CECOT", "note": "n" * (limits.LONG_TEXT_MAX + 1)}
    if interface == "cli":
        result = api.registry.cli(
            "nominate", "lim-010", "--agreement", "sv-2025-offer", "--pathway",
            "custody_placement", "--destination", "SV", "--facility", "CECOT",
            "--note", nomination["note"], as_user="olivia",
        )  # fmt: skip
        assert result.returncode == 2, result.stdout + result.stderr[:300]
        assert f"at most {limits.LONG_TEXT_MAX} characters" in result.stderr
    elif interface == "api":
        response = api.call(
            "olivia", "POST", "/api/v1/cases", json={"person_id": "lim-010", **nomination}
        )
        assert response.status_code == 422, response.text[:300]
    else:
        client, csrf = _login(api, "olivia")
        response = client.post("/people/lim-010/nominate", data=nomination | {"csrf_token": csrf})
        _refused_on_the_dashboard(response, client, "/people/lim-010", "at most")
    cases = api.call("mona", "GET", "/api/v1/cases", params={"person_id": "lim-010"})
    assert cases.json() == []
