"""The Monitoring pages on both backends: incidents (resolve one with a coded reason),
consular tasks overdue first, the audit chain verified and its bundle downloaded, and
reconcile's violations linking to their records."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from accord.db import write_session
from page_reading import csv_rows

from .conftest import Api, Registry


def _missing_at_handover(registry: Registry) -> dict[str, int]:
    """ve-001 and ve-002 departed on GST-1; only ve-001 was received: ve-002 is missing."""
    from accord.operations.handover import close_handover, confirm_handover
    from operations.people import at, departed_mission, venezuelan

    ids = departed_mission(registry, [venezuelan(1), venezuelan(2)])
    with write_session(registry.engine) as s:
        liam = registry.users["liam"]
        confirm_handover(
            s,
            actor=liam,
            mission_number="GST-1",
            person_ids=["ve-001"],
            occurred_at=at(16, 2),
            now=at(16, 3),
        )
        assert not close_handover(s, actor=liam, mission_number="GST-1", now=at(16, 4)).balanced
    return ids


def _incident_id(registry: Registry) -> int:
    return int(registry.sql("SELECT id FROM incidents WHERE person_id = 've-002'")[0][0])


def test_an_incident_is_listed_opened_and_resolved(api: Api) -> None:
    reg = api.registry
    _missing_at_handover(reg)
    incident = _incident_id(reg)
    hub = api.call("mona", "GET", "/monitoring")
    assert hub.status_code == 200, hub.text
    assert 'href="/monitoring/incidents?status=open"' in hub.text
    listed = api.call("mona", "GET", "/monitoring/incidents", params={"status": "open"})
    assert "Showing 1–1 of 1" in listed.text
    assert "Missing at handover" in listed.text
    page = api.call("mona", "GET", f"/monitoring/incidents/{incident}")
    assert "GST-1" in page.text
    assert "ve-002" in page.text
    assert "resolve-incident" not in page.text  # a monitor sees it, does not resolve it
    refused = api.call(
        "mona",
        "POST",
        f"/monitoring/incidents/{incident}/resolve",
        data={"reason": "received_late", "note": "found"},
    )
    assert refused.status_code == 403
    assert "resolve-incident" in api.call("olivia", "GET", f"/monitoring/incidents/{incident}").text
    empty = api.call("olivia", "POST", f"/monitoring/incidents/{incident}/resolve", data={})
    assert empty.status_code == 400
    assert 'href="#field-reason"' in empty.text
    assert 'href="#field-note"' in empty.text
    assert reg.sql("SELECT count(*) FROM incident_resolutions")[0][0] == 0
    done = api.call(
        "olivia",
        "POST",
        f"/monitoring/incidents/{incident}/resolve",
        data={"reason": "received_late", "note": "Received at CECOT at 03:10, count confirmed"},
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"/{incident}")
    assert reg.sql("SELECT reason_code FROM incident_resolutions")[0][0] == "received_late"
    again = api.call(
        "olivia",
        "POST",
        f"/monitoring/incidents/{incident}/resolve",
        data={"reason": "received_late", "note": "twice"},
    )
    assert again.status_code == 400
    assert "resolved" in again.text
    resolved = api.call("mona", "GET", "/monitoring/incidents", params={"status": "resolved"})
    assert "Showing 1–1 of 1" in resolved.text
    assert "Received late" in resolved.text


def test_reconcile_violations_link_to_their_records(api: Api) -> None:
    _missing_at_handover(api.registry)
    incident = _incident_id(api.registry)
    page = api.call("mona", "GET", "/reconcile")
    assert page.status_code == 200
    assert f'href="/monitoring/incidents/{incident}"' in page.text
    assert "An incident is still open" in page.text or "Unresolved incident" in page.text


def test_consular_tasks_overdue_first(api: Api) -> None:
    from accord.operations.care import complete_consular_task
    from operations.people import at, in_custody

    in_custody(api.registry)  # four tasks owed on 16 March 2025: long overdue
    first = int(api.registry.sql("SELECT min(id) FROM consular_tasks")[0][0])
    with write_session(api.registry.engine) as s:
        complete_consular_task(
            s,
            actor=api.registry.users["liam"],
            task_id=first,
            notified_on=at(17).date(),
            now=at(17),
        )
    rows = csv_rows(api.call("mona", "GET", "/monitoring/consular", params={"format": "csv"}).text)
    header = rows[0]
    statuses = [r[header.index("Status")] for r in rows[1:]]
    assert statuses[-1] == "notified"
    assert set(statuses[:-1]) == {"overdue"}
    assert int(rows[-1][header.index("Task")]) == first
    hub = api.call("mona", "GET", "/monitoring").text
    assert "overdue of" in hub
    only = api.call("mona", "GET", "/monitoring/consular", params={"status": "notified"})
    assert "Showing 1–1 of 1" in only.text


def test_the_audit_chain_is_verified_and_its_bundle_downloaded(api: Api, tmp_path: Path) -> None:
    _missing_at_handover(api.registry)
    status = api.call("mona", "GET", "/monitoring/audit")
    assert status.status_code == 200
    assert "Head hash" in status.text
    verified = api.call("mona", "GET", "/monitoring/audit", params={"verify": "now"})
    assert "Verified: the audit chain is intact" in verified.text
    assert api.call("ana", "GET", "/monitoring/audit").status_code == 403
    assert api.call("olivia", "GET", "/monitoring/audit/bundle").status_code == 403
    bundle = api.call("mona", "GET", "/monitoring/audit/bundle")
    assert bundle.status_code == 200
    assert bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as zipped:
        names = zipped.namelist()
        zipped.extractall(tmp_path)
    folder = tmp_path / names[0].split("/")[0]
    assert {"manifest.json", "audit.jsonl", "VERIFY.md", "verify_bundle.py"} <= {
        Path(n).name for n in names
    }
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    entries = (folder / "audit.jsonl").read_text("utf-8").splitlines()
    assert manifest["entries"] == len(entries)
    assert manifest["chain_intact_at_export"]
    assert json.loads(entries[-1])["action"] == "read.dashboard_audit_export"
    checked = subprocess.run(
        [sys.executable, str(folder / "verify_bundle.py"), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
