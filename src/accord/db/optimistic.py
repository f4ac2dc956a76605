"""One write that reads before it takes the writer lock, when it may: the optimistic write.

A service function gives `write_once` what it reads, what it watches and what
it writes, and `write_once` picks the path:

* optimistic (PostgreSQL, in a session whose lock the service may take after its
  reads: db.lock_after_reads): `read_first()` reads without the lock and names
  what it watches (a `Snapshot`); `write(reads, writes)` adds the audit entries
  and statements; they go in one round trip in which the database takes the
  lock, checks that nothing watched was written since the reads and appends the
  chain (db/chain.py). The entries' seqs and record time are the
  database's: the values that stand for them (ChainSeq, ChainTime) in the
  objects the write `returns` are replaced once it is sent.
* locked (SQLite always; or when the optimistic write found that something it
  watched was written since, or its `write` refused what it read): the lock is
  taken, `read_locked(at)` reads again at the record time `at`, and `write` runs
  again, its entries hashed here (audit.LockedChain).

Both paths write the same rows and the same audit entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from accord.db.audit import AuditWriter, record_time
from accord.db.batch import ChainSeq, ChainTime, StatementBatch
from accord.db.chain import ChainedBatch, DatabaseChain, writer_clock
from accord.db.engine import lock_after_reads, lock_for_write
from accord.errors import AccordError

__all__ = ["Snapshot", "Writes", "write_once"]

_PLACEHOLDERS = (ChainSeq, ChainTime)
Reads = TypeVar("Reads")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Snapshot(Generic[Reads]):
    """Reads made before the writer lock: `seen` is the audit chain's last seq when they
    began (from the same snapshot), `watch` the subjects (with action prefixes) whose
    entries since would change them."""

    reads: Reads
    seen: int
    watch: Mapping[str, str]


@dataclass
class Writes:
    """Where a write adds its audit entries and its statements.

    `at` is the record time of its entries (a ChainTime until the database gives
    it), `clock` the writer's clock (equal to `at` under the lock). `chained`: the
    optimistic path, whose checks that must hold under the lock go to `require`.
    """

    audit: AuditWriter
    batch: StatementBatch
    at: dt.datetime
    clock: dt.datetime
    chained: bool
    _returned: list[Any] = field(default_factory=list)

    def require(self, sql: str, params: Any) -> None:
        """An accord_require statement the database runs under the lock (chained only)."""
        assert isinstance(self.batch, ChainedBatch)
        self.batch.require(sql, params)

    def returns(self, *objects: Any) -> None:
        """ORM objects the write hands back, which get the seqs and record time the
        database gives (chained) in place of the values that stand for them."""
        self._returned.extend(objects)


def write_once(
    session: Session,
    *,
    read_first: Callable[[], Snapshot[Reads]],
    read_locked: Callable[[dt.datetime], Reads],
    write: Callable[[Reads, Writes], Result],
    now: dt.datetime | None = None,
    commit: bool = False,
    optimistic: bool = True,
) -> Result:
    """Write once, by the optimistic path if it may, else under the lock (module doc).

    `now` is an injected record time (tests, imports); `commit`: the write is the
    whole of the session's transaction and commits with it (optimistic: in its
    round trip). `optimistic=False` goes the locked way whatever the session allows.
    """
    if optimistic and lock_after_reads(session):
        snapshot = read_first()
        clock = writer_clock(now)
        chain = DatabaseChain(
            seen=snapshot.seen, watch=snapshot.watch, now=clock, clamp=now is None
        )
        chained = ChainedBatch(session, AuditWriter(session, chain))
        writes = Writes(audit=chained.audit, batch=chained, at=chain.at, clock=clock, chained=True)
        try:
            result = write(snapshot.reads, writes)
            written = chained.send_chained(commit=commit)
        except AccordError:
            written = False  # judged on reads made before the lock: judge again under it
        if written:
            _resolve(writes._returned, chain)
            return result
        # somebody wrote what was read, or a check failed: read again and write under the lock
    lock_for_write(session)  # before record_time: the chain head it reads is kept
    at = record_time(session, now)
    reads = read_locked(at)
    audit = AuditWriter(session)
    batch = StatementBatch(session)
    result = write(reads, Writes(audit=audit, batch=batch, at=at, clock=at, chained=False))
    audit.flush(batch)
    batch.send()
    if commit:
        session.commit()
    return result


def _resolve(objects: list[Any], chain: DatabaseChain) -> None:
    """Give the objects' ChainSeq and ChainTime values the database's seqs and time."""
    for obj in objects:
        placeholders = [k for k, v in obj.__dict__.items() if type(v) in _PLACEHOLDERS]
        for key in placeholders:  # set through the ORM, which tracks what is set
            setattr(obj, key, chain.resolve(obj.__dict__[key]))
