"""Docket snapshots: a folder of Parquet files, one per fact table, and a manifest.

Tables are sorted by person_id so that a lookup of one person reads one row
group per table.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from accord.errors import InputError
from accord.facts.tables import FACT_SCHEMAS, TABLE_NAMES, FactTables

MANIFEST = "manifest.json"
FORMAT = "accord-docket-snapshot"
FORMAT_VERSION = 1
ROW_GROUP_SIZE = 64_000


def is_snapshot(path: Path) -> bool:
    return path.is_dir() and (path / MANIFEST).is_file()


def write_snapshot(facts: FactTables, out: Path, *, note: str = "") -> Path:
    """Write all tables to a new folder, then move it into place: never half a snapshot."""
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    counts: dict[str, int] = {}
    for name in TABLE_NAMES:
        table = facts.tables[name].sort_by("person_id")
        pq.write_table(table, tmp / f"{name}.parquet", row_group_size=ROW_GROUP_SIZE)
        counts[name] = table.num_rows
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "case_file_schema": "1",
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": counts,
        "note": note,
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out


def snapshot_paths(path: Path) -> dict[str, Path]:
    """Validate a snapshot folder and return the Parquet file of each table."""
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
    paths = {name: path / f"{name}.parquet" for name in TABLE_NAMES}
    for name, file in paths.items():
        if not file.is_file():
            raise InputError(f"{path}: snapshot is missing {file.name}")
        schema = pq.read_schema(file)
        expected = FACT_SCHEMAS[name]
        missing = [f.name for f in expected if f.name not in schema.names]
        if missing:
            raise InputError(f"{file}: missing column(s) {', '.join(missing)}")
    return paths


def read_snapshot(path: Path) -> FactTables:
    paths = snapshot_paths(path)
    tables: dict[str, pa.Table] = {}
    for name, file in paths.items():
        tables[name] = pq.read_table(file).select(FACT_SCHEMAS[name].names).cast(FACT_SCHEMAS[name])
    return FactTables(tables)
