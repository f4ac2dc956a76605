"""Write case files as JSON Lines, atomically: the file is complete or it is not there.

A fact list that is None ("not known") is left out of the record rather than
written as null, so a reader sees the difference from [] ("known to be none")
at a glance, and the file stays small.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from accord.casefile.models import CaseFile
from accord.errors import InputError


def case_file_record(case: CaseFile) -> dict[str, Any]:
    """The JSON object for one case file, with every unknown top-level field left out."""
    return {k: v for k, v in case.model_dump(mode="json").items() if v is not None}


def write_case_files(cases: list[CaseFile], out: Path) -> None:
    """Write `cases` to `out` as JSON Lines, replacing it only once every line is written."""
    seen: set[str] = set()
    for case in cases:
        if case.person_id in seen:  # the reader would reject the file; refuse to write it
            raise InputError(f"{out}: duplicate person_id '{case.person_id}'")
        seen.add(case.person_id)
    write_json_lines([case_file_record(case) for case in cases], out)


def rejects_path(out: Path) -> Path:
    """Where the rows an import refused are written beside its output `out`."""
    return out.with_name(out.name + ".rejects.jsonl")


def write_json_lines(records: list[dict[str, Any]], out: Path) -> None:
    """Write `records` to `out` as JSON Lines, through a temporary file renamed into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
