"""Fact rows checked against the audit chain: an edit made directly in SQL is found.

Each `facts.record` entry names the versions it wrote (`versions`: list name ->
version id) and hashes them (`versions_digest`: SHA-256 of the canonical JSON of
{list name: [version id, known, content digest]}), where a version's content
digest is codec.content_digest of its rows. Its change also holds the source
document, valid-from date, note and import of every version it wrote. So the
tables can be recomputed against the chain:

- each version's rows, digested again, give its content digest (an edited,
  added or deleted fact row changes it; the stored `content_digest` column is
  not trusted, since it can be edited as easily);
- the entry's versions, with those digests, give its `versions_digest`;
- each version's person, list, source, dates, note, import and recording user match
  its entry;
- a version no entry names was inserted without one; a version an entry names
  and the table lacks was deleted.

Entries written before versions were hashed (no `versions_digest`) are counted
as "not covered", not as tampering. Versions are read a range of ids at a time,
in step with the entries (writes are serialised, so ids grow with the chain).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.auth.models import User
from accord.db import canonical_json, sha256_hex
from accord.db.audit import format_time
from accord.db.models import AuditEntry
from accord.registry.codec import content_digest, fact_columns
from accord.registry.models import FACT_MODELS, FactVersion

__all__ = ["FactCheck", "check_fact_versions"]

RECORD_ACTION = "facts.record"
_PERSON_PREFIX = "person:"
_MAX_PROBLEMS = 50  # enough to act on; the count says how many more


@dataclass
class FactCheck:
    entries: int = 0  # facts.record entries read
    versions: int = 0  # fact versions checked against an entry
    not_covered: int = 0  # entries written before versions were hashed
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(problem)

    @property
    def intact(self) -> bool:
        return self.problem_count == 0


@dataclass(frozen=True)
class _Entry:
    seq: int
    actor: str
    subject: str
    recorded_at: str
    change: dict[str, Any]


def _record_entries(session: Session, batch: int) -> Iterator[list[_Entry]]:
    rows = session.execute(
        select(
            AuditEntry.seq,
            AuditEntry.actor,
            AuditEntry.subject,
            AuditEntry.recorded_at,
            AuditEntry.change,
        )
        .where(AuditEntry.action == RECORD_ACTION)
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=batch)
    )
    chunk: list[_Entry] = []
    for seq, actor, subject, at, change in rows:
        try:
            parsed = json.loads(change)
        except ValueError:  # the chain walk names an edited change
            parsed = {}
        chunk.append(
            _Entry(seq, actor, subject, format_time(at), parsed if isinstance(parsed, dict) else {})
        )
        if len(chunk) == batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_VERSION_COLUMNS = (
    FactVersion.id,
    FactVersion.person_id,
    FactVersion.list_name,
    FactVersion.known,
    FactVersion.row_count,
    FactVersion.content_digest,
    FactVersion.valid_from,
    FactVersion.recorded_at,
    FactVersion.recorded_by_id,
    FactVersion.source_document,
    FactVersion.import_id,
    FactVersion.note,
)


def _versions(session: Session, low: int, high: int | None) -> dict[int, Any]:
    query = select(*_VERSION_COLUMNS).where(FactVersion.id >= low)
    if high is not None:
        query = query.where(FactVersion.id <= high)
    return {row.id: row for row in session.execute(query)}


def _recomputed_digests(
    session: Session, versions: dict[int, Any], low: int, high: int, check: FactCheck
) -> dict[int, str]:
    """Each version's content digest, from its rows as the tables hold them now."""
    rows_of: dict[int, list[dict[str, Any]]] = {v: [] for v in versions}
    lists = {v.list_name for v in versions.values()}
    for list_name in sorted(lists):
        model = FACT_MODELS.get(list_name)
        if model is None:
            continue
        table: Any = model.__table__
        names = [c.name for c in fact_columns(list_name)]
        query = (
            select(table.c.version_id, table.c.person_id, *(table.c[n] for n in names))
            .where(table.c.version_id.between(low, high))
            .order_by(table.c.version_id, table.c.ordinal)
        )
        for row in session.execute(query):
            version_id, person_id, values = row[0], row[1], row[2:]
            version = versions.get(version_id)
            if version is None or version.list_name != list_name:
                check.add(
                    f"{table.name}: rows of version {version_id}, which is not a version "
                    f"of {list_name}: inserted without one"
                )
                continue
            if person_id != version.person_id:
                check.add(
                    f"{table.name}: a row of version {version_id} names person "
                    f"{person_id}, the version {version.person_id}: it was edited"
                )
            rows_of[version_id].append(dict(zip(names, values, strict=True)))
    digests = {}
    for version_id, version in versions.items():
        rows = rows_of[version_id]
        if len(rows) != version.row_count:
            check.add(
                f"fact version {version_id} ({version.list_name} of {version.person_id}) "
                f"has {len(rows)} rows, its row count says {version.row_count}: rows "
                "were added or deleted"
            )
        digests[version_id] = content_digest(
            rows if version.known else (rows or None), version.list_name
        )
    return digests


