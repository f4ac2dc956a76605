"""The hash-chained audit log: append, verify, export.

Every write appends entries in the same transaction as the write, under the
writer lock (db.write_session), so two writers cannot fork the chain and a
write that rolls back leaves no entry. The hash algorithm lives in
bundle/verify_bundle.py, the standalone verifier shipped with every export,
and is documented in bundle/VERIFY.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.atomic_output import output_folder
from accord.db.batch import StatementBatch
from accord.db.bundle.verify_bundle import (
    FORMAT,
    FORMAT_VERSION,
    GENESIS,
    canonical_json,
    entry_hash,
    first_broken_link,
    sha256_hex,
)
from accord.db.engine import bulk_insert, lock_for_write, transaction_state
from accord.db.models import AuditEntry
from accord.errors import InputError, RegistryConflict

__all__ = [
    "Actor",
    "AuditWriter",
    "ChainVerification",
    "EntryChain",
    "LockedChain",
    "append_audit",
    "canonical_json",
    "export_bundle",
    "format_time",
    "record_time",
    "sha256_hex",
    "verify_chain",
]


class Actor(Protocol):
    """Who an entry is recorded as (an auth.User): its name, and the credential it acts
    with (`token:<key id>`, `db-owner:<os user>`, `enrolment:<id>`; None in process),
    which is hashed into the entry (bundle/verify_bundle.entry_hash)."""

    @property
    def name(self) -> str: ...

    @property
    def credential(self) -> str | None: ...


def format_time(moment: dt.datetime) -> str:
    """The one text form of a record time that is hashed: UTC, microseconds, +00:00."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str
    recorded_at: dt.datetime | None


def chain_head(session: Session) -> ChainHead:
    """The last entry of the chain as this transaction sees it, read once per transaction.

    The writer's own appends keep it current (AuditWriter.add); other writers
    cannot append while this transaction holds the writer lock.
    """
    state = transaction_state(session)
    head: ChainHead | None = state.get("audit_head")
    if head is None:
        row = session.execute(
            select(AuditEntry.seq, AuditEntry.hash, AuditEntry.recorded_at)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).first()
        head = ChainHead(*row) if row is not None else ChainHead(0, GENESIS, None)
        state["audit_head"] = head
    return head


_HEAD_SEQ = select(func.max(AuditEntry.seq))


def committed_head_seq(session: Session) -> int:
    """The seq of the last entry committed so far (not cached: for reads before the lock)."""
    return int(session.scalar(_HEAD_SEQ) or 0)


# Past this many entries since a read, checking them one by one costs more than reading
# again under the lock (db/chain.py: accord_chain_append).
WRITTEN_SINCE_LIMIT = 1_000


def record_time(session: Session, now: dt.datetime | None = None) -> dt.datetime:
    """The record time of a write: `now` (injectable for tests) or the clock, never going back.

    The clock is held at the last entry's time if it runs behind (a writer on
    another machine), so record time follows the chain's order; an injected
    `now` before the last entry is refused.
    """
    head = chain_head(session).recorded_at
    if now is not None:
        if now.tzinfo is None:
            raise InputError("a record time must be timezone-aware (UTC)")
        if head is not None and now < head:
            raise RegistryConflict(
                f"record time {format_time(now)} is before the last audit entry "
                f"({format_time(head)}): record time never goes back"
            )
        moment = now
    else:
        moment = utc_now()
        if head is not None and moment < head:
            moment = head
    return moment.astimezone(dt.UTC)


class EntryChain(Protocol):
    """How an AuditWriter's entries are numbered and chained: `LockedChain` here, or
    chain.DatabaseChain (the database numbers and hashes them, in the write's round trip)."""

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
        """The row of the next entry (its seq and hash, or what stands for them)."""
        ...

    def write(
        self, session: Session, rows: list[dict[str, Any]], batch: StatementBatch | None
    ) -> None:
        """Write the rows now, or add them to `batch`."""
        ...


class LockedChain:
    """Entries hashed here, under the writer lock (taken on creation), from the
    transaction's chain head, which it keeps current as it adds entries."""

    def __init__(self, session: Session):
        lock_for_write(session)
        self.state = transaction_state(session)
        head = chain_head(session)
        self.seq, self.prev_hash = head.seq, head.hash

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
        digest = sha256_hex(change_text)
        seq = self.seq + 1
        stamp = format_time(at)
        prev = self.prev_hash
        this_hash = entry_hash(seq, stamp, actor, action, subject, digest, prev, credential)
        row = {
            "seq": seq,
            "recorded_at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "change": change_text,
            "change_digest": digest,
            "prev_hash": self.prev_hash,
            "hash": this_hash,
            "credential": credential,
        }
        self.seq, self.prev_hash = seq, this_hash
        self.state["audit_head"] = ChainHead(seq, this_hash, at)
        return row

    def write(
        self, session: Session, rows: list[dict[str, Any]], batch: StatementBatch | None
    ) -> None:
        if batch is None:
            bulk_insert(session, AuditEntry.__table__, rows)
        else:
            batch.insert(AuditEntry.__table__, rows)


