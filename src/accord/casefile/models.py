"""Case file v2, as pydantic models: the law of 2025 in depth (docs/law.md).

A list field that is absent or null means "not known"; an empty list means
"known to be none". The engine answers `unknown` for the first and decides on
the second, so the distinction is kept all the way down (see facts/tables.py).

Only adjudicated facts are recorded: orders, convictions, grants. There is no
field for allegations (gang affiliation, tattoos, charges) and an unknown
field is an error, so an allegation cannot slip in under another name.

Version 2 adds lists (status grants, individual court orders, forbearance
commitments, custody locations, designations, determinations as an
unaccompanied child, incompetency findings, transfer approvals) and fields to
the lists of v1. A record without `schema_version`, or with `schema_version:
1`, is validated as v1 exactly as before (casefile/v1.py) and upgraded in
memory: the lists v2 adds are "not known", the fields it adds are null. Every
field v2 adds to a v1 list is optional and null by default, so a v1 fact keeps
its meaning and its digest (`ADDED_IN_V2`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from accord.casefile.v1 import CaseFileV1
from accord.countries import country_code, nationality_code
from accord.errors import InputError, UnknownCountry
from accord.limits import (
    BIRTH_DATE_MIN,
    PERSON_ID_MAX,
    PERSON_ID_PATTERN,
    PERSON_NAME_MAX,
    SHORT_TEXT_MAX,
    check_birth_date,
)


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


def _nationality(value: str) -> str:
    try:
        return nationality_code(value)
    except UnknownCountry as exc:
        raise ValueError(str(exc)) from None


# A nationality as recorded: a current state, or a former one by its ISO 3166-3 code (SUHH),
# which rules needing a current nationality read as unknown (accord.countries).
NationalityCode = Annotated[
    str,
    Field(
        min_length=2,
        max_length=4,
        description="ISO 3166-1 alpha-2 code, or ISO 3166-3 code of a former state (SUHH)",
        examples=["SV", "SUHH"],
    ),
    AfterValidator(_nationality),
]
Source = Annotated[
    str,
    Field(min_length=1, description="The document the fact comes from: an id or a description"),
]
Court = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description="The court, as cited: 'D. Mass.', '9th Cir.', 'BIA', 'U.S.'",
        examples=["D. Mass."],
    ),
]
District = Annotated[
    str,
    Field(
        min_length=1,
        max_length=32,
        description="A federal judicial district as cited, e.g. 'N.D. Tex.', 'S.D. Tex.'",
        examples=["N.D. Tex."],
    ),
]


def _not_before(record: BaseModel, start: str, *ends: str) -> None:
    """Raise if any of `ends` is a date before `start`: an end before its start is an error."""
    first = getattr(record, start)
    for end in ends:
        last = getattr(record, end)
        if first is not None and last is not None and last < first:
            raise ValueError(f"{end} ({last}) is before {start} ({first})")


# Characters PostgreSQL text cannot hold: NUL, and lone surrogates (not UTF-8). SQLite would
# store them, so the backends would differ; every text field refuses them on the way in
UNSTORABLE_CHARACTERS = re.compile(r"[\x00\ud800-\udfff]")


def unstorable_character_in(value: str) -> str | None:
    """The first character of `value` that no text field may hold, as U+XXXX, or None."""
    found = UNSTORABLE_CHARACTERS.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


# Validation context of facts read back from the registry: the input limits of
# accord/limits.py (text lengths, a person's name, birth dates) are checked on the way in, not
# again on the way out, so that facts stored before a limit was set stay readable.
STORED = {"stored": True}


def _stored(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and bool(info.context.get("stored"))


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="after")
    def _no_unstorable_characters(self, info: ValidationInfo) -> Self:
        # once per record, not per field: a field validator on every field doubled import time
        # every text field is short (limits.SHORT_TEXT_MAX): a 20 MB field is refused
        limit = None if _stored(info) else SHORT_TEXT_MAX
        for name, value in self.__dict__.items():
            for text in value if isinstance(value, list | tuple) else (value,):
                if not isinstance(text, str):
                    continue
                if (char := unstorable_character_in(text)) is not None:
                    raise ValueError(
                        f"field '{name}' contains {char}, which no text field may hold"
                    )
                if limit is not None and len(text) > limit and name != "name":
                    raise ValueError(f"field '{name}': at most {limit} characters, not {len(text)}")
        return self


class CitizenshipClaim(_Record):
    """A claim to U.S. citizenship or status; the latest record on or before a date decides."""

    status: Literal["pending", "rejected", "upheld"]
    date: dt.date
    source: Source


OrderKind = Literal[
    "immigration_judge",  # INA 240 proceedings: final per 8 C.F.R. 1241.1(a)-(c), (e), (f)
    "bia",  # an order of removal entered by the BIA itself: final at once, 1241.1(a)
    "stipulated",  # INA 240(d), 8 C.F.R. 1003.25(b): appeal waived in the stipulation
    "expedited",  # INA 235(b)(1)
    "reinstated",  # INA 241(a)(5)
    "administrative",  # INA 238(b) final administrative removal order
    "judicial",  # INA 238(c): ordered by a U.S. district court at sentencing
]


class RemovalOrder(_Record):
    kind: OrderKind
    issued_on: dt.date
    in_absentia: bool = False
    appeal_waived: bool = False
    country: CountryCode | None = Field(
        default=None, description="Country designated on the order (the primary designation)"
    )
    vacated_on: dt.date | None = None
    source: Source
    # v2
    alternative_countries: list[CountryCode] | None = Field(
        default=None,
        description="Alternative countries designated on the order (8 U.S.C. 1231(b)(1)(C), "
        "(b)(2); 8 C.F.R. 1240.12(d)); null: not recorded",
    )
    waived_14_days: bool | None = Field(
        default=None,
        description="INA 238(b) orders: the person waived the 14 days before execution "
        "(8 U.S.C. 1228(b)(3)); null: not recorded",
    )
    voluntary_departure_until: dt.date | None = Field(
        default=None,
        description="An immigration judge's grant of voluntary departure with this order as "
        "the alternate order: the last day to depart (8 C.F.R. 1241.1(f))",
    )

    @model_validator(mode="after")
    def _dates(self) -> RemovalOrder:
        _not_before(self, "issued_on", "vacated_on", "voluntary_departure_until")
        return self


AppealKind = Literal[
    "bia_appeal",
    "motion_to_reopen",
    "motion_to_remand",
    "motion_to_reconsider",
    "petition_for_review",
    "stay_motion",
]


class Appeal(_Record):
    """An appeal, motion or petition for review of a removal order, or a motion to stay it."""

    kind: AppealKind
    filed_on: dt.date
    status: Literal["pending", "dismissed", "sustained", "withdrawn", "granted", "denied"]
    decided_on: dt.date | None = None
    source: Source
    # v2
    court: Court | None = Field(
        default=None,
        description="Where it is filed: 'IJ', 'BIA', or a court of appeals ('9th Cir.') for a "
        "petition for review or a stay motion",
    )

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

    @model_validator(mode="after")
    def _dates(self) -> Stay:
        _not_before(self, "granted_on", "expires_on", "lifted_on")
        return self


ProtectionKind = Literal["asylum", "withholding", "cat_withholding", "cat_deferral"]


class Protection(_Record):
    """A protection status as of `date`; the latest record per kind and country decides."""

    kind: ProtectionKind
    status: Literal["pending", "granted", "denied", "terminated"]
    country: CountryCode
    date: dt.date
    source: Source
    # v2
    forum: Literal["uscis", "immigration_court", "bia"] | None = Field(
        default=None, description="Where the application is or was decided; null: not recorded"
    )


class FearClaim(_Record):
    """A fear claim about a country and where it stands; the latest record per country decides.

    pending: claimed, not yet screened; positive: screened positive (referred);
    referred: before an immigration judge; review_pending: negative screening under review
    by an immigration judge; negative: screened negative (review concurred, declined or
    not requested); granted: adjudicated with protection (`protection` names it); denied:
    protection denied, an appeal possible or pending; denied_final: denied and the appeal
    dismissed, waived or run out (8 C.F.R. 208.31, 1003.38); withdrawn; unknown: outcome
    not recorded.
    """

    country: CountryCode
    status: Literal[
        "pending",
        "positive",
        "referred",
        "review_pending",
        "negative",
        "granted",
        "denied",
        "denied_final",
        "withdrawn",
        "unknown",
    ]
    date: dt.date
    source: Source
    # v2
    screening: Literal["credible_fear", "reasonable_fear", "third_country", "other"] | None = Field(
        default=None, description="The kind of screening; null: not recorded"
    )
    protection: ProtectionKind | None = Field(
        default=None, description="status 'granted': the protection the claim led to"
    )


class Notice(_Record):
    """Written notice of removal to a third country, naming the country."""

    country: CountryCode
    served_on: dt.date
    served_on_counsel: bool = False
    written: bool = True
    exigent: bool = False
    source: Source
    # v2
    language_understood: bool | None = Field(
        default=None,
        description="Served in a language the person understands; null: not recorded",
    )


OffenceClass = Literal[
    "crime_of_violence",  # 18 U.S.C. 16
    "alien_smuggling",  # smuggling or harbouring of aliens (8 U.S.C. 1231(a)(4)(B)(i))
    "illicit_trafficking",  # 8 U.S.C. 1101(a)(43)(B)
    "firearms_trafficking",  # 8 U.S.C. 1101(a)(43)(C)
    "explosives_firearms",  # 8 U.S.C. 1101(a)(43)(E)
    "child_pornography",  # 8 U.S.C. 1101(a)(43)(I)
    "national_defense",  # 8 U.S.C. 1101(a)(43)(L)
]


class Conviction(_Record):
    offence: str = Field(min_length=1)
    category: Literal["violent", "nonviolent", "unknown"]
    date: dt.date
    final: bool | None = Field(default=None, description="Judgment final; null: not known")
    source: Source
    # v2
    jurisdiction: Literal["federal", "state", "foreign"] | None = Field(
        default=None, description="The court system that entered it; null: not recorded"
    )
    juvenile: bool | None = Field(
        default=None,
        description="A juvenile delinquency adjudication, not a conviction (Matter of "
        "Devison-Charles, 22 I&N Dec. 1362 (BIA 2000)); null: not recorded",
    )
    vacated_on: dt.date | None = None
    vacatur_basis: Literal["defect", "rehabilitative", "immigration_hardship", "unknown"] | None = (
        Field(
            default=None,
            description="Why it was vacated: a defect in the proceedings erases it (Matter of "
            "Pickering, 23 I&N Dec. 621 (BIA 2003)); rehabilitation or hardship does not "
            "(Matter of Roldan, 22 I&N Dec. 512 (BIA 1999))",
        )
    )
    offence_classes: list[OffenceClass] | None = Field(
        default=None,
        description="Statutory classes of the offence the rules need; null: not classified, "
        "[]: classified as none of them",
    )

    @model_validator(mode="after")
    def _vacatur(self) -> Conviction:
        _not_before(self, "date", "vacated_on")
        if self.vacatur_basis is not None and self.vacated_on is None:
            raise ValueError("vacatur_basis needs vacated_on")
        return self


class Sentence(_Record):
    start: dt.date
    projected_release: dt.date | None = Field(default=None, description="null: life")
    released_on: dt.date | None = None
    source: Source
    # v2
    custodian: Literal["federal", "state"] | None = Field(
        default=None, description="Who holds the person serving it; null: not recorded"
    )
    amended_on: dt.date | None = Field(
        default=None, description="A reduction or other amendment of the sentence took effect"
    )
    amended_release: dt.date | None = Field(
        default=None, description="The projected release after the amendment"
    )

    @model_validator(mode="after")
    def _dates(self) -> Sentence:
        _not_before(self, "start", "released_on", "amended_on")
        if (self.amended_on is None) != (self.amended_release is None):
            raise ValueError("amended_on and amended_release go together")
        return self


class Consent(_Record):
    """Consent to a sentenced transfer; irrevocable once verified (18 U.S.C. 4107-4108)."""

    given_on: dt.date
    verified_on: dt.date | None = None
    verifying_officer: str | None = None
    revoked_on: dt.date | None = None
    source: Source
    # v2
    given_by: Literal["prisoner", "parent", "guardian", "court"] | None = Field(
        default=None,
        description="Who consented: the prisoner, or for one under 18 or found incompetent a "
        "parent, guardian or court (18 U.S.C. 4100(b)); null: not recorded",
    )

    @model_validator(mode="after")
    def _verifier_named(self) -> Consent:
        if self.verified_on is not None and not self.verifying_officer:
            raise ValueError("a verified consent needs verifying_officer")
        _not_before(self, "given_on", "verified_on")
        return self


class EarlyRemovalApproval(_Record):
    approved_on: dt.date
    source: Source
    # v2
    authority: Literal["attorney_general", "state_official"] | None = Field(
        default=None,
        description="Who approved: the Attorney General (federal custody, 8 U.S.C. "
        "1231(a)(4)(B)(i)) or the chief State official (state custody, (B)(ii))",
    )
    written_request: bool | None = Field(
        default=None,
        description="State custody: the State official's written request to the Attorney "
        "General (8 U.S.C. 1231(a)(4)(B)(ii)(III)); null: not recorded",
    )


class TransferRequest(_Record):
    """A request for a sentenced transfer to `country`, made on `requested_on`."""

    requested_on: dt.date
    country: CountryCode
    source: Source


# ---- lists new in v2 -------------------------------------------------------------------

StatusKind = Literal[
    "tps",  # 8 U.S.C. 1254a(a)(1)(A)
    "daca",  # 8 C.F.R. 236.21(c)(1), 236.23(d)
    "deferred_action",  # other deferred action (8 C.F.R. 274a.12(c)(14))
    "u_deferred_action",  # U petitioners on the waiting list, 8 C.F.R. 214.14(d)(2)
    "t_deferred_action",  # T applicants with a bona fide determination
    "sij_deferred_action",  # special immigrant juveniles awaiting a visa
    "vawa_deferred_action",  # approved VAWA self-petitioners
    "ded",  # Deferred Enforced Departure, by presidential memorandum
    "u_nonimmigrant",  # U status, 8 U.S.C. 1101(a)(15)(U)
    "t_nonimmigrant",  # T status, 8 U.S.C. 1101(a)(15)(T)
]


class StatusGrant(_Record):
    """A status or grant that bars removal while in force: from `granted_on` through
    `valid_until` (null: no end recorded), unless terminated earlier."""

    kind: StatusKind
    granted_on: dt.date
    valid_until: dt.date | None = Field(default=None, description="Last day valid; null: open")
    terminated_on: dt.date | None = Field(
        default=None, description="Terminated or withdrawn: no longer in force from this day"
    )
    country: CountryCode | None = Field(
        default=None, description="TPS: the country designated; null for other kinds"
    )
    authority: str | None = Field(
        default=None,
        description="The notice or decision it rests on, e.g. a Federal Register citation "
        "for a TPS designation or extension",
    )
    source: Source

    @model_validator(mode="after")
    def _dates(self) -> StatusGrant:
        _not_before(self, "granted_on", "valid_until", "terminated_on")
        if self.kind == "tps" and self.country is None:
            raise ValueError("a TPS grant needs the designated country")
        return self


CourtOrderEffect = Literal[
    "bar_removal",  # no removal at all (to `country` only, when given)
    "bar_transfer_out_of_district",  # the person may not be moved out of `district`
    "require_notice",  # removal only after `notice_days` days' notice to counsel and court
    "require_return",  # the person must be returned (facilitated) to the United States
]


class IndividualCourtOrder(_Record):
    """An order in the person's own case: entered, modified or dissolved on `date`.

    The latest record per court, docket and effect decides. Filing a petition is not an
    order: a petition goes under `appeals` (a petition for review) or nowhere.
    """

    court: Court
    docket: str = Field(min_length=1, max_length=64)
    proceeding: Literal["habeas", "petition_for_review", "district_court", "other"]
    effect: CourtOrderEffect
    status: Literal["entered", "modified", "dissolved"]
    date: dt.date
    expires_on: dt.date | None = Field(
        default=None, description="Last day in force of a temporary order; null: until further"
    )
    country: CountryCode | None = Field(
        default=None, description="bar_removal: the order bars removal to this country only"
    )
    district: District | None = Field(
        default=None, description="bar_transfer_out_of_district: the district"
    )
    notice_days: int | None = Field(default=None, ge=0, le=365)
    source: Source

    @model_validator(mode="after")
    def _terms(self) -> IndividualCourtOrder:
        _not_before(self, "date", "expires_on")
        if self.effect == "bar_transfer_out_of_district" and self.district is None:
            raise ValueError("bar_transfer_out_of_district needs district")
        needs_days = self.effect == "require_notice" and self.status != "dissolved"
        if needs_days and self.notice_days is None:
            raise ValueError("require_notice needs notice_days")
        return self


class Forbearance(_Record):
    """The government's commitment to a court not to remove the person (while a case is
    pending, or until a date)."""

    court: Court
    docket: str = Field(min_length=1, max_length=64)
    made_on: dt.date
    ends_on: dt.date | None = Field(default=None, description="Last day covered; null: open")
    withdrawn_on: dt.date | None = None
    country: CountryCode | None = Field(default=None, description="Limited to this country")
    source: Source

    @model_validator(mode="after")
    def _dates(self) -> Forbearance:
        _not_before(self, "made_on", "ends_on", "withdrawn_on")
        return self


class CustodyLocation(_Record):
    """Where the person is held: a federal judicial district, from a day (to a day)."""

    district: District
    facility: str | None = Field(default=None, max_length=128)
    from_date: dt.date
    to_date: dt.date | None = Field(default=None, description="Last day there; null: still")
    source: Source

    @model_validator(mode="after")
    def _dates(self) -> CustodyLocation:
        _not_before(self, "from_date", "to_date")
        return self


class Designation(_Record):
    """A designation of the person under an authority outside Title 8, e.g. as an alien
    enemy under a proclamation invoking the Alien Enemies Act (50 U.S.C. 21)."""

    authority: Literal["aea_proclamation_10903"]
    designated_on: dt.date
    withdrawn_on: dt.date | None = None
    source: Source

    @model_validator(mode="after")
    def _dates(self) -> Designation:
        _not_before(self, "designated_on", "withdrawn_on")
        return self


class UacDetermination(_Record):
    """A determination that the person arrived as an unaccompanied alien child
    (6 U.S.C. 279(g)(2)), by HHS or DHS."""

    determined_on: dt.date
    by: Literal["hhs", "dhs", "other"]
    source: Source


class IncompetencyFinding(_Record):
    """A finding that the person is incompetent (for consent to a sentenced transfer,
    18 U.S.C. 4100(b)); `restored_on` when competence is found restored."""

    found_on: dt.date
    restored_on: dt.date | None = None
    court: Court | None = None
    source: Source

    @model_validator(mode="after")
    def _dates(self) -> IncompetencyFinding:
        _not_before(self, "found_on", "restored_on")
        return self


class TransferApproval(_Record):
    """One state's approval of a sentenced transfer (18 U.S.C. 4102: the Attorney General
    for the United States; the receiving state's authority)."""

    state: CountryCode
    approved_on: dt.date
    withdrawn_on: dt.date | None = None
    authority: str | None = Field(default=None, max_length=256)
    source: Source

    @model_validator(mode="after")
    def _dates(self) -> TransferApproval:
        _not_before(self, "approved_on", "withdrawn_on")
        return self


