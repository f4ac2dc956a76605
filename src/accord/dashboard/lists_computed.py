"""Lists computed in Python (listing_rows.py), not selected in SQL: impact's persons and cases
(the weighed change: impact/service.py) and the liaison's expected arrivals (names and dates
of birth from the documents' identities, beside the cases).

Each list is a `Listing` whose choices are what the data offers (the requests weighed, the
missions arriving), so it is built per request; its rows are dicts, one key per column, and
a hidden `seq` keeps the order the page showed before (request then person; state then case;
mission then case) as the default sort and the tie-break.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from accord.dashboard.labels import options
from accord.dashboard.listing import Choice, Column, Listing, Text
from accord.impact.compute import RequestImpact
from accord.impact.operations import STATE_GROUPS, CaseImpact

PAGE_SIZE = 50  # rows per page of each list here
Row = dict[str, Any]


def _seq() -> Column:
    return Column("seq", "Order", numeric=True, hidden=True)


# --- impact: persons whose outcome changes -------------------------------------------------


def request_label(impact: RequestImpact) -> str:
    """agreement · pathway · destination/facility, as the page names a request."""
    r = impact.request
    where = r.destination + (f"/{r.facility_id}" if r.facility_id else "")
    return f"{r.agreement_id} · {r.pathway} · {where}"


def impact_persons_listing(requests: Sequence[RequestImpact]) -> Listing:
    outcomes = options("outcome")
    return Listing(
        columns=(
            _seq(),
            Column(
                "request",
                "Request",
                filter=Choice([(request_label(r), request_label(r)) for r in requests]),
            ),
            Column(
                "person_id",
                "Person",
                mask=True,
                href="/people/{person_id}",
                filter=Text(prefix=True, hint="The start of a person id, e.g. ve-0"),
            ),
            Column("before", "Before", label_kind="outcome", filter=Choice(outcomes)),
            Column("after", "After", label_kind="outcome", filter=Choice(outcomes)),
            Column("rules", "Rules changed", filter=Text(hint="A rule id, e.g. no_class")),
        ),
        default_sort="seq",
        unique="seq",
        page_size=PAGE_SIZE,
    )


def impact_person_rows(requests: Iterable[RequestImpact]) -> list[Row]:
    """Every person whose outcome changes, for every request (not the first few: the list
    pages them)."""
    rows: list[Row] = []
    for impact in requests:
        label = request_label(impact)
        for change in impact.changes:
            rules = "; ".join(f"{x.rule}: {x.before} → {x.after}" for x in change.rules)
            rows.append(
                {
                    "seq": len(rows) + 1,
                    "request": label,
                    "person_id": change.person_id,
                    "before": change.before,
                    "after": change.after,
                    "rules": rules,
                }
            )
    return rows


# --- impact: transfer cases touched ----------------------------------------------------------

# the outcomes of a case's request, and "unchanged" for a class member whose outcome stays
CASE_OUTCOMES = [*options("outcome"), ("unchanged", "Unchanged")]


def impact_cases_listing() -> Listing:
    groups = [(label, label) for _, label in STATE_GROUPS]
    return Listing(
        columns=(
            _seq(),
            Column("group", "State", filter=Choice(groups)),
            Column("case_id", "Case", numeric=True, href="/people/{person_id}#case-{case_id}"),
            Column(
                "person_id",
                "Person",
                mask=True,
                href="/people/{person_id}",
                filter=Text(prefix=True, hint="The start of a person id, e.g. ve-0"),
            ),
            Column("mission", "Mission", href="/missions/{mission}", filter=Text()),
            Column("planned_departure", "Planned departure"),
            Column("before", "Before", label_kind="outcome", filter=Choice(CASE_OUTCOMES)),
            Column("after", "After", label_kind="outcome", filter=Choice(CASE_OUTCOMES)),
            Column("class_member", "Class member"),
        ),
        default_sort="seq",
        unique="seq",
        page_size=PAGE_SIZE,
    )


def impact_case_rows(cases: Iterable[CaseImpact]) -> list[Row]:
    """Every transfer case the change touches, in the order of the states (impact's own)."""
    groups = dict(STATE_GROUPS)
    return [
        {
            "seq": n,
            "group": groups[c.case.state],
            "case_id": c.case.case_id,
            "person_id": c.case.person_id,
            "mission": c.case.mission,
            "planned_departure": c.case.planned_departure,
            "before": c.before,
            "after": c.after,
            "class_member": "yes" if c.member else "no",
        }
        for n, c in enumerate(cases, start=1)
    ]


# --- the liaison's expected arrivals ---------------------------------------------------------

# where each person of an arriving mission is, as the door sees it
ARRIVAL_STATUSES = [
    ("waiting", "Waiting"),
    ("arrived", "Arrived"),
    ("returned on board", "Returned on board"),
]


def arrival_status(case_state: str) -> str:
    if case_state == "departed":
        return "waiting"
    return "returned on board" if case_state == "returned_on_board" else "arrived"


def arrivals_listing(missions: Sequence[str]) -> Listing:
    return Listing(
        columns=(
            _seq(),
            Column("name", "Name", filter=Text()),
            Column("person_id", "Person", mask=True),
            Column("birth_date", "Date of birth"),
            Column("nationality", "Nationality"),
            Column("case_id", "Case", numeric=True),
            Column("mission", "Mission", filter=Choice([(m, m) for m in missions])),
            Column("status", "Status", filter=Choice(ARRIVAL_STATUSES)),
        ),
        default_sort="seq",
        unique="seq",
        page_size=PAGE_SIZE,
    )


def arrival_rows(arrivals: Iterable[Mapping[str, Any]]) -> list[Row]:
    """Every passenger of the missions arriving (views_liaison._arrivals: each mission with
    its passengers, a case and an identity each), in the missions' order."""
    rows: list[Row] = []
    for arrival in arrivals:
        for passenger in arrival["passengers"]:
            case, who = passenger["case"], passenger["who"]
            known = who.nationalities
            rows.append(
                {
                    "seq": len(rows) + 1,
                    "name": who.name or "name not recorded",
                    "person_id": case.person_id,
                    "birth_date": who.birth_date,
                    "nationality": "not known" if known is None else ", ".join(known) or "none",
                    "case_id": case.id,
                    "mission": arrival["mission"].mission_number,
                    "status": arrival_status(case.state),
                }
            )
    return rows
