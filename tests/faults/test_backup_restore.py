"""Issue 19, backups that restore: `accord backup` and `accord restore` on both backends.

A registry with persons, decisions and a departed mission is backed up, restored into an
empty database, and must verify and replay every decision to the same result; a backup
whose chain does not verify is refused and leaves the target empty; a backup never
overwrites a file that is not a backup, and a restore never goes into a registry.
"""

from __future__ import annotations

import json
import threading
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from accord.auth import get_user
from accord.casefile.models import CaseFile
from accord.db import make_engine, read_session, verify_chain, write_session
from accord.db.backup import backup_registry, read_manifest, restore_registry
from accord.decisions.service import (
    REPRODUCES,
    decide_from_registry,
    list_decision_records,
    replay_decision,
)
from accord.engine import DecisionRequest
from accord.errors import InputError
from accord.registry import record_case_file, registry_counts
from case_files import case_file
from cli_runner import run_accord
from operations.people import (
    CECOT,
    at,
    departed_mission,
    load,
    protected_salvadoran,
    salvadoran,
    venezuelan,
)
from registry.conftest import Registry, _postgres_url, _Server, pg_server, registry
from registry.factories import synthetic_records

__all__ = ["pg_server", "registry"]  # the fixtures this module uses


def _populate(registry: Registry) -> None:
    """Persons, a departed mission (nominations, reviews, notices, the boarding check: each
    a decision record) and one ineligible decision of its own."""
    departed_mission(registry, [venezuelan(1), salvadoran(2), venezuelan(3)])
    load(registry, [protected_salvadoran(4)], at(16))
    with write_session(registry.engine) as session:
        decision, _ = decide_from_registry(
            session,
            request=DecisionRequest.build(as_of="2025-03-16", **CECOT),
            person_id="sv-004",
            actor=registry.users["olivia"],
            now=at(16, 13),
        )
    assert decision.outcome == "ineligible"


def _empty_target(registry: Registry, server: _Server, tmp_path: Path) -> str:
    if registry.backend == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'accord.db'}"
    return _postgres_url(server)  # a new, empty schema


def _backup(registry: Registry, out: Path) -> None:
    done = registry.cli("backup", "--out", out, as_user="root")
    assert done.returncode == 0, done.stderr
    assert "Audit chain head" in done.stdout


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return registry_counts(session)
    finally:
        engine.dispose()


def _is_empty(registry: Registry, url: str) -> bool:
    if registry.backend == "sqlite":
        return not Path(url.removeprefix("sqlite:///")).exists()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                    " OR schemaname LIKE 'accord_restore_%'"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return tables == 0


