"""Issue 19, "the audit log proves its own head": 32 tampering attempts, each detected against a
signed checkpoint a monitor took before it.

A hash chain alone misses entries cut from its end and a chain rewritten from some entry on
with valid hashes (`audit verify` caught 9 of 17 attempts in the database and 10 of 13 in
bundles). Here every attempt is made the way an attacker with the database (or the exported
files) would: append-only triggers switched off, hashes recomputed, manifest rewritten. Each is
detected by `accord audit verify --checkpoint` (registry.audit_report, which it prints) or by the
bundle's own `verify_bundle.py --checkpoint`, run as a script in a new interpreter. Database
attempts run on SQLite and PostgreSQL.

The registry: ve-001 and sv-001 recorded, a decision for ve-001, then the monitor's checkpoint
(its own audit entry), then ve-002 recorded and a decision for sv-001 after it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, delete, insert, select, text

from accord.db import read_session, write_session
from accord.db.audit import export_bundle, format_time
from accord.db.bundle.checkpoint_proof import CHECKPOINT_ACTION, Checkpoint, read_checkpoint_file
from accord.db.bundle.verify_bundle import GENESIS, entry_hash, first_broken_link, sha256_hex
from accord.db.checkpoints import (
    checkpoint_json,
    generate_key_file,
    issue_checkpoint,
    load_signing_key,
)
from accord.db.models import AuditEntry
from accord.decisions import decide_from_registry
from accord.engine import DecisionRequest
from accord.registry.audit_report import AuditReport, audit_report
from accord.registry.codec import content_digest, fact_columns
from accord.registry.models import FACT_MODELS
from registry.conftest import Registry, pg_server, registry
from registry.factories import SV, VE, record_case

__all__ = ["pg_server", "registry"]  # the fixtures this module uses

T1 = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
T2 = T1 + dt.timedelta(days=1)
T3 = T1 + dt.timedelta(days=2)
T4 = T1 + dt.timedelta(days=3)  # the monitor's checkpoint
T5 = T1 + dt.timedelta(days=4)
T6 = T1 + dt.timedelta(days=5)
RETURN_SV = DecisionRequest.build(
    agreement="sv-2025-offer", pathway="return_of_nationals", destination="SV", as_of="2025-03-15"
)
AUDIT = AuditEntry.__table__


@dataclass
class Scenario:
    registry: Registry
    checkpoint_file: Path
    checkpoint: Checkpoint

    @property
    def cp_seq(self) -> int:
        """The entry the checkpoint signs (the one before its own audit.checkpoint entry)."""
        return self.checkpoint.seq


def _decide(registry: Registry, person_id: str, at: dt.datetime) -> None:
    with write_session(registry.engine) as session:
        decide_from_registry(
            session, request=RETURN_SV, person_id=person_id, actor=registry.users["olivia"], now=at
        )


def build_scenario(registry: Registry) -> Scenario:
    key_file = registry.tmp / "checkpoint.pem"
    generate_key_file(key_file)
    record_case(registry, VE, T1)
    record_case(registry, SV, T2)
    _decide(registry, "ve-001", T3)
    with write_session(registry.engine) as session:
        document = issue_checkpoint(
            session, actor=registry.users["mona"], key=load_signing_key(key_file), now=T4
        )
    held = registry.tmp / "monitor-checkpoint.json"
    held.write_text(checkpoint_json(document), encoding="utf-8")
    record_case(registry, {**VE, "person_id": "ve-002"}, T5)
    _decide(registry, "sv-001", T6)
    return Scenario(registry, held, read_checkpoint_file(held))


def report(scenario: Scenario) -> AuditReport:
    with read_session(scenario.registry.engine) as session:
        return audit_report(session, [scenario.checkpoint])


# --- rewriting the chain as an attacker would ------------------------------------------------


def rehash(entries: list[dict[str, Any]], start: int) -> list[dict[str, Any]]:
    """`entries` renumbered and re-hashed from index `start` on, with valid hashes."""
    prev = GENESIS if start == 0 else entries[start - 1]["hash"]
    for index in range(start, len(entries)):
        entry = entries[index]
        at = entry["recorded_at"]
        stamp = at if isinstance(at, str) else format_time(at)
        entry["seq"], entry["prev_hash"] = index + 1, prev
        entry["change_digest"] = sha256_hex(entry["change"])
        fields = [stamp, entry["actor"], entry["action"], entry["subject"]]
        extra = [entry["credential"]] if entry.get("credential") is not None else []
        entry["hash"] = entry_hash(index + 1, *fields, entry["change_digest"], prev, *extra)
        prev = entry["hash"]
    return entries


def _edit_change(entry: dict[str, Any], key: str, value: Any) -> None:
    change = json.loads(entry["change"])
    change[key] = value
    entry["change"] = json.dumps(change, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _first(entries: list[dict[str, Any]], action: str) -> int:
    return next(i for i, e in enumerate(entries) if e["action"] == action)


Rewrite = Callable[[list[dict[str, Any]], int], tuple[list[dict[str, Any]], int]]


def _drop_sv_record(entries: list[dict[str, Any]], cp: int) -> tuple[list[dict[str, Any]], int]:
    index = next(i for i, e in enumerate(entries) if e["subject"] == "person:sv-001")
    return entries[:index] + entries[index + 1 :], index


def _edit_source(entries: list[dict[str, Any]], cp: int) -> tuple[list[dict[str, Any]], int]:
    index = _first(entries, "facts.record")
    _edit_change(entries[index], "source_document", "a forged order")
    return entries, index


def _edit_actor(entries: list[dict[str, Any]], cp: int) -> tuple[list[dict[str, Any]], int]:
    index = _first(entries, "facts.record")
    entries[index]["actor"] = "lena"
    return entries, index


def _edit_time(entries: list[dict[str, Any]], cp: int) -> tuple[list[dict[str, Any]], int]:
    index = cp - 1  # the checkpointed entry itself, backdated
    at = entries[index]["recorded_at"]
    entries[index]["recorded_at"] = (
        at.replace("2025-03", "2025-02") if isinstance(at, str) else at - dt.timedelta(days=30)
    )
    return entries, index


def _reorder(entries: list[dict[str, Any]], cp: int) -> tuple[list[dict[str, Any]], int]:
    a = next(i for i, e in enumerate(entries) if e["subject"] == "person:ve-001")
    b = next(i for i, e in enumerate(entries) if e["subject"] == "person:sv-001")
    entries[a], entries[b] = entries[b], entries[a]
    return entries, min(a, b)


def _alter_recorded(entries: list[dict[str, Any]], cp: int) -> tuple[list[dict[str, Any]], int]:
    index = _first(entries, CHECKPOINT_ACTION)
    change = json.loads(entries[index]["change"])
    change["checkpoint"]["checkpoint"]["issued_at"] = "2030-01-01T00:00:00.000000+00:00"
    entries[index]["change"] = json.dumps(
        change, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return entries, index


def without_recorded_checkpoints(rewrite: Rewrite) -> Rewrite:
    """`rewrite`, then the chain's own audit.checkpoint entries from the rewrite on dropped:
    the attacker cannot sign new ones, so leaves none that would no longer verify."""

    def stripped(entries: list[dict[str, Any]], cp: int) -> tuple[list[dict[str, Any]], int]:
        entries, start = rewrite(entries, cp)
        kept = entries[:start] + [e for e in entries[start:] if e["action"] != CHECKPOINT_ACTION]
        return kept, start

    return stripped


def _truncate_to(keep: Callable[[int], int]) -> Rewrite:
    def rewrite(entries: list[dict[str, Any]], cp: int) -> tuple[list[dict[str, Any]], int]:
        return entries[: keep(cp)], keep(cp)

    return rewrite


# --- database attempts -----------------------------------------------------------------------


def tamper(registry: Registry, work: Callable[[Connection], None]) -> None:
    """Run `work` as someone with the database itself: append-only triggers (and foreign keys
    on PostgreSQL) off."""
    if registry.backend == "sqlite":
        with registry.engine.begin() as conn:
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            for (name,) in list(names):
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            work(conn)
    else:
        with registry.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            work(conn)


def rechain_in_database(rewrite: Rewrite) -> Callable[[Connection, Scenario], None]:
    def work(conn: Connection, scenario: Scenario) -> None:
        rows = conn.execute(select(AUDIT).order_by(AUDIT.c.seq))
        entries = [dict(row._mapping) for row in rows]
        entries, start = rewrite(entries, scenario.cp_seq)
        entries = rehash(entries, start)
        as_exported = [{**e, "recorded_at": format_time(e["recorded_at"])} for e in entries]
        assert first_broken_link(as_exported) is None  # the chain alone verifies
        conn.execute(delete(AUDIT).where(AUDIT.c.seq > start))
        if entries[start:]:
            conn.execute(insert(AUDIT), entries[start:])

    return work


def sql(*statements: str) -> Callable[[Connection, Scenario], None]:
    def work(conn: Connection, scenario: Scenario) -> None:
        for statement in statements:
            conn.execute(text(statement))

    return work


def _edit_rows_and_digest(conn: Connection, scenario: Scenario) -> None:
    """Edit a fact row and set its version's content digest to match: only the chain knows."""
    conn.execute(text("UPDATE fact_removal_orders SET source = 'forged' WHERE person_id='ve-001'"))
    table: Any = FACT_MODELS["removal_orders"].__table__
    names = [c.name for c in fact_columns("removal_orders")]
    rows = conn.execute(
        select(*(table.c[n] for n in names)).where(table.c.person_id == "ve-001")
    ).all()
    digest = content_digest([dict(zip(names, r, strict=True)) for r in rows], "removal_orders")
    conn.execute(
        text(
            "UPDATE fact_versions SET content_digest = :d "
            "WHERE person_id = 've-001' AND list_name = 'removal_orders'"
        ),
        {"d": digest},
    )


