"""A handover reads before it takes the writer lock (write_session(lock=False)): it must
write exactly what a locked handover writes, and must not miss a write that lands
between its reads and the lock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import accord.operations.handover as handover
from accord.casefile.models import CaseFile
from accord.db import read_session, verify_chain, write_session
from accord.db.chain import ChainedBatch
from accord.errors import CapacityExceeded, IllegalTransition
from accord.operations.handover import confirm_handover
from accord.operations.models import OperationsEvent
from accord.registry import import_case_files

from .conftest import Registry
from .people import at, audit_changes, departed_mission, snapshot, venezuelan


def _written(registry: Registry, person_id: str) -> dict[str, Any]:
    """What a handover of one person wrote, without ids and times that differ by design."""
    events = registry.sql(
        "SELECT kind, from_state, to_state, facility_id, reason_code FROM operations_events "
        "WHERE person_id = :p AND kind = 'handover_received'",
        p=person_id,
    )
    tasks = registry.sql(
        "SELECT country, facility_id FROM consular_tasks WHERE person_id = :p", p=person_id
    )
    state = registry.sql("SELECT state FROM transfer_cases WHERE person_id = :p", p=person_id)
    changes = [
        {k: v for k, v in change.items() if k not in ("subject", "occurred_at")}
        for action in ("operations.handover_received", "operations.consular_task")
        for change in audit_changes(registry, action)
        if change["person_id"] == person_id
    ]
    return {"events": events, "tasks": tasks, "state": state, "audit": changes}


def _confirm(
    registry: Registry, person_id: str, *, lock: bool, now: dt.datetime
) -> list[OperationsEvent]:
    with write_session(registry.engine, lock=lock) as s:
        return confirm_handover(
            s,
            actor=registry.users["liam"],
            mission_number="GST-1",
            person_ids=[person_id],
            occurred_at=now,
            now=now,
        )


def test_reading_before_the_lock_writes_what_a_locked_handover_writes(
    registry: Registry,
) -> None:
    departed_mission(registry, [venezuelan(1), venezuelan(2)])
    locked = _confirm(registry, "ve-001", lock=True, now=at(16, 2))
    unlocked = _confirm(registry, "ve-002", lock=False, now=at(16, 3))
    first, second = _written(registry, "ve-001"), _written(registry, "ve-002")
    assert first["events"] == second["events"]
    assert first["events"][0][:3] == ("handover_received", "departed", "in_custody")
    assert first["tasks"] == second["tasks"] == [("VE", "CECOT")]
    assert first["state"] == second["state"] == [("in_custody",)]
    assert [c | {"person_id": "x"} for c in first["audit"]] == [
        c | {"person_id": "x"} for c in second["audit"]
    ]
    # the events returned are the rows written, ids and audit links included
    for event in (*locked, *unlocked):
        row = registry.sql(
            "SELECT person_id, audit_seq FROM operations_events WHERE id = :i", i=event.id
        )
        assert row == [(event.person_id, event.audit_seq)]
    with read_session(registry.engine) as s:
        assert verify_chain(s).intact


def test_a_group_read_before_the_lock_writes_what_a_locked_group_writes(
    registry: Registry,
) -> None:
    """Several persons of one aircraft confirmed at once take the statements for many
    (`= ANY`), one person the statements for one: both write what the locked path does."""
    departed_mission(registry, [venezuelan(n) for n in range(1, 6)])
    groups = {True: ["ve-001", "ve-002"], False: ["ve-003", "ve-004"]}
    for lock, person_ids in groups.items():
        with write_session(registry.engine, lock=lock) as s:
            events = confirm_handover(
                s,
                actor=registry.users["liam"],
                mission_number="GST-1",
                person_ids=person_ids,
                occurred_at=at(16, 2),
                now=at(16, 2),
            )
        assert [e.person_id for e in events] == person_ids
    alone = _confirm(registry, "ve-005", lock=False, now=at(16, 3))
    written = {p: _written(registry, p) for p in ("ve-001", "ve-003", "ve-004", "ve-005")}
    for person_id, done in written.items():
        assert done["events"] == written["ve-001"]["events"], person_id
        assert done["tasks"] == [("VE", "CECOT")], person_id
        assert done["state"] == [("in_custody",)], person_id
    assert alone[0].person_id == "ve-005"
    with read_session(registry.engine) as s:
        assert verify_chain(s).intact


def _someone_writes_in_the_window(
    registry: Registry, monkeypatch: pytest.MonkeyPatch, write: Any
) -> list[bool]:
    """Make `write` commit in another session after the handover's reads, before it sends
    its lock, chain and writes (db/chain.py)."""
    real = ChainedBatch.send_chained
    calls: list[bool] = []

    def write_then_send(batch: ChainedBatch, **options: Any) -> bool:
        calls.append(True)
        write()
        return real(batch, **options)

    monkeypatch.setattr(ChainedBatch, "send_chained", write_then_send)
    return calls


def test_a_handover_committed_in_the_window_is_not_written_twice(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another liaison terminal confirms the same person between the reads and the lock:
    the case is read again under the lock and the second confirmation is refused."""
    departed_mission(registry, [venezuelan(1)])

    def other_terminal() -> None:
        _confirm(registry, "ve-001", lock=True, now=at(16, 2))

    if registry.backend != "postgresql":
        other_terminal()  # SQLite holds the lock from BEGIN: no window, the other comes first
    else:
        _someone_writes_in_the_window(registry, monkeypatch, other_terminal)
    with pytest.raises(IllegalTransition, match="in_custody"):
        _confirm(registry, "ve-001", lock=False, now=at(16, 3))
    written = _written(registry, "ve-001")  # the other terminal's handover, once
    assert len(written["events"]) == 1
    assert written["tasks"] == [("VE", "CECOT")]
    assert [c["kind"] for c in written["audit"] if "kind" in c] == ["handover_received"]


