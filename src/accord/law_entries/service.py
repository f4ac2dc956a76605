"""Entering law in the registry, and the law a registry's decisions apply.

An entry is checked by applying it, with every entry before it, to the bundled law
(law/law_set.py): an order whose class predicate does not compile, an event out of its
order's history, a parameter value out of range or amended terms that do not validate are
refused with one line, and nothing is written. The entry, its source document and an audit
entry are written in one transaction; the table is append-only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.auth.models import User
from accord.auth.users import Permission, require_permission
from accord.db import append_audit, lock_for_write, record_time
from accord.engine.request import DecisionRequest
from accord.errors import InputError
from accord.law.law_set import ENTRY_KINDS, LawEntry, LawSet, bundled_law, law_with
from accord.law_entries.models import LawEntryRecord

# issue 20: a legal reviewer enters court orders; an admin a law parameter's dated value or
# an agreement amendment (auth/users.py GRANTS)
PERMISSION_TO_ENTER = {
    "court_order": Permission.LAW_ORDERS,
    "court_order_event": Permission.LAW_ORDERS,
    "parameter_value": Permission.LAW_TERMS,
    "agreement_amendment": Permission.LAW_TERMS,
}
DOCUMENT_MAX_BYTES = 16 * 1024 * 1024
NAME_MAX = 256


class UnknownLawEntry(InputError):
    """No law entry with that id."""

    status = 404


def _plain(value: Any, where: str) -> Any:
    """JSON-able data with dates as YYYY-MM-DD; no floats (an audit entry holds none)."""
    if isinstance(value, dt.datetime):
        raise InputError(f"{where}: a date needs YYYY-MM-DD, not a time")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        raise InputError(f"{where}: write the number {value!r} as text or a whole number")
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, f"{where}[{n}]") for n, v in enumerate(value)]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise InputError(f"{where}: {type(value).__name__} is not a value a law entry holds")


def _effective_on(kind: str, body: dict[str, Any]) -> dt.date:
    if kind == "court_order":
        value = body["events"][0]["date"]
    elif kind == "court_order_event":
        value = body["date"]
    else:
        value = body["effective_from"]
    return dt.date.fromisoformat(str(value))


def _check_document(document: bytes, name: str, media_type: str) -> None:
    if not document:
        raise InputError("the source document is empty: attach the order, notice or text")
    if len(document) > DOCUMENT_MAX_BYTES:
        raise InputError(
            f"the source document has {len(document)} bytes; at most {DOCUMENT_MAX_BYTES}"
        )
    clean = name.strip()
    if not clean or len(clean) > NAME_MAX or "/" in clean or "\\" in clean or "\0" in clean:
        raise InputError(f"source document name {name!r}: 1-{NAME_MAX} characters, no path")
    if not media_type or len(media_type) > 128 or "\0" in media_type:
        raise InputError(f"source document media type {media_type!r} is not valid")


def as_law_entry(record: LawEntryRecord) -> LawEntry:
    return LawEntry(
        id=record.id,
        kind=record.kind,
        subject=record.subject,
        body=json.loads(record.body),
        source_document_sha256=record.source_document_sha256,
        source_document_name=record.source_document_name,
    )


def _entry_rows(session: Session) -> list[LawEntryRecord]:
    # deferred-free: the documents are not read with the entries
    columns = [c for c in LawEntryRecord.__table__.columns if c.name != "source_document"]
    rows = session.execute(select(*columns).order_by(LawEntryRecord.id)).all()
    return [LawEntryRecord(**row._asdict()) for row in rows]


def enter_law(
    session: Session,
    *,
    actor: User,
    kind: str,
    subject: str,
    body: dict[str, Any],
    document: bytes,
    document_name: str,
    media_type: str = "application/octet-stream",
    now: dt.datetime | None = None,
) -> LawEntryRecord:
    """Enter one law entry with its source document, audited; InputError names what is
    wrong, and then nothing is written."""
    if kind not in ENTRY_KINDS:
        raise InputError(f"law entry kind '{kind}' is not one of: {', '.join(ENTRY_KINDS)}")
    require_permission(actor, PERMISSION_TO_ENTER[kind])
    if not isinstance(body, dict):
        raise InputError(f"a {kind} entry needs a mapping")
    subject = subject.strip()
    if not subject or len(subject) > 128:
        raise InputError("a law entry needs its subject: the order id, parameter or agreement")
    _check_document(document, document_name, media_type)
    plain = _plain(body, kind)
    lock_for_write(session)
    at = record_time(session, now)
    earlier = [as_law_entry(r) for r in _entry_rows(session)]
    sha = hashlib.sha256(document).hexdigest()
    # checked by applying it: the id is not known before the insert, and no check reads it
    candidate = LawEntry(0, kind, subject, plain, sha, document_name.strip())
    law_with([*earlier, candidate])
    effective_on = _effective_on(kind, plain)
    audit = append_audit(
        session,
        actor=actor,
        action="law.enter",
        subject=f"{kind} {subject}",
        change={
            "kind": kind,
            "subject": subject,
            "effective_on": effective_on.isoformat(),
            "body": plain,
            "source_document": document_name.strip(),
            "source_document_sha256": sha,
            "source_media_type": media_type,
        },
        now=at,
    )
    record = LawEntryRecord(
        kind=kind,
        subject=subject,
        body=json.dumps(plain, sort_keys=True, separators=(",", ":")),
        effective_on=effective_on,
        source_document=document,
        source_document_name=document_name.strip(),
        source_document_sha256=sha,
        source_media_type=media_type,
        recorded_at=at,
        recorded_by_id=actor.id,
        audit_seq=audit.seq,
    )
    session.add(record)
    session.flush()
    if kind in ("court_order", "court_order_event"):
        # an order entered acts on operations in this transaction (issue 20)
        from accord.operations.law_change import act_on_law_entry  # operations reads this

        act_on_law_entry(
            session,
            actor=actor,
            record=record,
            before=_law_of(earlier),
            after=_law_of([*earlier, as_law_entry(record)]),
            at=at,
        )
    return record


def list_law_entries(session: Session, *, kind: str | None = None) -> list[LawEntryRecord]:
    """Every entry, oldest first, without its document."""
    rows = _entry_rows(session)
    return [r for r in rows if kind is None or r.kind == kind]


def get_law_entry(session: Session, *, entry_id: int) -> LawEntryRecord:
    record = session.get(LawEntryRecord, entry_id)
    if record is None:
        raise UnknownLawEntry(f"no law entry {entry_id}")
    return record


_cache: dict[str, LawSet] = {}
_lock = threading.Lock()


def _law_of(entries: Sequence[LawEntry]) -> LawSet:
    """law_with, kept per entry list: every decision of a registry asks for it."""
    if not entries:
        return bundled_law()
    key = hashlib.sha256("\0".join(e.canonical() for e in entries).encode()).hexdigest()
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = law_with(entries)
        with _lock:
            if len(_cache) > 64:
                _cache.clear()
            _cache[key] = found
    return found


def registry_law(session: Session) -> LawSet:
    """The law this registry's decisions apply: the bundled law and every entry."""
    return _law_of([as_law_entry(r) for r in _entry_rows(session)])


def law_as_of_entries(session: Session, *, entry_ids: Iterable[int]) -> LawSet:
    """The law with exactly these entries (a recorded decision's), for replay."""
    wanted = set(entry_ids)
    entries = [as_law_entry(r) for r in _entry_rows(session) if r.id in wanted]
    if len(entries) != len(wanted):
        missing = sorted(wanted - {e.id for e in entries})
        raise UnknownLawEntry(f"no law entry {', '.join(map(str, missing))}")
    return _law_of(entries)


def with_registry_law(session: Session, request: DecisionRequest) -> DecisionRequest:
    """The request under the registry's law (its law entries added to the bundled law)."""
    return dataclasses.replace(request, law=registry_law(session))