def _insert_decision_past_head(conn: Connection, scenario: Scenario) -> None:
    columns = [c.name for c in FACT_MODELS["person"].metadata.tables["decision_records"].columns]
    copied = ", ".join(c for c in columns if c not in ("id", "audit_seq"))
    conn.execute(
        text(
            f"INSERT INTO decision_records ({copied}, audit_seq) "
            f"SELECT {copied}, 100000 FROM decision_records WHERE person_id = 've-001'"
        )
    )


_LAST_ENTRY = "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"
_NEW_VERSION = (
    "INSERT INTO fact_versions (id, person_id, list_name, known, kind, row_count, content_digest,"
    " valid_from, recorded_at, recorded_by_id, source_document, import_id, note) "
    "SELECT id + 1000, person_id, 'stays', known, 'correction', row_count, content_digest,"
    " valid_from, recorded_at, recorded_by_id, source_document, import_id, note "
    "FROM fact_versions WHERE person_id = 've-001' AND list_name = 'stays'"
)

# attempt -> (what the attacker does, a phrase of what verify then says)
DATABASE_ATTEMPTS: dict[str, tuple[Callable[[Connection, Scenario], None], str]] = {
    "delete-last-entry": (sql(_LAST_ENTRY), "past the head"),
    "delete-last-two-entries": (sql(_LAST_ENTRY, _LAST_ENTRY), "named by no audit entry"),
    "delete-back-past-checkpoint": (
        rechain_in_database(_truncate_to(lambda cp: cp - 1)),
        "entries were removed from its end",
    ),
    "truncate-and-rechain-without-an-entry": (
        rechain_in_database(without_recorded_checkpoints(_drop_sv_record)),
        "the chain was rewritten",
    ),
    "edit-change-and-rehash-the-rest": (
        rechain_in_database(without_recorded_checkpoints(_edit_source)),
        "was rewritten",
    ),
    "edit-actor-and-rehash-the-rest": (
        rechain_in_database(without_recorded_checkpoints(_edit_actor)),
        "was rewritten",
    ),
    "backdate-and-rehash-the-rest": (
        rechain_in_database(without_recorded_checkpoints(_edit_time)),
        "was rewritten",
    ),
    "reorder-and-rehash": (
        rechain_in_database(without_recorded_checkpoints(_reorder)),
        "was rewritten",
    ),
    "alter-recorded-checkpoint-and-rehash": (
        rechain_in_database(_alter_recorded),
        "signature does not verify",
    ),
    "edit-change-without-rehash": (
        sql("UPDATE audit_log SET subject = 'person:someone-else' WHERE seq = 3"),
        "hash differs",
    ),
    "delete-a-middle-entry": (sql("DELETE FROM audit_log WHERE seq = 3"), "an entry is missing"),
    "edit-fact-value": (
        sql("UPDATE fact_person SET name = 'Someone Else' WHERE person_id = 've-001'"),
        "fact rows were edited",
    ),
    "edit-fact-source": (
        sql("UPDATE fact_removal_orders SET source = 'forged' WHERE person_id = 'sv-001'"),
        "fact rows were edited",
    ),
    "edit-fact-date": (
        sql("UPDATE fact_convictions SET date = '2010-01-01' WHERE person_id = 've-001'"),
        "fact rows were edited",
    ),
    "delete-a-fact-row": (
        sql("DELETE FROM fact_nationalities WHERE person_id = 'sv-001'"),
        "rows were added or deleted",
    ),
    "insert-a-fact-row": (
        sql(
            "INSERT INTO fact_nationalities (version_id, ordinal, person_id, country) "
            "SELECT version_id, 7, person_id, 'MX' FROM fact_nationalities "
            "WHERE person_id = 've-001'"
        ),
        "rows were added or deleted",
    ),
    "delete-a-fact-version": (
        sql(
            "DELETE FROM fact_convictions WHERE person_id = 've-001'",
            "DELETE FROM fact_versions WHERE person_id = 've-001' AND list_name = 'convictions'",
        ),
        "it was deleted",
    ),
    "insert-a-fact-version": (sql(_NEW_VERSION), "named by no audit entry"),
    "edit-version-source-document": (
        sql("UPDATE fact_versions SET source_document = 'forged' WHERE person_id = 'sv-001'"),
        "source_document is 'forged'",
    ),
    "edit-rows-and-their-content-digest": (_edit_rows_and_digest, "do not hash to"),
    "retract-a-list-in-place": (
        sql("UPDATE fact_versions SET known = false WHERE list_name = 'stays'"),
        "content digest",
    ),
    "move-a-fact-row-to-another-person": (
        sql("UPDATE fact_convictions SET person_id = 'sv-001' WHERE person_id = 've-001'"),
        "names person sv-001",
    ),
    "insert-a-row-past-the-head": (_insert_decision_past_head, "decision_records"),
    "reattribute-a-fact-version": (
        sql(
            "UPDATE fact_versions SET recorded_by_id = (SELECT id FROM users WHERE name = 'lena') "
            "WHERE person_id = 've-001'"
        ),
        "recorded_by is 'lena'",
    ),
}


