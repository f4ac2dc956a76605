"""The append-only triggers a migration puts on a table it creates.

On PostgreSQL the function accord_append_only() (created by revision 0001) refuses UPDATE
and DELETE row by row and TRUNCATE by statement; on SQLite, which has no TRUNCATE, a
trigger each refuses UPDATE and DELETE. The trigger names are the schema's: a migration
that ran made them, so they stay as they are.
"""

from __future__ import annotations

from alembic import op


def create_append_only(table: str) -> None:
    """Refuse every UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) on `table`."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION accord_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION accord_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'accord: {event} on {table} refused: "
            "the table is append-only'); END"
        )
