"""The registry's docket, held between impacts and brought up to date as facts are written.

An impact on the registry needs every person's facts as known now and, once per request,
everyone's statuses under the law before (compute.before_statuses, held with the store).
Read afresh for each impact, that is the whole docket again for every page, sort and CSV of
the Impact page and every API call: at national scale about a minute each (the registry read
runs at about a million fact rows a second; 10 million persons are 50 million rows).

The docket as known now changes only when a fact version is written: fact_versions is
append-only and its ids only grow (writes are serialised). So each process keeps the last
docket it read of each registry, with the newest version it was read at. The next impact
reads that version again (one probe of the primary key); where a newer one was written, only
the persons written since are read (registry/changed_read.py) and their rows replaced in the
held store, with their held statuses, in one DuckDB transaction: at national scale seconds
where reading everyone again takes minutes. The docket is read in full instead where the
history it was read from is no longer the registry's (the version it was read at, or the
audit entry last read with it, is gone or differs: a restore, or a registry made again under
the same name) or where more persons were written since than a refresh is worth
(REFRESH_SHARE). The version is read before the facts, so the docket held is never older than
the version it is held at: a write between the two costs one more refresh, never a stale
answer.

Impacts read a held store together, each through its own cursor (compute.py); bringing it up
to date waits for the impacts running on it and holds off new ones until it is done (_Guard),
so no impact sees some persons' facts replaced and not others, or facts newer than the
statuses held for them.

Law entries (court orders, parameters, amendments) are not facts: entering an order leaves
the held docket standing, and the rules compiled for the new law are keyed by its digest.

Memory: a process holds at most HELD_REGISTRIES dockets, the last of each registry (about
what the same docket takes as a loaded snapshot).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.db import AuditEntry
from accord.engine.store import FactStore
from accord.facts.tables import TABLE_NAMES, FactTables
from accord.impact.compute import docket_size, refresh_before_statuses
from accord.impact.statements import REPLACED
from accord.registry import reads
from accord.registry.changed_read import changed_fact_tables, persons_written_since
from accord.registry.models import FactVersion

HELD_REGISTRIES = 2
# Refresh a held docket when at most this share of its persons were written since (or at most
# REFRESH_AT_MOST persons): past it, reading everyone costs less. The registry's whole read
# takes 7-9 microseconds a person (COPY; benchmarks/RESULTS.md) and the refresh's read
# 0.3-0.6 ms a person written (changed_read.py: 150 persons in 0.09 s, 425 in 0.14 s, in a
# registry of 1,000,000): they cross near 1 in 50.
REFRESH_SHARE = 0.02
REFRESH_AT_MOST = 200


class Version(NamedTuple):
    """A fact version as a held docket remembers it: the person and the content digest tell
    a registry restored or made again under the same name from the one read."""

    id: int
    person_id: str
    content_digest: str


AuditMark = tuple[int, str] | None  # the last audit entry read with the docket: (seq, hash)


class _Guard:
    """Impacts read a held store together; bringing it up to date waits for them to finish
    and holds off new ones until it is done."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._readers = 0
        self._writing = False

    def acquire_read(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: not self._writing)
            self._readers += 1

    def release_read(self) -> None:
        with self._changed:
            self._readers -= 1
            self._changed.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._writing)
            self._writing = True  # no new reader from here
            self._changed.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()


@dataclass(frozen=True)
class _Held:
    version: Version | None  # the newest fact version when it was read (None: no fact yet)
    audit: AuditMark
    store: FactStore
    guard: _Guard


_held: OrderedDict[str, _Held] = OrderedDict()
_reading: dict[str, threading.Lock] = {}  # one docket read at a time per registry
_lock = threading.Lock()


def newest_version(session: Session) -> Version | None:
    """The newest fact version of the registry (None: no fact written yet)."""
    row = session.execute(
        select(FactVersion.id, FactVersion.person_id, FactVersion.content_digest)
        .order_by(FactVersion.id.desc())
        .limit(1)
    ).first()
    return Version(*row) if row is not None else None


def _audit_mark(session: Session) -> AuditMark:
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (int(row[0]), str(row[1])) if row is not None else None


@contextmanager
def held_docket(session: Session) -> Iterator[FactStore]:
    """The registry's docket as known now, in a DuckDB store held for the next impact, for
    the duration of the block. The store is shared: use it through cursors, do not close it."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    version = newest_version(session)
    with _lock:
        reading = _reading.setdefault(key, threading.Lock())
    with reading:  # a second caller waits for the first read instead of making its own
        with _lock:
            held = _held.get(key)
        if held is None or held.version != version:
            with _lock:
                _held.pop(key, None)  # read again in full should bringing it up to date fail
            held = _up_to_date(session, held, version)
        with _lock:
            # a replaced store is not closed: another thread may still be weighing on it
            _held.pop(key, None)
            _held[key] = held
            while len(_held) > HELD_REGISTRIES:
                _held.popitem(last=False)
            _forget_idle_locks()
        held.guard.acquire_read()
    try:
        yield held.store
    finally:
        held.guard.release_read()


def _up_to_date(session: Session, held: _Held | None, version: Version | None) -> _Held:
    """`held` brought up to `version` by replacing the persons written since, where it can
    be; else the docket read in full."""
    audit = _audit_mark(session)
    if held is not None and held.version is not None and _same_history(session, held, version):
        at_most = max(REFRESH_AT_MOST, int(docket_size(held.store) * REFRESH_SHARE))
        written = persons_written_since(session, since=held.version.id, at_most=at_most)
        if written is not None:
            facts = changed_fact_tables(session, person_ids=written)
            with held.guard.writing():
                replace_persons(held.store, facts)
            return _Held(version, audit, held.store, held.guard)
    store = FactStore.from_tables(reads.docket_fact_tables(session))
    return _Held(version, audit, store, _Guard())


def _same_history(session: Session, held: _Held, version: Version | None) -> bool:
    """Whether the registry's history still holds the version and audit entry `held` was
    read at, and has grown since: its facts then are its facts up to that version now."""
    if held.version is None or version is None or version.id <= held.version.id:
        return False
    then = session.execute(
        select(FactVersion.id, FactVersion.person_id, FactVersion.content_digest).where(
            FactVersion.id == held.version.id
        )
    ).first()
    if then is None or Version(*then) != held.version:
        return False
    if held.audit is None:
        return True
    seq, digest = held.audit
    return session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq)) == digest


def replace_persons(store: FactStore, facts: FactTables) -> None:
    """Replace, in `store`, every row of the persons of `facts` (its persons table) by theirs
    and their statuses held under the law before (compute.before_statuses) by their statuses
    on those rows, in one DuckDB transaction. No impact may read the store meanwhile."""
    cursor = store.con.cursor()
    try:
        for name in TABLE_NAMES:
            cursor.register(f"{name}{REPLACED}", facts.tables[name])
        cursor.begin()
        try:
            store.replace_persons(cursor, suffix=REPLACED)
            refresh_before_statuses(store, cursor)
            cursor.commit()
        except BaseException:
            cursor.rollback()
            raise
    finally:
        cursor.close()


def _forget_idle_locks() -> None:
    """Drop the read locks of registries no longer held and not being read (under _lock):
    a long-lived process may weigh changes on many registries (a test run, hundreds). A
    caller that took a lock just dropped may read a docket beside another caller's read of
    the same registry: one read more, never a wrong answer."""
    for key in [k for k, lock in _reading.items() if k not in _held and not lock.locked()]:
        del _reading[key]
