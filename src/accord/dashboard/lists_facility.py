"""The oversight pages' lists: who is held at a facility (SQL), the open court-order alerts
and reconcile's violations (computed in Python, listing_rows.py).

Listing definitions, the held persons' SELECT and the rows of the two Python lists; the
routes are views.py's `facility` and `reconcile` and views_alerts.py's `alerts`. The
listings are made per request where a filter offers what the registry holds (the
agreements of the facility, the orders with something open); PAGE_SIZE is theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select

from accord.dashboard.labels import options
from accord.dashboard.listing import AnySelect, Choice, Column, Listing, Text
from accord.operations.law_change_open import OpenAct
from accord.operations.models import Mission, OperationsEvent, TransferCase
from accord.operations.results import Violation
from accord.operations.states import CaseState

PAGE_SIZE = 50

# --- GET /facilities/{id}: held now --------------------------------------------------------


def held_listing(agreement_ids: Sequence[str]) -> Listing:
    """The persons in custody at a facility, by person id; the agreement filter offers the
    agreements that name the facility."""
    return Listing(
        columns=(
            Column("person_id", "Person", mask=True, filter=Text(prefix=True)),
            Column("id", "Case", numeric=True),
            Column("agreement_id", "Agreement", filter=Choice([(a, a) for a in agreement_ids])),
            Column("mission", "Mission"),
            Column("since", "In custody since"),
        ),
        default_sort="person_id",
        unique="id",
        page_size=PAGE_SIZE,
    )


def held_statement(facility_id: str) -> AnySelect:
    """Cases in custody at `facility_id` (as the agreements spell it, as cases store it: the
    custody index), with the mission that flew the person and when the case last entered
    custody (a per-row subquery over the case's events by their case index: run for the
    rows of a page, or for all of them when sorted by it or downloaded).

    The facility and state are the condition of a derived table, not the statement's WHERE:
    listing.py counts a list without a WHERE apart (an index count) and reads a page's keys
    in index order, where a filtered list gets a window count that sorts every row (40,000
    held at CECOT: 250 ms a page instead of 10 ms; PostgreSQL flattens the derived table)."""
    held = (
        select(TransferCase)
        .where(
            TransferCase.facility_id == facility_id,
            TransferCase.state == CaseState.IN_CUSTODY.value,
        )
        .subquery("held")
    )
    since = (
        select(func.max(OperationsEvent.occurred_at))
        .where(
            OperationsEvent.case_id == held.c.id,
            OperationsEvent.to_state == CaseState.IN_CUSTODY.value,
        )
        .scalar_subquery()
    )
    return (
        select(
            held.c.person_id.label("person_id"),
            held.c.id.label("id"),
            held.c.agreement_id.label("agreement_id"),
            Mission.mission_number.label("mission"),
            since.label("since"),
        )
        .select_from(held)
        .outerjoin(Mission, Mission.id == held.c.mission_id)
    )


def held_count(
    listing: Listing, statement: AnySelect, params: Mapping[str, str], *, masked: bool
) -> AnySelect:
    """SELECT count(*) of the list as filtered by `params` (the download's audit entry)."""
    filtered = listing.filtered(statement, listing.filters(params, masked=masked))
    return filtered.with_only_columns(func.count(), maintain_column_froms=True)


# --- GET /alerts: open court-order incidents and return cases ------------------------------

OPEN_WHAT = [("incident", "Incident"), ("return case", "Return case")]
MEMBERSHIP = [
    ("in_class", "in the class"),
    ("unknown", "not known: a legal reviewer must establish it"),
]


def alerts_listing(orders: Sequence[str]) -> Listing:
    """Open incidents and return cases in the order they were opened; `orders`: the court
    orders with something open (the order filter's options)."""
    return Listing(
        columns=(
            Column("opened", "Order opened", numeric=True, hidden=True),
            Column("what", "Open", filter=Choice(OPEN_WHAT), hidden=True),
            Column("open", "Open", sortable=False),  # "incident 10" sorts before "incident 9"
            Column("person_id", "Person", mask=True, filter=Text(prefix=True)),
            Column("mission", "Mission"),
            Column("order", "Court order", filter=Choice([(o, o) for o in orders])),
            Column("law_entry", "Law entry", numeric=True),
            Column("membership", "Class membership", filter=Choice(MEMBERSHIP)),
        ),
        default_sort="opened",
        unique="opened",
        page_size=PAGE_SIZE,
    )


def alert_rows(acts: Sequence[OpenAct], missions: Mapping[int, str]) -> list[dict[str, Any]]:
    """One row per open act; `missions`: mission number by id. `link` is the record's page."""
    rows: list[dict[str, Any]] = []
    for number, act in enumerate(acts, start=1):
        page = (
            f"/monitoring/incidents/{act.id}"
            if act.what == "incident"
            else f"/monitoring/returns?id={act.id}"
        )
        rows.append(
            {
                "opened": number,
                "what": act.what,
                "open": f"{act.what} {act.id}",
                "link": page,
                "person_id": act.person_id,
                "mission": missions.get(act.mission_id) if act.mission_id is not None else None,
                "order": act.order,
                "law_entry": act.law_entry,
                "membership": act.membership,
            }
        )
    return rows


def membership_words(code: str) -> str:
    return dict(MEMBERSHIP).get(code, code)


# --- GET /reconcile: violations ------------------------------------------------------------


def violations_listing() -> Listing:
    """Reconcile's violations in the order it found them."""
    return Listing(
        columns=(
            Column("found", "Found", numeric=True, hidden=True),
            Column(
                "code", "Violation", filter=Choice(options("violation")), label_kind="violation"
            ),
            Column("record", "Record", filter=Text()),
            Column("message", "What", filter=Text()),
        ),
        default_sort="found",
        unique="found",
        page_size=PAGE_SIZE,
    )


def violation_rows(
    violations: Sequence[Violation], links: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One row per violation; `link`: the page of the record it names (reads.subject_links)."""
    return [
        {
            "found": number,
            "code": v.code,
            "record": v.subject,
            "message": v.message,
            "link": links.get(v.subject),
        }
        for number, v in enumerate(violations, start=1)
    ]


__all__ = [
    "MEMBERSHIP",
    "OPEN_WHAT",
    "PAGE_SIZE",
    "alert_rows",
    "alerts_listing",
    "held_count",
    "held_listing",
    "held_statement",
    "membership_words",
    "violation_rows",
    "violations_listing",
]
