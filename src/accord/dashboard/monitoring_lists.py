"""The monitor's lists: incidents, consular notification tasks, counsel access, return cases.

Listing definitions with their statements (see listing.py); the routes are in
views_monitoring.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import aliased

from accord.auth import User
from accord.dashboard.labels import options
from accord.dashboard.listing import (
    AnySelect,
    Choice,
    Column,
    DateRange,
    Exact,
    Listing,
    Text,
    labelled,
)
from accord.operations.models import (
    ConsularCompletion,
    ConsularTask,
    CounselAccess,
    Incident,
    IncidentResolution,
    Mission,
    ReturnCase,
    ReturnUpdate,
)
from accord.operations.states import ReturnStatus

# Vienna Convention art. 36: notification "without delay"; the U.S. State Department's
# guidance (Consular Notification and Access manual) reads that as within 72 hours.
CONSULAR_DUE = dt.timedelta(days=3)


def _incident_open(value: str) -> ColumnElement[bool]:
    resolved = select(IncidentResolution.id).where(IncidentResolution.incident_id == Incident.id)
    return ~resolved.exists() if value == "open" else resolved.exists()


INCIDENTS = Listing(
    columns=(
        Column(
            "id",
            "Incident",
            numeric=True,
            href="/monitoring/incidents/{id}",
            filter=Exact(whole=True),
        ),
        Column(
            "status",
            "Status",
            filter=Choice(options("incident_status")),
            label_kind="incident_status",
            where=_incident_open,
        ),
        Column("kind", "Kind", filter=Choice(options("incident_kind")), label_kind="incident_kind"),
        Column("mission_number", "Mission", href="/missions/{mission_number}", filter=Text()),
        Column("case_id", "Case", numeric=True),
        Column("person_id", "Person", mask=True, href="/people/{person_id}"),
        Column("description", "What happened", sortable=False),
        Column("opened_at", "Opened", filter=DateRange()),
        Column("resolution", "Resolved as", label_kind="resolution_reason", sortable=False),
        Column("resolved_at", "Resolved"),
    ),
    default_sort="-id",
    unique="id",
)


def incidents_statement() -> AnySelect:
    resolution = aliased(IncidentResolution)
    return (
        labelled(
            Incident.id,
            Incident.kind,
            Mission.mission_number,
            Incident.case_id,
            Incident.person_id,
            Incident.description,
            Incident.opened_at,
            resolution.resolved_at,
            status=case((resolution.id.is_(None), "open"), else_="resolved"),
            resolution=resolution.reason_code,
        )
        .outerjoin(resolution, resolution.incident_id == Incident.id)
        .outerjoin(Mission, Mission.id == Incident.mission_id)
    )


CONSULAR = Listing(
    columns=(
        Column("urgency", "Urgency", hidden=True),
        Column("id", "Task", numeric=True),
        Column(
            "status",
            "Status",
            filter=Choice([("overdue", "Overdue"), ("open", "Open"), ("notified", "Notified")]),
            sortable=False,
        ),
        Column("case_id", "Case", numeric=True),
        Column("person_id", "Person", mask=True, href="/people/{person_id}"),
        Column("country", "Consulate of", filter=Text(prefix=True)),
        Column("facility_id", "Facility", href="/facilities/{facility_id}"),
        Column("created_at", "Owed since", filter=DateRange()),
        Column("notified_on", "Notified on"),
    ),
    default_sort="urgency",  # overdue first, then open, then done; oldest first in each
    unique="id",
)


def consular_statement(now: dt.datetime) -> AnySelect:
    done = ConsularCompletion.id.is_not(None)
    overdue = ConsularTask.created_at < now - CONSULAR_DUE
    urgency = case((done, 2), (overdue, 0), else_=1)
    status = case((done, "notified"), (overdue, "overdue"), else_="open")
    return labelled(
        ConsularTask.id,
        ConsularTask.case_id,
        ConsularTask.person_id,
        ConsularTask.country,
        ConsularTask.facility_id,
        ConsularTask.created_at,
        ConsularCompletion.notified_on,
        urgency=urgency,
        status=status,
    ).outerjoin(ConsularCompletion, ConsularCompletion.task_id == ConsularTask.id)


COUNSEL = Listing(
    columns=(
        Column("id", "Entry", numeric=True),
        Column("person_id", "Person", mask=True, href="/people/{person_id}"),
        Column("counsel", "Counsel", filter=Text()),
        Column(
            "kind", "Contact", filter=Choice(options("counsel_access")), label_kind="counsel_access"
        ),
        Column("occurred_at", "When", filter=DateRange()),
        Column("note", "Note", sortable=False),
        Column("recorded_by", "Recorded by"),
    ),
    default_sort="-occurred_at",
    unique="id",
)


def counsel_statement() -> AnySelect:
    return labelled(
        CounselAccess.id,
        CounselAccess.person_id,
        CounselAccess.counsel,
        CounselAccess.kind,
        CounselAccess.occurred_at,
        CounselAccess.note,
        recorded_by=User.name,
    ).join(User, User.id == CounselAccess.recorded_by_id)


def return_status() -> Any:
    latest = (
        select(ReturnUpdate.status)
        .where(ReturnUpdate.return_case_id == ReturnCase.id)
        .order_by(ReturnUpdate.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(latest, ReturnStatus.OPEN.value)


RETURNS = Listing(
    columns=(
        Column("id", "Return case", numeric=True, filter=Exact(whole=True)),
        Column(
            "status", "Status", filter=Choice(options("return_status")), label_kind="return_status"
        ),
        Column("person_id", "Person", mask=True, href="/people/{person_id}"),
        Column("case_id", "Case", numeric=True),
        Column("court", "Court", filter=Text()),
        Column("order_reference", "Order", sortable=False),
        Column("ordered_on", "Ordered on", filter=DateRange()),
        Column("opened_at", "Opened"),
    ),
    default_sort="-id",
    unique="id",
)


def returns_statement() -> AnySelect:
    return labelled(
        ReturnCase.id,
        ReturnCase.person_id,
        ReturnCase.case_id,
        ReturnCase.court,
        ReturnCase.order_reference,
        ReturnCase.ordered_on,
        ReturnCase.opened_at,
        status=return_status(),
    )
