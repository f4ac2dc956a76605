"""Decisions from the registry: the same rules, a stored record, and a replay that reproduces it.

Each test runs on SQLite and on PostgreSQL (the `registry` fixture).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from accord.auth import Permission, require_permission
from accord.db import AuditEntry, read_session, verify_chain, write_session
from accord.decisions import (
    DecisionRecord,
    decide_from_registry,
    get_decision_record,
    replay_decision,
)
from accord.engine import DecisionRequest, FactStore, decide_person
from accord.errors import InputError, PermissionDenied, UnknownDecision, UnknownPerson
from accord.facts import case_files_to_tables
from accord.registry import record_list

from .conftest import Registry
from .factories import SV, VE, cases, record_case, write_jsonl

T1 = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
T2 = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
T3 = dt.datetime(2025, 3, 14, 12, tzinfo=dt.UTC)
RETURN_SV = DecisionRequest.build(
    agreement="sv-2025-offer", pathway="return_of_nationals", destination="SV", as_of="2025-03-15"
)
CECOT = {
    "agreement": "sv-2025-offer",
    "pathway": "custody_placement",
    "destination": "SV",
    "facility": "CECOT",
    "as_of": "2025-03-15",
}


def _decide(
    registry: Registry,
    person_id: str,
    at: dt.datetime,
    request: DecisionRequest = RETURN_SV,
    as_known_on: dt.date | dt.datetime | None = None,
) -> tuple[str, int]:
    with write_session(registry.engine) as session:
        decision, record = decide_from_registry(
            session,
            request=request,
            person_id=person_id,
            actor=registry.users["olivia"],
            as_known_on=as_known_on,
            now=at,
        )
        return decision.outcome, record.id


def test_a_registry_decision_equals_the_file_decision_and_is_kept(registry: Registry) -> None:
    record_case(registry, SV, T1)
    outcome, record_id = _decide(registry, "sv-001", T2)
    store = FactStore.from_tables(case_files_to_tables(cases(SV)))
    from_file = decide_person(store=store, request=RETURN_SV, person_id="sv-001", all_facts=True)
    assert outcome == from_file.outcome == "ineligible"  # withholding as to El Salvador
    with read_session(registry.engine) as session:
        record = get_decision_record(session, decision_id=record_id)
        assert record.person_id == "sv-001"
        assert record.decided_at == T2
        assert record.facts_known_at == T2
        assert record.explanation["failed"] == from_file.as_dict()["failed"]
        assert record.ruleset_hash == from_file.ruleset["hash"]
        assert record.agreement_digest == from_file.agreement["digest"]
        assert verify_chain(session).intact
        (action,) = registry.sql("SELECT action FROM audit_log WHERE seq = :s", s=record.audit_seq)
        assert action[0] == "decision.record"


def test_replay_reproduces_after_a_later_correction(registry: Registry) -> None:
    record_case(registry, SV, T1)
    _, first = _decide(registry, "sv-001", T2)
    # The protection is later recorded as terminated: a new version, not an edit.
    with write_session(registry.engine) as session:
        record_list(
            session,
            actor=registry.users["lena"],
            person_id="sv-001",
            list_name="protections",
            items=[{**SV["protections"][0], "status": "terminated", "date": "2025-03-12"}],
            source_document="BIA order terminating withholding",
            now=T3,
        )
    later_outcome, second = _decide(registry, "sv-001", T3 + dt.timedelta(hours=1))
    with read_session(registry.engine) as session:
        replay = replay_decision(session, decision_id=first)
        assert replay.reproduces, replay.differences
        assert replay.decision.outcome == "ineligible"
        assert replay_decision(session, decision_id=second).reproduces
        assert get_decision_record(session, decision_id=second).outcome == later_outcome
    assert "no_withholding" in _failed(registry, first)
    assert "no_withholding" not in _failed(registry, second)


def _failed(registry: Registry, record_id: int) -> list[str]:
    with read_session(registry.engine) as session:
        record = get_decision_record(session, decision_id=record_id)
        return [r["rule"] for r in record.explanation["failed"]]


def test_as_known_on_decides_from_the_facts_known_then(registry: Registry) -> None:
    record_case(registry, SV, T1)
    with write_session(registry.engine) as session:
        record_list(
            session,
            actor=registry.users["lena"],
            person_id="sv-001",
            list_name="protections",
            items=[],
            source_document="correction: no protection was ever granted",
            now=T2,
        )
    _, now_id = _decide(registry, "sv-001", T3)
    _, then_id = _decide(registry, "sv-001", T3, as_known_on=dt.date(2025, 3, 5))
    assert "no_withholding" not in _failed(registry, now_id)
    assert "no_withholding" in _failed(registry, then_id)
    with read_session(registry.engine) as session:
        assert get_decision_record(session, decision_id=then_id).facts_known_at < T2


def test_replay_names_what_no_longer_reproduces(registry: Registry) -> None:
    record_case(registry, VE, T1)
    _, record_id = _decide(registry, "ve-001", T2, DecisionRequest.build(**CECOT))
    with write_session(registry.engine) as session:
        kept = get_decision_record(session, decision_id=record_id)
        # A record as if made by another ruleset and with another outcome: inserted, not edited.
        forged = DecisionRecord(
            person_id=kept.person_id,
            decided_at=kept.decided_at,
            decided_by_id=kept.decided_by_id,
            request=kept.request,
            facts_known_at=kept.facts_known_at,
            inputs_digest="0" * 64,
            ruleset_hash="f" * 64,
            agreement_id=kept.agreement_id,
            agreement_version=kept.agreement_version,
            agreement_digest=kept.agreement_digest,
            parameters=kept.parameters,
            outcome="eligible" if kept.outcome != "eligible" else "ineligible",
            explanation=kept.explanation,
            audit_seq=kept.audit_seq,
        )
        session.add(forged)
        session.flush()
        forged_id = forged.id
    with read_session(registry.engine) as session:
        replay = replay_decision(session, decision_id=forged_id)
    assert not replay.reproduces
    text = "\n".join(replay.differences)
    assert "inputs digest" in text
    assert "ruleset hash" in text
    assert "outcome" in text


def test_decision_errors_are_clear(registry: Registry) -> None:
    with pytest.raises(UnknownPerson, match="nobody-1"):
        _decide(registry, "nobody-1", T2)
    record_case(registry, SV, T1)
    with pytest.raises(InputError, match="cannot know the future"):
        _decide(registry, "sv-001", T2, as_known_on=T3)
    with read_session(registry.engine) as session, pytest.raises(UnknownDecision, match="999"):
        replay_decision(session, decision_id=999)
    require_permission(registry.users["olivia"], Permission.DECISIONS_RECORD)
    for name in ("mona", "ana", "liam", "root"):
        with pytest.raises(PermissionDenied):
            require_permission(registry.users[name], Permission.DECISIONS_RECORD)


def test_cli_decide_from_registry_and_replay(registry: Registry) -> None:
    path = write_jsonl(registry.tmp / "cases.jsonl", [VE, SV])
    assert registry.cli("registry", "import", path, as_user="olivia").returncode == 0
    options = [f"--{k.replace('_', '-')}={v}" for k, v in CECOT.items()]
    decided = registry.cli(
        "decide", "--person", "ve-001", *options, "--format", "json", as_user="olivia"
    )
    assert decided.returncode == 0, decided.stderr
    row = json.loads(decided.stdout)
    assert row["person_id"] == "ve-001"
    assert row["outcome"] in ("eligible", "ineligible", "undetermined")
    replayed = registry.cli("decisions", "replay", str(row["decision_record"]), as_user="mona")
    assert replayed.returncode == 0, replayed.stderr
    assert "reproduces" in replayed.stdout
    listed = registry.cli("decisions", "list", "--person", "ve-001", as_user="lena")
    assert listed.returncode == 0
    assert "ve-001" in listed.stdout
    # A monitor may replay but not record; an unknown record is one line and exit 2.
    refused = registry.cli("decide", "--person", "ve-001", *options, as_user="mona")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    missing = registry.cli("decisions", "replay", "4242", as_user="mona")
    assert missing.returncode == 2
    assert "no decision record 4242" in missing.stderr
    assert registry.cli("audit", "verify", as_user="mona").returncode == 0


def _decide_unlocked(registry: Registry, person_id: str, at: dt.datetime) -> tuple[str, int]:
    """As `accord decide --person` runs it: the service takes the writer lock itself."""
    with write_session(registry.engine, lock=False) as session:
        decision, record = decide_from_registry(
            session,
            request=RETURN_SV,
            person_id=person_id,
            actor=registry.users["olivia"],
            now=at,
        )
        return decision.outcome, record.id


def test_a_decision_that_reads_before_locking_records_the_same(registry: Registry) -> None:
    record_case(registry, SV, T1)
    locked_outcome, locked = _decide(registry, "sv-001", T2)
    outcome, unlocked = _decide_unlocked(registry, "sv-001", T2 + dt.timedelta(minutes=1))
    assert outcome == locked_outcome == "ineligible"
    with read_session(registry.engine) as session:
        first = get_decision_record(session, decision_id=locked)
        second = get_decision_record(session, decision_id=unlocked)
        assert second.inputs_digest == first.inputs_digest
        assert replay_decision(session, decision_id=unlocked).reproduces
        assert verify_chain(session).intact


def test_a_correction_landing_between_read_and_lock_is_not_missed(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The withholding is terminated by another writer just after the decision read the
    facts and before it took the writer lock: the decision must read again and record
    the facts as they were when it was decided, so that it replays."""
    import accord.decisions.service as service

    # SQLite write sessions hold the lock from BEGIN IMMEDIATE: there is no window,
    # the facts are read once, under the lock, as known at the decision time
    window = registry.backend == "postgresql"

    real_read = service.person_facts_read
    reads: list[object] = []

    def read_then_someone_corrects(session: Any, **kwargs: Any) -> Any:
        facts = real_read(session, **kwargs)
        reads.append(kwargs["as_known_on"])
        if window and len(reads) == 1:  # a second writer commits its correction now
            with write_session(registry.engine) as other:
                record_list(
                    other,
                    actor=registry.users["lena"],
                    person_id="sv-001",
                    list_name="protections",
                    items=[{**SV["protections"][0], "status": "terminated", "date": "2025-03-12"}],
                    source_document="BIA order terminating withholding",
                    now=T3,
                )
        return facts

    record_case(registry, SV, T1)
    monkeypatch.setattr(service, "person_facts_read", read_then_someone_corrects)
    outcome, record_id = _decide_unlocked(registry, "sv-001", T3 + dt.timedelta(hours=1))
    monkeypatch.undo()
    if not window:
        assert reads == [T3 + dt.timedelta(hours=1)]
        assert outcome == "ineligible"
        return
    assert reads == [None, T3 + dt.timedelta(hours=1)]  # read again, under the lock
    assert outcome != "ineligible"
    with read_session(registry.engine) as session:
        assert replay_decision(session, decision_id=record_id).reproduces
    assert "no_withholding" not in _failed(registry, record_id)


