"""What stays open after a court order acted on operations (law_change.py): the incidents
and return cases it opened and not yet resolved (read by reconcile and the dashboard), and
the engine's check of an incident resolved as `not_in_class`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.auth import User
from accord.decisions.service import decide_from_registry
from accord.errors import RuleOfLawBlock
from accord.law_entries.service import registry_law
from accord.operations.care import return_status
from accord.operations.law_change import (
    ACTED,
    OPERATIONS_PROFILE,
    ORDER_INCIDENTS,
    case_request,
    membership,
)
from accord.operations.models import (
    Incident,
    IncidentResolution,
    OperationsEvent,
    ReturnCase,
    TransferCase,
)
from accord.operations.states import ReturnStatus


@dataclass(frozen=True)
class OpenAct:
    """An incident or return case opened for an order and not yet resolved."""

    what: str  # "incident" or "return case"
    id: int
    person_id: str
    case_id: int
    mission_id: int | None
    order: str
    law_entry: int | None
    membership: str


def open_acts(session: Session) -> list[OpenAct]:
    """Every incident and return case opened for a court order that is still open. Read
    from the incidents and return cases (small tables), then their cases' events by the
    case index: the dashboard asks on every page a legal reviewer opens."""
    cases = set(
        session.scalars(select(Incident.case_id).where(Incident.kind.in_(sorted(ORDER_INCIDENTS))))
    ) | set(session.scalars(select(ReturnCase.case_id)))
    cases.discard(None)
    if not cases:
        return []
    events = list(
        session.scalars(
            select(OperationsEvent)
            .where(OperationsEvent.case_id.in_(sorted(cases)), OperationsEvent.kind == ACTED)
            .order_by(OperationsEvent.id)
        )
    )
    resolved = set(session.scalars(select(IncidentResolution.incident_id)))
    out: list[OpenAct] = []
    for event in events:
        d = event.details
        entry = int(d["law_entry"]) if d.get("law_entry") is not None else None
        opened = [("incident", int(d["incident"]))]
        if d.get("return_case") is not None:
            opened.append(("return case", int(d["return_case"])))
        for what, number in opened:
            if what == "incident" and number in resolved:
                continue
            if what == "return case" and (
                return_status(session, number) == ReturnStatus.BACK_IN_US_CUSTODY
            ):
                continue
            out.append(
                OpenAct(
                    what,
                    number,
                    str(event.person_id),
                    int(event.case_id or 0),
                    event.mission_id,
                    str(d["order"]),
                    entry,
                    str(d["membership"]),
                )
            )
    return out


def check_not_in_class(
    session: Session, *, incident: Incident, actor: User, at: dt.datetime
) -> None:
    """Resolving a court-order incident as `not_in_class`: the engine must agree, under the
    registry's law on the day the person was decided as of when it was opened (the day the
    incident was opened, or the day a late entry reached them: law_due.py) and the facts
    recorded now, that the order does not protect the person (RuleOfLawBlock says what it
    finds instead)."""
    if incident.kind not in ORDER_INCIDENTS:
        raise RuleOfLawBlock(
            f"incident {incident.id} is {incident.kind}: not_in_class resolves an incident "
            "opened for a court order only"
        )
    event = session.scalars(
        select(OperationsEvent).where(
            OperationsEvent.kind == ACTED, OperationsEvent.case_id == incident.case_id
        )
    ).all()
    mine = [e for e in event if int(e.details["incident"]) == incident.id]
    case = session.get(TransferCase, incident.case_id) if incident.case_id else None
    if not mine or case is None:
        raise RuleOfLawBlock(f"incident {incident.id} names no order to check")
    law = registry_law(session)
    order = law.order(str(mine[0].details["order"]))
    decided = mine[0].details.get("as_of")
    day = dt.date.fromisoformat(str(decided)) if decided else incident.opened_at.date()
    decision, _ = decide_from_registry(
        session,
        request=case_request(case, day, law, OPERATIONS_PROFILE),
        person_id=case.person_id,
        actor=actor,
        now=at,
    )
    found = membership(decision, order)
    if found is not None:
        words = "in its class" if found == "in_class" else "possibly in its class (not known)"
        raise RuleOfLawBlock(
            f"{case.person_id} is {words} under {order.title} ({order.court}, {order.docket}) "
            f"on {day}, with the facts recorded now: record the facts "
            "that settle it, or resolve the incident by where the person is"
        )
