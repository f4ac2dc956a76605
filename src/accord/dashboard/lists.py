"""The dashboard's long lists as listing.Listing definitions with their SELECT statements.

Each statement selects labelled columns, one per column key (listing.labelled: a mapped
attribute by its name, an expression by its keyword); the listing filters, sorts
and pages it in SQL. People: registry/search.py's statement (name, date of birth,
nationality, latest case), searched when the user typed something.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Numeric, case, cast, func, select
from sqlalchemy.orm import aliased

from accord.agreements import bundled_agreements
from accord.auth import User
from accord.auth.models import ApiToken, Enrolment
from accord.billing.models import CreditNote, Invoice
from accord.dashboard.labels import options
from accord.dashboard.listing import (
    AnySelect,
    Choice,
    Column,
    DateRange,
    Listing,
    Text,
    labelled,
)
from accord.law_entries.models import LawEntryRecord
from accord.operations.models import (
    LiaisonFacility,
    Mission,
    MonitoringFinding,
    MonitoringVisit,
    OperationsEvent,
    TransferCase,
)
from accord.operations.states import CaseState
from accord.registry.models import CURRENT_PERSONS


def _agreements() -> list[tuple[str, str]]:
    return [(a, a) for a in sorted(bundled_agreements())]


def _facilities() -> list[tuple[str, str]]:
    found = {f.id for a in bundled_agreements().values() for f in a.facilities}
    return [(f, f) for f in sorted(found)]


def latest_state_is(state: str) -> Any:
    """The person's newest transfer case is in `state` (set-based, for the people filter)."""
    newer = aliased(TransferCase)
    latest = select(TransferCase.person_id).where(
        TransferCase.state == state,
        ~select(newer.id)
        .where(newer.person_id == TransferCase.person_id, newer.id > TransferCase.id)
        .exists(),
    )
    return CURRENT_PERSONS.c.person_id.in_(latest)


_LATEST_STATE = Column(
    "latest_state",
    "Latest case",
    filter=Choice(options("case_state"), any_label="Any (or none)"),
    label_kind="case_state",
    where=latest_state_is,
    sortable=False,  # a per-person subquery: sorting 100,000 of them is not a page's work
)
_PERSON = Column("person_id", "Person id", mask=True, href="/people/{person_id}")
_NATIONALITY = Column("nationality", "Nationality", sortable=False)
_RANK = Column("rank", "Match", numeric=True, csv=False)

PEOPLE = Listing(
    columns=(
        _PERSON,
        Column("name", "Name"),
        Column("birth_date", "Date of birth"),
        _NATIONALITY,
        _LATEST_STATE,
    ),
    default_sort="person_id",
    unique="person_id",
)
PEOPLE_FOUND = Listing(  # ranked by how well they match what was typed
    columns=(
        _PERSON,
        Column("name", "Name"),
        Column("birth_date", "Date of birth"),
        _NATIONALITY,
        _LATEST_STATE,
        _RANK,
    ),
    default_sort="-rank",
    unique="person_id",
)
PEOPLE_MASKED = Listing(  # analysts: no name, no date of birth, masked ids
    columns=(_PERSON, _NATIONALITY, _LATEST_STATE),
    default_sort="person_id",
    unique="person_id",
)

CASES = Listing(
    columns=(
        Column("id", "Case", numeric=True),
        Column("person_id", "Person", mask=True, href="/people/{person_id}#case-{id}"),
        Column("state", "State", filter=Choice(options("case_state")), label_kind="case_state"),
        Column("agreement_id", "Agreement", filter=Choice(_agreements())),
        Column("pathway", "Pathway", filter=Choice(options("pathway")), label_kind="pathway"),
        Column("destination", "To"),
        Column("facility_id", "Facility", filter=Choice(_facilities())),
        Column("nominated_at", "Nominated", filter=DateRange()),
        Column("nominated_by", "Nominated by"),
    ),
    default_sort="-id",
    unique="id",
)


def cases_statement() -> AnySelect:
    return labelled(
        TransferCase.id,
        TransferCase.person_id,
        TransferCase.state,
        TransferCase.agreement_id,
        TransferCase.pathway,
        TransferCase.destination,
        TransferCase.facility_id,
        TransferCase.nominated_at,
        nominated_by=User.name,
    ).join(User, User.id == TransferCase.nominated_by_id)


def _mission_events(kind: str) -> Any:
    return (
        select(func.count())
        .where(OperationsEvent.mission_id == Mission.id, OperationsEvent.kind == kind)
        .scalar_subquery()
    )


