"""Persons per facility, agreement and case state, kept by the database itself.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Capacity and quota are checked under the writer lock at every handover; counting
the cases held at a facility grows with the facility (CECOT: up to 40,000 rows
per check). `facility_counts` holds the same numbers, maintained by triggers on
`transfer_cases` in the same transaction as every insert and state change, so a
check reads a handful of rows. `accord reconcile` compares them with a count of
the cases.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = """
INSERT INTO facility_counts (facility_id, agreement_id, state, persons)
SELECT coalesce(facility_id, ''), agreement_id, state, count(*)
FROM transfer_cases GROUP BY coalesce(facility_id, ''), agreement_id, state
"""

_PG_FUNCTION = """
CREATE FUNCTION accord_facility_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE facility_counts SET persons = persons - 1
        WHERE facility_id = coalesce(OLD.facility_id, '') AND agreement_id = OLD.agreement_id
          AND state = OLD.state;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO facility_counts AS c (facility_id, agreement_id, state, persons)
        VALUES (coalesce(NEW.facility_id, ''), NEW.agreement_id, NEW.state, 1)
        ON CONFLICT (facility_id, agreement_id, state) DO UPDATE SET persons = c.persons + 1;
    END IF;
    RETURN NULL;
END $$
"""

_PG_TRIGGER = """
CREATE TRIGGER transfer_cases_facility_counts
AFTER INSERT OR DELETE OR UPDATE OF facility_id, agreement_id, state ON transfer_cases
FOR EACH ROW EXECUTE FUNCTION accord_facility_counts()
"""

_SQLITE_ADD = """
INSERT INTO facility_counts (facility_id, agreement_id, state, persons)
VALUES (coalesce(NEW.facility_id, ''), NEW.agreement_id, NEW.state, 1)
ON CONFLICT (facility_id, agreement_id, state) DO UPDATE SET persons = persons + 1;
"""
_SQLITE_REMOVE = """
UPDATE facility_counts SET persons = persons - 1
WHERE facility_id = coalesce(OLD.facility_id, '') AND agreement_id = OLD.agreement_id
  AND state = OLD.state;
"""


def upgrade() -> None:
    op.create_table(
        "facility_counts",
        sa.Column("facility_id", sa.String(length=64), nullable=False),  # '' for none
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=48), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("facility_id", "agreement_id", "state"),
    )
    op.execute(_BACKFILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
        return
    op.execute(
        "CREATE TRIGGER transfer_cases_counts_insert AFTER INSERT ON transfer_cases "
        f"BEGIN {_SQLITE_ADD} END"
    )
    op.execute(
        "CREATE TRIGGER transfer_cases_counts_update "
        "AFTER UPDATE OF facility_id, agreement_id, state ON transfer_cases "
        f"BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END"
    )
    op.execute(
        "CREATE TRIGGER transfer_cases_counts_delete AFTER DELETE ON transfer_cases "
        f"BEGIN {_SQLITE_REMOVE} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER transfer_cases_facility_counts ON transfer_cases")
        op.execute("DROP FUNCTION accord_facility_counts()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER transfer_cases_counts_{name}")
    op.drop_table("facility_counts")
