"""Registry service: record, correct and retract facts; import case files.

Every function takes an explicit session and the acting user, keyword-only.
Writes run in the caller's transaction, which must hold the writer lock
(db.write_session takes it; the functions take it again, re-entrantly). Nothing
is updated or deleted: each change of a list is a new FactVersion, attributed,
sourced, with its record time, and one audit entry per person written.

An import is replace-whole per case file: after it, the registry's current view
of each person equals the file's case file. A list the file leaves out that
was known becomes a retraction (not known again); a list equal to the current
version is not written; a file that changes nothing writes nothing at all.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import String, any_, bindparam, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from accord.auth import User
from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.casefile.reader import parse_case_file, read_case_files
from accord.db import CopyPipeline, lock_for_write, record_time
from accord.errors import InputError
from accord.registry.codec import EMPTY_DIGEST, NOT_KNOWN_DIGEST
from accord.registry.models import FactVersion, Import, Person
from accord.registry.reads import (
    docket_fact_tables,
    person_case_file,
    person_fact_tables,
    person_history,
)
from accord.registry.results import ImportSummary
from accord.registry.writer import Change, FactWriter, case_lists, list_digest

__all__ = [
    "PreparedImport",
    "docket_fact_tables",
    "import_case_files",
    "person_case_file",
    "person_fact_tables",
    "person_history",
    "read_import_file",
    "record_case_file",
    "record_list",
    "retract_list",
]

ANALYZE_AFTER = 50_000  # new versions
CHUNK = 2_000  # persons compared and written per round trip
WORK_MEM = "64MB"  # for the rest of an import's transaction (PostgreSQL)
Progress = Callable[[int], None]


@dataclass(frozen=True)
class PreparedImport:
    """A case-file file read and validated whole, before any write."""

    path: Path
    cases: list[CaseFile]
    sha256: str


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return digest.hexdigest()


def read_import_file(path: Path) -> PreparedImport:
    """Read and validate every case file in `path`: all or nothing, the reader's errors."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    before = _file_sha256(path)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # validating many records makes many objects and no cycles
    try:
        cases = read_case_files(path).cases
    finally:
        if gc_was_enabled:
            gc.enable()
    if not cases:
        raise InputError(f"{path}: no case files")
    if _file_sha256(path) != before:
        raise InputError(f"{path}: the file changed while it was read; import it again")
    return PreparedImport(path=path, cases=cases, sha256=before)


_Current = tuple[bool, str]  # (known, content digest) of a current version


