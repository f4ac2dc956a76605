"""The court-order alert every dashboard page shows a legal reviewer (and an officer, who
resolves incidents): persons an order entered in the registry protects who were in the air,
with an incident or return case still open (operations/law_change.py). Counts only, no
person named: the list is the /alerts page (views_alerts.py), whose reads are audited.

A second, small source: open incidents on which a monitor recorded an `urgent` observation
(operations/incident_observations.py), shown to the same users until each is resolved.

A third: court orders in effect that have not yet acted on operations (an entry made before
its effective day acts on that day: operations/law_due.py). The first operation that moves a
case runs them, and a daily `accord law act-due`; until then reconcile fails, and this banner
says so to the same users, with a button for those who may run them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accord.api.deps import Ctx
from accord.auth import Permission, can
from accord.operations.incident_observations import urgent_open_incidents
from accord.operations.law_change_open import open_acts
from accord.operations.law_due import due_entries

P = Permission


@dataclass(frozen=True)
class LawAlert:
    persons: int
    incidents: int
    return_cases: int


@dataclass(frozen=True)
class UrgentObservationAlert:
    incident_ids: tuple[int, ...]  # open incidents a monitor marked urgent, oldest first


@dataclass(frozen=True)
class DueLawAlert:
    entries: tuple[tuple[int, str, dt.date], ...]  # (law entry, order, effective day), oldest
    can_act: bool  # the user may run the due acts (what `accord law act-due` needs)


@dataclass(frozen=True)
class Banners:
    """What every page shows the user above its content (None: nothing to show)."""

    law: LawAlert | None = None  # a court order acted: persons to account for
    urgent: UrgentObservationAlert | None = None  # a monitor marked an incident urgent
    due: DueLawAlert | None = None  # an order in effect has not acted yet


def sees_law_alerts(ctx: Ctx) -> bool:
    user = ctx.user
    return can(user, P.OPS_READ) and (can(user, P.LAW_ORDERS) or can(user, P.OPS_INCIDENTS))


def banners(ctx: Ctx) -> Banners:
    """The three banners, read in one transaction (every page of these users pays it)."""
    if not sees_law_alerts(ctx):
        return Banners()
    with ctx.read() as session:
        acts = open_acts(session)
        urgent = urgent_open_incidents(session)
        due = due_entries(session, day=dt.datetime.now(dt.UTC).date())
    law = (
        LawAlert(
            persons=len({a.person_id for a in acts}),
            incidents=sum(a.what == "incident" for a in acts),
            return_cases=sum(a.what == "return case" for a in acts),
        )
        if acts
        else None
    )
    return Banners(
        law=law,
        urgent=UrgentObservationAlert(incident_ids=tuple(urgent)) if urgent else None,
        due=DueLawAlert(
            entries=tuple((r.id, r.subject, r.effective_on) for r in due),
            can_act=can(ctx.user, P.OPS_RETURNS),
        )
        if due
        else None,
    )
