"""HTTP routes of the transparency report: its tables as JSON, or every file as a ZIP.

Thin: parse, build the publication in one read transaction, record it in the audit chain
(the head it was built from and each file's SHA-256), return it. A bad period or threshold
is a 422 problem; nothing is recorded then.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from accord.api.deps import Ctx, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.auth import Permission
from accord.publish.period import DEFAULT_THRESHOLD, THRESHOLD_RANGE, parse_period
from accord.publish.schemas import PublicationOut
from accord.publish.service import (
    Publication,
    build_publication,
    publication_files,
    record_publication,
)

P = Permission
router = APIRouter(tags=["publish"], responses=PROBLEM_RESPONSES)
PeriodQuery = Annotated[
    str, Query(max_length=32, examples=["2025-03..2025-12"], description="YYYY-MM..YYYY-MM")
]
ThresholdQuery = Annotated[int, Query(ge=THRESHOLD_RANGE[0], le=THRESHOLD_RANGE[1])]
DeadlineQuery = Annotated[
    int | None,
    Query(ge=0, le=90, description="Default: the law parameter consular_notification_days"),
]


def publish(
    ctx: Ctx, period: str, threshold: int, deadline: int | None
) -> tuple[Publication, dict[str, bytes], int]:
    """Build, render and record a publication (what every route here does first)."""
    chosen = parse_period(period)
    with ctx.read() as session:
        publication = build_publication(
            session, period=chosen, threshold=threshold, consular_deadline_days=deadline
        )
    files = publication_files(publication)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    with ctx.write() as session:
        seq = record_publication(session, actor=ctx.user, publication=publication, digests=digests)
    return publication, files, seq


@router.get("/publish")
def publish_json(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))],
    period: PeriodQuery,
    threshold: ThresholdQuery = DEFAULT_THRESHOLD,
    consular_deadline_days: DeadlineQuery = None,
) -> PublicationOut:
    """The transparency report of a period: every table with small cells suppressed (null),
    and the audit chain head it was built from."""
    publication, _, seq = publish(ctx, period, threshold, consular_deadline_days)
    return PublicationOut.model_validate(publication.as_dict() | {"audit_seq": seq})


@router.get(
    "/publish/report.zip",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "Every file"}},
)
def publish_zip(
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))],
    period: PeriodQuery,
    threshold: ThresholdQuery = DEFAULT_THRESHOLD,
    consular_deadline_days: DeadlineQuery = None,
) -> Response:
    """Every file of the report folder (`accord publish --out`) as one ZIP archive."""
    publication, files, _ = publish(ctx, period, threshold, consular_deadline_days)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    name = f"accord-transparency-{publication.period.text.replace('..', '-to-')}.zip"
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
