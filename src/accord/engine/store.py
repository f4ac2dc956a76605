"""Fact tables held in an in-process DuckDB database, ready for compiled rules."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from accord.facts.snapshot import snapshot_paths
from accord.facts.tables import TABLE_NAMES, FactTables


def _literal(value: str | list[str]) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]::VARCHAR[]"
    return "'" + value.replace("'", "''") + "'"


class FactStore:
    """One DuckDB connection holding a docket's fact tables as `<name>_all`.

    One-person statements are prepared once per connection and executed with
    the person id as a parameter. Not thread-safe: use one store per thread
    (see `cursor`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self._prepared: dict[str, str] = {}

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
        paths = snapshot_paths(path)
        con = duckdb.connect()
        kind = "TABLE" if load else "VIEW"
        for name, file in paths.items():
            # A view cannot be prepared with a bound parameter: inline the quoted path.
            quoted = str(file).replace("'", "''")
            con.execute(f"CREATE {kind} {name}_all AS SELECT * FROM read_parquet('{quoted}')")
        return cls(con)

    def cursor(self) -> FactStore:
        """A store on a new cursor of the same database, for another thread.

        Prepared statements belong to a connection, so the cursor prepares its own.
        """
        return FactStore(self.con.cursor())

    def count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM persons_all").fetchone()
        return int(row[0]) if row else 0

    def execute_prepared(self, sql: str, **params: str | list[str]) -> duckdb.DuckDBPyConnection:
        """Execute `sql` as a statement prepared once on this connection.

        DuckDB's EXECUTE takes no bound parameters, so values are inlined as
        quoted SQL literals (strings and lists of strings only).
        """
        name = self._prepared.get(sql)
        if name is None:
            name = f"accord_stmt_{len(self._prepared)}"
            self.con.execute(f"PREPARE {name} AS {sql}")
            self._prepared[sql] = name
        args = ", ".join(f"{key} := {_literal(value)}" for key, value in params.items())
        return self.con.execute(f"EXECUTE {name}({args})")

    def arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()