class AuditWriter:
    """Appends many entries in one go: one bulk insert (or batch) per flush.

    Its `chain` numbers and hashes the entries: by default a LockedChain, which
    takes the writer lock on creation and hashes in Python; a chain.DatabaseChain
    leaves both to the database, under the lock it takes there.
    """

    def __init__(self, session: Session, chain: EntryChain | None = None):
        self.session = session
        self.chain = LockedChain(session) if chain is None else chain
        self.pending: list[dict[str, Any]] = []
        self.written = 0

    def add(
        self,
        *,
        actor: Actor,
        action: str,
        subject: str,
        change: dict[str, Any],
        at: dt.datetime,
        trusted: bool = False,
    ) -> dict[str, Any]:
        """Hash and buffer one entry; `trusted`: the change holds no floats by construction."""
        change_text = canonical_json(change, check_floats=not trusted)
        return self.add_encoded(
            actor=actor, action=action, subject=subject, change_text=change_text, at=at
        )

    def add_encoded(
        self, *, actor: Actor, action: str, subject: str, change_text: str, at: dt.datetime
    ) -> dict[str, Any]:
        """`add` for a change its caller has already written as canonical JSON (bulk writers
        that format many alike changes faster than the encoder; tested to be identical)."""
        row = self.chain.entry(
            actor=actor.name,
            action=action,
            subject=subject,
            change_text=change_text,
            at=at,
            credential=actor.credential,
        )
        self.pending.append(row)
        return row

    def take(self) -> list[dict[str, Any]]:
        """The buffered rows, for a caller that writes them itself (counted as written)."""
        rows, self.pending = self.pending, []
        self.written += len(rows)
        return rows

    def flush(self, batch: StatementBatch | None = None) -> None:
        """Write the buffered entries now, or add them to the caller's `batch`."""
        self.chain.write(self.session, self.take(), batch)


def append_audit(
    session: Session,
    *,
    actor: Actor,
    action: str,
    subject: str,
    change: dict[str, Any],
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain in the caller's transaction and return it."""
    writer = AuditWriter(session)
    row = writer.add(
        actor=actor, action=action, subject=subject, change=change, at=record_time(session, now)
    )
    writer.flush()
    # the row as written; not loaded back, which would cost a round trip per write
    return AuditEntry(**row)


@dataclass(frozen=True)
class ChainVerification:
    entries: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_seq is None

    def message(self) -> str:
        if self.intact:
            return f"audit chain intact: {self.entries:,} entries, head hash {self.head_hash}"
        return f"audit chain broken at entry {self.broken_seq}: {self.problem}"


_COLUMNS = [getattr(AuditEntry, f) for f in ("seq", "recorded_at", "actor", "action", "subject")]
_COLUMNS += [getattr(AuditEntry, f) for f in ("change", "change_digest", "prev_hash", "hash")]
_COLUMNS += [AuditEntry.credential]


def iter_entries(session: Session, *, batch: int = 10_000) -> Iterator[dict[str, Any]]:
    """Every entry in seq order, as the dicts that are hashed and exported."""
    result = session.execute(
        select(*_COLUMNS).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    )
    for row in result:
        entry = row._asdict()
        entry["recorded_at"] = format_time(entry["recorded_at"])
        yield entry


def verify_chain(session: Session) -> ChainVerification:
    """Recompute the whole chain; name the first broken link and what differs."""
    count, head_seq, head_hash = 0, 0, GENESIS

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count, head_seq, head_hash
        for entry in iter_entries(session):
            yield entry
            count, head_seq, head_hash = count + 1, entry["seq"], entry["hash"]

    broken = first_broken_link(counted())
    if broken is None:
        return ChainVerification(entries=count, head_seq=head_seq, head_hash=head_hash)
    seq, problem, _ = broken
    return ChainVerification(
        entries=count, head_seq=head_seq, head_hash=head_hash, broken_seq=seq, problem=problem
    )


def export_bundle(session: Session, *, out: Path, exported_by: Actor) -> dict[str, Any]:
    """Write audit.jsonl, manifest.json, VERIFY.md and verify_bundle.py to `out`, atomically.

    A broken chain is exported as it is (the evidence is kept); the manifest says
    whether it verified at export, and the bundle's verifier names where it breaks.
    """
    with output_folder(out, is_own=_is_audit_bundle, what="an audit bundle") as tmp:
        manifest = _write_bundle(session, tmp, exported_by=exported_by)
    return manifest


def _is_audit_bundle(path: Path) -> bool:
    """A folder `export_bundle` may replace: an earlier audit bundle, by its manifest."""
    try:
        manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


def _write_bundle(session: Session, tmp: Path, *, exported_by: Actor) -> dict[str, Any]:
    digest = hashlib.sha256()
    count, head = 0, GENESIS
    with (tmp / "audit.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        for entry in iter_entries(session):
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
            handle.write(line)
            digest.update(line.encode("utf-8"))
            count, head = count + 1, entry["hash"]
    verification = verify_chain(session)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "entries": count,
        "head_hash": head,
        "audit_jsonl_sha256": digest.hexdigest(),
        "exported_at": format_time(utc_now()),
        "exported_by": exported_by.name,
        "backend": session.get_bind().dialect.name,
        "chain_intact_at_export": verification.intact,
        "algorithm": "see VERIFY.md: sha256 over canonical JSON, chained by prev_hash",
    }
    from accord.db.checkpoints import write_bundle_checkpoints  # it imports this module

    manifest["checkpoints"] = write_bundle_checkpoints(session, tmp)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    bundle = files("accord.db.bundle")
    for name in ("VERIFY.md", "verify_bundle.py", "checkpoint_proof.py"):
        (tmp / name).write_text(bundle.joinpath(name).read_text("utf-8"), encoding="utf-8")
    return manifest
