"""The Publish page: a monitor previews the transparency report of a period (every table,
small cells suppressed, and the audit chain head it is built from) and downloads it.

The preview writes nothing; the download (the API's /api/v1/publish/report.zip) is the
publication, recorded in the audit chain. A bad period or threshold comes back as the form,
HTTP 400, with the error beside its field.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from accord.api.deps import Ctx, require
from accord.auth import Permission
from accord.dashboard.forms import render_form_errors
from accord.dashboard.pages import PageRoute, render
from accord.errors import InputError
from accord.publish.period import DEFAULT_THRESHOLD, check_threshold, parse_period
from accord.publish.report import html_table
from accord.publish.service import build_publication

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Text = Annotated[str | None, Query(max_length=32)]


def _checked(period: str, threshold: str) -> tuple[Any, int, dict[str, str]]:
    errors: dict[str, str] = {}
    chosen, limit = None, DEFAULT_THRESHOLD
    try:
        chosen = parse_period(period)
    except InputError as exc:
        errors["period"] = str(exc).replace("--period ", "Period ")
    try:
        limit = check_threshold(int(threshold.strip()))
    except ValueError:
        errors["threshold"] = f"Threshold '{threshold}': a whole number of persons"
    except InputError as exc:
        errors["threshold"] = str(exc).replace("--threshold ", "Threshold ")
    return chosen, limit, errors


@router.get("/publish")
def publish_page(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(Permission.OPS_READ))],
    period: Text = None,
    threshold: Text = None,
) -> Response:
    """The form; with a period, the report's tables and where to download it."""
    values = {"period": period or "", "threshold": threshold or str(DEFAULT_THRESHOLD)}
    if not period:
        return render(request, ctx, "publish.html", values=values, report=None)
    chosen, limit, errors = _checked(values["period"], values["threshold"])
    if errors:
        return render_form_errors(
            request, ctx, "publish.html", errors=errors, values=values, report=None
        )
    with ctx.read() as session:
        publication = build_publication(session, period=chosen, threshold=limit)
    query = urlencode({"period": chosen.text, "threshold": limit})
    return render(
        request,
        ctx,
        "publish.html",
        values=values,
        report=publication,
        tables=[html_table(t) for t in publication.tables],
        download=f"/api/v1/publish/report.zip?{query}",
    )
