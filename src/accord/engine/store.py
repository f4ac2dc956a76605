"""Fact tables held in an in-process DuckDB database, ready for compiled rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from accord.errors import UnknownPerson
from accord.facts.snapshot import snapshot_paths
from accord.facts.tables import TABLE_NAMES, FactTables

PERSON_VARIABLE = "accord_person"


class FactStore:
    """One DuckDB connection holding a docket's fact tables as `<name>_all`.

    `<name>_one` views hold only the person named by the `accord_person`
    variable, so one-person queries read a handful of rows.
    Not thread-safe: use one store per thread (see `cursor`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    @classmethod
    def from_tables(cls, facts: FactTables) -> FactStore:
        con = duckdb.connect()
        for name in TABLE_NAMES:
            con.register(f"{name}_arrow", facts.tables[name])
            con.execute(f"CREATE TABLE {name}_all AS SELECT * FROM {name}_arrow ORDER BY person_id")
            con.unregister(f"{name}_arrow")
        return cls._ready(con)

    @classmethod
    def from_snapshot(cls, path: Path, *, load: bool = True) -> FactStore:
        """Open a snapshot; `load` copies it into memory for fast repeated lookups."""
        paths = snapshot_paths(path)
        con = duckdb.connect()
        kind = "TABLE" if load else "VIEW"
        for name, file in paths.items():
            con.execute(f"CREATE {kind} {name}_all AS SELECT * FROM read_parquet(?)", [str(file)])
        return cls._ready(con)

    @classmethod
    def _ready(cls, con: duckdb.DuckDBPyConnection) -> FactStore:
        con.execute(f"SET VARIABLE {PERSON_VARIABLE} = ''")
        for name in TABLE_NAMES:
            con.execute(
                f"CREATE VIEW {name}_one AS SELECT * FROM {name}_all "
                f"WHERE person_id = getvariable('{PERSON_VARIABLE}')"
            )
        return cls(con)

    def cursor(self) -> FactStore:
        """A store on a new cursor of the same database, for another thread."""
        return FactStore(self.con.cursor())

    def count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM persons_all").fetchone()
        return int(row[0]) if row else 0

    def person_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT person_id FROM persons_all ORDER BY 1").fetchall()]

    def select_person(self, person_id: str) -> None:
        self.con.execute(f"SET VARIABLE {PERSON_VARIABLE} = $1", [person_id])

    def query_one(self, sql: str, person_id: str) -> list[tuple[Any, ...]]:
        self.select_person(person_id)
        return self.con.execute(sql).fetchall()

    def require_person(self, person_id: str) -> None:
        row = self.con.execute("SELECT 1 FROM persons_all WHERE person_id = $1", [person_id])
        if row.fetchone() is None:
            raise UnknownPerson(f"no case file for person '{person_id}'")

    def arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()
