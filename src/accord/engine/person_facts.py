"""One person's facts as plain rows, for a decision from the registry.

`one_person_tables` builds an Arrow table per fact list, which the one-person
engine turns straight back into Python rows for SQLite and the decision's
digest into dicts: for one person that round trip cost more than the rules.
`PersonFacts` keeps the rows of `case_file_rows` as tuples in FACT_SCHEMAS
column order, the values Arrow would hold (`to_tables()` builds the same
tables, for whoever wants them), and gives each consumer its own form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa

from accord.casefile.models import CaseFile
from accord.facts.tables import FACT_SCHEMAS, FactTables, case_file_rows

Row = tuple[Any, ...]


@dataclass(frozen=True)
class PersonFacts:
    """Every fact table of one person (`persons` holds their one row), as tuples."""

    rows: dict[str, tuple[Row, ...]]

    @classmethod
    def of_case(cls, case: CaseFile) -> PersonFacts:
        """The rows `case_files_to_tables([case])` holds, without building the tables."""
        person, lists = case_file_rows(case)
        rows = dict(_no_rows())
        for name, dicts in lists.items():
            names = FACT_SCHEMAS[name].names
            rows[name] = tuple(tuple(d.get(n) for n in names) for d in dicts)
        rows["persons"] = (tuple(person.get(n) for n in FACT_SCHEMAS["persons"].names),)
        return cls(rows)

    @property
    def person_count(self) -> int:
        return len(self.rows["persons"])

    def dicts(self, name: str) -> Iterator[dict[str, Any]]:
        """The rows of one table as dicts, as `Table.to_pylist()` gives them."""
        names = FACT_SCHEMAS[name].names
        return (dict(zip(names, row, strict=True)) for row in self.rows[name])

    def sqlite_rows(self, name: str) -> list[Row]:
        """The rows of one table with dates as ISO text and booleans as 0 and 1 (SQLite)."""
        found = self.rows[name]
        if not found:
            return []
        converters = _sqlite_converters(name)
        return [
            tuple(
                v if f is None or v is None else f(v) for f, v in zip(converters, row, strict=True)
            )
            for row in found
        ]

    def to_tables(self) -> FactTables:
        return FactTables(
            {
                name: pa.Table.from_pylist(list(self.dicts(name)), schema=schema)
                for name, schema in FACT_SCHEMAS.items()
            }
        )


@cache
def _no_rows() -> dict[str, tuple[Row, ...]]:
    return {name: () for name in FACT_SCHEMAS}


def _iso(value: dt.date) -> str:
    return value.isoformat()


@cache
def _sqlite_converters(name: str) -> tuple[Callable[[Any], Any] | None, ...]:
    by_type: dict[pa.DataType, Callable[[Any], Any]] = {pa.date32(): _iso, pa.bool_(): int}
    return tuple(by_type.get(field.type) for field in FACT_SCHEMAS[name])
