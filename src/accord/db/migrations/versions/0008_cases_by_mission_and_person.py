"""Transfer cases found by mission and person with one index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

A handover reads the cases of the persons named on one mission. With an index
on the mission and another on the person, PostgreSQL combined the two (a
BitmapAnd over every case of the mission: 25,000 index entries for an aircraft
of that size, a millisecond at each handover, under the writer's transaction).
One index on (mission, person) finds each case directly, and still serves every
query by mission alone, so it replaces the index on the mission.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_transfer_cases_mission_person", "transfer_cases", ["mission_id", "person_id"]
    )
    op.drop_index("ix_transfer_cases_mission", table_name="transfer_cases")


def downgrade() -> None:
    op.create_index("ix_transfer_cases_mission", "transfer_cases", ["mission_id"])
    op.drop_index("ix_transfer_cases_mission_person", table_name="transfer_cases")
