"""The shape of an agreement file. Every term carries the source it comes from."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from accord.countries import country_code
from accord.pathways import PATHWAYS

CountryCode = Annotated[str, AfterValidator(lambda v: country_code(v))]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(_Model):
    """A closed interval of days; `to` null means open-ended."""

    from_: dt.date = Field(alias="from")
    to: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


class Party(_Model):
    country: CountryCode
    role: Literal["sending", "receiving", "party"]
    in_force_from: dt.date | None = Field(
        default=None, description="For multilateral treaties: entry into force for this party"
    )
    source: str


class PathwayTerms(_Model):
    accepted_nationalities: Literal["any"] | list[CountryCode]
    rules: list[Literal["conviction_required", "adult", "nationality_accepted"]] = []
    source: str


class Facility(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    country: CountryCode
    capacity: int = Field(gt=0)
    quota: int | None = Field(default=None, gt=0, description="Places this agreement may use")
    rules: list[Literal["conviction_required", "adult", "nationality_accepted"]] = []
    source: str


class FeeSchedule(_Model):
    amount: Decimal = Field(ge=0)
    currency: Literal["USD"]
    unit: Literal["per_inmate_day", "per_person_year", "per_transfer"]
    effective: Interval
    proration: Literal["daily", "none"] = "daily"
    source: str


class Term(_Model):
    text: str
    source: str


class Agreement(_Model):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    version: int = Field(ge=1)
    title: str
    status: Literal["offer", "mou", "pilot", "treaty"]
    entered_into_force: bool = Field(
        default=True, description="False for an instrument signed but never brought into force"
    )
    parties: list[Party]
    effective: Interval
    pathways: dict[str, PathwayTerms]
    facilities: list[Facility] = []
    fees: list[FeeSchedule] = []
    monitoring: list[Term] = []
    consular_access: list[Term] = []
    diplomatic_assurances_credited: bool = False
    notes: str = ""
    sources: dict[str, str]

    @model_validator(mode="after")
    def _consistent(self) -> Agreement:
        for name in self.pathways:
            if name not in PATHWAYS:
                raise ValueError(f"pathway '{name}' is not one of {', '.join(PATHWAYS)}")
        ids = [f.id for f in self.facilities]
        if len(ids) != len(set(ids)):
            raise ValueError("facility ids must be unique")
        return self

    @property
    def receiving_states(self) -> list[str]:
        return [p.country for p in self.parties if p.role in ("receiving", "party")]

    def facility(self, facility_id: str) -> Facility | None:
        return next((f for f in self.facilities if f.id.lower() == facility_id.lower()), None)

    def in_force(self, day: dt.date) -> bool:
        return self.entered_into_force and self.effective.contains(day)

    def party_in_force(self, country: str, day: dt.date) -> bool:
        """Whether `country` is a party for whom the instrument is in force on `day`."""
        for party in self.parties:
            if party.country == country:
                start = party.in_force_from or self.effective.from_
                return start <= day and self.in_force(day)
        return False

    @cached_property
    def digest(self) -> str:
        """sha256 of the canonical JSON of every term: a decision names the exact terms used."""
        canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()
