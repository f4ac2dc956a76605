"""The registry's docket, held between impacts while no fact is written.

An impact on the registry needs every person's facts as known now and, once per request,
everyone's statuses under the law before (compute.before_statuses, held with the store).
Read afresh for each impact, that is the whole docket again for every page, sort and CSV of
the Impact page and every API call: at national scale about a minute each (the registry read
runs at about a million fact rows a second; 10 million persons are 50 million rows).

The docket as known now changes only when a fact version is written: fact_versions is
append-only and its ids only grow. So each process keeps the last docket it read of each
registry, with the newest version it was read at. The next impact reads that version again
(one probe of the primary key) and reads the docket again only if it differs. The version
is read before the docket, so the docket held is never older than the version it is held
at: a write between the two costs one more read, never a stale answer.

Law entries (court orders, parameters, amendments) are not facts: entering an order leaves
the held docket standing, and the rules compiled for the new law are keyed by its digest.

Memory: a process holds at most HELD_REGISTRIES dockets, the last of each registry (about
what the same docket takes as a loaded snapshot). Impacts share a held store through their
own cursors (compute.py), so threads may weigh changes on it at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.engine.store import FactStore
from accord.registry.models import FactVersion

HELD_REGISTRIES = 2

Version = tuple[object, ...]  # the newest fact version: (id, person, content digest), or ()


@dataclass(frozen=True)
class _Held:
    version: Version
    store: FactStore


_held: OrderedDict[str, _Held] = OrderedDict()
_reading: dict[str, threading.Lock] = {}  # one docket read at a time per registry
_lock = threading.Lock()


def newest_version(session: Session) -> Version:
    """The newest fact version of the registry: (id, person id, content digest). The digest
    and person tell a registry restored or made again under the same name from the one read."""
    row = session.execute(
        select(FactVersion.id, FactVersion.person_id, FactVersion.content_digest)
        .order_by(FactVersion.id.desc())
        .limit(1)
    ).first()
    return tuple(row) if row is not None else ()


def registry_docket(session: Session) -> FactStore:
    """The registry's docket as known now, in a DuckDB store held for the next impact.
    The store is shared: use it through cursors, and do not close it."""
    from accord.registry.reads import docket_fact_tables

    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    version = newest_version(session)
    with _lock:
        reading = _reading.setdefault(key, threading.Lock())
    with reading:  # a second caller waits for the first read instead of making its own
        with _lock:
            held = _held.get(key)
        if held is not None and held.version == version:
            with _lock:
                _held.move_to_end(key, last=True)
            return held.store
        store = FactStore.from_tables(docket_fact_tables(session))
        with _lock:
            # a replaced store is not closed: another thread may still be weighing on it
            _held.pop(key, None)
            _held[key] = _Held(version, store)
            while len(_held) > HELD_REGISTRIES:
                _held.popitem(last=False)
            _forget_idle_locks()
        return store


def _forget_idle_locks() -> None:
    """Drop the read locks of registries no longer held and not being read (under _lock):
    a long-lived process may weigh changes on many registries (a test run, hundreds). A
    caller that took a lock just dropped may read a docket beside another caller's read of
    the same registry: one read more, never a wrong answer."""
    for key in [k for k, lock in _reading.items() if k not in _held and not lock.locked()]:
        del _reading[key]
