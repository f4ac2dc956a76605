"""A monitor's observations on incidents, on both backends: recorded through the service,
the CLI, the API and the incident page; append-only and audited; never a resolution; an
urgent one on an open incident alerts officers and legal reviewers until it is resolved."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from accord.db import read_session, verify_chain, write_session
from accord.errors import InputError, PermissionDenied, UnknownOperationsRecord
from accord.operations.incident_observations import (
    ObservationLevel,
    list_observations,
    record_observation,
    urgent_open_incidents,
)

from .conftest import Api, Registry
from .test_monitoring_pages import _incident_id, _missing_at_handover


def _observations(registry: Registry) -> list[tuple[object, ...]]:
    return [
        tuple(r) for r in registry.sql("SELECT incident_id, level, text FROM incident_observations")
    ]


def test_a_monitor_observes_append_only_and_audited(registry: Registry) -> None:
    _missing_at_handover(registry)
    incident = _incident_id(registry)
    mona = registry.users["mona"]
    with write_session(registry.engine) as s:
        first = record_observation(
            s, actor=mona, incident_id=incident, level=ObservationLevel.NOTE, text="Seen at 04:00"
        )
        record_observation(
            s,
            actor=mona,
            incident_id=incident,
            level=ObservationLevel.URGENT,
            text="No one has searched the hold",
        )
        first_seq = first.audit_seq
    with read_session(registry.engine) as s:
        shown = list_observations(s, incident_id=incident)
        assert [o.level for o in shown] == ["urgent", "note"]  # newest first
        assert {o.recorded_by for o in shown} == {"mona"}
        assert urgent_open_incidents(s) == [incident]
        assert verify_chain(s).intact
    entry = registry.sql(
        f"SELECT actor, action, subject, change FROM audit_log WHERE seq = {first_seq}"
    )[0]
    assert entry[:3] == ("mona", "operations.incident_observation", f"incident:{incident}")
    assert json.loads(entry[3]) == {"level": "note", "text": "Seen at 04:00"}
    with pytest.raises(DBAPIError), registry.engine.begin() as conn:  # append-only
        conn.execute(text("UPDATE incident_observations SET level = 'note'"))
    with pytest.raises(DBAPIError), registry.engine.begin() as conn:
        conn.execute(text("DELETE FROM incident_observations"))
    assert len(_observations(registry)) == 2


def test_refusals_write_nothing(registry: Registry) -> None:
    _missing_at_handover(registry)
    incident = _incident_id(registry)
    before = registry.sql("SELECT count(*) FROM audit_log")[0][0]
    refusals: list[tuple[str, int, str, type[Exception]]] = [
        ("olivia", incident, "x", PermissionDenied),  # officers resolve; they do not observe
        ("lena", incident, "x", PermissionDenied),
        ("mona", incident, "  ", InputError),
        ("mona", incident, "a\x00b", InputError),
        ("mona", 999_999, "x", UnknownOperationsRecord),
    ]
    for name, target, said, error in refusals:
        with pytest.raises(error), write_session(registry.engine) as s:
            record_observation(
                s,
                actor=registry.users[name],
                incident_id=target,
                level=ObservationLevel.CONCERN,
                text=said,
            )
    assert _observations(registry) == []
    assert registry.sql("SELECT count(*) FROM audit_log")[0][0] == before


def test_cli_observe_and_list(registry: Registry) -> None:
    _missing_at_handover(registry)
    incident = str(_incident_id(registry))
    done = registry.cli(
        "incidents", "observe", incident, "--level", "concern", "--text", "Hold not searched",
        as_user="mona",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"on incident {incident} recorded (concern)" in done.stdout
    bad = registry.cli(
        "incidents", "observe", incident, "--level", "panic", "--text", "x", as_user="mona"
    )
    assert bad.returncode == 2
    assert "note, concern or urgent" in bad.stderr or "'panic' is not one of" in bad.stderr
    denied = registry.cli(
        "incidents", "observe", incident, "--level", "note", "--text", "x", as_user="olivia"
    )
    assert denied.returncode == 2
    assert "may not monitoring.observe" in denied.stderr
    assert len(denied.stderr.strip().splitlines()) == 1
    listed = registry.cli("incidents", "observations", incident, "--format", "json", as_user="lena")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["level"], r["by"], r["text"]) for r in rows] == [
        ("concern", "mona", "Hold not searched")
    ]
    assert _observations(registry) == [(int(incident), "concern", "Hold not searched")]


def test_api_observations_with_problem_details(api: Api) -> None:
    _missing_at_handover(api.registry)
    incident = _incident_id(api.registry)
    url = f"/api/v1/incidents/{incident}/observations"
    made = api.call("mona", "POST", url, json={"level": "urgent", "text": "Family not told"})
    assert made.status_code == 201, made.text
    bad = api.call("mona", "POST", url, json={"level": "panic", "text": "x"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["code"] == "validation_error"
    empty = api.call("mona", "POST", url, json={"level": "note", "text": ""})
    assert empty.status_code == 422
    unknown = api.call(
        "mona", "POST", "/api/v1/incidents/999999/observations", json={"level": "note", "text": "x"}
    )
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    denied = api.call("olivia", "POST", url, json={"level": "note", "text": "x"})
    assert denied.status_code == 403
    listed = api.call("lena", "GET", url)
    assert listed.status_code == 200
    assert [(o["level"], o["recorded_by"]) for o in listed.json()] == [("urgent", "mona")]
    # the receiving liaison who resolves the incident at its facility reads them too
    assert api.call("liam", "GET", url).json() == listed.json()


def test_the_incident_page_the_monitor_observes_the_officer_resolves(api: Api) -> None:
    reg = api.registry
    _missing_at_handover(reg)
    incident = _incident_id(reg)
    page = f"/monitoring/incidents/{incident}"
    mine = api.call("mona", "GET", page).text
    assert 'id="observe-incident"' in mine
    assert "resolve-incident" not in mine  # not offered to a monitor
    assert 'id="observe-incident"' not in api.call("olivia", "GET", page).text
    empty = api.call("mona", "POST", f"{page}/observe", data={})
    assert empty.status_code == 400
    assert 'href="#field-level"' in empty.text
    assert 'href="#field-text"' in empty.text
    assert "urgent-alert" not in api.call("olivia", "GET", "/").text
    done = api.call(
        "mona", "POST", f"{page}/observe", data={"level": "urgent", "text": "Hold not searched"}
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith(page)
    shown = api.call("olivia", "GET", page).text
    assert "Hold not searched" in shown
    assert "by mona" in shown
    for name in ("olivia", "lena"):  # those who act on incidents see the alert
        home = api.call(name, "GET", "/").text
        assert "urgent-alert" in home
        assert f'href="/monitoring/incidents/{incident}#observations"' in home
    assert "urgent-alert" not in api.call("mona", "GET", "/").text
    denied = api.call("olivia", "POST", f"{page}/observe", data={"level": "note", "text": "x"})
    assert denied.status_code == 403
    resolved = api.call(
        "olivia",
        "POST",
        f"{page}/resolve",
        data={"reason": "received_late", "note": "Received at CECOT at 03:10"},
    )
    assert resolved.status_code == 303
    assert "urgent-alert" not in api.call("olivia", "GET", "/").text  # resolved: no alert
    assert "Hold not searched" in api.call("lena", "GET", page).text  # still on the record
