"""Issue 19, "the audit log proves its own head", from the command line: `accord audit keygen`,
`accord audit checkpoint`, `accord audit verify --checkpoint`, and the checkpoints in an export
bundle. The tampering attempts themselves: test_tampering.py."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from accord.db import read_session, write_session
from accord.db.checkpoints import (
    generate_key_file,
    issue_checkpoint,
    latest_checkpoint,
    load_signing_key,
)
from api.conftest import Api, api
from registry.conftest import Registry, pg_server, registry
from registry.factories import SV, VE, write_jsonl

__all__ = ["api", "pg_server", "registry"]  # the fixtures this module uses


def _keyed(registry: Registry) -> dict[str, str]:
    key = registry.tmp / "checkpoint.pem"
    made = registry.cli("audit", "keygen", "--out", key)
    assert made.returncode == 0, made.stderr
    assert key.stat().st_mode & 0o777 == 0o600
    return {"ACCORD_CHECKPOINT_KEY_FILE": str(key)}


def test_checkpoint_verify_and_a_cut_chain(registry: Registry) -> None:
    env = _keyed(registry)
    path = write_jsonl(registry.tmp / "cases.jsonl", [VE, SV])
    assert registry.cli("registry", "import", path, as_user="olivia").returncode == 0
    held = registry.tmp / "held.json"
    issued = registry.cli("audit", "checkpoint", "--out", held, as_user="mona", **env)
    assert issued.returncode == 0, issued.stderr
    document = json.loads(held.read_text("utf-8"))
    head = registry.sql("SELECT max(seq) FROM audit_log")[0][0]
    assert document["checkpoint"]["seq"] == head - 1  # the entry before its own record
    with read_session(registry.engine) as session:
        assert latest_checkpoint(session) == document
    verified = registry.cli("audit", "verify", "--checkpoint", held)
    assert verified.returncode == 0, verified.stderr
    assert "extends all 1 checkpoint(s) given" in verified.stdout
    assert "1 checkpoint(s) recorded in the chain verified" in verified.stdout

    # the last entries cut (append-only triggers dropped, as an attacker with the file would)
    with registry.engine.begin() as conn:
        if registry.backend == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("DELETE FROM audit_log WHERE seq >= :s"), {"s": head - 1})
    alone = registry.cli("audit", "verify")
    cut = registry.cli("audit", "verify", "--checkpoint", held)
    assert cut.returncode == 1, cut.stdout
    assert "entries were removed from its end" in cut.stderr
    assert alone.returncode == 0, alone.stderr  # the chain alone cannot tell it was cut


def test_checkpoint_needs_audit_export_and_a_private_key(registry: Registry) -> None:
    env = _keyed(registry)
    refused = registry.cli("audit", "checkpoint", as_user="olivia", **env)  # audit.verify only
    assert refused.returncode != 0
    assert "audit.export" in refused.stderr
    unset = registry.cli("audit", "checkpoint", as_user="mona")
    assert unset.returncode == 4
    assert "ACCORD_CHECKPOINT_KEY_FILE is not set" in unset.stderr
    os.chmod(env["ACCORD_CHECKPOINT_KEY_FILE"], 0o640)
    readable = registry.cli("audit", "checkpoint", as_user="mona", **env)
    assert readable.returncode == 4
    assert "mode 0640" in readable.stderr
    assert (
        registry.sql("SELECT count(*) FROM audit_log WHERE action = 'audit.checkpoint'")[0][0] == 0
    )
    again = registry.cli("audit", "keygen", "--out", env["ACCORD_CHECKPOINT_KEY_FILE"])
    assert again.returncode == 2
    assert "never overwritten" in again.stderr


def test_a_checkpoint_printed_and_a_forged_one_refused(registry: Registry) -> None:
    env = _keyed(registry)
    printed = registry.cli("audit", "checkpoint", as_user="mona", **env)
    assert printed.returncode == 0, printed.stderr
    document = json.loads(printed.stdout)
    document["checkpoint"]["seq"] += 1  # claims more than was signed
    forged = registry.tmp / "forged.json"
    forged.write_text(json.dumps(document), encoding="utf-8")
    answer = registry.cli("audit", "verify", "--checkpoint", forged)
    assert answer.returncode == 2
    assert "signature does not verify" in answer.stderr


def test_the_export_bundle_carries_the_checkpoints(registry: Registry, tmp_path: Path) -> None:
    env = _keyed(registry)
    for _ in range(2):
        assert registry.cli("audit", "checkpoint", as_user="mona", **env).returncode == 0
    bundle = tmp_path / "bundle"
    exported = registry.cli("audit", "export", "--out", bundle, as_user="mona")
    assert exported.returncode == 0, exported.stderr
    lines = (bundle / "checkpoints.jsonl").read_text("utf-8").splitlines()
    seqs = [json.loads(line)["checkpoint"]["seq"] for line in lines]
    assert len(seqs) == 2
    assert seqs[0] < seqs[1]  # oldest first
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    assert manifest["checkpoints"] == 2
    assert (bundle / "checkpoint_proof.py").is_file()


@pytest.mark.parametrize("registry", ["sqlite"], indirect=True)
def test_the_monitors_page_shows_the_latest_checkpoint(api: Api) -> None:
    key_file = api.registry.tmp / "checkpoint.pem"
    generate_key_file(key_file)
    client = TestClient(api.app, follow_redirects=False)
    form = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login?next=/").text)
    assert form is not None
    data = {"token": api.tokens["mona"], "csrf_token": form[1], "next": "/"}
    assert client.post("/login", data=data).status_code == 303
    assert 'id="audit-checkpoint"' not in client.get("/visits").text  # none issued yet
    with write_session(api.registry.engine) as session:
        document = issue_checkpoint(
            session, actor=api.registry.users["mona"], key=load_signing_key(key_file)
        )
    page = client.get("/visits")
    assert page.status_code == 200
    body = document["checkpoint"]
    assert 'id="audit-checkpoint"' in page.text
    assert body["key_id"] in page.text
    assert body["head_hash"] in page.text
    assert document["signature"] in page.text  # the whole document, to keep
