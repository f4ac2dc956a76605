"""Read case files from JSON Lines: all or nothing, unless the caller asks to skip rejects.

A file with any invalid record is rejected whole, with an error naming the
file, line, field and reason. With `skip_invalid`, each reject is written with
its reason to a side file and the valid records are returned; nothing is
dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from accord.casefile.models import CaseFile
from accord.errors import CaseFileError, InputError
from accord.limits import CASE_FILE_MAX_BYTES


@dataclass(frozen=True)
class Reject:
    line: int
    field: str | None
    reason: str
    raw: str


@dataclass
class ReadResult:
    cases: list[CaseFile]
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: Path | None = None


def _first_error(exc: ValidationError) -> tuple[str | None, str]:
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err["loc"]) or None
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = (
            "unknown field (a case file records adjudicated facts only; the fields of v2 need "
            "schema_version 2; see schemas/)"
        )
    elif err["type"] == "missing":
        msg = "required field is missing"
    return loc, msg.removeprefix("Value error, ")


def parse_case_file(text: str, *, location: str | None = None) -> CaseFile:
    """Parse and validate one JSON object; raise CaseFileError naming field and reason."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseFileError(
            f"not valid JSON ({exc.msg} at column {exc.colno})", location=location
        ) from None
    if not isinstance(data, dict):
        raise CaseFileError("a case file must be a JSON object", location=location)
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        loc, msg = _first_error(exc)
        raise CaseFileError(msg, location=location, field=loc) from None
    except InputError as exc:  # e.g. an unknown country raised inside a validator
        raise CaseFileError(str(exc), location=location) from None


TOO_LONG = f"a case file is at most {CASE_FILE_MAX_BYTES} bytes"


def _lines(path: Path) -> Iterator[tuple[int, str, bool]]:
    """Each non-blank line, and whether it is longer than a case file may be: such a line is
    never read whole (its start is kept for the rejects file, the rest skipped)."""
    try:
        with path.open(encoding="utf-8") as handle:
            number = 0
            while line := handle.readline(CASE_FILE_MAX_BYTES + 1):
                number += 1
                too_long = len(line.encode()) > CASE_FILE_MAX_BYTES
                if too_long:
                    rest = line
                    while rest and not rest.endswith("\n"):
                        rest = handle.readline(CASE_FILE_MAX_BYTES)
                    line = line[:200]
                if line.strip():
                    yield number, line, too_long
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a JSON Lines file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None


def read_case_files(
    path: Path, *, skip_invalid: bool = False, rejects_path: Path | None = None
) -> ReadResult:
    """Read every case file in `path`.

    Raises CaseFileError on the first invalid record unless `skip_invalid`;
    a duplicate person_id is invalid too, since a docket has one file per person.
    """
    cases: list[CaseFile] = []
    rejects: list[Reject] = []
    seen: dict[str, int] = {}
    for number, line, too_long in _lines(path):
        location = f"{path}:{number}"
        try:
            if too_long:
                raise CaseFileError(TOO_LONG, location=location)
            case = parse_case_file(line, location=location)
            if case.person_id in seen:
                first = seen[case.person_id]
                raise CaseFileError(
                    f"duplicate person_id '{case.person_id}' (first on line {first})",
                    location=location,
                    field="person_id",
                )
        except CaseFileError as exc:
            if not skip_invalid:
                raise
            rejects.append(Reject(number, exc.field, exc.reason, line.rstrip("\n")))
            continue
        seen[case.person_id] = number
        cases.append(case)
    written: Path | None = None
    if skip_invalid and rejects:
        written = rejects_path or path.with_name(path.name + ".rejects.jsonl")
        _write_rejects(written, rejects)
    return ReadResult(cases=cases, rejects=rejects, rejects_path=written)


def _write_rejects(path: Path, rejects: list[Reject]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for r in rejects:
            out.write(
                json.dumps({"line": r.line, "field": r.field, "reason": r.reason, "record": r.raw})
                + "\n"
            )
    tmp.replace(path)
