"""The decision record table: append-only, like the facts it was decided from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from accord.db import Base, BigId, UTCDateTime
from accord.registry import PERSON_ID_LENGTH


class DecisionRecord(Base):
    """One decision for one person, as made and explained at `decided_at`."""

    __tablename__ = "decision_records"
    __table_args__ = (Index("ix_decision_records_person", "person_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The request: agreement, pathway, destination, facility, as_of, notice_profile.
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The facts were read as Accord knew them at this record time.
    facts_known_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    inputs_digest: Mapped[str] = mapped_column(String(64))
    ruleset_hash: Mapped[str] = mapped_column(String(64))
    agreement_id: Mapped[str] = mapped_column(String(64))
    agreement_version: Mapped[str] = mapped_column(String(64))
    agreement_digest: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(16))
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)  # Decision.as_dict()
    audit_seq: Mapped[int] = mapped_column(BigId)
