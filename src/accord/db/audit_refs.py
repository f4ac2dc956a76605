"""Rows that name an audit entry the chain does not have.

Decision records, operations rows and billing rows keep the seq of the audit
entry written with them (an `audit_seq` column). A row whose seq lies past the
chain's head was inserted without its entry, or the entries after it were cut
from the chain: either way the log no longer accounts for it. The tables are
found in the database itself, so a table added later is checked too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

__all__ = ["RowsPastHead", "rows_past_head"]

AUDIT_SEQ_COLUMN = "audit_seq"


@dataclass(frozen=True)
class RowsPastHead:
    table: str
    rows: int
    highest_seq: int

    def message(self, head_seq: int) -> str:
        return (
            f"{self.table}: {self.rows} row(s) name audit entries past the head "
            f"(up to {self.highest_seq}; the chain ends at {head_seq}): written without "
            "their entries, or entries were cut from the chain"
        )


def tables_with_audit_seq(session: Session) -> list[str]:
    """Every table of the registry with an `audit_seq` column, by name."""
    inspector = inspect(session.connection())
    return sorted(
        name
        for name in inspector.get_table_names()
        if any(c["name"] == AUDIT_SEQ_COLUMN for c in inspector.get_columns(name))
    )


def rows_past_head(session: Session, head_seq: int) -> list[RowsPastHead]:
    """For each table with rows whose audit_seq is past `head_seq`: how many, and the highest."""
    found = []
    for table in tables_with_audit_seq(session):
        # table names come from the database's own catalogue, not from input
        count, highest = session.execute(
            text(
                f'SELECT count(*), max({AUDIT_SEQ_COLUMN}) FROM "{table}" '
                f"WHERE {AUDIT_SEQ_COLUMN} > :head"
            ),
            {"head": head_seq},
        ).one()
        if count:
            found.append(RowsPastHead(table=table, rows=int(count), highest_seq=int(highest)))
    return found
