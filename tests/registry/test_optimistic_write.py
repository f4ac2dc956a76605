"""The optimistic write (db/optimistic.py) and who takes a write session's lock.

A service function calls `write_once` with what it reads, what it watches and what it
writes; `write_once` picks the path. Callers open a plain `write_session`: it takes the
writer lock before the first statement unless the service said first that it locks after
its reads (db.lock_after_reads). An AuditWriter composed with a DatabaseChain writes its
entries itself when flushed without a batch (it used to raise).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from accord.db import (
    AuditEntry,
    AuditWriter,
    Snapshot,
    Writes,
    append_audit,
    lock_after_reads,
    read_session,
    verify_chain,
    write_once,
    write_session,
)
from accord.db.audit import committed_head_seq
from accord.db.chain import ChainedBatch, DatabaseChain
from accord.db.engine import WRITER_LOCK_KEY, holds_writer_lock
from accord.errors import RegistryConflict

from .conftest import Registry

POSTGRES_ONLY = pytest.mark.parametrize("registry", ["postgresql"], indirect=True)
T = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


def _lock_held_elsewhere(registry: Registry) -> bool:
    """Whether another connection finds the writer lock taken."""
    with registry.engine.connect() as other:
        free = other.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY}
        ).scalar_one()
        other.rollback()
    return not free


@POSTGRES_ONLY
def test_a_write_session_locks_before_its_first_statement(registry: Registry) -> None:
    with write_session(registry.engine) as session:
        assert not _lock_held_elsewhere(registry)  # nothing has run yet
        session.execute(text("SELECT 1"))
        assert holds_writer_lock(session)
        assert _lock_held_elsewhere(registry)
        assert not lock_after_reads(session)  # too late: the lock is held


@POSTGRES_ONLY
def test_a_service_that_locks_after_its_reads_says_so_first(registry: Registry) -> None:
    with write_session(registry.engine) as session:
        assert lock_after_reads(session)
        session.execute(text("SELECT 1"))
        assert not holds_writer_lock(session)
        assert not _lock_held_elsewhere(registry)
    with write_session(registry.engine, lock=True) as session:  # the caller insists
        assert not lock_after_reads(session)
        assert _lock_held_elsewhere(registry)


@pytest.mark.parametrize("registry", ["sqlite"], indirect=True)
def test_sqlite_write_sessions_always_begin_locked(registry: Registry) -> None:
    with write_session(registry.engine) as session:
        assert not lock_after_reads(session)
        assert holds_writer_lock(session)


def _chain(session: Session, watch: dict[str, str] | None = None) -> DatabaseChain:
    return DatabaseChain(
        seen=committed_head_seq(session), watch=watch or {}, now=dt.datetime.now(dt.UTC), clamp=True
    )


@POSTGRES_ONLY
def test_a_database_chained_writer_flushed_alone_appends_its_entries(registry: Registry) -> None:
    """flush() without a batch writes the entries now, as for any AuditWriter (it raised
    TypeError when the chained writer was an AuditWriter that skipped its constructor)."""
    olivia = registry.users["olivia"]
    with write_session(registry.engine, lock=False) as session:
        chain = _chain(session)
        writer = AuditWriter(session, chain)
        first = writer.add(actor=olivia, action="test.one", subject="s:1", change={"n": 1}, at=T)
        second = writer.add(actor=olivia, action="test.two", subject="s:2", change={"n": 2}, at=T)
        writer.flush()
        assert writer.written == 2
        seqs = [chain.seq_of(first["seq"]), chain.seq_of(second["seq"])]
        assert seqs[1] == seqs[0] + 1
        with pytest.raises(ValueError, match="appends its entries once"):
            writer.flush()
    with read_session(registry.engine) as session:
        rows = session.execute(
            select(AuditEntry.seq, AuditEntry.action).where(AuditEntry.seq.in_(seqs))
        ).all()
        assert [tuple(r) for r in rows] == [(seqs[0], "test.one"), (seqs[1], "test.two")]
        assert verify_chain(session).intact


@POSTGRES_ONLY
def test_a_chained_flush_refuses_when_what_it_watched_was_written_since(
    registry: Registry,
) -> None:
    olivia = registry.users["olivia"]
    with write_session(registry.engine, lock=False) as session:
        chain = _chain(session, {"s:watched": "test."})
        with write_session(registry.engine) as other:  # commits in the window
            append_audit(other, actor=olivia, action="test.w", subject="s:watched", change={})
        writer = AuditWriter(session, chain)
        writer.add(actor=olivia, action="test.late", subject="s:watched", change={}, at=T)
        with pytest.raises(RegistryConflict):
            writer.flush()
    with read_session(registry.engine) as session:
        assert (
            session.scalar(select(AuditEntry.seq).where(AuditEntry.action == "test.late")) is None
        )


def test_a_chained_batch_needs_a_database_chain(registry: Registry) -> None:
    with write_session(registry.engine) as session, pytest.raises(TypeError):
        ChainedBatch(session, AuditWriter(session))


def _write_note(
    registry: Registry, lock: bool | None, subject: str, *, commit: bool = True
) -> tuple[AuditEntry, bool]:
    """A write_once of one audit entry (returned as an object), and whether it went in one
    round trip."""
    paths: list[bool] = []

    def write(reads: str, writes: Writes) -> AuditEntry:
        paths.append(writes.chained)
        row = writes.audit.add(
            actor=registry.users["olivia"],
            action="test.note",
            subject=subject,
            change={"read": reads},
            at=writes.at,
        )
        entry = AuditEntry(**{k: v for k, v in row.items() if k in ("seq", "recorded_at")})
        writes.returns(entry)
        return entry

    def read_first() -> Snapshot[str]:
        return Snapshot("before the lock", committed_head_seq(session), {subject: "test."})

    with write_session(registry.engine, lock=lock) as session:
        entry = write_once(
            session,
            read_first=read_first,
            read_locked=lambda _at: "under the lock",
            write=write,
            commit=commit,
        )
        if not commit:  # the session's transaction goes on, under the lock, until it ends
            assert holds_writer_lock(session)
            assert _lock_held_elsewhere(registry)
            session.execute(text("SELECT 1"))
    return entry, paths[-1]


def test_write_once_picks_the_path_and_returns_what_was_written(registry: Registry) -> None:
    postgres = registry.backend == "postgresql"
    for lock, chained in ((None, postgres), (True, False), (False, postgres)):
        entry, went_chained = _write_note(registry, lock, f"s:{lock}")
        assert went_chained == chained, lock
        with read_session(registry.engine) as session:
            stored: Any = session.execute(
                select(AuditEntry.seq, AuditEntry.recorded_at, AuditEntry.change).where(
                    AuditEntry.subject == f"s:{lock}"
                )
            ).one()
        # the placeholders (ChainSeq, ChainTime) were replaced by what the database wrote
        assert (type(entry.seq), entry.seq) == (int, stored.seq)
        assert type(entry.recorded_at) is dt.datetime
        assert entry.recorded_at == stored.recorded_at
        read = "before the lock" if chained else "under the lock"
        assert stored.change == f'{{"read":"{read}"}}'
    with read_session(registry.engine) as session:
        assert verify_chain(session).intact


@POSTGRES_ONLY
def test_an_optimistic_write_that_does_not_commit_keeps_the_lock_it_took(
    registry: Registry,
) -> None:
    entry, chained = _write_note(registry, None, "s:kept", commit=False)
    assert chained
    with read_session(registry.engine) as session:
        assert session.get(AuditEntry, entry.seq) is not None
        assert verify_chain(session).intact
