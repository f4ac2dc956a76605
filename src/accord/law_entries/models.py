"""The law entries table: append-only (triggers of migration 0014), one row per entry."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from accord.db.models import Base, BigId, UTCDateTime


class LawEntryRecord(Base):
    __tablename__ = "law_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(128), index=True)
    # the entry as applied (law/law_set.LawEntry.body): canonical JSON, dates as YYYY-MM-DD
    body: Mapped[str] = mapped_column(Text)
    # the day it takes effect: the event's date, or the value's or amendment's first day
    effective_on: Mapped[dt.date] = mapped_column(Date)
    source_document: Mapped[bytes] = mapped_column(LargeBinary)
    source_document_name: Mapped[str] = mapped_column(String(256))
    source_document_sha256: Mapped[str] = mapped_column(String(64))
    source_media_type: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audit_seq: Mapped[int] = mapped_column(BigId)
