"""HTTP routes of law entered in the registry (issue 20, section 1).

    POST /api/v1/law/entries                  enter one (multipart form; see enter_entry)
    GET  /api/v1/law/entries                  every entry, oldest first (no body, no document)
    GET  /api/v1/law/entries/{id}             one entry with its body
    GET  /api/v1/law/entries/{id}/document    its source document, as entered

Entering a court order or an event of one needs law.orders (legal reviewers); a parameter
value or an agreement amendment law.terms (admins): the route admits either, the service
checks the one the kind needs. Reading needs law.read. Thin: parse, call the service.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.api.deps import Ctx, RecordId, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.auth import Permission
from accord.auth.models import User
from accord.errors import InputError
from accord.law_entries.models import LawEntryRecord
from accord.law_entries.schemas import EntryKind, LawEntryOut
from accord.law_entries.service import (
    DOCUMENT_MAX_BYTES,
    enter_law,
    get_law_entry,
    list_law_entries,
)

P = Permission
router = APIRouter(tags=["law"], responses=PROBLEM_RESPONSES)
BODY_MAX_CHARS = 512 * 1024  # the body field: a court order with its events is a few KiB


def recorded_by_names(session: Session, records: Iterable[LawEntryRecord]) -> dict[int, str]:
    """The name of the user who recorded each entry, by user id."""
    ids = {r.recorded_by_id for r in records}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()
    return {user_id: name for user_id, name in rows}


def parse_body(text: str) -> dict[str, Any]:
    """The body field: one JSON object (InputError in one line otherwise)."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"body: not valid JSON at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise InputError("body: nested too deeply") from None
    if not isinstance(body, dict):
        raise InputError("body: needs one JSON object")
    return body


def document_name(filename: str | None) -> str:
    """The file name a client gave its document part, without any folder."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "document"


def read_document(upload: UploadFile) -> bytes:
    content = upload.file.read(DOCUMENT_MAX_BYTES + 1)
    if len(content) > DOCUMENT_MAX_BYTES:
        raise InputError(f"the source document is larger than {DOCUMENT_MAX_BYTES} bytes")
    return content


@router.post(
    "/law/entries",
    status_code=201,
    summary="Enter a law entry with its source document",
    openapi_extra={
        "description": (
            "Enter one law entry: a multipart/form-data request with the fields `kind`, "
            "`subject` and `body` (the entry as a JSON object, dates as YYYY-MM-DD: a court "
            "order as in law/data/court_orders/*.yaml; an event {date, kind, what, source, "
            "effect?, stay?, expires_on?, by?}; a parameter value {effective_from, value, "
            "source}; an agreement amendment {effective_from, what, agreement}) and the "
            "source document as the file part `document` (at most 16 MiB). A court order or "
            "an event of one needs law.orders (legal reviewer); a parameter value or an "
            "agreement amendment law.terms (admin). Audited; nothing is written on bad input."
        )
    },
)
def enter_entry(
    ctx: Annotated[Ctx, Depends(require(P.LAW_ORDERS, P.LAW_TERMS))],
    kind: Annotated[EntryKind, Form(description="What the entry is")],
    subject: Annotated[
        str,
        Form(
            min_length=1,
            max_length=128,
            pattern=r"^[^\x00]*$",
            description="The order id, parameter name or agreement id",
        ),
    ],
    body: Annotated[
        str,
        Form(max_length=BODY_MAX_CHARS, description="The entry, one JSON object"),
    ],
    document: Annotated[UploadFile, File(description="The source document (at most 16 MiB)")],
) -> LawEntryOut:
    """Enter a court order, an event of one, a parameter value or an agreement amendment."""
    parsed = parse_body(body)
    content = read_document(document)
    with ctx.write() as session:
        record = enter_law(
            session,
            actor=ctx.user,
            kind=kind,
            subject=subject,
            body=parsed,
            document=content,
            document_name=document_name(document.filename),
            media_type=document.content_type or "application/octet-stream",
        )
        return LawEntryOut.of(record, ctx.user.name, with_body=True)


@router.get("/law/entries")
def list_entries(
    ctx: Annotated[Ctx, Depends(require(P.LAW_READ))],
    kind: Annotated[EntryKind | None, Query(description="Only entries of this kind")] = None,
) -> list[LawEntryOut]:
    """Every law entry, oldest first (the bundled law data is the default beneath them)."""
    with ctx.read() as session:
        records = list_law_entries(session, kind=kind)
        names = recorded_by_names(session, records)
        return [LawEntryOut.of(r, names[r.recorded_by_id]) for r in records]


@router.get("/law/entries/{entry_id}")
def show_entry(
    ctx: Annotated[Ctx, Depends(require(P.LAW_READ))], entry_id: RecordId
) -> LawEntryOut:
    """One law entry, with what it holds."""
    with ctx.read() as session:
        record = get_law_entry(session, entry_id=entry_id)
        names = recorded_by_names(session, [record])
        return LawEntryOut.of(record, names[record.recorded_by_id], with_body=True)


@router.get(
    "/law/entries/{entry_id}/document",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "As entered"}},
)
def entry_document(
    ctx: Annotated[Ctx, Depends(require(P.LAW_READ))], entry_id: RecordId
) -> Response:
    """The entry's source document, as entered (its media type; sha256 in a header)."""
    with ctx.read() as session:
        record = get_law_entry(session, entry_id=entry_id)
        content, name = record.source_document, record.source_document_name
        media_type, sha = record.source_media_type, record.source_document_sha256
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'")
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"',
            "X-Content-SHA256": sha,
        },
    )
