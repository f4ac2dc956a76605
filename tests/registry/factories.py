"""Case files for the registry tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.casefile.models import CaseFile
from accord.db import write_session
from accord.importers.writer import case_file_record
from accord.registry import case_files_from_tables, record_case_file
from accord.synthetic import synthetic_docket

if TYPE_CHECKING:
    from .conftest import Registry

VE: dict[str, Any] = {
    "person_id": "ve-001",
    "name": "Ana Ficticia (fictional)",
    "birth_date": "1990-01-01",
    "sex": "female",
    "citizenship": "noncitizen",
    "nationalities": ["VE"],
    "citizenship_claim": [],
    "removal_orders": [
        {"kind": "immigration_judge", "issued_on": "2024-01-10", "source": "IJ order 1"}
    ],
    "stays": [],
    "convictions": [
        {
            "offence": "robbery",
            "category": "violent",
            "date": "2020-01-01",
            "final": True,
            "source": "court, ñandú docket",  # non-ASCII survives hashing and COPY
        }
    ],
}
SV: dict[str, Any] = {
    "person_id": "sv-001",
    "citizenship": "noncitizen",
    "nationalities": ["SV"],
    "removal_orders": [{"kind": "expedited", "issued_on": "2024-01-10", "source": "I-860"}],
    "protections": [
        {
            "kind": "withholding",
            "status": "granted",
            "country": "SV",
            "date": "2019-10-01",
            "source": "IJ grant\twith a tab\\and a backslash",  # COPY escaping
        }
    ],
}


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def cases(*records: dict[str, Any]) -> list[CaseFile]:
    return [CaseFile.model_validate(r) for r in records]


def synthetic_records(n: int, seed: int = 3) -> list[dict[str, Any]]:
    """`n` varied case files (every list, known and not known), as JSON records."""
    return [case_file_record(c) for c in case_files_from_tables(synthetic_docket(n, seed=seed))]


def record_case(registry: Registry, case: dict[str, Any], at: dt.datetime) -> None:
    """Record one case file as the officer olivia at `at`."""
    with write_session(registry.engine) as session:
        record_case_file(
            session,
            actor=registry.users["olivia"],
            case=cases(case)[0],
            source_document="test",
            now=at,
        )
