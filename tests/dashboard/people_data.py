"""Fictional persons for the list and search tests: names, dates of birth, nationalities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.casefile.models import CaseFile
from accord.db import write_session
from accord.registry import import_case_files
from case_files import case_file
from registry.conftest import Registry

NOW = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)
# (person id, name, date of birth, nationality): every one fictional
PERSONS: list[tuple[str, str, str, str]] = [
    ("ve-001", "José Hernández Ficticio", "1990-01-01", "VE"),
    ("ve-002", "Maria Gonzalez Ficticia", "1985-06-15", "VE"),
    ("sv-001", "Carlos Martinez Ficticio", "1992-11-30", "SV"),
    ("sv-002", "Ana Lopez Ficticia", "1990-01-01", "SV"),
    ("hn-001", "Luis Ramirez Ficticio", "1979-04-02", "HN"),
    ("co-001", '=HYPERLINK("http://x")', "2000-02-29", "CO"),  # a formula: CSV must defuse it
    ("gt-001", "Pedro Hernandez Ficticio", "1995-07-07", "GT"),
]


def person(person_id: str, name: str, born: str, nationality: str) -> dict[str, Any]:
    record = case_file(person_id, nationality)
    record.update(name=name, birth_date=born)
    return record


def load_people(registry: Registry, persons: list[tuple[str, str, str, str]] = PERSONS) -> None:
    with write_session(registry.engine) as session:
        import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=[CaseFile.model_validate(person(*p)) for p in persons],
            source_document="fictional test persons",
            valid_from=dt.date(2025, 3, 1),
            now=NOW,
        )
