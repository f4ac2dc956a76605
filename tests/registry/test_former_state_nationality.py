"""A former state's nationality (ISO 3166-3, four characters) is stored and read back as is.

Issue 22: ICE records citizenship of the USSR; the case file holds `SUHH`, never a guessed
successor, and the registry must keep it on both backends (migration 0017 widened the
PostgreSQL column, which held two characters).
"""

from __future__ import annotations

from typing import Any

from accord.db import read_session, write_session
from accord.registry import import_case_files, person_case_file

from .conftest import Registry
from .factories import cases

SOVIET: dict[str, Any] = {
    "schema_version": "2",
    "person_id": "suhh-001",
    "name": "Ivan Ficticio (fictional)",
    "birth_date": "1960-05-01",
    "citizenship": "noncitizen",
    "nationalities": ["SUHH"],
    "removal_orders": [{"kind": "expedited", "issued_on": "2024-01-10", "source": "I-860"}],
}


def test_a_former_state_nationality_round_trips_and_is_never_a_successor(
    registry: Registry,
) -> None:
    with write_session(registry.engine) as session:
        import_case_files(
            session,
            actor=registry.users["olivia"],
            cases=cases(SOVIET),
            source_document="test file",
            file_sha256="f" * 64,
            file_name="cases.jsonl",
        )
    with read_session(registry.engine) as session:
        back = person_case_file(session, person_id="suhh-001")
    assert back.nationalities == ["SUHH"]
    assert registry.sql("SELECT country FROM fact_nationalities") == [("SUHH",)]
