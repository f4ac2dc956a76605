"""Downloads of a mission's printable documents from its page: the manifest (PDF, or HTML to
print) and each person's escort record (PDF). Each download is an audited read of personal
data (read.dashboard_*), as the pages are."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from accord.api.deps import NO_NUL, Ctx, require
from accord.auth import Permission
from accord.dashboard.pages import PageRoute
from accord.operations.views_documents import document_response, read_escort, read_manifest

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
Number = Annotated[str, Path(min_length=1, max_length=64, pattern=NO_NUL)]
CaseId = Annotated[int, Path(ge=1)]


@router.get("/missions/{number}/manifest.pdf")
def manifest_pdf(ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number) -> Response:
    document = read_manifest(ctx, number, action="read.dashboard_manifest_document", fmt="pdf")
    return document_response(document, "pdf")


@router.get("/missions/{number}/manifest.html")
def manifest_html(ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number) -> Response:
    document = read_manifest(ctx, number, action="read.dashboard_manifest_document", fmt="html")
    return document_response(document, "html")


@router.get("/missions/{number}/cases/{case_id}/escort.pdf")
def escort_pdf(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number, case_id: CaseId
) -> Response:
    document = read_escort(ctx, number, case_id, action="read.dashboard_escort_record", fmt="pdf")
    return document_response(document, "pdf")


@router.get("/missions/{number}/cases/{case_id}/escort.html")
def escort_html(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))], number: Number, case_id: CaseId
) -> Response:
    document = read_escort(ctx, number, case_id, action="read.dashboard_escort_record", fmt="html")
    return document_response(document, "html")
