"""The audit chain appended by the database, for writers that send everything at once.

On PostgreSQL the busiest writers (handovers, decisions) read before they take
the writer lock (db/optimistic.py). Their AuditWriter's chain is then a
`DatabaseChain`, and with `ChainedBatch` they send one round trip: a savepoint
(unless the batch ends with its COMMIT), the `accord_chain_append` call
(db/sql/), which takes the lock, checks in the chain that nothing they
read was written since and appends their entries with the hashes Python would
compute, the checks that must hold under the lock (`accord_require`), and their
writes.
The lock is held only while the database works, never while the client does.

A batch that ends with its COMMIT goes as one message (StatementBatch.send:
`one_message`), so the database never waits under the lock for the rest of it,
and its COMMIT does not wait for the disk: a durability barrier after it does,
in the same message, before the call returns (tests/registry/test_chained_commit.py).

If anything they read was written since, or a check fails, the database
raises SQLSTATE AC001; the batch rolls back (to its savepoint, or the whole
database transaction when it was to commit) and `send_chained()` returns
False: the caller then writes the usual way, under the lock, and gets the
usual errors. The entries' seqs and record time are filled in by the
database (batch.ChainSeq, batch.ChainTime) and given back to the caller
(DatabaseChain.resolve).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from accord.db.audit import WRITTEN_SINCE_LIMIT, AuditWriter, sha256_hex, utc_now
from accord.db.batch import ChainSeq, ChainTime, StatementBatch
from accord.db.engine import (
    WRITER_LOCK_KEY,
    driver_connection,
    restart_database_transaction,
    transaction_state,
)
from accord.errors import InputError, RegistryConflict

__all__ = ["RETRY_UNDER_LOCK", "ChainedBatch", "DatabaseChain", "send_chained", "writer_clock"]

RETRY_UNDER_LOCK = "AC001"  # SQLSTATE of accord_chain_append and accord_require
_SAVEPOINT = "accord_chained_write"
# A transaction that writes a little WAL (a logical message no one needs to read), so its
# commit flushes WAL up to it; an xid alone writes none, so its commit would not wait
DURABILITY_BARRIER = "SELECT pg_logical_emit_message(true, 'accord.durable', '')"

# the arrays go in binary (%b): psycopg's text format escapes each element with a regex
_APPEND = (
    "SELECT first_seq, recorded_at FROM accord_chain_append("
    "%s, %s, %b::text[], %b::text[], %s, %s, %s, %s, %b::text[], %b::text[], %b::text[], "
    "%b::text[], %s)"
)


def writer_clock(now: dt.datetime | None) -> dt.datetime:
    """The writer's clock in UTC: `now` (injected by tests and imports) or the system's."""
    if now is None:
        return utc_now()
    if now.tzinfo is None:
        raise InputError("a record time must be timezone-aware (UTC)")
    return now.astimezone(dt.UTC)


class DatabaseChain:
    """An AuditWriter's chain (audit.EntryChain) appended by the database: no lock, no head
    read here. The entries' seqs and record time stand as ChainSeq and ChainTime until sent.

    `seen` is the seq of the committed head when the writer's reads began and
    `watch` the subjects (with action prefixes) whose writes since would change
    them. `now` is the writer's clock; `clamp`: if the chain's head is later, the
    entries take its time (as record_time does for the clock), else the write
    goes the usual way (where an injected time before the head is refused).
    """

    def __init__(self, *, seen: int, watch: Mapping[str, str], now: dt.datetime, clamp: bool):
        self.seen, self.watch, self.clamp = seen, dict(watch), clamp
        self.at = ChainTime.of(now)
        self.actor: str | None = None
        self.credential: str | None = None
        self.entries = 0
        self.appended = False
        self.first_seq: int | None = None
        self.recorded_at: dt.datetime | None = None

    def entry(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        change_text: str,
        at: dt.datetime,
        credential: str | None = None,
    ) -> dict[str, Any]:
        if self.actor not in (None, actor) or (self.entries and self.credential != credential):
            raise ValueError("one chained write has one actor, acting with one credential")
        if self.appended:
            raise ValueError("a chained write appends its entries once")
        self.actor, self.credential = actor, credential
        row = {
            "seq": ChainSeq(self.entries),
            "recorded_at": self.at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "change": change_text,
            "change_digest": sha256_hex(change_text),
            "credential": credential,
        }
        self.entries += 1
        return row

    def write(
        self, session: Session, rows: list[dict[str, Any]], batch: StatementBatch | None
    ) -> None:
        """Put the call that appends `rows` first in `batch`; without one, append them now
        (RegistryConflict, and nothing written, if anything watched was written since)."""
        if self.appended:
            raise ValueError("a chained write appends its entries once")
        self.appended = True
        params = [
            WRITER_LOCK_KEY,
            self.seen,
            list(self.watch),
            list(self.watch.values()),
            WRITTEN_SINCE_LIMIT,
            dt.datetime.combine(self.at.date(), self.at.timetz()),  # a plain datetime
            self.clamp,
            self.actor or "",
            [r["action"] for r in rows],
            [r["subject"] for r in rows],
            [r["change"] for r in rows],
            [r["change_digest"] for r in rows],
            self.credential,
        ]
        alone = batch is None
        target = StatementBatch(session) if batch is None else batch
        target.prepend_raw(_APPEND, params, on_result=self._appended)
        if alone and not send_chained(target, commit=False):
            raise RegistryConflict(
                "what this write read was written since: read it again under the writer lock"
            )

    def _appended(self, rows: list[tuple[Any, ...]]) -> None:
        first, at = rows[0]
        self.first_seq = int(first)
        self.recorded_at = at.astimezone(dt.UTC)

    def seq_of(self, placeholder: int) -> int:
        """The seq the database gave the entry `placeholder` (a ChainSeq) stands for."""
        if self.first_seq is None:
            raise RuntimeError("the chained batch has not been sent")
        return self.first_seq + int(placeholder)

    def resolve(self, value: Any) -> Any:
        """`value` as written: a ChainSeq or ChainTime as the database gave it."""
        kind = type(value)
        if kind is ChainSeq:
            return self.seq_of(value)
        if kind is ChainTime:
            assert self.recorded_at is not None
            return self.recorded_at
        return value


class ChainedBatch(StatementBatch):
    """A StatementBatch sent with its AuditWriter's entries, which a DatabaseChain appends."""

    def __init__(self, session: Session, audit: AuditWriter):
        super().__init__(session)
        if not isinstance(audit.chain, DatabaseChain):
            raise TypeError("a chained batch is sent with a DatabaseChain's entries")
        self.audit = audit
        self.chain = audit.chain
        self.requirements: list[tuple[str, Any]] = []

    def require(self, sql: str, params: Any) -> None:
        """A statement calling accord_require, run under the lock just after the append."""
        self.requirements.append((sql, params))

    def send_chained(self, *, commit: bool = False) -> bool:
        """Send everything in one round trip; False if the database asked for the slow way
        (nothing of this batch was written; the session's transaction goes on).

        With `commit` the COMMIT goes in the same round trip and the session's
        transaction ends with it: for a write that is the whole of its transaction
        (a `write_session` whose service function writes once). The
        writer lock is then held only while the database works, never while the
        reply travels to this process and waits for it to be scheduled again, which
        with many writers on few cores is most of the time a lock would be held.
        Such a batch needs no savepoint either: the transaction holds nothing else,
        so the slow way rolls the whole of it back and goes on in a new one.
        """
        for sql, params in reversed(self.requirements):
            self.prepend_raw(sql, params)
        self.audit.flush(self)
        return send_chained(self, commit=commit)


