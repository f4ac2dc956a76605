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

from accord.casefile.models import CASE_FILE_LISTS, CODE_LIST_FIELDS, CaseFile

S, D, B, INT = pa.string(), pa.date32(), pa.bool_(), pa.int32()


def encode_codes(codes: list[str] | None) -> str | None:
    """A list of codes as one text value, each between bars: ["MX", "GT"] -> "|MX|GT|"."""
    if codes is None:
        return None
    return "|" + "".join(f"{c}|" for c in codes) if codes else "|"


def decode_codes(text: str | None) -> list[str] | None:
    """The inverse of encode_codes."""
    if text is None:
        return None
    return [c for c in text.split("|") if c]


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
            ("alternative_countries", S),  # "|MX|GT|" (encode_codes)
            ("waived_14_days", B),
            ("voluntary_departure_until", D),
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
            ("court", S),
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
        [
            ("person_id", S),
            ("kind", S),
            ("status", S),
            ("country", S),
            ("date", D),
            ("source", S),
            ("forum", S),
        ]
    ),
    "fear_claims": pa.schema(
        [
            ("person_id", S),
            ("country", S),
            ("status", S),
            ("date", D),
            ("source", S),
            ("screening", S),
            ("protection", S),
        ]
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
            ("language_understood", B),
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
            ("jurisdiction", S),
            ("juvenile", B),
            ("vacated_on", D),
            ("vacatur_basis", S),
            ("offence_classes", S),  # "|illicit_trafficking|" (encode_codes)
        ]
    ),
    "sentences": pa.schema(
        [
            ("person_id", S),
            ("start", D),
            ("projected_release", D),
            ("released_on", D),
            ("source", S),
            ("custodian", S),
            ("amended_on", D),
            ("amended_release", D),
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
            ("given_by", S),
        ]
    ),
    "early_removal_approvals": pa.schema(
        [
            ("person_id", S),
            ("approved_on", D),
            ("source", S),
            ("authority", S),
            ("written_request", B),
        ]
    ),
    "transfer_requests": pa.schema(
        [("person_id", S), ("requested_on", D), ("country", S), ("source", S)]
    ),
    # v2
    "status_grants": pa.schema(
        [
            ("person_id", S),
            ("kind", S),
            ("granted_on", D),
            ("valid_until", D),
            ("terminated_on", D),
            ("country", S),
            ("authority", S),
            ("source", S),
        ]
    ),
    "court_orders": pa.schema(
        [
            ("person_id", S),
            ("court", S),
            ("docket", S),
            ("proceeding", S),
            ("effect", S),
            ("status", S),
            ("date", D),
            ("expires_on", D),
            ("country", S),
            ("district", S),
            ("notice_days", INT),
            ("source", S),
        ]
    ),
    "forbearances": pa.schema(
        [
            ("person_id", S),
            ("court", S),
            ("docket", S),
            ("made_on", D),
            ("ends_on", D),
            ("withdrawn_on", D),
            ("country", S),
            ("source", S),
        ]
    ),
    "custody_locations": pa.schema(
        [
            ("person_id", S),
            ("district", S),
            ("facility", S),
            ("from_date", D),
            ("to_date", D),
            ("source", S),
        ]
    ),
    "designations": pa.schema(
        [
            ("person_id", S),
            ("authority", S),
            ("designated_on", D),
            ("withdrawn_on", D),
            ("source", S),
        ]
    ),
    "uac_determinations": pa.schema(
        [("person_id", S), ("determined_on", D), ("by", S), ("source", S)]
    ),
    "incompetency_findings": pa.schema(
        [
            ("person_id", S),
            ("found_on", D),
            ("restored_on", D),
            ("court", S),
            ("source", S),
        ]
    ),
    "transfer_approvals": pa.schema(
        [
            ("person_id", S),
            ("state", S),
            ("approved_on", D),
            ("withdrawn_on", D),
            ("authority", S),
            ("source", S),
        ]
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
            for code_field in CODE_LIST_FIELDS.get(list_name, ()):
                for row in lists[list_name]:
                    row[code_field] = encode_codes(row[code_field])
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
