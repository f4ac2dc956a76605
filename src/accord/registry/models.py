"""The registry's tables as typed SQLAlchemy 2 declarative models.

Facts are kept bitemporally and never changed in place. A `FactVersion` is one
person's whole fact list (or the person's scalar fields, the pseudo-list
`person`) as Accord learned it at `recorded_at`, valid from `valid_from`, from
`source_document`, recorded by a user. Its rows live in the list's child table,
shaped exactly like `facts.tables.FACT_SCHEMAS[list]` (a test holds them
equal) plus the version id and the row's position in the list. A correction is
a new version; a retraction is a new version with `known = False`.

Tables that are append-only (facts, persons, imports, the audit log) reject
UPDATE and DELETE with triggers created by the migrations.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

# the users table that persons, imports and facts reference, and the law entries (0014)
import accord.auth.models
import accord.law_entries.models  # noqa: F401
from accord.casefile.models import CASE_FILE_LISTS
from accord.db.models import Base, BigId, UTCDateTime

PERSON_ID_LENGTH = 128
PERSON_LIST = "person"  # pseudo-list: the scalar fields name, birth_date, sex, citizenship


class Person(Base):
    """A person the registry knows, from the record time of their first fact."""

    __tablename__ = "persons"

    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH), primary_key=True)
    first_recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Import(Base):
    """One import of a case-file file that changed something (a no-op import writes nothing).

    Its counts are in the audit entry `facts.import` with subject `import:<id>`.
    """

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(1024))
    source_document: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class FactVersion(Base):
    """One version of one person's fact list. Ids grow with record time (writes are serialised)."""

    __tablename__ = "fact_versions"
    __table_args__ = (
        # one person's versions up to a record time: the per-person read
        Index("ix_fact_versions_person_recorded", "person_id", "recorded_at"),
        # the latest version of one list for every person: the docket read
        Index("ix_fact_versions_list_person", "list_name", "person_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.person_id"))
    list_name: Mapped[str] = mapped_column(String(32))
    known: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(16))  # recorded | correction | retraction
    row_count: Mapped[int] = mapped_column(Integer)
    content_digest: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Checked by a trigger, not a FOREIGN KEY: PostgreSQL's row-by-row FK check on
    # the same user and import row for every version halved bulk import speed. The
    # trigger checks each inserted batch at once; users and imports are never deleted.
    recorded_by_id: Mapped[int] = mapped_column(BigId)
    source_document: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(BigId)
    note: Mapped[str | None] = mapped_column(Text)


class _FactRow:
    """The columns every fact row has besides its list's own: its version and position."""

    version_id: Mapped[int] = mapped_column(
        ForeignKey("fact_versions.id"), primary_key=True, sort_order=-3
    )
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH), sort_order=-1)


class PersonFact(_FactRow, Base):
    __tablename__ = "fact_person"
    name: Mapped[str | None] = mapped_column(Text)
    # searched by date of birth (migration 0016)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(16))
    citizenship: Mapped[str] = mapped_column(String(16))


class CitizenshipClaimFact(_FactRow, Base):
    __tablename__ = "fact_citizenship_claim"
    status: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)


class NationalityFact(_FactRow, Base):
    __tablename__ = "fact_nationalities"
    # ISO 3166-1 alpha-2, or a former state's ISO 3166-3 code (migration 0017)
    country: Mapped[str] = mapped_column(String(4))


class RemovalOrderFact(_FactRow, Base):
    __tablename__ = "fact_removal_orders"
    kind: Mapped[str] = mapped_column(String(32))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    in_absentia: Mapped[bool] = mapped_column(Boolean)
    appeal_waived: Mapped[bool] = mapped_column(Boolean)
    country: Mapped[str | None] = mapped_column(String(2))
    vacated_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    # v2 (migration 0011)
    alternative_countries: Mapped[str | None] = mapped_column(Text)  # "|MX|GT|"
    waived_14_days: Mapped[bool | None] = mapped_column(Boolean)
    voluntary_departure_until: Mapped[dt.date | None] = mapped_column(Date)


class AppealFact(_FactRow, Base):
    __tablename__ = "fact_appeals"
    kind: Mapped[str] = mapped_column(String(32))
    filed_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    court: Mapped[str | None] = mapped_column(String(64))  # v2


class StayFact(_FactRow, Base):
    __tablename__ = "fact_stays"
    kind: Mapped[str] = mapped_column(String(32))
    granted_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    lifted_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)


class ProtectionFact(_FactRow, Base):
    __tablename__ = "fact_protections"
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    forum: Mapped[str | None] = mapped_column(String(32))  # v2


class FearClaimFact(_FactRow, Base):
    __tablename__ = "fact_fear_claims"
    country: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    screening: Mapped[str | None] = mapped_column(String(32))  # v2
    protection: Mapped[str | None] = mapped_column(String(32))  # v2


class NoticeFact(_FactRow, Base):
    __tablename__ = "fact_notices"
    country: Mapped[str] = mapped_column(String(2))
    served_on: Mapped[dt.date] = mapped_column(Date)
    served_on_counsel: Mapped[bool] = mapped_column(Boolean)
    written: Mapped[bool] = mapped_column(Boolean)
    exigent: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)
    language_understood: Mapped[bool | None] = mapped_column(Boolean)  # v2


class ConvictionFact(_FactRow, Base):
    __tablename__ = "fact_convictions"
    offence: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    final: Mapped[bool | None] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)
    # v2 (migration 0011)
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    juvenile: Mapped[bool | None] = mapped_column(Boolean)
    vacated_on: Mapped[dt.date | None] = mapped_column(Date)
    vacatur_basis: Mapped[str | None] = mapped_column(String(32))
    offence_classes: Mapped[str | None] = mapped_column(Text)  # "|illicit_trafficking|"