Citizenship = Literal["us_citizen", "us_national", "lpr", "noncitizen", "unknown"]


class CaseFile(_Record):
    """One person's case file, version 2 (a v1 record is upgraded on the way in)."""

    schema_version: Literal["2"]
    person_id: str = Field(min_length=1, max_length=PERSON_ID_MAX, pattern=PERSON_ID_PATTERN)
    name: str | None = Field(
        default=None,
        description="Personal data: masked for analysts",
        json_schema_extra={"maxLength": PERSON_NAME_MAX},
    )
    birth_date: dt.date | None = Field(
        default=None, description=f"Not before {BIRTH_DATE_MIN}, not after the day it is read"
    )
    sex: Literal["male", "female", "other", "unknown"] = "unknown"
    citizenship: Citizenship = "unknown"
    citizenship_claim: list[CitizenshipClaim] | None = None
    nationalities: list[NationalityCode] | None = None
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
    # v2
    status_grants: list[StatusGrant] | None = None
    court_orders: list[IndividualCourtOrder] | None = None
    forbearances: list[Forbearance] | None = None
    custody_locations: list[CustodyLocation] | None = None
    designations: list[Designation] | None = None
    uac_determinations: list[UacDetermination] | None = None
    incompetency_findings: list[IncompetencyFinding] | None = None
    transfer_approvals: list[TransferApproval] | None = None

    @field_validator("name")
    @classmethod
    def _one_line_name(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or _stored(info):
            return value
        # its length only: names as recorded may hold any storable text (tabs, scripts)
        if len(value) > PERSON_NAME_MAX:
            raise ValueError(f"at most {PERSON_NAME_MAX} characters, not {len(value)}")
        return value

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth_date(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is None or _stored(info):
            return value
        try:
            return check_birth_date(value)
        except InputError as exc:  # a ValueError lets pydantic name the field
            raise ValueError(str(exc)) from None

    @field_validator("schema_version", mode="before")
    @classmethod
    def _known_version(cls, value: Any) -> Any:
        if str(value) != "2":
            raise ValueError(f"schema_version {value!r} is not 1 or 2")
        return "2"

    @model_validator(mode="before")
    @classmethod
    def _upgrade_v1(cls, data: Any) -> Any:
        """A v1 record (no schema_version, or 1) is validated as v1, then read as v2."""
        if not isinstance(data, dict):
            return data
        version = data.get("schema_version", "1")
        if str(version) == "2":
            return {**data, "schema_version": "2"}
        if str(version) != "1":
            return data  # refused by _known_version, which names the field
        v1 = CaseFileV1.model_validate(data)
        return {**v1.model_dump(exclude_none=False), "schema_version": "2"}


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
V2_LISTS: tuple[str, ...] = (
    "status_grants",
    "court_orders",
    "forbearances",
    "custody_locations",
    "designations",
    "uac_determinations",
    "incompetency_findings",
    "transfer_approvals",
)
# The fact lists of a case file, in the order the fact tables are built.
CASE_FILE_LISTS: tuple[str, ...] = (*V1_LISTS, *V2_LISTS)

# The fields v2 adds to the lists of v1. Null in every v1 record: left out of digests when
# null, so a fact recorded before v2 keeps the digest it was recorded with.
ADDED_IN_V2: dict[str, tuple[str, ...]] = {
    "removal_orders": ("alternative_countries", "waived_14_days", "voluntary_departure_until"),
    "appeals": ("court",),
    "protections": ("forum",),
    "fear_claims": ("screening", "protection"),
    "notices": ("language_understood",),
    "convictions": ("jurisdiction", "juvenile", "vacated_on", "vacatur_basis", "offence_classes"),
    "sentences": ("custodian", "amended_on", "amended_release"),
    "consents": ("given_by",),
    "early_removal_approvals": ("authority", "written_request"),
}

# Fields that hold a list of codes: one text column in the fact tables, each code between
# bars ("|MX|GT|"), so that "is X among them" is a substring test on every engine.
CODE_LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "removal_orders": ("alternative_countries",),
    "convictions": ("offence_classes",),
}
