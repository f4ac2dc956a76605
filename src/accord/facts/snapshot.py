"""Docket snapshots: a folder of Parquet files, one per fact table, and a manifest.

Tables are sorted by person_id so that a lookup of one person reads one row
group per table.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from accord.atomic_output import output_folder
from accord.casefile.models import ADDED_IN_V2, V2_LISTS
from accord.errors import InputError
from accord.facts.tables import FACT_SCHEMAS, TABLE_NAMES, FactTables, known_flag

# What a snapshot written before case file v2 lacks, and is read without: the v2 lists'
# tables, their known flags, and the fields v2 added to the v1 lists (null: not recorded).
_ADDED_IN_V2: dict[str, frozenset[str]] = {
    "persons": frozenset(known_flag(n) for n in V2_LISTS),
    **{name: frozenset(cols) for name, cols in ADDED_IN_V2.items()},
}

MANIFEST = "manifest.json"
FORMAT = "accord-docket-snapshot"
FORMAT_VERSION = 1
ROW_GROUP_SIZE = 64_000


def is_snapshot(path: Path) -> bool:
    return path.is_dir() and (path / MANIFEST).is_file()


def is_written_snapshot(path: Path) -> bool:
    """A folder `write_snapshot` may replace: its manifest says it is a docket snapshot
    (an audit bundle also has a manifest.json, and is not one)."""
    try:
        manifest = json.loads((path / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


def write_snapshot(
    facts: FactTables, out: Path, *, note: str = "", masking: dict[str, Any] | None = None
) -> Path:
    """Write all tables to a new folder beside `out`, then move it into place: never half a
    snapshot. `out` may be missing, empty or an earlier snapshot; anything else is refused.
    `masking`: how a masked docket was masked (facts/masking.MaskingReport), in the manifest."""
    with output_folder(out, is_own=is_written_snapshot, what="a docket snapshot") as tmp:

        def write(name: str) -> int:
            table = facts.tables[name]
            # tables read from the registry come in person order: sorting them again is a
            # copy of the table for nothing (the sort is stable, so the file is the same)
            if not sorted_by_person(table):
                table = table.sort_by("person_id")
            pq.write_table(table, tmp / f"{name}.parquet", row_group_size=ROW_GROUP_SIZE)
            return int(table.num_rows)

        # Arrow sorts and writes outside the GIL: the tables are written side by side
        with ThreadPoolExecutor(max_workers=2) as pool:
            counts = dict(zip(TABLE_NAMES, pool.map(write, TABLE_NAMES), strict=True))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "case_file_schema": "2",
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rows": counts,
            "note": note,
        }
        if masking is not None:
            manifest["masking"] = masking
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out


@dataclass(frozen=True)
class SnapshotTable:
    """One table of a snapshot: its Parquet file (None: a v2 list that a snapshot written
    before case file v2 lacks) and the v2 columns its file lacks."""

    file: Path | None
    missing: tuple[str, ...] = ()


def fill_value(column: str) -> bool | None:
    """What a column a v1 snapshot lacks reads as: false for a list's known flag (the list
    is not known), null for a field (not recorded)."""
    return False if column.endswith("_known") else None


def snapshot_tables(path: Path) -> dict[str, SnapshotTable]:
    """Validate a snapshot folder and return each table's file and the v2 columns it lacks."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if not is_snapshot(path):
        raise InputError(f"{path}: not a docket snapshot (no {MANIFEST})")
    try:
        manifest = json.loads((path / MANIFEST).read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path / MANIFEST}: not valid JSON ({exc.msg})") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise InputError(f"{path / MANIFEST}: not a version {FORMAT_VERSION} docket snapshot")
    v1 = str(manifest.get("case_file_schema", "1")) == "1"
    out: dict[str, SnapshotTable] = {}
    for name in TABLE_NAMES:
        file = path / f"{name}.parquet"
        if not file.is_file():
            if v1 and name in V2_LISTS:
                out[name] = SnapshotTable(None)
                continue
            raise InputError(f"{path}: snapshot is missing {file.name}")
        found = pq.read_schema(file)
        missing = [f.name for f in FACT_SCHEMAS[name] if f.name not in found.names]
        allowed = _ADDED_IN_V2.get(name, frozenset()) if v1 else frozenset()
        if [m for m in missing if m not in allowed]:
            raise InputError(f"{file}: missing column(s) {', '.join(missing)}")
        _check_kinds(file, found, FACT_SCHEMAS[name])
        out[name] = SnapshotTable(file, tuple(missing))
    return out


def _kind(type_: pa.DataType) -> str:
    """What a column holds, whatever its physical encoding: text, whole numbers, dates..."""
    if pa.types.is_dictionary(type_):
        return _kind(type_.value_type)
    checks = (
        ("text", pa.types.is_string),
        ("text", pa.types.is_large_string),
        ("text", pa.types.is_string_view),
        ("integer", pa.types.is_integer),
        ("number", pa.types.is_floating),
        ("number", pa.types.is_decimal),
        ("bool", pa.types.is_boolean),
        ("date", pa.types.is_date),
        ("time", pa.types.is_timestamp),
        ("list", pa.types.is_list),
        ("list", pa.types.is_large_list),
    )
    return next((kind for kind, check in checks if check(type_)), str(type_))


def _check_kinds(file: Path, found: pa.Schema, expected: pa.Schema) -> None:
    """Each column holds what the fact schema says (a person id as text, a date as a date):
    a snapshot written with other types would be cast silently into other values (an
    integer id 7 into the id "7") or fail deep in a screen."""
    for field in expected:
        if field.name not in found.names:
            continue
        got = found.field(field.name).type
        if pa.types.is_null(got):
            continue  # an all-empty column written without a type
        if _kind(got) != _kind(field.type):
            raise InputError(
                f"{file}: column {field.name} holds {got}, expected {field.type} "
                f"({_kind(field.type)})"
            )


def read_snapshot(path: Path) -> FactTables:
    tables: dict[str, pa.Table] = {}
    for name, found in snapshot_tables(path).items():
        schema = FACT_SCHEMAS[name]
        if found.file is None:
            tables[name] = schema.empty_table()
            continue
        table = pq.read_table(found.file)
        for column in found.missing:
            type_ = schema.field(column).type
            value = fill_value(column)
            table = table.append_column(column, pa.array([value] * table.num_rows, type_))
        tables[name] = table.select(schema.names).cast(schema)
    return FactTables(tables)


def sorted_by_person(table: pa.Table) -> bool:
    """True if the person ids never decrease (compared as DuckDB's ORDER BY does: by bytes)."""
    ids = table.column("person_id")
    if ids.null_count:
        return False
    if len(ids) < 2:
        return True
    decreasing = pc.less(ids.slice(1), ids.slice(0, len(ids) - 1))
    return not pc.any(decreasing).as_py()