MISSIONS = Listing(
    columns=(
        Column("mission_number", "Mission", href="/missions/{mission_number}", filter=Text()),
        Column("carrier", "Carrier", filter=Text()),
        Column("agreement_id", "Agreement", filter=Choice(_agreements())),
        Column("pathway", "Pathway", filter=Choice(options("pathway")), label_kind="pathway"),
        Column("facility_id", "Facility", filter=Choice(_facilities())),
        Column("planned_departure", "Planned departure", filter=DateRange()),
        Column("seats", "Seats", numeric=True),
        Column("on_manifest", "On manifest", numeric=True, sortable=False),
        Column("departed", "Departed", numeric=True, sortable=False),
        Column("received", "Received", numeric=True, sortable=False),
        Column(
            "state",
            "State",
            filter=Choice(options("mission_state")),
            label_kind="mission_state",
        ),
    ),
    default_sort="-planned_departure",
    unique="mission_number",
)


def missions_statement() -> AnySelect:
    on_manifest = (
        select(func.count())
        .where(
            TransferCase.mission_id == Mission.id,
            TransferCase.state == CaseState.MANIFESTED.value,
        )
        .scalar_subquery()
    )
    return labelled(
        Mission.mission_number,
        Mission.carrier,
        Mission.agreement_id,
        Mission.pathway,
        Mission.facility_id,
        Mission.planned_departure,
        Mission.seats,
        Mission.state,
        on_manifest=on_manifest,
        departed=_mission_events("departed"),
        received=_mission_events("handover_received"),
    )


_TOTAL = cast(Invoice.total, Numeric(18, 2))
INVOICES = Listing(
    columns=(
        Column("id", "Number", numeric=True),
        Column("agreement_id", "Agreement", filter=Choice(_agreements())),
        Column("agreement_version", "Version", numeric=True),
        Column("month", "Month", filter=Text(prefix=True, hint="For example 2026-03")),
        Column("period_start", "Period from"),
        Column("period_end", "Period to"),
        Column("line_count", "Lines", numeric=True),
        Column("currency", "Currency"),
        Column("total", "Total", numeric=True, expr=_TOTAL),
        Column("credited", "Credited", numeric=True, sortable=False),
        Column("issued_at", "Issued", filter=DateRange()),
        Column("issued_by", "Issued by"),
    ),
    default_sort="-id",
    unique="id",
)


def invoices_statement() -> AnySelect:
    credited = (
        select(func.coalesce(func.sum(cast(CreditNote.amount, Numeric(18, 2))), 0))
        .where(CreditNote.invoice_id == Invoice.id)
        .scalar_subquery()
    )
    return labelled(
        Invoice.id,
        Invoice.agreement_id,
        Invoice.agreement_version,
        Invoice.month,
        Invoice.period_start,
        Invoice.period_end,
        Invoice.line_count,
        Invoice.currency,
        Invoice.total,
        Invoice.issued_at,
        credited=credited,
        issued_by=User.name,
    ).join(User, User.id == Invoice.issued_by_id)


LAW_ENTRIES = Listing(
    columns=(
        Column("id", "Entry", numeric=True),
        Column(
            "kind",
            "Kind",
            filter=Choice(options("law_entry_kind")),
            label_kind="law_entry_kind",
        ),
        Column("subject", "Subject", filter=Text()),
        Column("effective_on", "In effect from", filter=DateRange()),
        Column("entered_by", "Entered by"),
        Column("recorded_at", "Recorded"),
        Column("source_document_name", "Source document", href="/api/v1/law/entries/{id}/document"),
        Column("source_document_sha256", "SHA-256", sortable=False),
    ),
    default_sort="id",
    unique="id",
)


def law_entries_statement() -> AnySelect:
    return labelled(
        LawEntryRecord.id,
        LawEntryRecord.kind,
        LawEntryRecord.subject,
        LawEntryRecord.effective_on,
        LawEntryRecord.recorded_at,
        LawEntryRecord.source_document_name,
        LawEntryRecord.source_document_sha256,
        entered_by=User.name,
    ).join(User, User.id == LawEntryRecord.recorded_by_id)


VISITS = Listing(
    columns=(
        Column("id", "Visit", numeric=True),
        Column("facility_id", "Facility", filter=Choice(_facilities())),
        Column("visited_on", "Visited on", filter=DateRange()),
        Column("summary", "Summary", filter=Text(), sortable=False),
        Column("findings", "Findings", numeric=True, sortable=False),
        Column("recorded_by", "Recorded by"),
        Column("recorded_at", "Recorded"),
    ),
    default_sort="-visited_on",
    unique="id",
)


def visits_statement() -> AnySelect:
    findings = (
        select(func.count())
        .where(MonitoringFinding.visit_id == MonitoringVisit.id)
        .scalar_subquery()
    )
    return labelled(
        MonitoringVisit.id,
        MonitoringVisit.facility_id,
        MonitoringVisit.visited_on,
        MonitoringVisit.summary,
        MonitoringVisit.recorded_at,
        findings=findings,
        recorded_by=User.name,
    ).join(User, User.id == MonitoringVisit.recorded_by_id)


