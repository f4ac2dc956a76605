"""Case files as relational fact tables: the form the rules run on."""

from accord.facts.snapshot import read_snapshot, write_snapshot
from accord.facts.tables import FACT_SCHEMAS, FactTables, case_files_to_tables

__all__ = ["FACT_SCHEMAS", "FactTables", "case_files_to_tables", "read_snapshot", "write_snapshot"]
