"""Case file v1 (docs/design.md section 5), as pydantic models: frozen as published.

Version 2 (models.py) supersedes it. This module is kept so that a v1 record is
validated exactly as it always was before it is upgraded, and so that the
published schemas/case-file.v1.json stays what it was.

A list field that is absent or null means "not known"; an empty list means
"known to be none". The engine answers `unknown` for the first and decides on
the second, so the distinction is kept all the way down (see facts/tables.py).

Only adjudicated facts are recorded: orders, convictions, grants. There is no
field for allegations (gang affiliation, tattoos, charges) and an unknown
field is an error, so an allegation cannot slip in under another name.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from accord.countries import country_code
from accord.errors import UnknownCountry


def _country(value: str) -> str:
    try:
        return country_code(value)
    except UnknownCountry as exc:  # a ValueError lets pydantic name the field
        raise ValueError(str(exc)) from None


CountryCode = Annotated[
    str,
    Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code", examples=["SV"]),
    AfterValidator(_country),
]
Source = Annotated[
    str,
    Field(min_length=1, description="The document the fact comes from: an id or a description"),
]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CitizenshipClaim(_Record):
    """A claim to U.S. citizenship or status; the latest record on or before a date decides."""

    status: Literal["pending", "rejected", "upheld"]
    date: dt.date
    source: Source


class RemovalOrder(_Record):
    kind: Literal["immigration_judge", "expedited", "reinstated", "administrative", "stipulated"]
    issued_on: dt.date
    in_absentia: bool = False
    appeal_waived: bool = False
    country: CountryCode | None = Field(default=None, description="Country designated, if any")
    vacated_on: dt.date | None = None
    source: Source


class Appeal(_Record):
    """A BIA appeal of an immigration judge's order, or a motion to reopen."""

    kind: Literal["bia_appeal", "motion_to_reopen"]
    filed_on: dt.date
    status: Literal["pending", "dismissed", "sustained", "withdrawn", "granted", "denied"]
    decided_on: dt.date | None = None
    source: Source

    @model_validator(mode="after")
    def _decided_after_filed(self) -> Appeal:
        if self.decided_on is not None and self.decided_on < self.filed_on:
            raise ValueError("decided_on is before filed_on")
        if self.status != "pending" and self.decided_on is None:
            raise ValueError(f"status '{self.status}' needs decided_on")
        return self


class Stay(_Record):
    """A judicial, BIA or DHS stay of removal; in force from granted_on through expires_on."""

    kind: Literal["judicial", "bia", "dhs", "immigration_judge"]
    granted_on: dt.date
    expires_on: dt.date | None = Field(default=None, description="Last day in force; null: open")
    lifted_on: dt.date | None = None
    source: Source


class Protection(_Record):
    """A protection status as of `date`; the latest record per kind and country decides."""

    kind: Literal["asylum", "withholding", "cat_withholding", "cat_deferral"]
    status: Literal["pending", "granted", "denied", "terminated"]
    country: CountryCode
    date: dt.date
    source: Source


class FearClaim(_Record):
    """A fear claim or screening about a country; the latest record per country decides."""

    country: CountryCode
    status: Literal["pending", "positive", "negative", "withdrawn", "unknown"]
    date: dt.date
    source: Source


class Notice(_Record):
    """Written notice of removal to a third country, naming the country."""

    country: CountryCode
    served_on: dt.date
    served_on_counsel: bool = False
    written: bool = True
    exigent: bool = False
    source: Source


class Conviction(_Record):
    offence: str = Field(min_length=1)
    category: Literal["violent", "nonviolent", "unknown"]
    date: dt.date
    final: bool | None = Field(default=None, description="Judgment final; null: not known")
    source: Source


class Sentence(_Record):
    start: dt.date
    projected_release: dt.date | None = Field(default=None, description="null: life")
    released_on: dt.date | None = None
    source: Source


class Consent(_Record):
    """Consent to a sentenced transfer; irrevocable once verified (18 U.S.C. 4107-4108)."""

    given_on: dt.date
    verified_on: dt.date | None = None
    verifying_officer: str | None = None
    revoked_on: dt.date | None = None
    source: Source

    @model_validator(mode="after")
    def _verifier_named(self) -> Consent:
        if self.verified_on is not None and not self.verifying_officer:
            raise ValueError("a verified consent needs verifying_officer")
        return self


class EarlyRemovalApproval(_Record):
    approved_on: dt.date
    source: Source


class TransferRequest(_Record):
    """A request for a sentenced transfer to `country`, made on `requested_on`."""

    requested_on: dt.date
    country: CountryCode
    source: Source


Citizenship = Literal["us_citizen", "us_national", "lpr", "noncitizen", "unknown"]


class CaseFileV1(_Record):
    """One person's case file, version 1."""

    schema_version: Literal["1"] = "1"
    person_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
    name: str | None = Field(default=None, description="Personal data: masked for analysts")
    birth_date: dt.date | None = None
    sex: Literal["male", "female", "other", "unknown"] = "unknown"
    citizenship: Citizenship = "unknown"
    citizenship_claim: list[CitizenshipClaim] | None = None
    nationalities: list[CountryCode] | None = None
    removal_orders: list[RemovalOrder] | None = None
    appeals: list[Appeal] | None = None
    stays: list[Stay] | None = None
    protections: list[Protection] | None = None
    fear_claims: list[FearClaim] | None = None
    notices: list[Notice] | None = None
    convictions: list[Conviction] | None = None
    sentences: list[Sentence] | None = None
    consents: list[Consent] | None = None
    early_removal_approvals: list[EarlyRemovalApproval] | None = None
    transfer_requests: list[TransferRequest] | None = None


# The fact lists of a v1 case file.
V1_LISTS: tuple[str, ...] = (
    "citizenship_claim",
    "nationalities",
    "removal_orders",
    "appeals",
    "stays",
    "protections",
    "fear_claims",
    "notices",
    "convictions",
    "sentences",
    "consents",
    "early_removal_approvals",
    "transfer_requests",
)