def test_a_backup_restores_into_an_empty_database_and_every_decision_replays(
    registry: Registry, pg_server: _Server, tmp_path: Path
) -> None:
    _populate(registry)
    tokens = {name: registry.token(name) for name in ("root", "mona")}  # issued before the backup
    before = registry.counts()
    with read_session(registry.engine) as session:
        decisions = {r.id: r.outcome for r in list_decision_records(session, limit=10_000)}
    assert len(decisions) >= 5
    assert {"eligible", "ineligible"} <= set(decisions.values())

    backup = tmp_path / "registry.accord-backup"
    _backup(registry, backup)
    manifest = read_manifest(backup)
    assert manifest["backend"] == registry.backend
    assert manifest["head_seq"] == before["audit_log"]
    after_backup = registry.counts()
    assert after_backup["audit_log"] == before["audit_log"] + 1  # the backup's own entry
    last = registry.sql("SELECT actor, action FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert tuple(last[0]) == ("root", "registry.backup")

    target = _empty_target(registry, pg_server, tmp_path)
    restored = run_accord("restore", backup, env={"ACCORD_DATABASE_URL": target}, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "as the database owner" in restored.stderr
    assert "Audit chain verified" in restored.stdout

    counts = _counts(target)
    assert counts == before | {"audit_log": before["audit_log"] + 1}  # + the restore's entry
    engine = make_engine(target)
    try:
        with read_session(engine) as session:
            chain = verify_chain(session)
            assert chain.intact, chain.message()
            assert chain.entries == before["audit_log"] + 1
            replays = {id_: replay_decision(session, decision_id=id_) for id_ in sorted(decisions)}
            entry = session.execute(
                text(
                    "SELECT actor, credential, action, change FROM audit_log"
                    " ORDER BY seq DESC LIMIT 1"
                )
            ).one()
    finally:
        engine.dispose()
    for id_, replay in replays.items():
        assert replay.verdict == REPRODUCES, (id_, replay.differences)
        assert replay.decision.outcome == decisions[id_]
    assert (entry.actor, entry.action) == ("(database owner)", "registry.restore")
    assert entry.credential.startswith("db-owner:")  # the operating-system user who ran it
    assert json.loads(entry.change)["backup_head_seq"] == manifest["head_seq"]

    # the restored registry is a registry: it serves the users it had
    env = {"ACCORD_DATABASE_URL": target, "ACCORD_TOKEN": tokens["mona"]}
    verified = run_accord("--as", "mona", "audit", "verify", env=env, cwd=tmp_path)
    assert verified.returncode == 0, verified.stderr

    # it takes writes as the original did (on PostgreSQL the database's own chain append and
    # append-only triggers came with the schema), and refuses to rewrite its log
    engine = make_engine(target)
    try:
        with write_session(engine) as session:
            olivia = get_user(session, name="olivia")
            request = DecisionRequest.build(as_of="2025-03-17", **CECOT)
            decide_from_registry(session, request=request, person_id="ve-001", actor=olivia)
        with read_session(engine) as session:
            assert verify_chain(session).entries == before["audit_log"] + 2
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    finally:
        engine.dispose()

    # and it is no longer empty: a second restore into it is refused, one line, exit 2
    again = run_accord("restore", backup, env={"ACCORD_DATABASE_URL": target}, cwd=tmp_path)
    assert again.returncode == 2
    assert "holds a registry already" in again.stderr
    assert again.stderr.strip().count("\n") == 1, again.stderr  # the notice, then the error
    assert _counts(target)["audit_log"] == counts["audit_log"] + 1


def _behind_accords_back(registry: Registry, table: str, statement: str) -> None:
    """Run `statement` past the append-only triggers, as someone with the database's keys."""
    if registry.backend == "sqlite":
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"
        for (name,) in registry.sql(triggers, t=table):
            registry.sql(f'DROP TRIGGER "{name}"')
        registry.sql(statement)
        return
    with registry.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(statement))


TAMPERINGS = {
    # an audit row edited: the chain breaks at it
    "audit row": (
        "audit_log",
        "UPDATE audit_log SET subject = 'person:someone-else' WHERE seq = 3",
        "broken at entry 3",
    ),
    # a fact row edited: the chain holds, the fact version no longer matches its entry
    "fact row": (
        "fact_removal_orders",
        "UPDATE fact_removal_orders SET source = 'forged' WHERE person_id = 've-001'",
        "ve-001",
    ),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_a_backup_that_does_not_verify_is_refused_and_the_target_stays_empty(
    registry: Registry, pg_server: _Server, tmp_path: Path, tampering: str
) -> None:
    _populate(registry)
    table, statement, says = TAMPERINGS[tampering]
    _behind_accords_back(registry, table, statement)
    backup = tmp_path / "tampered.accord-backup"
    _backup(registry, backup)  # the evidence is kept as it is
    target = _empty_target(registry, pg_server, tmp_path)
    refused = run_accord("restore", backup, env={"ACCORD_DATABASE_URL": target}, cwd=tmp_path)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    error = refused.stderr.strip().splitlines()[-1]
    assert says in error
    assert "nothing restored" in error
    assert "Traceback" not in refused.stderr
    assert _is_empty(registry, target)
    if registry.backend == "sqlite":  # nothing left beside it either
        folder = Path(target.removeprefix("sqlite:///")).parent
        assert not folder.exists() or list(folder.iterdir()) == []


def test_a_backup_cut_short_of_its_manifest_head_is_refused(
    registry: Registry, pg_server: _Server, tmp_path: Path
) -> None:
    """A chain that verifies but ends before the head its manifest names: entries removed
    from the end (which a hash chain alone cannot show) are found."""
    backup = tmp_path / "registry.accord-backup"
    _backup(registry, backup)
    manifest = read_manifest(backup)
    manifest["head_seq"] += 1
    edited = tmp_path / "edited.accord-backup"
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(edited, "w") as sink:
        sink.writestr("manifest.json", json.dumps(manifest))
        sink.writestr(manifest["payload"], source.read(manifest["payload"]))
    target = _empty_target(registry, pg_server, tmp_path)
    with pytest.raises(InputError, match=r"ends at entry .*nothing restored"):
        restore_registry(target, backup=edited)
    assert _is_empty(registry, target)


def test_a_backup_taken_while_officers_write_is_one_consistent_moment(
    registry: Registry, pg_server: _Server, tmp_path: Path
) -> None:
    """Writes go on while the backup is taken: the copy is of one moment (SQLite's backup API;
    pg_dump under the snapshot the manifest's head was read in), so it restores and its chain
    ends exactly at the manifest's head, with every person written up to it."""
    load(registry, synthetic_records(1_500, seed=11), at(10))  # something to take a while
    stop, written = threading.Event(), []

    failures: list[BaseException] = []

    def officer() -> None:
        try:
            while not stop.is_set() or len(written) < 2:
                person = f"ve-{900 + len(written)}"
                with write_session(registry.engine) as session:  # at the clock's time
                    record_case_file(
                        session,
                        actor=registry.users["olivia"],
                        case=CaseFile.model_validate(case_file(person, "VE")),
                        source_document="written during the backup",
                    )
                written.append(person)
        except BaseException as exc:  # the test fails with it, below
            failures.append(exc)
            raise

    thread = threading.Thread(target=officer)
    thread.start()
    try:
        while not written and thread.is_alive():  # writing before the backup begins
            time.sleep(0.01)
        result = backup_registry(
            registry.engine, out=tmp_path / "busy.accord-backup", actor=registry.users["root"]
        )
    finally:
        stop.set()
        thread.join(timeout=120)
    assert failures == []
    head = result.manifest["head_seq"]
    target = _empty_target(registry, pg_server, tmp_path)
    restored = restore_registry(target, backup=result.out)
    assert restored.entries == head + 1
    recorded = registry.sql(  # every person's facts are recorded with an entry of their own
        "SELECT count(DISTINCT subject) FROM audit_log"
        " WHERE action = 'facts.record' AND seq <= :head",
        head=head,
    )[0][0]
    counts = _counts(target)
    assert counts["persons"] == recorded > 1_500
    assert counts["audit_log"] == head + 1


def test_backup_never_overwrites_what_is_not_a_backup(registry: Registry, tmp_path: Path) -> None:
    precious = tmp_path / "thesis.txt"
    precious.write_text("four years of work\n", encoding="utf-8")
    refused = registry.cli("backup", "--out", precious, as_user="root")
    assert refused.returncode == 2
    assert "is not an Accord backup" in refused.stderr
    assert precious.read_text(encoding="utf-8") == "four years of work\n"
    if registry.backend == "sqlite":  # not even the live registry, which is a SQLite file
        live = tmp_path / "accord.db"
        size = live.stat().st_size
        onto_itself = registry.cli("backup", "--out", live, as_user="root")
        assert onto_itself.returncode == 2
        assert live.stat().st_size == size
    assert sorted(p.name for p in tmp_path.iterdir() if ".partial" in p.name) == []
    # an earlier backup may be replaced
    backup = tmp_path / "b.accord-backup"
    _backup(registry, backup)
    first = read_manifest(backup)["head_seq"]
    _backup(registry, backup)
    assert read_manifest(backup)["head_seq"] == first + 1  # the first backup's entry


def test_only_an_admin_backs_up(registry: Registry, tmp_path: Path) -> None:
    for name in ("olivia", "mona", "ana"):
        refused = registry.cli("backup", "--out", tmp_path / f"{name}.bak", as_user=name)
        assert refused.returncode == 2, (name, refused.stderr)
        assert not (tmp_path / f"{name}.bak").exists()


def test_restore_refuses_what_is_not_a_backup(registry: Registry, tmp_path: Path) -> None:
    not_backup = tmp_path / "notes.zip"
    with zipfile.ZipFile(not_backup, "w") as archive:
        archive.writestr("notes.txt", "hello")
    target = f"sqlite:///{tmp_path / 'new' / 'accord.db'}"
    for candidate in (not_backup, tmp_path / "missing.bak", tmp_path / "accord.db"):
        refused = run_accord("restore", candidate, env={"ACCORD_DATABASE_URL": target})
        assert refused.returncode == 2, refused.stderr
        assert "not an Accord backup" in refused.stderr
    assert not (tmp_path / "new").exists()
