"""Case files flattened into one table per fact list, plus a persons table.

A list that was absent from a case file ("not known") and a list that was
empty ("known to be none") both leave no rows in the fact table, so the
persons table keeps a `<list>_known` flag for each list. The rules read those
flags to answer `unknown` rather than `pass`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from accord.casefile.models import CASE_FILE_LISTS, CaseFile

S, D, B = pa.string(), pa.date32(), pa.bool_()


def known_flag(list_name: str) -> str:
    return f"{list_name}_known"


PERSONS_SCHEMA = pa.schema(
    [("person_id", S), ("name", S), ("birth_date", D), ("sex", S), ("citizenship", S)]
    + [(known_flag(n), B) for n in CASE_FILE_LISTS]
)

# One schema per fact list; every row carries the person_id it belongs to.
FACT_SCHEMAS: dict[str, pa.Schema] = {
    "persons": PERSONS_SCHEMA,
    "citizenship_claim": pa.schema([("person_id", S), ("status", S), ("date", D), ("source", S)]),
    "nationalities": pa.schema([("person_id", S), ("country", S)]),
    "removal_orders": pa.schema(
        [
            ("person_id", S),
            ("kind", S),
            ("issued_on", D),
            ("in_absentia", B),
            ("appeal_waived", B),
            ("country", S),
            ("vacated_on", D),
            ("source", S),
        ]
    ),
    "appeals": pa.schema(
        [
            ("person_id", S),
            ("kind", S),
            ("filed_on", D),
            ("status", S),
            ("decided_on", D),
            ("source", S),
        ]
    ),
    "stays": pa.schema(
        [
            ("person_id", S),
            ("kind", S),
            ("granted_on", D),
            ("expires_on", D),
            ("lifted_on", D),
            ("source", S),
        ]
    ),
    "protections": pa.schema(
        [("person_id", S), ("kind", S), ("status", S), ("country", S), ("date", D), ("source", S)]
    ),
    "fear_claims": pa.schema(
        [("person_id", S), ("country", S), ("status", S), ("date", D), ("source", S)]
    ),
    "notices": pa.schema(
        [
            ("person_id", S),
            ("country", S),
            ("served_on", D),
            ("served_on_counsel", B),
            ("written", B),
            ("exigent", B),
            ("source", S),
        ]
    ),
    "convictions": pa.schema(
        [
            ("person_id", S),
            ("offence", S),
            ("category", S),
            ("date", D),
            ("final", B),
            ("source", S),
        ]
    ),
    "sentences": pa.schema(
        [
            ("person_id", S),
            ("start", D),
            ("projected_release", D),
            ("released_on", D),
            ("source", S),
        ]
    ),
    "consents": pa.schema(
        [
            ("person_id", S),
            ("given_on", D),
            ("verified_on", D),
            ("verifying_officer", S),
            ("revoked_on", D),
            ("source", S),
        ]
    ),
    "early_removal_approvals": pa.schema([("person_id", S), ("approved_on", D), ("source", S)]),
    "transfer_requests": pa.schema(
        [("person_id", S), ("requested_on", D), ("country", S), ("source", S)]
    ),
}
TABLE_NAMES: tuple[str, ...] = tuple(FACT_SCHEMAS)


@dataclass(frozen=True)
class FactTables:
    """The fact tables of a docket, as Arrow tables keyed by name."""

    tables: dict[str, pa.Table]

    @property
    def persons(self) -> pa.Table:
        return self.tables["persons"]

    def __len__(self) -> int:
        return int(self.persons.num_rows)


def case_file_rows(case: CaseFile) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """One case file as its `persons` row and the rows of each list it has facts in."""
    person: dict[str, Any] = {
        "person_id": case.person_id,
        "name": case.name,
        "birth_date": case.birth_date,
        "sex": case.sex,
        "citizenship": case.citizenship,
    }
    lists: dict[str, list[dict[str, Any]]] = {}
    for list_name in CASE_FILE_LISTS:
        items = getattr(case, list_name)
        person[known_flag(list_name)] = items is not None
        if items:
            lists[list_name] = [
                {"person_id": case.person_id, "country": item}  # nationalities: bare codes
                if isinstance(item, str)
                else {"person_id": case.person_id, **item.model_dump()}
                for item in items
            ]
    return person, lists


def case_files_to_tables(cases: Iterable[CaseFile]) -> FactTables:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    for case in cases:
        person, lists = case_file_rows(case)
        for list_name, list_rows in lists.items():
            rows[list_name].extend(list_rows)
        rows["persons"].append(person)
    return FactTables(
        {name: pa.Table.from_pylist(rows[name], schema=FACT_SCHEMAS[name]) for name in TABLE_NAMES}
    )