class SentenceFact(_FactRow, Base):
    __tablename__ = "fact_sentences"
    start: Mapped[dt.date] = mapped_column(Date)
    projected_release: Mapped[dt.date | None] = mapped_column(Date)
    released_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    # v2 (migration 0011)
    custodian: Mapped[str | None] = mapped_column(String(16))
    amended_on: Mapped[dt.date | None] = mapped_column(Date)
    amended_release: Mapped[dt.date | None] = mapped_column(Date)


class ConsentFact(_FactRow, Base):
    __tablename__ = "fact_consents"
    given_on: Mapped[dt.date] = mapped_column(Date)
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    verifying_officer: Mapped[str | None] = mapped_column(Text)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    given_by: Mapped[str | None] = mapped_column(String(16))  # v2


class EarlyRemovalApprovalFact(_FactRow, Base):
    __tablename__ = "fact_early_removal_approvals"
    approved_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    # v2 (migration 0011)
    authority: Mapped[str | None] = mapped_column(String(32))
    written_request: Mapped[bool | None] = mapped_column(Boolean)


class TransferRequestFact(_FactRow, Base):
    __tablename__ = "fact_transfer_requests"
    requested_on: Mapped[dt.date] = mapped_column(Date)
    country: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(Text)


# Lists new in case file v2 (migration 0011)


class StatusGrantFact(_FactRow, Base):
    __tablename__ = "fact_status_grants"
    kind: Mapped[str] = mapped_column(String(32))
    granted_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    terminated_on: Mapped[dt.date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2))
    authority: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class CourtOrderFact(_FactRow, Base):
    __tablename__ = "fact_court_orders"
    court: Mapped[str] = mapped_column(String(64))
    docket: Mapped[str] = mapped_column(String(64))
    proceeding: Mapped[str] = mapped_column(String(32))
    effect: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2))
    district: Mapped[str | None] = mapped_column(String(32))
    notice_days: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)


class ForbearanceFact(_FactRow, Base):
    __tablename__ = "fact_forbearances"
    court: Mapped[str] = mapped_column(String(64))
    docket: Mapped[str] = mapped_column(String(64))
    made_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(Text)


class CustodyLocationFact(_FactRow, Base):
    __tablename__ = "fact_custody_locations"
    district: Mapped[str] = mapped_column(String(32))
    facility: Mapped[str | None] = mapped_column(String(128))
    from_date: Mapped[dt.date] = mapped_column(Date)
    to_date: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)


class DesignationFact(_FactRow, Base):
    __tablename__ = "fact_designations"
    authority: Mapped[str] = mapped_column(String(64))
    designated_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)


class UacDeterminationFact(_FactRow, Base):
    __tablename__ = "fact_uac_determinations"
    determined_on: Mapped[dt.date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)


class IncompetencyFindingFact(_FactRow, Base):
    __tablename__ = "fact_incompetency_findings"
    found_on: Mapped[dt.date] = mapped_column(Date)
    restored_on: Mapped[dt.date | None] = mapped_column(Date)
    court: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)


class TransferApprovalFact(_FactRow, Base):
    __tablename__ = "fact_transfer_approvals"
    state: Mapped[str] = mapped_column(String(2))
    approved_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    authority: Mapped[str | None] = mapped_column(String(256))
    source: Mapped[str] = mapped_column(Text)


# Every versioned list and the model of its rows, in the order of CASE_FILE_LISTS.
FACT_MODELS: dict[str, type[Base]] = {
    PERSON_LIST: PersonFact,
    "citizenship_claim": CitizenshipClaimFact,
    "nationalities": NationalityFact,
    "removal_orders": RemovalOrderFact,
    "appeals": AppealFact,
    "stays": StayFact,
    "protections": ProtectionFact,
    "fear_claims": FearClaimFact,
    "notices": NoticeFact,
    "convictions": ConvictionFact,
    "sentences": SentenceFact,
    "consents": ConsentFact,
    "early_removal_approvals": EarlyRemovalApprovalFact,
    "transfer_requests": TransferRequestFact,
    "status_grants": StatusGrantFact,
    "court_orders": CourtOrderFact,
    "forbearances": ForbearanceFact,
    "custody_locations": CustodyLocationFact,
    "designations": DesignationFact,
    "uac_determinations": UacDeterminationFact,
    "incompetency_findings": IncompetencyFindingFact,
    "transfer_approvals": TransferApprovalFact,
}


# Each person's current versions, kept by a trigger with every insert into fact_versions
# (migration 0015), so that a snapshot as known now reads no superseded version. A list's
# current version is its highest id.
CURRENT_PERSONS = Table(  # derived from fact_versions, updated in place by the trigger
    "current_persons",
    Base.metadata,
    Column("person_id", String(PERSON_ID_LENGTH), primary_key=True),
    Column("person_version", BigId, nullable=True),  # of the pseudo-list `person`
    # the known flag of each list's current version; null: no version of the list yet
    *(Column(f"{name}_known", Boolean, nullable=True) for name in CASE_FILE_LISTS),
)
SUPERSEDED_VERSIONS = Table(  # every version with rows that a newer one of its list replaced
    "superseded_versions",
    Base.metadata,
    Column("list_name", String(32), primary_key=True),
    Column("version_id", BigId, primary_key=True),
)


APPEND_ONLY_TABLES: tuple[str, ...] = (
    "persons",
    "imports",
    "fact_versions",
    *(cast(Table, m.__table__).name for m in FACT_MODELS.values()),
    "superseded_versions",
    "audit_log",
)