def test_the_one_statement_read_equals_the_case_file_and_names_the_chain_head(
    registry: Registry,
) -> None:
    """person_fact_read: the facts as case_files_to_tables gives them, and the head seq of
    the same snapshot (a later write of the person's facts is audited after it)."""
    from accord.db.audit import committed_head_seq
    from accord.facts import case_files_to_tables
    from accord.registry import person_case_file
    from accord.registry.reads import person_fact_read

    record_case(registry, SV, T1)
    record_case(registry, {**VE, "person_id": "ve-009", "appeals": None}, T2)
    with read_session(registry.engine) as session:
        for person_id in ("sv-001", "ve-009"):
            for when in (None, T2.date(), T1 - dt.timedelta(days=1)):
                try:
                    expected = case_files_to_tables(
                        [person_case_file(session, person_id=person_id, as_known_on=when)]
                    )
                except UnknownPerson:
                    with pytest.raises(UnknownPerson):
                        person_fact_read(session, person_id=person_id, as_known_on=when)
                    continue
                facts, head = person_fact_read(session, person_id=person_id, as_known_on=when)
                assert facts.tables.keys() == expected.tables.keys()
                for name, table in expected.tables.items():
                    assert facts.tables[name].equals(table), (person_id, when, name)
                assert head == committed_head_seq(session)


