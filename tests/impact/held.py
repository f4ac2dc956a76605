"""The registry's held docket (impact/warm.py), as the warm-docket tests weigh on it."""

from __future__ import annotations

from accord.db import read_session
from accord.engine.store import FactStore
from accord.impact import service, warm

from .conftest import Registry

Moved = dict[str, tuple[str, str]]  # person -> (outcome before, outcome after)


def moved(report: service.ImpactReport) -> Moved:
    (request,) = report.requests
    return {p.person_id: (p.before, p.after) for p in request.changes}


def weigh_held(registry: Registry, entry_id: int) -> tuple[Moved, FactStore]:
    """Whose outcome entry `entry_id` changes, weighed on the held docket, and that docket."""
    with read_session(registry.engine) as session:
        change = service.change_of_registry_entry(session, entry_id=entry_id)
        report = service.registry_impact(session, change=change)
        with warm.held_docket(session) as store:
            pass
    return moved(report), store
