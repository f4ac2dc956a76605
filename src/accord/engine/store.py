"""Fact tables held in an in-process DuckDB database, ready for compiled rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from accord.facts.snapshot import fill_value, snapshot_tables, sorted_by_person
from accord.facts.tables import FACT_SCHEMAS, TABLE_NAMES, FactTables
from accord.law.calendar import LAW_TABLES, law_table_data

_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.bool_(): "BOOLEAN",
    pa.int32(): "INTEGER",
}


class FactStore:
    """One DuckDB connection holding a docket's fact tables as `<name>_all`.

    Not thread-safe: use one store per thread (see `cursor`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, *, law_tables: bool = True):
        self.con = con
        self._sorted: dict[str, tuple[pa.Table, np.ndarray[Any, Any]]] | None = None
        # the columnar evaluator's index of the tables (engine/columnar/index.py), made on
        # its first use
        self.columnar_index: object | None = None
        for name in LAW_TABLES if law_tables else ():
            con.register(f"{name}_arrow", law_table_data(name))
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
            con.unregister(f"{name}_arrow")

    @classmethod
    def from_tables(cls, facts: FactTables) -> FactStore:
        con = duckdb.connect()
        for name in TABLE_NAMES:
            con.register(f"{name}_arrow", facts.tables[name])
            con.execute(f"CREATE TABLE {name}_all AS SELECT * FROM {name}_arrow ORDER BY person_id")
            con.unregister(f"{name}_arrow")
        return cls(con)

    @classmethod
    def from_snapshot(cls, path: Path, *, load: bool = True) -> FactStore:
        """Open a snapshot; `load` copies it into memory for fast repeated lookups."""
        con = duckdb.connect()
        kind = "TABLE" if load else "VIEW"
        for name, found in snapshot_tables(path).items():
            schema = FACT_SCHEMAS[name]
            if found.file is None:  # a v2 list a snapshot written before v2 lacks: no rows
                con.register(f"_{name}_empty", schema.empty_table())
                con.execute(f"CREATE TABLE {name}_all AS SELECT * FROM _{name}_empty")
                con.unregister(f"_{name}_empty")
                continue
            # A view cannot be prepared with a bound parameter: inline the quoted path.
            quoted = str(found.file).replace("'", "''")
            filled = "".join(
                f", {'FALSE' if fill_value(c) is False else 'NULL'}::"
                f'{_DUCKDB_TYPES[schema.field(c).type]} AS "{c}"'
                for c in found.missing
            )
            con.execute(
                f"CREATE {kind} {name}_all AS SELECT *{filled} FROM read_parquet('{quoted}')"
            )
        return cls(con)

    def cursor(self) -> FactStore:
        """A store on a new cursor of the same database, for another thread."""
        store = FactStore(self.con.cursor(), law_tables=False)
        store._sorted = self._sorted
        store.columnar_index = self.columnar_index
        return store

    def count(self) -> int:
        # fetchall: a result left unfinished would hold the connection (DuckDB 2)
        rows = self.con.execute("SELECT count(*) FROM persons_all").fetchall()
        return int(rows[0][0]) if rows else 0

    def person_facts(self, person_id: str) -> FactTables | None:
        """One person's rows of every fact table, or None if the store has no such person.

        The first call copies each table out sorted by person id; after that a
        lookup is a binary search, a few microseconds whatever the docket's size.
        A snapshot's tables are written sorted (facts/snapshot.py) and read back in
        that order: they are checked, and sorted only if they are not.
        """
        if self._sorted is None:
            self._sorted = {}
            for name in TABLE_NAMES:
                table = self.arrow(f"SELECT * FROM {name}_all")
                if not sorted_by_person(table):
                    table = self.arrow(f"SELECT * FROM {name}_all ORDER BY person_id")
                ids = table.column("person_id").to_numpy(zero_copy_only=False)
                self._sorted[name] = (table, ids)
        tables = {}
        for name, (table, ids) in self._sorted.items():
            lo = int(np.searchsorted(ids, person_id, side="left"))
            hi = int(np.searchsorted(ids, person_id, side="right"))
            tables[name] = table.slice(lo, hi - lo)
        return FactTables(tables) if tables["persons"].num_rows else None

    def replace_persons(self, cursor: duckdb.DuckDBPyConnection, *, suffix: str) -> None:
        """Replace every row of the persons in the cursor's `persons<suffix>` table by the
        rows of its `<name><suffix>` tables, on `cursor`, in its transaction."""
        for name in TABLE_NAMES:
            cursor.execute(
                f"DELETE FROM {name}_all WHERE person_id IN (SELECT person_id FROM persons{suffix})"
            )
            cursor.execute(f"INSERT INTO {name}_all BY NAME SELECT * FROM {name}{suffix}")
        self._sorted = None  # the one-person index is made again on its next use
        self.columnar_index = None

    def arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()
