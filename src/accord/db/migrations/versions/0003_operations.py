"""Transfer operations: missions, transfer cases, the operations event log, incidents, custody.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

The event log, incidents and their resolutions, census reports, consular tasks,
the counsel access log, monitoring visits and return updates are append-only,
like the facts: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
`missions.state` and `transfer_cases.state` are projections of the event log.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.db.migrations.append_only import create_append_only

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)
APPEND_ONLY = (
    "mission_legs",
    "operations_events",
    "incidents",
    "incident_resolutions",
    "census_reports",
    "return_cases",
    "return_updates",
    "consular_tasks",
    "consular_completions",
    "counsel_access_log",
    "monitoring_visits",
    "monitoring_findings",
    "liaison_facilities",
)


def upgrade() -> None:

    op.create_table(
        "census_reports",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reported_count", sa.Integer(), nullable=False),
        sa.Column("registry_count", sa.Integer(), nullable=False),
        sa.Column("reported_at", Stamp, nullable=False),
        sa.Column("reported_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_census_reports_facility_day", "census_reports", ["facility_id", "day"], unique=False
    )

    op.create_table(
        "counsel_access_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("counsel", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("occurred_at", Stamp, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("recorded_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_counsel_access_log_person_id", "counsel_access_log", ["person_id"], unique=False
    )

    op.create_table(
        "liaison_facilities",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", Stamp, nullable=False),
        sa.Column("assigned_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_liaison_facilities_user_id", "liaison_facilities", ["user_id"], unique=False
    )

    op.create_table(
        "missions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("mission_number", sa.String(length=64), nullable=False),
        sa.Column("carrier", sa.String(length=128), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("pathway", sa.String(length=32), nullable=False),
        sa.Column("destination", sa.String(length=2), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("planned_departure", Stamp, nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=48), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("created_by_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mission_number"),
    )
    op.create_table(
        "monitoring_visits",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("recorded_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "mission_legs",
        sa.Column("mission_id", BigId, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("pickup", sa.String(length=128), nullable=False),
        sa.Column("dropoff", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["missions.id"],
        ),
        sa.PrimaryKeyConstraint("mission_id", "seq"),
    )
    op.create_table(
        "monitoring_findings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("visit_id", BigId, nullable=False),
        sa.Column("severity", sa.String(length=48), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["monitoring_visits.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_monitoring_findings_visit_id", "monitoring_findings", ["visit_id"], unique=False
    )

    op.create_table(
        "transfer_cases",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("pathway", sa.String(length=32), nullable=False),
        sa.Column("destination", sa.String(length=2), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=48), nullable=False),
        sa.Column("mission_id", BigId, nullable=True),
        sa.Column("nominated_at", Stamp, nullable=False),
        sa.Column("nominated_by_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["missions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["nominated_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_transfer_cases_custody",
        "transfer_cases",
        ["facility_id", "state", "agreement_id"],
        unique=False,
    )
    op.create_index("ix_transfer_cases_mission", "transfer_cases", ["mission_id"], unique=False)
    op.create_index("ix_transfer_cases_person", "transfer_cases", ["person_id"], unique=False)

    op.create_table(
        "consular_tasks",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["transfer_cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "country"),
    )
    op.create_table(
        "incidents",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("mission_id", BigId, nullable=True),
        sa.Column("case_id", BigId, nullable=True),
        sa.Column("person_id", sa.String(length=128), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("opened_at", Stamp, nullable=False),
        sa.Column("opened_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["transfer_cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["missions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "operations_events",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("case_id", BigId, nullable=True),
        sa.Column("mission_id", BigId, nullable=True),
        sa.Column("person_id", sa.String(length=128), nullable=True),
        sa.Column("facility_id", sa.String(length=64), nullable=True),
        sa.Column("from_state", sa.String(length=48), nullable=True),
        sa.Column("to_state", sa.String(length=48), nullable=True),
        sa.Column("reason_code", sa.String(length=48), nullable=True),
        sa.Column("occurred_at", Stamp, nullable=False),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("recorded_by_id", BigId, nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("decision_record_id", BigId, nullable=True),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["transfer_cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decision_record_id"],
            ["decision_records.id"],
        ),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["missions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_operations_events_case", "operations_events", ["case_id", "id"], unique=False
    )
    op.create_index(
        "ix_operations_events_facility",
        "operations_events",
        ["facility_id", "kind", "occurred_at"],
        unique=False,
    )
    op.create_index(
        "ix_operations_events_mission", "operations_events", ["mission_id", "id"], unique=False
    )

    op.create_table(
        "return_cases",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("case_id", BigId, nullable=True),
        sa.Column("court", sa.Text(), nullable=False),
        sa.Column("order_reference", sa.Text(), nullable=False),
        sa.Column("ordered_on", sa.Date(), nullable=False),
        sa.Column("opened_at", Stamp, nullable=False),
        sa.Column("opened_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["transfer_cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_return_cases_person_id", "return_cases", ["person_id"], unique=False)

    op.create_table(
        "consular_completions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("task_id", BigId, nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("recorded_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["consular_tasks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id"),
    )
    op.create_table(
        "incident_resolutions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("incident_id", BigId, nullable=False),
        sa.Column("reason_code", sa.String(length=48), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("resolved_at", Stamp, nullable=False),
        sa.Column("resolved_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id"),
    )
    op.create_table(
        "return_updates",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("return_case_id", BigId, nullable=False),
        sa.Column("status", sa.String(length=48), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("recorded_by_id", BigId, nullable=False),
        sa.Column("audit_seq", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["return_case_id"],
            ["return_cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_return_updates_return_case_id", "return_updates", ["return_case_id"], unique=False
    )
    for table in APPEND_ONLY:  # accord_append_only() was created by revision 0001
        create_append_only(table)


def downgrade() -> None:
    raise NotImplementedError("the operations log is append-only and cannot be downgraded")
