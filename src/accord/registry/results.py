"""What the registry's service functions return: plain pydantic models, safe to print or serve.

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py`, like this module.)
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ImportSummary(_Out):
    """What an import (or a recorded case file) changed. Nothing changed: nothing was written."""

    persons: int
    new_persons: int
    changed_persons: int
    unchanged_persons: int
    new_versions: int
    retractions: int
    audit_entries: int
    import_id: int | None
    file_sha256: str | None
    previously_imported: bool  # the same file (by sha256) was imported before


class VersionInfo(_Out):
    """One version of one fact list, for a person's history."""

    version_id: int
    list_name: str
    kind: str  # recorded | correction | retraction
    known: bool
    rows: int
    valid_from: dt.date
    recorded_at: dt.datetime
    recorded_by: str
    source_document: str
    import_id: int | None
    note: str | None
    content_digest: str