def test_concurrent_decisions_and_corrections_keep_the_chain_and_replay(
    registry: Registry,
) -> None:
    """Deciders that read before they lock, racing a writer that flips a protection back and
    forth: every record is decided from one version of the facts (it replays), each has its
    own audit entry, and the chain stays intact."""
    import threading

    from accord.db import AuditEntry

    record_case(registry, SV, T1)
    protection = SV["protections"][0]
    stop = threading.Event()
    errors: list[BaseException] = []
    record_ids: list[int] = []
    lock = threading.Lock()

    def correct() -> None:
        flips = 0
        while not stop.is_set() or flips < 4:
            status = "terminated" if flips % 2 == 0 else protection["status"]
            with write_session(registry.engine) as session:
                record_list(
                    session,
                    actor=registry.users["lena"],
                    person_id="sv-001",
                    list_name="protections",
                    items=[{**protection, "status": status}],
                    source_document=f"order {flips}",
                )
            flips += 1

    def decide(n: int) -> None:
        try:
            for _ in range(n):
                with write_session(registry.engine, lock=False) as session:
                    _, record = decide_from_registry(
                        session,
                        request=RETURN_SV,
                        person_id="sv-001",
                        actor=registry.users["olivia"],
                    )
                with lock:
                    record_ids.append(record.id)
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    writer = threading.Thread(target=correct)
    deciders = [threading.Thread(target=decide, args=(5,)) for _ in range(4)]
    writer.start()
    for thread in deciders:
        thread.start()
    for thread in deciders:
        thread.join()
    stop.set()
    writer.join()
    assert not errors, errors
    assert len(record_ids) == len(set(record_ids)) == 20
    with read_session(registry.engine) as session:
        assert verify_chain(session).intact
        for record_id in record_ids:
            record = get_decision_record(session, decision_id=record_id)
            entry = session.get(AuditEntry, record.audit_seq)
            assert entry is not None
            assert entry.action == "decision.record"
            assert json.loads(entry.change)["inputs_digest"] == record.inputs_digest
            assert replay_decision(session, decision_id=record_id).reproduces