def send_chained(batch: StatementBatch, *, commit: bool) -> bool:
    """Send a batch that begins with the chain's append call (see ChainedBatch.send_chained)."""
    import psycopg  # PostgreSQL only

    session = batch.session
    if commit:
        # The COMMIT does not wait for the disk, so the lock goes as soon as the
        # database has done its work; a disk that stalls for a moment no longer
        # stalls every writer queued behind the one waiting on it. The barrier, its
        # own transaction committed at the round trip's end, waits for the disk as
        # every commit does, and WAL is flushed in order: this transaction is durable
        # before the reply, as before, and concurrent writers share one flush.
        batch.append_raw("SET LOCAL synchronous_commit = off")
        batch.append_raw("COMMIT")
        batch.append_raw(DURABILITY_BARRIER)
    else:
        batch.prepend_raw(f"SAVEPOINT {_SAVEPOINT}")
    try:
        batch.send(one_message=commit)  # from the lock to the COMMIT, nothing waits on us
    except psycopg.Error as exc:
        if exc.sqlstate != RETRY_UNDER_LOCK:
            raise
        if commit:
            restart_database_transaction(session)
        else:
            driver_connection(session).execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
        return False
    if commit:
        session.commit()  # the database has committed: the session's side of it
    else:  # accord_chain_append took the lock for the rest of this transaction
        transaction_state(session)["writer_lock"] = True
    return True