def test_the_untouched_registry_verifies_against_the_checkpoint(registry: Registry) -> None:
    scenario = build_scenario(registry)
    result = report(scenario)
    assert result.intact, result.problems()
    assert result.checked.held == 1
    assert result.checked.recorded == 1
    assert result.facts.versions > 10  # every list of the three persons
    assert result.facts.not_covered == 0
    assert scenario.cp_seq < result.checked.chain.head_seq  # entries were written after it


@pytest.mark.parametrize("attempt", sorted(DATABASE_ATTEMPTS))
def test_tampering_in_the_database_is_detected(registry: Registry, attempt: str) -> None:
    scenario = build_scenario(registry)
    assert report(scenario).intact
    work, phrase = DATABASE_ATTEMPTS[attempt]
    tamper(registry, lambda conn: work(conn, scenario))
    result = report(scenario)
    assert not result.intact
    problems = "\n".join(result.problems())
    assert phrase in problems, problems


# --- bundle attempts -------------------------------------------------------------------------


def _read_bundle(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "audit.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _write_bundle(folder: Path, entries: list[dict[str, Any]]) -> None:
    """audit.jsonl rewritten, and the manifest made to agree with it, as an attacker would."""
    text_ = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
    (folder / "audit.jsonl").write_text(text_, encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["entries"] = len(entries)
    manifest["head_hash"] = entries[-1]["hash"] if entries else GENESIS
    manifest["audit_jsonl_sha256"] = sha256_hex(text_)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def run_verify_bundle(folder: Path, *checkpoints: Path) -> subprocess.CompletedProcess[str]:
    """The bundle's verifier as a monitor runs it: a script in the bundle, in a new interpreter."""
    options = [arg for cp in checkpoints for arg in ("--checkpoint", str(cp))]
    return subprocess.run(
        [sys.executable, "-I", "-S", str(folder / "verify_bundle.py"), str(folder), *options],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder.parent,
        check=False,
    )


BUNDLE_ATTEMPTS: dict[str, tuple[Rewrite, str]] = {
    "bundle-delete-last-entries": (
        _truncate_to(lambda cp: cp - 2),
        "entries were removed from its end",
    ),
    "bundle-truncate-to-the-checkpoint-less-one": (
        _truncate_to(lambda cp: cp - 1),
        "entries were removed from its end",
    ),
    "bundle-rechain-without-an-entry": (
        without_recorded_checkpoints(_drop_sv_record),
        "was rewritten",
    ),
    "bundle-edit-change-and-rehash": (without_recorded_checkpoints(_edit_source), "was rewritten"),
    "bundle-edit-actor-and-rehash": (without_recorded_checkpoints(_edit_actor), "was rewritten"),
    "bundle-backdate-and-rehash": (without_recorded_checkpoints(_edit_time), "was rewritten"),
    "bundle-reorder-and-rehash": (without_recorded_checkpoints(_reorder), "was rewritten"),
    "bundle-alter-recorded-checkpoint-and-rehash": (_alter_recorded, "signature does not verify"),
}


@pytest.mark.parametrize("registry", ["sqlite"], indirect=True)
@pytest.mark.parametrize("attempt", sorted(BUNDLE_ATTEMPTS))
def test_tampering_with_an_exported_bundle_is_detected(registry: Registry, attempt: str) -> None:
    scenario = build_scenario(registry)
    bundle = registry.tmp / "bundle"
    with read_session(registry.engine) as session:
        export_bundle(session, out=bundle, exported_by=registry.users["mona"])
    before = run_verify_bundle(bundle, scenario.checkpoint_file)
    assert before.returncode == 0, before.stdout + before.stderr
    assert "extends 1 checkpoint(s) given" in before.stdout
    rewrite, phrase = BUNDLE_ATTEMPTS[attempt]
    entries, start = rewrite(_read_bundle(bundle), scenario.cp_seq)
    _write_bundle(bundle, rehash(entries, start))
    if rewrite is not _alter_recorded:
        assert run_verify_bundle(bundle).returncode == 0  # the chain alone still verifies...
    after = run_verify_bundle(bundle, scenario.checkpoint_file)
    assert after.returncode == 1, after.stdout + after.stderr  # ...not against the checkpoint
    assert phrase in after.stdout, after.stdout