TOKEN_STATES = [("active", "Active"), ("revoked", "Revoked")]  # a token does not expire


def tokens_listing(user_names: Sequence[str]) -> Listing:
    """The API tokens (admin), newest first: by their public key id, never a secret; the
    user filter offers the registry's users (so it is made per request)."""
    return Listing(
        columns=(
            Column("key_id", "Key id", filter=Text(prefix=True)),
            Column("user", "User", filter=Choice([(n, n) for n in user_names])),
            Column("state", "State", filter=Choice(TOKEN_STATES)),
            Column("created_at", "Issued", filter=DateRange()),
            Column("created_by", "Issued by"),
            Column("revoked_at", "Revoked"),
        ),
        default_sort="-created_at",
        unique="key_id",
    )


def tokens_statement() -> AnySelect:
    issuer = aliased(User)
    revoked = ApiToken.revoked_at.is_not(None)
    return (
        labelled(
            ApiToken.key_id,
            ApiToken.created_at,
            ApiToken.revoked_at,
            user=User.name,
            state=case((revoked, "revoked"), else_="active"),
            created_by=issuer.name,
        )
        .join(User, User.id == ApiToken.user_id)
        .join(issuer, issuer.id == ApiToken.created_by_id)
    )


# how a user can act now, as auth/accounts.py UserRow computes it (and the page words it)
USER_STATES = [
    ("active", "Active"),
    ("pending", "Enrolment code not yet redeemed"),
    ("disabled", "Disabled"),
]


def users_listing(role_options: Sequence[tuple[str, str]]) -> Listing:
    """Every user (admin), by name: role, live tokens, how they can act now, when added."""
    return Listing(
        columns=(
            Column("name", "Name", filter=Text(), href="/admin/users/{name}"),
            Column("role", "Role", filter=Choice(role_options)),
            Column("live_tokens", "Live tokens", numeric=True),
            Column("status", "Status", filter=Choice(USER_STATES)),
            Column("added", "Added", filter=DateRange()),
            Column("added_by", "Added by"),
        ),
        default_sort="name",
        unique="name",
    )


def users_statement(now: dt.datetime) -> AnySelect:
    """The users with auth/accounts.py user_rows()'s counts, per row (a list of users is
    short): live tokens (not revoked) and pending enrolments (not redeemed, unexpired at
    `now`); the status from them: a live token first, then a code waiting, else disabled."""
    live_tokens = (
        select(func.count())
        .where(ApiToken.user_id == User.id, ApiToken.revoked_at.is_(None))
        .scalar_subquery()
    )
    pending = (
        select(func.count())
        .where(
            Enrolment.user_id == User.id,
            Enrolment.redeemed_at.is_(None),
            Enrolment.expires_at > now,
        )
        .scalar_subquery()
    )
    status = case((live_tokens > 0, "active"), (pending > 0, "pending"), else_="disabled")
    creator = aliased(User)
    return labelled(
        User.name,
        User.role,
        live_tokens=live_tokens,
        status=status,
        added=User.created_at,
        added_by=creator.name,
    ).outerjoin(creator, creator.id == User.created_by_id)


def liaisons_listing(liaison_names: Sequence[str], facility_ids: Sequence[str]) -> Listing:
    """Which facility each receiving liaison acts for (admin), oldest assignment first; the
    filters offer the liaisons and the facilities (so it is made per request)."""
    return Listing(
        columns=(
            Column("id", "Assignment", numeric=True, hidden=True),
            Column("liaison", "Liaison", filter=Choice([(n, n) for n in liaison_names])),
            Column("facility", "Facility", filter=Choice([(f, f) for f in facility_ids])),
            Column("assigned", "Assigned", filter=DateRange()),
            Column("assigned_by", "Assigned by"),
        ),
        default_sort="assigned",
        unique="id",
    )


def liaisons_statement() -> AnySelect:
    assigner = aliased(User)
    return (
        labelled(
            LiaisonFacility.id,
            liaison=User.name,
            facility=LiaisonFacility.facility_id,
            assigned=LiaisonFacility.assigned_at,
            assigned_by=assigner.name,
        )
        .join(User, User.id == LiaisonFacility.user_id)
        .join(assigner, assigner.id == LiaisonFacility.assigned_by_id)
    )


__all__ = [
    "CASES",
    "INVOICES",
    "LAW_ENTRIES",
    "MISSIONS",
    "PEOPLE",
    "PEOPLE_FOUND",
    "PEOPLE_MASKED",
    "TOKEN_STATES",
    "USER_STATES",
    "VISITS",
    "cases_statement",
    "invoices_statement",
    "law_entries_statement",
    "liaisons_listing",
    "liaisons_statement",
    "missions_statement",
    "tokens_listing",
    "tokens_statement",
    "users_listing",
    "users_statement",
    "visits_statement",
]
