"""The count of places taken at a facility, which the rules facility_capacity and quota
decide on: read from the registry at the moment of a decision."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import String, bindparam, func, select, true
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from accord.engine import DecisionRequest
from accord.law.framework import FacilityCounts

# Cases that take a place at a facility: held there, or on the way (as a manifest counts them,
# operations/missions.py); kept per facility, agreement and state by migration 0005's triggers.
_PLACE_STATES = ("in_custody", "manifested", "departed", "missing")


@functools.cache
def _facility_counts_statement() -> Any:
    """One statement: places taken at the facility (all agreements; this agreement), and those
    of them the person's own cases take, so that the person is not counted against themself."""
    from accord.operations.models import FacilityCount, TransferCase  # operations imports us

    fc, tc = FacilityCount, TransferCase
    agreement = bindparam("agreement_id", type_=String)
    facility = bindparam("facility_id", type_=String)
    taken = (
        select(
            func.coalesce(func.sum(fc.persons), 0).label("held"),
            func.coalesce(
                func.sum(sql_case((fc.agreement_id == agreement, fc.persons), else_=0)), 0
            ).label("under"),
        )
        .where(fc.facility_id == facility, fc.state.in_(_PLACE_STATES))
        .subquery()
    )
    own = (
        select(
            func.count().label("held"),
            func.coalesce(func.sum(sql_case((tc.agreement_id == agreement, 1), else_=0)), 0).label(
                "under"
            ),
        )
        .where(
            tc.person_id == bindparam("person_id"),
            tc.facility_id == facility,
            tc.state.in_(_PLACE_STATES),
        )
        .subquery()
    )
    return select(taken.c.held - own.c.held, taken.c.under - own.c.under).select_from(
        taken.join(own, true())
    )


def registry_facility_counts(
    session: Session, *, request: DecisionRequest, person_id: str
) -> FacilityCounts | None:
    """The registry's count of places taken at the request's facility now, the person aside
    (None without a facility): what the rules facility_capacity and quota decide on. The count
    is the registry's at the moment of the decision, whatever `as_known_on` says: the registry
    keeps no history of it, and the decision record keeps the count it used."""
    ctx = request.context()
    if ctx.facility is None:
        return None
    held, under = session.execute(
        _facility_counts_statement(),
        {"facility_id": ctx.facility.id, "agreement_id": ctx.agreement.id, "person_id": person_id},
    ).one()
    return FacilityCounts(held=int(held), under_agreement=int(under))
