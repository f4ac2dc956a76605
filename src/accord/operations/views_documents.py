"""HTTP routes of a mission's printable documents: the manifest and each person's escort record,
as PDF (WeasyPrint) or as HTML with a print stylesheet (accord.documents).

Reads of personal data (names, dates of birth): each is audited. `document_response` is shared
with the dashboard's download routes (dashboard/views_documents.py).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from accord.api.deps import NO_NUL, Ctx, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.auth import Permission
from accord.documents import (
    EscortRecord,
    ManifestDocument,
    escort_record,
    manifest_document,
    render_html,
    render_pdf,
)

P = Permission
router = APIRouter(tags=["missions"], responses=PROBLEM_RESPONSES)
Number = Annotated[
    str, Path(min_length=1, max_length=64, pattern=NO_NUL, description="Mission number")
]
CaseId = Annotated[int, Path(ge=1, description="Transfer case id")]
Format = Literal["pdf", "html"]
MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
DOCUMENT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/pdf": {}, "text/html": {}}, "description": "The document"}
}


def _file_name(text: str) -> str:
    """A download name of only safe characters (a mission number may hold quotes)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def document_response(document: ManifestDocument | EscortRecord, fmt: Format) -> Response:
    """The document as a download (PDF) or as a page to print (HTML)."""
    header = document.header
    if isinstance(document, ManifestDocument):
        name = f"manifest-{header.mission_number}"
    else:
        name = f"escort-{header.mission_number}-case-{document.passenger.case_id}"
    if fmt == "pdf":
        body = render_pdf(document)
        disposition = f'attachment; filename="{_file_name(name)}.pdf"'
    else:
        body = render_html(document).encode("utf-8")
        disposition = f'inline; filename="{_file_name(name)}.html"'
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


def read_manifest(ctx: Ctx, number: str, *, action: str, fmt: Format) -> ManifestDocument:
    with ctx.read() as session:
        document = manifest_document(session, mission_number=number)
    ctx.audit_read(action, f"mission:{number}", rows=len(document.passengers), format=fmt)
    return document


def read_escort(ctx: Ctx, number: str, case_id: int, *, action: str, fmt: Format) -> EscortRecord:
    with ctx.read() as session:
        document = escort_record(session, mission_number=number, case_id=case_id)
    ctx.audit_read(
        action,
        f"mission:{number}",
        case_id=case_id,
        person_id=document.passenger.identity.person_id,
        format=fmt,
    )
    return document


@router.get("/missions/{number}/manifest.pdf", responses=DOCUMENT_RESPONSES)
def manifest_pdf(ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number) -> Response:
    """The manifest as a printable PDF: header, passengers with their boarding decisions,
    incidents, handovers, signature blocks, page numbers."""
    return document_response(read_manifest(ctx, number, action="read.manifest", fmt="pdf"), "pdf")


@router.get("/missions/{number}/manifest.html", responses=DOCUMENT_RESPONSES)
def manifest_html(ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number) -> Response:
    """The manifest as one HTML page with its print stylesheet."""
    document = read_manifest(ctx, number, action="read.manifest", fmt="html")
    return document_response(document, "html")


@router.get("/missions/{number}/cases/{case_id}/escort.pdf", responses=DOCUMENT_RESPONSES)
def escort_pdf(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number, case_id: CaseId
) -> Response:
    """One person's escort record of the mission as PDF."""
    document = read_escort(ctx, number, case_id, action="read.escort_record", fmt="pdf")
    return document_response(document, "pdf")


@router.get("/missions/{number}/cases/{case_id}/escort.html", responses=DOCUMENT_RESPONSES)
def escort_html(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number, case_id: CaseId
) -> Response:
    """One person's escort record of the mission as HTML with its print stylesheet."""
    document = read_escort(ctx, number, case_id, action="read.escort_record", fmt="html")
    return document_response(document, "html")
