"""Buffered bulk writes of new fact versions, their rows, and their audit entries.

Used by service.import_case_files; on PostgreSQL the rows go in as COPY text,
formatted here (the columns every version of one write shares are formatted
once), and may be handed to a CopyPipeline so PostgreSQL writes one chunk while
Python prepares the next.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.auth import User
from accord.casefile.models import CASE_FILE_LISTS, CODE_LIST_FIELDS, CaseFile
from accord.db import (
    AuditWriter,
    CopyBatch,
    bulk_insert,
    canonical_json,
    copy_batch,
    copy_fields,
    copy_text,
    driver_connection,
    run_copies,
    sha256_hex,
)
from accord.facts.tables import encode_codes
from accord.registry.codec import LISTS, Row, content_digest, fact_columns, without_null_v2_fields
from accord.registry.models import FACT_MODELS, PERSON_LIST, FactVersion, Person

NULL = "\\N"  # COPY text format
_OTHER_LISTS = tuple(name for name in CASE_FILE_LISTS if name != "nationalities")


def case_lists(case: CaseFile) -> dict[str, list[Row] | None]:
    """codec.case_rows, read from the validated models' fields rather than dumped: an import
    does this for every person, and model_dump costs twice as much. The rows are the models'
    own field dicts (frozen models; nothing here changes them). Tested equal to case_rows."""
    scalars = {"name": case.name, "birth_date": case.birth_date}
    scalars |= {"sex": case.sex, "citizenship": case.citizenship}
    out: dict[str, list[Row] | None] = {PERSON_LIST: [scalars]}
    codes = case.nationalities
    out["nationalities"] = None if codes is None else [{"country": code} for code in codes]
    for name in _OTHER_LISTS:
        items = getattr(case, name)
        if items is None:
            out[name] = None
        elif name in CODE_LIST_FIELDS:  # lists of codes become text (facts.encode_codes)
            fields = CODE_LIST_FIELDS[name]
            out[name] = [
                {**i.__dict__, **{f: encode_codes(i.__dict__[f]) for f in fields}} for i in items
            ]
        else:
            out[name] = [item.__dict__ for item in items]
    return out


def _date_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__} in a fact")


def _reused_encoder() -> Any:
    """The C encoder that json.dumps(sort_keys=True, separators=(",", ":"),
    ensure_ascii=False) builds on every call, built once (None where there is none)."""
    try:
        from _json import make_encoder
    except ImportError:
        return None
    return make_encoder(
        None, _date_text, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )


_ENCODE_ROWS = _reused_encoder()


def list_digest(rows: list[Row], list_name: str = "") -> str:
    """codec.content_digest of a known list, with the encoder built once (the same C code,
    so the same text); tested equal to content_digest."""
    if _ENCODE_ROWS is None:
        return content_digest(rows, list_name)
    rows = without_null_v2_fields(list_name, rows)
    return hashlib.sha256("".join(_ENCODE_ROWS(rows, 0)).encode("utf-8")).hexdigest()


class Change(NamedTuple):
    """A list whose new version is to be written."""

    list_name: str
    rows: list[Row] | None
    digest: str
    kind: str  # recorded | correction | retraction


_VERSION_COLUMNS: tuple[str, ...] = ("id", "person_id", "list_name", "known", "kind")
_VERSION_COLUMNS += ("row_count", "content_digest", "import_id")
_VERSION_CONSTANTS = ("valid_from", "recorded_at", "recorded_by_id", "source_document", "note")
# (id, person_id, list_name, known, kind, row_count, content_digest, import_id)
_Version = tuple[int, str, str, bool, str, int, str, int | None]


# The `facts.record` change of each person, as canonical JSON: formatted directly, since
# an import writes one per person and the encoder costs several times more. Identical to
# canonical_json(record_change_value(...)) (tests/registry/test_writer_json.py).
def record_change_value(
    *,
    import_id: int | None,
    written: dict[str, list[Any]],
    source_document: str,
    valid_from: dt.date,
    note: str | None,
) -> dict[str, Any]:
    """The change: which versions were written, from which document; `written` maps a list
    name to [version id, known, content digest]."""
    return {
        "import": import_id,
        "source_document": source_document,
        "valid_from": valid_from.isoformat(),
        "note": note,
        "versions": {name: v[0] for name, v in written.items()},
        # ties each version's content to the chain: [id, known, content_digest]
        "versions_digest": sha256_hex(canonical_json(written, check_floats=False)),
    }


def shared_change_json(*, source_document: str, valid_from: dt.date, note: str | None) -> str:
    """The keys every change of one write shares, between "import" and "versions"."""
    common = {"note": note, "source_document": source_document}
    common["valid_from"] = valid_from.isoformat()
    return canonical_json(common)[1:-1] + ","


def record_change_text(
    shared_json: str, import_id: int | None, written: dict[str, list[Any]]
) -> str:
    """canonical_json of record_change_value; list names are identifiers, digests hex."""
    names = sorted(written)
    versions = ",".join(
        f'"{n}":[{written[n][0]},{"true" if written[n][1] else "false"},"{written[n][2]}"]'
        for n in names
    )
    ids = ",".join(f'"{n}":{written[n][0]}' for n in names)
    imported = "null" if import_id is None else str(import_id)
    digest = sha256_hex("{" + versions + "}")
    return f'{{"import":{imported},{shared_json}"versions":{{{ids}}},"versions_digest":"{digest}"}}'


class FactWriter:
    """Buffers many persons' new versions and their rows, and writes them in bulk.

    The columns every version of one write shares (record time, user, source)
    are formatted once; on PostgreSQL the rows go in as COPY text.
    """

    def __init__(
        self,
        session: Session,
        *,
        actor: User,
        at: dt.datetime,
        source_document: str,
        valid_from: dt.date,
        note: str | None,
    ):
        self.session, self.actor, self.at = session, actor, at
        self.source_document, self.valid_from, self.note = source_document, valid_from, note
        shared = (valid_from, at, actor.id, source_document, note)
        self.constants: dict[str, Any] = dict(zip(_VERSION_CONSTANTS, shared, strict=True))
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.next_id = (session.scalar(select(func.max(FactVersion.id))) or 0) + 1
        self.audit = AuditWriter(session)
        # the keys between "import" and "versions" in canonical (sorted) order, as JSON
        self._shared_json = shared_change_json(
            source_document=source_document, valid_from=valid_from, note=note
        )
        self._at_text = copy_text(at)
        self.persons: list[str] = []  # new persons' ids
        self.versions: list[_Version] = []
        self.rows: dict[str, list[tuple[int, int, str, Row]]] = {name: [] for name in LISTS}

    def add_person(
        self, person_id: str, changes: list[Change], *, new: bool, import_id: int | None
    ) -> None:
        if new:
            self.persons.append(person_id)
        written: dict[str, list[Any]] = {}
        next_id = self.next_id
        for list_name, rows, digest, kind in changes:
            known = rows is not None
            self.versions.append(
                (next_id, person_id, list_name, known, kind, len(rows or ()), digest, import_id)
            )
            if rows:
                target = self.rows[list_name]
                for ordinal, row in enumerate(rows):
                    target.append((next_id, ordinal, person_id, row))
            written[list_name] = [next_id, known, digest]
            next_id += 1
        self.next_id = next_id
        self.audit.add_encoded(
            actor=self.actor,
            action="facts.record",
            subject=f"person:{person_id}",
            change_text=record_change_text(self._shared_json, import_id, written),
            at=self.at,
        )

    def take_batches(self) -> list[CopyBatch]:
        """What is buffered, as COPY batches (PostgreSQL), and the buffers emptied."""
        batches = self._copy_batches()
        self._clear()
        return batches

    def flush(self) -> None:
        """Write what is buffered now: COPY on PostgreSQL, executemany elsewhere."""
        if self.postgres:
            run_copies(driver_connection(self.session), self._copy_batches())
        else:
            self._insert()
        self._clear()

    def _clear(self) -> None:
        self.persons, self.versions = [], []
        for rows in self.rows.values():
            rows.clear()

    def _person_rows(self) -> list[Row]:
        return [
            {"person_id": p, "first_recorded_at": self.at, "recorded_by_id": self.actor.id}
            for p in self.persons
        ]

    def _insert(self) -> None:
        bulk_insert(self.session, Person.__table__, self._person_rows())
        versions = [
            {**dict(zip(_VERSION_COLUMNS, v, strict=True)), **self.constants} for v in self.versions
        ]
        bulk_insert(self.session, FactVersion.__table__, versions)
        for name, rows in self.rows.items():
            table = FACT_MODELS[name].__table__
            dicts = [{"version_id": v, "ordinal": o, "person_id": p, **r} for v, o, p, r in rows]
            bulk_insert(self.session, table, dicts)
        self.audit.flush()

    def _copy_batches(self) -> list[CopyBatch]:
        # person ids, list names, kinds, digests and hashes need no COPY escaping: a
        # person_id matches ^[A-Za-z0-9._:-]+$ (CaseFile validates it), the rest are ours
        batches = []
        if self.persons:
            tail = f"\t{self._at_text}\t{self.actor.id}\n"
            lines = (p + tail for p in self.persons)
            batches.append(copy_batch("persons", _PERSON_COLUMNS, lines))
        tail = "\t".join(copy_text(v) for v in self.constants.values()) + "\n"
        version_lines = (
            f"{i}\t{p}\t{n}\t{'t' if k else 'f'}\t{kind}\t{c}\t{d}\t"
            f"{NULL if imp is None else imp}\t{tail}"
            for i, p, n, k, kind, c, d, imp in self.versions
        )
        columns = (*_VERSION_COLUMNS, *_VERSION_CONSTANTS)
        batches.append(copy_batch("fact_versions", columns, version_lines))
        for name, rows in self.rows.items():
            if not rows:
                continue
            fields = [c.name for c in fact_columns(name)]
            lines = (
                f"{v}\t{o}\t{p}\t{copy_fields([r[c] for c in fields])}\n" for v, o, p, r in rows
            )
            table: Any = FACT_MODELS[name].__table__
            batches.append(
                copy_batch(table.name, ("version_id", "ordinal", "person_id", *fields), lines)
            )
        audit = self.audit.take()
        if audit:
            batches.append(copy_batch("audit_log", _AUDIT_COLUMNS, map(self._audit_line, audit)))
        return batches

    def _audit_line(self, row: Row) -> str:
        # seq is an int and the digests and hashes hex; the names and the change are escaped
        at = row["recorded_at"]
        return (
            f"{row['seq']}\t{self._at_text if at is self.at else copy_text(at)}\t"
            f"{copy_text(row['actor'])}\t{copy_text(row['action'])}\t"
            f"{copy_text(row['subject'])}\t{copy_text(row['change'])}\t"
            f"{row['change_digest']}\t{row['prev_hash']}\t{row['hash']}\t"
            f"{copy_text(row.get('credential'))}\n"  # hashed into the entry when set
        )


_PERSON_COLUMNS = ("person_id", "first_recorded_at", "recorded_by_id")
_AUDIT_COLUMNS: tuple[str, ...] = ("seq", "recorded_at", "actor", "action", "subject", "change")
_AUDIT_COLUMNS += ("change_digest", "prev_hash", "hash", "credential")
