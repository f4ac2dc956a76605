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
    in_force_from_verified: bool = Field(
        default=True,
        description="False: the day the instrument entered into force for this party was not "
        "found in the depositary's record; in_force_from is then the earliest day a source "
        "attests it in force (null: none), and before that day whether it was in force is unknown",
    )
    source: str


PartyStatus = Literal["in_force", "not_in_force", "unknown"]


class TransferTerms(_Model):
    """What a sentenced-transfer treaty itself requires, each term with its article."""

    min_remaining_months: int | Literal["parameter"] | None = Field(
        description="Months of the sentence that must remain; 'parameter': the law parameter "
        "transfer_min_remaining_months; null: the treaty's minimum is not encoded (unknown)",
    )
    remaining_measured_at: Literal["request", "receipt"] = Field(
        description="When the remainder is measured: at the request (the offender's "
        "application), or at the other state's receipt of the request (not recorded)"
    )
    remaining_source: str
    approval_source: str = Field(description="The article requiring both states to agree")


# Rules an agreement's terms may add (their meaning: law/terms.py). A facility's capacity and
# quota add facility_capacity and quota by themselves.
TermRule = Literal[
    "conviction_required",
    "adult",
    "nationality_accepted",
    "no_pending_claims",
    "not_unaccompanied_child",
]


class PathwayTerms(_Model):
    accepted_nationalities: Literal["any"] | list[CountryCode]
    rules: list[TermRule] = []
    source: str


class Facility(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    country: CountryCode
    capacity: int = Field(gt=0)
    quota: int | None = Field(default=None, gt=0, description="Places this agreement may use")
    rules: list[TermRule] = []
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
    transfer: TransferTerms | None = Field(
        default=None, description="Sentenced-transfer treaties: the treaty's own conditions"
    )
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

    def party_status(self, country: str, day: dt.date) -> PartyStatus:
        """Whether the instrument is in force for `country` on `day`: unknown where the party's
        day of entry into force is not verified and `day` is before any day a source attests."""
        for party in self.parties:
            if party.country != country:
                continue
            if not self.in_force(day):
                return "not_in_force"
            if party.in_force_from_verified:
                start = party.in_force_from or self.effective.from_
                return "in_force" if start <= day else "not_in_force"
            attested = party.in_force_from
            return "in_force" if attested is not None and attested <= day else "unknown"
        return "not_in_force"

    def party_in_force(self, country: str, day: dt.date) -> bool:
        """Whether `country` is a party for whom the instrument is (known to be) in force."""
        return self.party_status(country, day) == "in_force"

    @cached_property
    def digest(self) -> str:
        """sha256 of the canonical JSON of every term: a decision names the exact terms used.

        Fields added later are left out where they hold their default, so the digest of an
        agreement that does not use them is the one its recorded decisions name."""
        data = self.model_dump(mode="json", by_alias=True)
        if data.get("transfer") is None:
            data.pop("transfer", None)
        for party in data["parties"]:
            if party.get("in_force_from_verified") is True:
                party.pop("in_force_from_verified")
        canonical = json.dumps(data, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()
