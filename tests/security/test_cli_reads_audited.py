"""Issue 19 item 6: CLI reads of personal data are audited like the API's.

Each command that shows person data appends an entry with the API's action name and subject
(api/deps.py `Ctx.audit_read`; cli/audit_reads.py), naming the user and the token they acted
with; an analyst's masked snapshot leaves one saying it was masked. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from billing.custody import OFFER, flown, hand_over
from operations.people import departed_mission, salvadoran, venezuelan
from registry.conftest import Registry, pg_server, registry

__all__ = ["pg_server", "registry"]  # the fixtures this module uses

KEY = "a-masking-key-for-tests-only"


def _entries(registry: Registry, after: int) -> list[dict[str, Any]]:
    rows = registry.sql(
        "SELECT actor, action, subject, change, credential FROM audit_log "
        "WHERE seq > :after ORDER BY seq",
        after=after,
    )
    return [
        {"actor": a, "action": act, "subject": s, "credential": c, **json.loads(ch)}
        for a, act, s, ch, c in rows
    ]


def _head(registry: Registry) -> int:
    return int(registry.sql("SELECT coalesce(max(seq), 0) FROM audit_log")[0][0])


def test_every_cli_read_of_person_data_leaves_an_audit_entry(
    registry: Registry, tmp_path: Path
) -> None:
    departed_mission(registry, [venezuelan(1), salvadoran(1)])
    record = int(registry.sql("SELECT min(id) FROM decision_records")[0][0])
    manifest = ("missions", "manifest", "GST-1", "--csv", tmp_path / "m.csv")
    reads: list[tuple[str, tuple[str | Path, ...], str, str]] = [
        ("olivia", ("registry", "show", "ve-001"), "read.case_file", "person:ve-001"),
        ("mona", ("decisions", "list"), "read.decisions", "decisions"),
        ("mona", ("decisions", "list", "--person", "sv-001"), "read.decisions", "person:sv-001"),
        ("mona", ("decisions", "show", str(record)), "read.decision", "person:"),
        ("mona", ("decisions", "replay", str(record)), "read.replay", "person:"),
        ("olivia", manifest, "read.manifest", "mission:GST-1"),
        ("mona", ("incidents", "list"), "read.incidents", "incidents"),
        ("olivia", ("consular", "list", "--all"), "read.consular_tasks", "consular tasks"),
        ("mona", ("reconcile",), "read.reconcile", "operations"),
        ("mona", ("billing", "reconcile"), "read.billing_reconcile", "invoices"),
        ("olivia", ("registry", "snapshot", "--out", tmp_path / "s"), "read.snapshot", "docket"),
    ]  # fmt: skip
    for user, args, action, subject in reads:
        before = _head(registry)
        done = registry.cli(*args, as_user=user)
        assert done.returncode in (0, 1), (args, done.stderr)  # 1: a replay that differs
        found = [e for e in _entries(registry, before) if e["action"] == action]
        assert len(found) == 1, (args, _entries(registry, before))
        [entry] = found
        assert entry["subject"].startswith(subject), entry
        assert entry["actor"] == user
        assert entry["credential"].startswith("token:"), entry  # the token they acted with
    history = [e for e in _entries(registry, 0) if e["action"] == "read.history"]
    assert [e["subject"] for e in history] == ["person:ve-001"]  # registry show: both reads


def test_a_masked_snapshot_is_audited_as_masked(registry: Registry, tmp_path: Path) -> None:
    departed_mission(registry, [venezuelan(1), salvadoran(1)])
    before = _head(registry)
    done = registry.cli(
        "registry", "snapshot", "--out", tmp_path / "m", as_user="ana", ACCORD_MASKING_KEY=KEY
    )
    assert done.returncode == 0, done.stderr
    assert "fewer than k=5" in done.stderr  # two persons: every quasi-identifier withheld
    [entry] = [e for e in _entries(registry, before) if e["action"] == "read.snapshot"]
    assert (entry["actor"], entry["subject"]) == ("ana", "docket")
    assert (entry["masked"], entry["k"], entry["persons"]) == (True, 5, 2)
    unmasked = registry.cli("registry", "snapshot", "--out", tmp_path / "u", as_user="mona")
    assert unmasked.returncode == 0, unmasked.stderr
    last = _entries(registry, before)[-1]
    assert (last["action"], last["actor"], last["masked"]) == ("read.snapshot", "mona", False)
    assert "k" not in last
    # a refused read leaves nothing: a role that may not, a folder that is not a snapshot's
    before = _head(registry)
    refused = registry.cli("registry", "show", "ve-001", as_user="ana")
    assert refused.returncode != 0
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.txt").write_text("years of work", encoding="utf-8")
    refused = registry.cli("registry", "snapshot", "--out", tmp_path / "home", as_user="mona")
    assert refused.returncode == 2, refused.stderr
    assert _entries(registry, before) == []


def test_invoices_read_from_the_cli_are_audited_as_the_apis(registry: Registry) -> None:
    flown(registry, 1)
    hand_over(registry, "sv-001", dt.date(2025, 3, 16))
    april = ("--agreement", OFFER, "--month", "2025-04")
    for user, args in (("olivia", ("invoice", *april)), ("ana", ("show", "1"))):
        before = _head(registry)
        done = registry.cli("billing", *args, as_user=user, ACCORD_MASKING_KEY=KEY)
        assert done.returncode == 0, done.stderr
        [entry] = [e for e in _entries(registry, before) if e["action"] == "read.invoice"]
        assert (entry["actor"], entry["subject"]) == (user, f"invoice:{OFFER}:2025-04")
        assert (entry["invoice"], entry["status"], entry["lines"]) == (1, "issued", 1)