def _check_entry(
    entry: _Entry,
    versions: dict[int, Any],
    digests: dict[int, str],
    user_names: dict[int, str],
    check: FactCheck,
) -> set[int]:
    """Check one entry's versions; return the ids it names."""
    change = entry.change
    named = change.get("versions")
    if not isinstance(named, dict):
        check.add(f"entry {entry.seq} ({RECORD_ACTION}) names no versions")
        return set()
    if "versions_digest" not in change:
        check.not_covered += 1
    person = entry.subject.removeprefix(_PERSON_PREFIX)
    written: dict[str, list[Any]] = {}
    for list_name, version_id in named.items():
        version = versions.get(version_id)
        if version is None:
            check.add(
                f"fact version {version_id} ({list_name} of {person}, audit entry "
                f"{entry.seq}) is missing: it was deleted"
            )
            continue
        check.versions += 1
        expected = {
            "person": (version.person_id, person),
            "list": (version.list_name, list_name),
            "source_document": (version.source_document, change.get("source_document")),
            "valid_from": (version.valid_from.isoformat(), change.get("valid_from")),
            "note": (version.note, change.get("note")),
            "import": (version.import_id, change.get("import")),
            "recorded_at": (format_time(version.recorded_at), entry.recorded_at),
            "recorded_by": (user_names.get(version.recorded_by_id), entry.actor),
        }
        for what, (stored, recorded) in expected.items():
            if stored != recorded:
                check.add(
                    f"fact version {version_id} ({list_name} of {person}): {what} is "
                    f"{stored!r}, audit entry {entry.seq} says {recorded!r}: it was edited"
                )
        digest = digests[version_id]
        if digest != version.content_digest:
            check.add(
                f"fact version {version_id} ({list_name} of {person}): its rows digest "
                f"to {digest}, not its content digest {version.content_digest}: "
                "fact rows were edited, added or deleted"
            )
        written[list_name] = [version_id, version.known, digest]
    hashed = change.get("versions_digest")
    if hashed is not None and len(written) == len(named):
        recomputed = sha256_hex(canonical_json(written, check_floats=False))
        if recomputed != hashed:
            check.add(
                f"audit entry {entry.seq} ({entry.subject}): its versions as the tables "
                "hold them do not hash to its versions_digest: a fact version or its "
                "rows were edited"
            )
    return set(named.values())


def check_fact_versions(session: Session, *, batch: int = 2_000) -> FactCheck:
    """Every fact version and its rows against the facts.record entry that wrote it."""
    check = FactCheck()
    user_names = {uid: name for uid, name in session.execute(select(User.id, User.name))}
    low = 1
    for chunk in _record_entries(session, batch):
        check.entries += len(chunk)
        ids = [
            v
            for e in chunk
            for v in (e.change.get("versions") or {}).values()
            if isinstance(v, int)
        ]
        if not ids:
            continue
        high = max(ids)
        versions = _versions(session, low, high)
        digests = _recomputed_digests(session, versions, low, high, check)
        named: set[int] = set()
        for entry in chunk:
            named |= _check_entry(entry, versions, digests, user_names, check)
        for version_id in sorted(set(versions) - named):
            _unnamed(check, versions[version_id])
        low = high + 1
    last = session.scalar(select(func.max(FactVersion.id)))
    if last is not None and last >= low:
        for version in _versions(session, low, None).values():
            _unnamed(check, version)
    return check


def _unnamed(check: FactCheck, version: Any) -> None:
    check.add(
        f"fact version {version.id} ({version.list_name} of {version.person_id}) is "
        "named by no audit entry: it was inserted without one"
    )
