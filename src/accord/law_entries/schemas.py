"""Response models of the law-entry HTTP routes (law_entries/views.py).

An entry is entered with a multipart form (kind, subject, body as JSON text, and the source
document as a file part): see `views.enter_entry`. Entries are not personal data: every role
that reads the law (law.read) sees them whole.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import Field

from accord.api.schemas import Out
from accord.law_entries.models import LawEntryRecord

EntryKind = Literal["court_order", "court_order_event", "parameter_value", "agreement_amendment"]


class LawEntryOut(Out):
    id: int
    kind: EntryKind
    subject: str = Field(description="The order id, parameter name or agreement id")
    effective_on: dt.date = Field(description="The event's date, or the first day in force")
    recorded_at: dt.datetime
    recorded_by: str
    source_document: str = Field(description="The source document's file name")
    source_document_sha256: str
    source_media_type: str
    audit_seq: int = Field(description="The audit entry that recorded it")
    document_url: str = Field(description="Where its source document is served")
    body: dict[str, Any] | None = Field(
        default=None, description="What it holds (dates as YYYY-MM-DD); only for one entry"
    )

    @classmethod
    def of(cls, record: LawEntryRecord, by: str, *, with_body: bool = False) -> LawEntryOut:
        return cls(
            id=record.id,
            kind=record.kind,  # one of ENTRY_KINDS, as stored
            subject=record.subject,
            effective_on=record.effective_on,
            recorded_at=record.recorded_at,
            recorded_by=by,
            source_document=record.source_document_name,
            source_document_sha256=record.source_document_sha256,
            source_media_type=record.source_media_type,
            audit_seq=record.audit_seq,
            document_url=f"/api/v1/law/entries/{record.id}/document",
            body=json.loads(record.body) if with_body else None,
        )
