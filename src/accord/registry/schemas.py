"""Request and response models of the registry's HTTP routes (registry/views.py).

(Naming across accord: `schemas.py` holds only pydantic models of the HTTP API;
what services return lives in `results.py` or beside its service, never here.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from accord.api.deps import Note, PersonId, ShortText
from accord.api.schemas import In, Out
from accord.casefile.models import CaseFile
from accord.limits import USER_NAME_MAX, USER_NAME_PATTERN

MAX_IMPORT = 10_000


class MeOut(Out):
    name: str
    role: str
    permissions: list[str]
    masked: bool = Field(description="Person identifiers are masked for this user")


class PersonsOut(Out):
    persons: list[PersonId]
    offset: int
    limit: int


class RecordCaseFileIn(In):
    case: CaseFile
    source_document: ShortText
    valid_from: dt.date | None = None
    note: Note | None = None


class RecordListIn(In):
    items: list[dict[str, Any]] | None = Field(
        description="The list's records; null makes the list not known again", max_length=1000
    )
    source_document: ShortText
    valid_from: dt.date | None = None
    note: Note | None = None


class RetractIn(In):
    source_document: ShortText
    note: Note | None = None


class ImportIn(In):
    cases: list[CaseFile] = Field(min_length=1, max_length=MAX_IMPORT)
    source_document: ShortText


class UserIn(In):
    name: str = Field(min_length=1, max_length=USER_NAME_MAX, pattern=USER_NAME_PATTERN)
    role: str = Field(min_length=1, max_length=32, pattern=r"^[a-z_]+$")


class UserOut(Out):
    name: str
    role: str
    created_at: dt.datetime
    created_by: str | None
    enrolment_code: str | None = Field(
        default=None,
        description="On creation only: the one-time code the new user redeems (POST /enrol) "
        "for their own token; give it to them only",
    )


class TokenOut(Out):
    name: str
    token: str = Field(description="Shown once; only its argon2 hash is kept")


class ChainOut(Out):
    intact: bool
    entries: int
    head_seq: int
    head_hash: str
    broken_seq: int | None
    problem: str | None
    message: str