def test_a_decision_as_known_earlier_reads_the_chain_head_under_the_lock(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `as_known_on` in a session that does not hold the writer lock yet (an HTTP
    decision), the record time and the chain head are read once the lock is held: a head
    read before it could be stale by the time the entry is appended."""
    import accord.db.optimistic as service  # where the decision's write takes its time
    from accord.db.engine import holds_writer_lock

    real_time = service.record_time
    locked: list[bool] = []

    def record_time_seen(session: Any, now: Any = None) -> Any:
        locked.append(holds_writer_lock(session))
        return real_time(session, now)

    record_case(registry, SV, T1)
    monkeypatch.setattr(service, "record_time", record_time_seen)
    with write_session(registry.engine, lock=False) as session:
        decide_from_registry(
            session,
            request=RETURN_SV,
            person_id="sv-001",
            actor=registry.users["olivia"],
            as_known_on=T1.date(),
            now=T2,
        )
    assert locked
    assert all(locked)
    with read_session(registry.engine) as session:
        assert verify_chain(session).intact


def test_a_decision_on_postgresql_is_recorded_in_one_go_as_python_would_chain_it(
    registry: Registry, chained_sends: list[bool]
) -> None:
    """Reading before the lock, the record and its audit entry go in one round trip in which
    the database appends the chain (db/chain.py); on SQLite the locked path runs."""
    record_case(registry, SV, T1)
    with write_session(registry.engine, lock=False) as session:
        _, record = decide_from_registry(
            session, request=RETURN_SV, person_id="sv-001", actor=registry.users["olivia"]
        )
        record_id, seq, decided_at = record.id, record.audit_seq, record.decided_at
    assert chained_sends == ([True] if registry.backend == "postgresql" else [])
    with read_session(registry.engine) as session:
        stored = get_decision_record(session, decision_id=record_id)
        assert (stored.audit_seq, stored.decided_at) == (seq, decided_at)
        entry = session.get(AuditEntry, seq)
        assert entry is not None
        assert entry.action == "decision.record"
        assert entry.recorded_at == decided_at
        assert verify_chain(session).intact
        assert replay_decision(session, decision_id=record_id).reproduces


@pytest.mark.parametrize("as_known_on", [None, T2.date()], ids=["read-before-lock", "locked"])
def test_a_decision_with_commit_is_committed_when_it_returns(
    registry: Registry, as_known_on: dt.date | None
) -> None:
    """`commit=True` (the HTTP route): the record and its audit entry are committed before
    decide_from_registry returns, whichever way it wrote them, and replay."""
    record_case(registry, SV, T1)
    with write_session(registry.engine, lock=False) as session:
        decision, record = decide_from_registry(
            session,
            request=RETURN_SV,
            person_id="sv-001",
            actor=registry.users["olivia"],
            as_known_on=as_known_on,
            now=T3,
            commit=True,
        )
        with read_session(registry.engine) as other:  # another connection sees it already
            stored = get_decision_record(other, decision_id=record.id)
            assert stored.outcome == decision.outcome
            assert stored.audit_seq == record.audit_seq
            assert other.get(AuditEntry, record.audit_seq) is not None
    with read_session(registry.engine) as session:
        assert replay_decision(session, decision_id=record.id).reproduces
        assert verify_chain(session).intact
