"""Case files to fact rows and back, and the digest of a fact list's content.

A case file becomes one row list per versioned list: the pseudo-list `person`
(one row: name, birth_date, sex, citizenship) and each of CASE_FILE_LISTS
(None when not known). Rows carry exactly the FACT_SCHEMAS columns but
person_id, which the writer adds with the version id and position.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Column, Table

from accord.casefile.models import (
    ADDED_IN_V2,
    CASE_FILE_LISTS,
    CODE_LIST_FIELDS,
    STORED,
    CaseFile,
)
from accord.errors import DataError
from accord.facts.tables import FactTables, decode_codes, encode_codes, known_flag
from accord.registry.models import FACT_MODELS, PERSON_LIST

Row = dict[str, Any]
LISTS: tuple[str, ...] = (PERSON_LIST, *CASE_FILE_LISTS)
SCALARS: tuple[str, ...] = ("name", "birth_date", "sex", "citizenship")
SCALAR_DEFAULTS: Row = {
    "name": None,
    "birth_date": None,
    "sex": "unknown",
    "citizenship": "unknown",
}
_ROW_KEYS = frozenset({"version_id", "ordinal", "person_id"})


def fact_columns(list_name: str) -> list[Column[Any]]:
    """The columns of a list's rows that hold the facts (not version, position or person)."""
    table: Table = FACT_MODELS[list_name].__table__  # type: ignore[assignment]
    return [c for c in table.columns if c.name not in _ROW_KEYS]


def case_rows(case: CaseFile) -> dict[str, list[Row] | None]:
    """Every versioned list of a case file as rows; None for a list that is not known."""
    data = case.model_dump()
    out: dict[str, list[Row] | None] = {PERSON_LIST: [{k: data[k] for k in SCALARS}]}
    for name in CASE_FILE_LISTS:
        items = data[name]
        if items is None:
            out[name] = None
        elif name == "nationalities":  # bare country codes in a case file, rows in the tables
            out[name] = [{"country": code} for code in items]
        else:
            for code_field in CODE_LIST_FIELDS.get(name, ()):
                for item in items:
                    item[code_field] = encode_codes(item[code_field])
            out[name] = items
    return out


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__} in a fact")


_CONTENT = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
)


def without_null_v2_fields(list_name: str, rows: list[Row]) -> list[Row]:
    """`rows` without the fields case file v2 added to the list where they are null: a fact
    recorded before v2 keeps its digest, and the same fact recorded again matches it."""
    added = ADDED_IN_V2.get(list_name)
    if not added:
        return rows
    return [{k: v for k, v in row.items() if v is not None or k not in added} for row in rows]


def content_digest(rows: list[Row] | None, list_name: str = "") -> str:
    """sha256 of the canonical JSON of a list's rows (dates as ISO text; null: not known)."""
    if rows is not None:
        rows = without_null_v2_fields(list_name, rows)
    return hashlib.sha256(_CONTENT.encode(rows).encode("utf-8")).hexdigest()


NOT_KNOWN_DIGEST = content_digest(None)
EMPTY_DIGEST = content_digest([])


def case_from_rows(person_id: str, lists: dict[str, list[Row] | None]) -> CaseFile:
    """The case file that `lists` (as from case_rows, read back from the tables) describes."""
    person_rows = lists.get(PERSON_LIST)
    scalars = dict(person_rows[0]) if person_rows else dict(SCALAR_DEFAULTS)
    data: dict[str, Any] = {"schema_version": "2", "person_id": person_id, **scalars}
    for name in CASE_FILE_LISTS:
        rows = lists.get(name)
        if rows is None:
            continue
        if name == "nationalities":
            data[name] = [r["country"] for r in rows]
            continue
        codes = CODE_LIST_FIELDS.get(name, ())
        data[name] = (
            [{**r, **{c: decode_codes(r[c]) for c in codes}} for r in rows] if codes else rows
        )
    try:  # the input limits were checked on the way in (casefile/models.py STORED)
        return CaseFile.model_validate(data, context=STORED)
    except ValidationError as exc:  # stored facts always validated on the way in
        raise DataError(f"registry facts of '{person_id}' no longer validate: {exc}") from None


def case_files_from_tables(facts: FactTables) -> list[CaseFile]:
    """The case files that fact tables describe: the inverse of case_files_to_tables."""
    by_person: dict[str, dict[str, Any]] = {}
    for row in facts.persons.to_pylist():
        record = {k: row[k] for k in ("person_id", *SCALARS)}
        for name in CASE_FILE_LISTS:
            if row[known_flag(name)]:
                record[name] = []
        by_person[row["person_id"]] = record
    for name in CASE_FILE_LISTS:
        for row in facts.tables[name].to_pylist():
            items = by_person[row.pop("person_id")].get(name)
            if items is not None:  # rows of a list that is not known are not facts
                items.append(row["country"] if name == "nationalities" else row)
    for record in by_person.values():
        record["schema_version"] = "2"
        for name, codes in CODE_LIST_FIELDS.items():
            for item in record.get(name) or ():
                for c in codes:
                    item[c] = decode_codes(item[c])
    return [CaseFile.model_validate(r, context=STORED) for r in by_person.values()]
