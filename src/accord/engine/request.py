"""A validated decision request: what is being decided, under which terms, as of when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from accord.agreements import bundled_agreements, get_agreement
from accord.countries import country_code
from accord.errors import InputError, UnknownFacility
from accord.law.framework import Context, FacilityCounts
from accord.law.law_set import LawSet, bundled_law, treaties_on
from accord.law.parameters import resolve_parameters
from accord.pathways import PATHWAYS
from accord.pathways import pathway as check_pathway


def parse_date(value: str | dt.date, *, what: str = "date") -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} '{value}' is not a date in the form YYYY-MM-DD") from None


@dataclass(frozen=True)
class DecisionRequest:
    agreement_id: str
    pathway: str
    destination: str
    as_of: dt.date
    facility_id: str | None = None
    notice_profile: str = "most_protective"
    # places taken at the facility, when the request states them (a screen given the census);
    # None leaves the capacity and quota terms unknown (a decision from the registry counts)
    facility_counts: FacilityCounts | None = None
    # the law applied (law/law_set.py): None is the bundled law data alone; a registry gives
    # its law entries applied to it
    law: LawSet | None = None

    @classmethod
    def build(
        cls,
        *,
        agreement: str,
        pathway: str,
        destination: str,
        as_of: str | dt.date,
        facility: str | None = None,
        notice_profile: str = "most_protective",
        facility_counts: FacilityCounts | None = None,
        law: LawSet | None = None,
    ) -> DecisionRequest:
        """Validate every field; raise an InputError that names the bad one."""
        if facility_counts is not None:
            if facility is None:
                raise InputError("--facility-count needs --facility")
            if min(facility_counts.held, facility_counts.under_agreement) < 0:
                raise InputError("--facility-count: a count of places cannot be negative")
            if facility_counts.under_agreement > facility_counts.held:
                raise InputError(
                    "--facility-count: places under the agreement exceed the places taken"
                )
        request = cls(
            agreement_id=get_agreement(agreement).id,
            pathway=check_pathway(pathway),
            destination=country_code(destination, what="destination"),
            as_of=parse_date(as_of, what="--as-of"),
            facility_id=facility,
            notice_profile=notice_profile,
            facility_counts=facility_counts,
            law=law,
        )
        request.context()  # facility and profile are checked against the agreement here
        return request

    @classmethod
    def from_mapping(cls, fields: dict[str, Any]) -> DecisionRequest:
        """A request from plain data (a scenario file, a stored record): `facility_counts`, if
        present, is a mapping of held, under_agreement and optionally source."""
        fields = dict(fields)
        counts = fields.pop("facility_counts", None)
        return cls.build(
            **fields, facility_counts=FacilityCounts(**counts) if counts is not None else None
        )

    def context(self) -> Context:
        """The context the rules read; the same object for equal requests (it is built from
        the request's law set, compared by its digest)."""
        return _context(self)


@lru_cache(maxsize=1024)
def _context(request: DecisionRequest) -> Context:
    """DecisionRequest.context, kept per request value: a decision asks for it twice."""
    law = request.law or bundled_law()
    agreement = law.agreement(request.agreement_id, request.as_of)
    facility = None
    if request.facility_id is not None:
        facility = agreement.facility(request.facility_id)
        if facility is None:
            names = ", ".join(f.id for f in agreement.facilities) or "none"
            raise UnknownFacility(
                f"agreement {agreement.id} names no facility '{request.facility_id}' "
                f"(facilities: {names})"
            )
        if facility.country != request.destination:
            raise UnknownFacility(
                f"facility {facility.id} is in {facility.country}, not in {request.destination}"
            )
    elif request.pathway == "custody_placement":
        names = ", ".join(f.id for f in agreement.facilities) or "none"
        raise InputError(f"custody_placement needs --facility (facilities: {names})")
    return Context(
        as_of=request.as_of,
        pathway=request.pathway,
        destination=request.destination,
        agreement=agreement,
        params=resolve_parameters(request.as_of, request.notice_profile, law),
        facility=facility,
        treaties=treaties_on(law, request.as_of),
        facility_counts=request.facility_counts,
        law=law,
    )


def every_bundled_request(day: dt.date) -> list[DecisionRequest]:
    """A request for every bundled agreement and every pathway on `day` (for custody
    placement, one per facility): between them they reach every branch of the catalogue."""
    requests: list[DecisionRequest] = []
    for agreement in bundled_agreements().values():
        destination = next(
            (p.country for p in agreement.parties if p.role in ("receiving", "party")), "SV"
        )
        for pathway in PATHWAYS:
            if pathway == "custody_placement":
                requests.extend(
                    DecisionRequest(agreement.id, pathway, f.country, day, f.id)
                    for f in agreement.facilities
                )
            else:
                requests.append(DecisionRequest(agreement.id, pathway, destination, day))
    return requests
