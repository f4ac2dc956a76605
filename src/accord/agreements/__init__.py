"""Agreements as data: one versioned YAML file per instrument (docs/design.md section 4)."""

from accord.agreements.catalogue import bundled_agreements, get_agreement
from accord.agreements.models import Agreement, Facility, FeeSchedule, PathwayTerms

__all__ = [
    "Agreement",
    "Facility",
    "FeeSchedule",
    "PathwayTerms",
    "bundled_agreements",
    "get_agreement",
]