def test_a_nationality_corrected_in_the_window_is_the_one_used(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person is recorded as a Salvadoran national between the reads and the lock: no
    consular notification is owed to El Salvador's own national."""
    departed_mission(registry, [venezuelan(1)])

    def correct() -> None:
        with write_session(registry.engine) as s:
            import_case_files(
                s,
                actor=registry.users["olivia"],
                cases=[CaseFile.model_validate({**venezuelan(1), "nationalities": ["SV"]})],
                source_document="consular record: Salvadoran passport",
                valid_from=dt.date(2025, 3, 1),
                now=at(16, 1),
            )

    if registry.backend != "postgresql":
        correct()  # SQLite holds the lock from BEGIN: no window, the correction comes first
    else:
        _someone_writes_in_the_window(registry, monkeypatch, correct)
    _confirm(registry, "ve-001", lock=False, now=at(16, 3))
    assert _written(registry, "ve-001")["tasks"] == []
    assert _written(registry, "ve-001")["state"] == [("in_custody",)]


def test_reading_before_the_lock_still_refuses_beyond_capacity(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    departed_mission(registry, [venezuelan(1), venezuelan(2)])
    # CECOT's 40,000 places made 1 for this test (the bundled agreement is one object)
    cecot = handover.agreement_facility("sv-2025-offer", "CECOT")
    monkeypatch.setitem(cecot.__dict__, "capacity", 1)
    _confirm(registry, "ve-001", lock=False, now=at(16, 2))
    before = snapshot(registry)
    with pytest.raises(CapacityExceeded, match="capacity 1"):
        _confirm(registry, "ve-002", lock=False, now=at(16, 3))
    assert snapshot(registry) == before


def test_reconcile_finds_a_capacity_count_that_differs_from_the_cases(
    registry: Registry,
) -> None:
    """Capacity checks read counts kept by triggers; a count changed behind their back
    (here by SQL) is a violation, named with its facility, agreement and state."""
    from accord.operations.reconcile import reconcile

    departed_mission(registry, [venezuelan(1), venezuelan(2)])
    _confirm(registry, "ve-001", lock=False, now=at(16, 2))
    with read_session(registry.engine) as s:
        assert not [v for v in reconcile(s, now=at(16, 3)).violations if v.code == "count_mismatch"]
    registry.sql("UPDATE facility_counts SET persons = persons + 5 WHERE state = 'in_custody'")
    with read_session(registry.engine) as s:
        found = [v for v in reconcile(s, now=at(16, 3)).violations if v.code == "count_mismatch"]
    assert [(v.subject, v.message) for v in found] == [
        (
            "facility:CECOT",
            "in_custody under sv-2025-offer: 1 cases, the count capacity checks read says 6",
        )
    ]