def _among(session: Session, column: Any, ids: list[str]) -> Any:
    """`column IN ids`: on PostgreSQL one array parameter (= ANY), which costs no more to
    compile and send for 100,000 ids than for one; elsewhere a parameter per id."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(String)))
    return column.in_(ids)


def _known_persons(session: Session, person_ids: list[str]) -> set[str]:
    """Which of these persons the registry knows: on PostgreSQL in one query for the whole
    file; elsewhere a query per CHUNK ids (SQLite's limit on parameters)."""
    size = len(person_ids) if session.get_bind().dialect.name == "postgresql" else CHUNK
    known: set[str] = set()
    for start in range(0, len(person_ids), max(size, 1)):
        ids = person_ids[start : start + size]
        known.update(
            session.scalars(select(Person.person_id).where(_among(session, Person.person_id, ids)))
        )
    return known


def _current_states(session: Session, person_ids: list[str]) -> dict[tuple[str, str], _Current]:
    """(person, list) -> (known, digest) of each current version: every version of these
    persons in id order, the last one winning (one index range per person, no grouping)."""
    result = session.execute(
        select(
            FactVersion.person_id,
            FactVersion.list_name,
            FactVersion.known,
            FactVersion.content_digest,
        )
        .where(_among(session, FactVersion.person_id, person_ids))
        .order_by(FactVersion.id)
    )
    return {(p, n): (k, d) for p, n, k, d in result}


def _state(
    session: Session, chunk: Sequence[CaseFile], known: set[str]
) -> dict[tuple[str, str], _Current]:
    """The current versions of the lists of the persons of `chunk` the registry knows."""
    # a person the registry does not know has no versions: ask only about the others
    ids = sorted(c.person_id for c in chunk if c.person_id in known)
    return _current_states(session, ids) if ids else {}


def _changes(
    person_id: str, case: CaseFile, current: dict[tuple[str, str], _Current]
) -> list[Change]:
    out: list[Change] = []
    for name, rows in case_lists(case).items():
        now = current.get((person_id, name))
        if rows is None:
            if now is not None and now[0]:
                out.append(Change(name, None, NOT_KNOWN_DIGEST, "retraction"))
            continue
        digest = list_digest(rows, name) if rows else EMPTY_DIGEST
        if now is not None and now[0] and now[1] == digest:
            continue
        out.append(Change(name, rows, digest, "recorded" if now is None else "correction"))
    return out


def _chunks(cases: Sequence[CaseFile], size: int) -> Iterable[Sequence[CaseFile]]:
    for start in range(0, len(cases), size):
        yield cases[start : start + size]


def import_case_files(
    session: Session,
    *,
    actor: User,
    cases: Sequence[CaseFile],
    source_document: str,
    file_sha256: str | None = None,
    file_name: str | None = None,
    valid_from: dt.date | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Write every list of every case file that differs from the registry's current version.

    With `file_sha256`, an imports row records the file (only if something changed).
    `valid_from` defaults to the record date. `progress(persons_done)` after each chunk.
    """
    if not source_document.strip():
        raise InputError("a source document is required for every fact")
    seen: set[str] = set()
    for case in cases:
        if case.person_id in seen:
            raise InputError(f"person_id '{case.person_id}' appears twice in one import")
        seen.add(case.person_id)
    lock_for_write(session)  # before reading the state we compare with
    at = record_time(session, now)
    previously = file_sha256 is not None and (
        session.scalar(select(Import.id).where(Import.file_sha256 == file_sha256).limit(1))
        is not None
    )
    writer = FactWriter(
        session,
        actor=actor,
        at=at,
        source_document=source_document,
        valid_from=valid_from or at.date(),
        note=note,
    )
    import_id: int | None = None
    new_persons = changed = versions = retractions = done = 0
    analyzed_at = 0  # new versions written when the statistics were last refreshed
    chunks = list(_chunks(cases, CHUNK))
    # PostgreSQL writes chunk i while Python compares, hashes and formats chunk i+1
    pipeline = CopyPipeline(session) if writer.postgres else None
    if writer.postgres and len(cases) >= 1_000:  # a small import fits in the default
        # the attribution trigger keeps each COPY's new versions (about 4 MB a chunk) in
        # a tuplestore; at the default 4 MB of work_mem every chunk went to a temp file
        session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    # The cycle collector would rescan the many live rows again and again (3x slower);
    # nothing made here forms cycles.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        known = _known_persons(session, [c.person_id for c in cases])
        current = _state(session, chunks[0], known) if chunks else {}
        for index, chunk in enumerate(chunks):
            work = [(c, _changes(c.person_id, c, current)) for c in chunk]
            if import_id is None and file_sha256 is not None and any(ch for _, ch in work):
                if pipeline is not None:
                    pipeline.wait()
                import_id = _insert_import(
                    session, actor, at, file_sha256, file_name, source_document
                )
            for case, changes in work:
                if not changes:
                    continue
                is_new = case.person_id not in known
                writer.add_person(case.person_id, changes, new=is_new, import_id=import_id)
                new_persons += is_new
                changed += 1
                versions += len(changes)
                retractions += sum(c.kind == "retraction" for c in changes)
            batches = writer.take_batches() if pipeline is not None else None
            if pipeline is not None:
                pipeline.wait()  # the connection is free again: read the next chunk's state
                if versions >= analyzed_at * 2 and versions >= ANALYZE_AFTER:
                    _refresh_statistics(session)
                    analyzed_at = versions
            if index + 1 < len(chunks):
                current = _state(session, chunks[index + 1], known)
            if pipeline is not None and batches is not None:
                pipeline.submit(batches)
            else:
                writer.flush()
            done += len(chunk)
            if progress is not None:
                progress(done)
        if pipeline is not None:
            pipeline.wait()
    finally:
        if gc_was_enabled:
            gc.enable()
        if pipeline is not None:  # never leave a COPY running on a connection being rolled back
            pipeline.wait(reraise=False)
    if versions >= ANALYZE_AFTER and writer.postgres:
        # statistics for the plans of the next reads and imports (autovacuum comes later)
        _refresh_statistics(session)
    if import_id is not None:
        writer.audit.add(
            actor=actor,
            action="facts.import",
            subject=f"import:{import_id}",
            change={
                "file_sha256": file_sha256,
                "file_name": file_name,
                "source_document": source_document,
                "persons": len(cases),
                "changed_persons": changed,
                "new_versions": versions,
                "retractions": retractions,
            },
            at=at,
        )
        writer.flush()
    return ImportSummary(
        persons=len(cases),
        new_persons=new_persons,
        changed_persons=changed,
        unchanged_persons=len(cases) - changed,
        new_versions=versions,
        retractions=retractions,
        audit_entries=writer.audit.written,
        import_id=import_id,
        file_sha256=file_sha256,
        previously_imported=previously,
    )


def _refresh_statistics(session: Session) -> None:
    """ANALYZE the tables an import writes and its statements read (PostgreSQL; it sees this
    transaction's own rows). During a large import too, each time the versions written have
    doubled: the triggers' plans (made once per connection, invalidated by ANALYZE) and the
    next chunk's reads were planned for tables as they were at the start, and a probe of
    current_persons planned as a scan of an empty table became a scan of the whole table for
    each person: the time per chunk grew with the registry (30,000 persons: 0.3 s for the
    first chunk's trigger, 1.2 s for the fifth)."""
    session.execute(text("ANALYZE persons, fact_versions, current_persons, audit_log"))


def _insert_import(
    session: Session,
    actor: User,
    at: dt.datetime,
    file_sha256: str,
    file_name: str | None,
    source_document: str,
) -> int:
    return int(
        session.execute(
            insert(Import)
            .values(
                file_sha256=file_sha256,
                file_name=file_name or "",
                source_document=source_document,
                imported_at=at,
                imported_by_id=actor.id,
            )
            .returning(Import.id)
        ).scalar_one()
    )


def record_case_file(
    session: Session,
    *,
    actor: User,
    case: CaseFile,
    source_document: str,
    valid_from: dt.date | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> ImportSummary:
    """Record one case file whole (replace-whole, as an import of one line)."""
    return import_case_files(
        session,
        actor=actor,
        cases=[case],
        source_document=source_document,
        valid_from=valid_from,
        note=note,
        now=now,
    )


def record_list(
    session: Session,
    *,
    actor: User,
    person_id: str,
    list_name: str,
    items: Sequence[Any] | None,
    source_document: str,
    valid_from: dt.date | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> ImportSummary:
    """Correct one list of a known person (`items`: records as dicts or models), or retract
    it (`items=None`: not known again). The other lists are left as they are."""
    if list_name not in CASE_FILE_LISTS:
        raise InputError(f"'{list_name}' is not a case file list: {', '.join(CASE_FILE_LISTS)}")
    lock_for_write(session)
    current = person_case_file(session, person_id=person_id)
    data = current.model_dump(mode="json", exclude_none=True)
    data.pop(list_name, None)
    if items is not None:
        data[list_name] = [
            i.model_dump(mode="json") if hasattr(i, "model_dump") else i for i in items
        ]
    case = parse_case_file(json.dumps(data, default=str), location=f"person {person_id}")
    return record_case_file(
        session,
        actor=actor,
        case=case,
        source_document=source_document,
        valid_from=valid_from,
        note=note,
        now=now,
    )


def retract_list(
    session: Session,
    *,
    actor: User,
    person_id: str,
    list_name: str,
    source_document: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> ImportSummary:
    """Make one list of a person not known again (a new version; the old ones stay)."""
    return record_list(
        session,
        actor=actor,
        person_id=person_id,
        list_name=list_name,
        items=None,
        source_document=source_document,
        note=note,
        now=now,
    )
