"""PostgreSQL: a write that commits with its chained batch (the HTTP decision route, a
handover) reaches the database as one message, from the lock to the COMMIT, and is on
disk before the call returns (db/chain.py, db/batch.py).

Why it matters: the lock is taken by the first statement, and every other writer waits
for it. Sent a statement at a time, the database held the lock while it waited for the
next statement from a thread that had lost the interpreter to another; and a COMMIT
that waited for the disk under the lock made a slow disk stall every writer.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

import accord.decisions.service as decisions_service
from accord.db import append_audit, driver_connection, read_session, verify_chain, write_session
from accord.decisions import decide_from_registry, get_decision_record
from accord.engine import DecisionRequest

from .conftest import Registry, _new_registry, _Server
from .factories import SV, record_case

RETURN_SV = DecisionRequest.build(
    agreement="sv-2025-offer", pathway="return_of_nationals", destination="SV", as_of="2025-03-15"
)


@pytest.fixture
def pg(tmp_path: Path, pg_server: _Server) -> Iterator[Registry]:
    registry = _new_registry("postgresql", tmp_path, pg_server)
    record_case(registry, SV, dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC))
    yield registry
    registry.engine.dispose()


def _frontend_messages(trace: str) -> list[tuple[str, str]]:
    """(message type, text) of what the client sent, from a libpq trace (a query's text
    keeps its newlines, so a message is from its F or B line to the next one)."""
    messages = re.split(r"^(?=[FB]\t)", trace, flags=re.MULTILINE)
    sent = []
    for message in filter(None, messages):
        direction, _length, kind, *rest = message.split("\t", 3)
        if direction == "F":
            body = rest[0].strip() if rest else ""
            sent.append((kind.strip(), body[1:-1] if body.startswith('"') else body))
    return sent


def test_the_lock_the_writes_and_the_commit_go_as_one_message(
    pg: Registry, chained_sends: list[bool]
) -> None:
    from psycopg import pq

    with write_session(pg.engine, lock=False) as session, tempfile.TemporaryFile("w+") as f:
        raw = driver_connection(session)
        raw.pgconn.trace(f.fileno())
        raw.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            _, record = decide_from_registry(
                session,
                request=RETURN_SV,
                person_id="sv-001",
                actor=pg.users["olivia"],
                commit=True,
            )
        finally:
            raw.pgconn.untrace()
        f.seek(0)
        sent = _frontend_messages(f.read())
    assert chained_sends == [True]
    locking = [i for i, (_, body) in enumerate(sent) if "accord_chain_append" in body]
    assert len(locking) == 1, sent
    kind, body = sent[locking[0]]
    assert kind == "Query"  # the simple protocol: the whole text in one message
    append, record_insert, no_wait, commit, barrier = (s.strip() for s in body.split(";\n"))
    assert append.startswith("SELECT first_seq, recorded_at FROM accord_chain_append(")
    assert record_insert.startswith('WITH w0 AS (INSERT INTO "decision_records"')
    assert (no_wait, commit) == ("SET LOCAL synchronous_commit = off", "COMMIT")
    assert barrier.startswith("SELECT pg_logical_emit_message(true, 'accord.durable'")
    assert sent[locking[0] + 1 :] == [], "nothing may follow: the commit was in the message"
    with read_session(pg.engine) as session:
        assert get_decision_record(session, decision_id=record.id).person_id == "sv-001"
        assert verify_chain(session).intact


def test_the_commit_is_on_disk_when_the_call_returns(pg: Registry) -> None:
    """The COMMIT under the lock does not wait for the disk; the barrier after it does,
    and WAL is flushed in order, so everything written up to it is flushed too.

    Other tests write to the same server at the same time (pytest-xdist): the check is on
    this transaction's own commit record (pg_walinspect), not on the server's last insert."""
    with pg.engine.connect() as probe:  # connected first: asking is then one round trip
        start = probe.execute(text("SELECT pg_current_wal_insert_lsn()::text")).scalar_one()
        with write_session(pg.engine, lock=False) as session:
            _decision, record = decide_from_registry(
                session,
                request=RETURN_SV,
                person_id="sv-001",
                actor=pg.users["olivia"],
                commit=True,
            )
        # at once, before the WAL writer's own flush (every 200 ms) would hide a missing one
        flushed = probe.execute(text("SELECT pg_current_wal_flush_lsn()::text")).scalar_one()
        probe.execute(text("CREATE EXTENSION IF NOT EXISTS pg_walinspect SCHEMA public"))
        xid = probe.execute(
            text("SELECT xmin::text FROM audit_log WHERE seq = :seq"), {"seq": record.audit_seq}
        ).scalar_one()
        commit_end = probe.execute(
            text(
                "SELECT end_lsn::text FROM public.pg_get_wal_records_info_till_end_of_wal("
                "CAST(:start AS pg_lsn)) WHERE xid = CAST(:xid AS xid) "
                "AND resource_manager = 'Transaction' AND record_type = 'COMMIT'"
            ),
            {"start": start, "xid": xid},
        ).scalar_one()
        probe.rollback()
    assert _lsn(flushed) >= _lsn(commit_end)


def _lsn(value: str) -> int:
    high, low = value.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def test_a_refused_chained_commit_writes_nothing_and_goes_the_locked_way(
    pg: Registry, chained_sends: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database refuses the message's first statement (something was written of the
    person after the read): the rest of the message, its COMMIT included, does not run,
    and the decision is made again under the lock and written once."""
    real_read = decisions_service.person_facts_read
    interleaved: list[int] = []

    def read_then_someone_writes(session: Session, **kwargs: Any) -> Any:
        found = real_read(session, **kwargs)
        if not interleaved:  # only the read before the lock: the locked one must not wait
            with write_session(pg.engine) as other:
                entry = append_audit(
                    other,
                    actor=pg.users["olivia"],
                    action="facts.note",
                    subject="person:sv-001",
                    change={},
                )
                interleaved.append(entry.seq)
        return found

    monkeypatch.setattr(decisions_service, "person_facts_read", read_then_someone_writes)
    with write_session(pg.engine, lock=False) as session:
        _, record = decide_from_registry(
            session, request=RETURN_SV, person_id="sv-001", actor=pg.users["olivia"], commit=True
        )
    assert chained_sends == [False]
    assert pg.sql("SELECT count(*) FROM decision_records") == [(1,)]
    assert record.audit_seq == interleaved[0] + 1
    with read_session(pg.engine) as session:
        assert verify_chain(session).intact
