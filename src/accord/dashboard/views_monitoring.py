"""The Monitoring pages: a hub and the monitor's lists, an incident with its resolution form
(for those who resolve) and its observations (monitors record them), and the audit chain
(verify now, download the export bundle).

Every list filters, sorts, pages and downloads as CSV (listing.py); every page that names
persons appends a `read.dashboard_*` audit entry. Resolving an incident calls the same
service as the CLI and the API (operations.handover.resolve_incident); the audit bundle is
the one `accord audit export` writes (db.audit.export_bundle), zipped.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from accord.api.deps import NO_NUL, Ctx, require
from accord.auth import Permission, can
from accord.dashboard import monitoring_lists as ml
from accord.dashboard.forms import FieldCheck, FormError, field_error
from accord.dashboard.labels import options
from accord.dashboard.listing import AnySelect, Listing, wants_csv
from accord.dashboard.pages import PageRoute, act, render
from accord.errors import AccordError, PermissionDenied, UnknownOperationsRecord
from accord.limits import LONG_TEXT_MAX
from accord.operations.incident_observations import (
    ObservationLevel,
    list_observations,
    record_observation,
)
from accord.operations.models import (
    ConsularCompletion,
    ConsularTask,
    CounselAccess,
    Incident,
    IncidentResolution,
    MonitoringVisit,
    ReturnCase,
)
from accord.operations.states import ResolutionReason, ReturnStatus

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
IncidentId = Annotated[int, Path(ge=1, le=2**62)]
FormText = Annotated[str, Form(max_length=LONG_TEXT_MAX, pattern=NO_NUL)]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@router.get("/monitoring")
def hub(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """What needs a monitor's eye now, each with a link to its list (counts only)."""
    from accord.db.models import AuditEntry

    now = _now()
    with ctx.read() as session:
        resolved = select(IncidentResolution.incident_id)
        open_incidents = session.scalar(
            select(func.count()).select_from(Incident).where(Incident.id.not_in(resolved))
        )
        done = select(ConsularCompletion.task_id)
        open_tasks = (
            select(func.count()).select_from(ConsularTask).where(ConsularTask.id.not_in(done))
        )
        consular_open = session.scalar(open_tasks)
        consular_overdue = session.scalar(
            open_tasks.where(ConsularTask.created_at < now - ml.CONSULAR_DUE)
        )
        returns_open = session.scalar(
            select(func.count())
            .select_from(ReturnCase)
            .where(ml.return_status() != ReturnStatus.BACK_IN_US_CUSTODY.value)
        )
        counsel_30 = session.scalar(
            select(func.count())
            .select_from(CounselAccess)
            .where(CounselAccess.occurred_at >= now - dt.timedelta(days=30))
        )
        visits = session.scalar(select(func.count()).select_from(MonitoringVisit))
        last_visit = session.scalar(select(func.max(MonitoringVisit.visited_on)))
        head = session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
    return render(
        request,
        ctx,
        "monitoring.html",
        open_incidents=int(open_incidents or 0),
        consular_open=int(consular_open or 0),
        consular_overdue=int(consular_overdue or 0),
        returns_open=int(returns_open or 0),
        counsel_30=int(counsel_30 or 0),
        visits=int(visits or 0),
        last_visit=last_visit,
        head=head,
        due_days=ml.CONSULAR_DUE.days,
    )


def _list_page(
    request: Request,
    ctx: Ctx,
    listing: Listing,
    statement: AnySelect,
    *,
    template: str,
    audit: tuple[str, str],
    filename: str,
    **context: Any,
) -> Response:
    """A monitor's list: the page (audited), or its CSV (audited) with `?format=csv`."""
    if wants_csv(request.query_params):
        return listing.csv_response(
            ctx, statement, request.query_params, filename=filename, audit=audit
        )
    page = listing.page(ctx, statement, request.query_params)
    ctx.audit_read(*audit, count=len(page.rows), total=page.total, **page.filters)
    return render(request, ctx, template, page=page, **context)


@router.get("/monitoring/incidents")
def incidents(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """Every incident, newest first; open or resolved, by kind, mission and date."""
    return _list_page(
        request,
        ctx,
        ml.INCIDENTS,
        ml.incidents_statement(),
        template="monitoring_incidents.html",
        audit=("read.dashboard_incidents", "incidents"),
        filename="incidents.csv",
    )


def _incident(ctx: Ctx, incident_id: int) -> dict[str, Any]:
    with ctx.read() as session:
        row = session.execute(ml.incidents_statement().where(Incident.id == incident_id)).first()
        if row is None:
            raise UnknownOperationsRecord(f"no incident {incident_id}")
        found = dict(row._mapping)
        resolution = session.scalars(
            select(IncidentResolution).where(IncidentResolution.incident_id == incident_id)
        ).first()
        found["note"] = resolution.note if resolution is not None else ""
        found["observations"] = list_observations(session, incident_id=incident_id)
    return found


def _incident_page(request: Request, ctx: Ctx, incident_id: int, **context: Any) -> Response:
    incident = _incident(ctx, incident_id)
    ctx.audit_read("read.dashboard_incident", f"incident:{incident_id}")
    return render(
        request,
        ctx,
        "monitoring_incident.html",
        incident=incident,
        reasons=options("resolution_reason"),
        levels=[(level.value, level.value.capitalize()) for level in ObservationLevel],
        **context,
    )


@router.get("/monitoring/incidents/{incident_id}")
def incident(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))],
    incident_id: IncidentId,
) -> Response:
    """One incident: what happened, to whom, on which mission; how it was resolved, or the
    form to resolve it (for those who may)."""
    return _incident_page(request, ctx, incident_id)


def _incident_form(
    request: Request,
    ctx: Ctx,
    incident_id: int,
    *,
    choice: tuple[str, str, list[str], str],
    text: tuple[str, str, str],
    write: Callable[[Session, str, str], str],
    refused_beside: str,
) -> Response:
    """A form on the incident page of a coded choice and a required text, each given as
    (field, label, [codes,] value posted): checked, then written in one transaction
    (`write(session, code, text)` returns the message); a refusal comes back beside the
    field `refused_beside`, bad values beside their fields on the page again."""
    choice_field, choice_label, codes, chosen = choice
    text_field, text_label, typed = text
    values = {choice_field: chosen, text_field: typed}

    def work() -> str:
        check = FieldCheck(values)
        code = check.choice(choice_field, choice_label, codes)
        said = check.text(text_field, text_label, required=True, max_length=LONG_TEXT_MAX)
        check.done()
        try:
            with ctx.write() as session:
                message = write(session, str(code), said or "")
        except PermissionDenied:
            raise
        except AccordError as exc:
            raise field_error(exc, refused_beside, values) from exc
        return message

    try:
        return act(f"/monitoring/incidents/{incident_id}", work)
    except FormError as exc:
        return _incident_page(
            request, ctx, incident_id, errors=exc.errors, values=exc.values, status=400
        )


@router.post("/monitoring/incidents/{incident_id}/resolve")
def resolve(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_INCIDENTS))],
    incident_id: IncidentId,
    reason: Annotated[str, Form(max_length=64, pattern=NO_NUL)] = "",
    note: FormText = "",
) -> Response:
    """Resolve with a coded reason and a note; a refusal comes back beside its field."""
    from accord.operations.handover import resolve_incident

    def write(session: Session, code: str, text: str) -> str:
        chosen = ResolutionReason(code)
        resolve_incident(session, actor=ctx.user, incident_id=incident_id, reason=chosen, note=text)
        return f"Incident {incident_id} resolved: {chosen.description}."

    return _incident_form(
        request,
        ctx,
        incident_id,
        choice=("reason", "Reason", [r.value for r in ResolutionReason], reason),
        text=("note", "How the person was accounted for", note),
        write=write,
        refused_beside="reason",
    )


@router.post("/monitoring/incidents/{incident_id}/observe")
def observe(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_OBSERVE))],
    incident_id: IncidentId,
    level: Annotated[str, Form(max_length=64, pattern=NO_NUL)] = "",
    text: FormText = "",
) -> Response:
    """A monitor's observation (note, concern, urgent) on the incident; it resolves nothing."""

    def write(session: Session, code: str, said: str) -> str:
        chosen = ObservationLevel(code)
        record_observation(
            session, actor=ctx.user, incident_id=incident_id, level=chosen, text=said
        )
        return f"Observation recorded on incident {incident_id} ({chosen.value})."

    return _incident_form(
        request,
        ctx,
        incident_id,
        choice=("level", "Concern level", [c.value for c in ObservationLevel], level),
        text=("text", "What you observed", text),
        write=write,
        refused_beside="text",
    )


@router.get("/monitoring/consular")
def consular(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """Consular notification tasks, overdue ones first (owed more than the due days ago)."""
    return _list_page(
        request,
        ctx,
        ml.CONSULAR,
        ml.consular_statement(_now()),
        template="monitoring_consular.html",
        audit=("read.dashboard_consular_tasks", "consular tasks"),
        filename="consular-tasks.csv",
        due_days=ml.CONSULAR_DUE.days,
    )


@router.get("/monitoring/counsel")
def counsel(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """The counsel access log, latest contact first."""
    return _list_page(
        request,
        ctx,
        ml.COUNSEL,
        ml.counsel_statement(),
        template="monitoring_counsel.html",
        audit=("read.dashboard_counsel_access", "counsel access log"),
        filename="counsel-access.csv",
    )


@router.get("/monitoring/returns")
def returns(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """Court-ordered return cases with their latest status."""
    return _list_page(
        request,
        ctx,
        ml.RETURNS,
        ml.returns_statement(),
        template="monitoring_returns.html",
        audit=("read.dashboard_returns", "return cases"),
        filename="return-cases.csv",
    )


@router.get("/monitoring/audit")
def audit(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.AUDIT_VERIFY, P.AUDIT_EXPORT))],
    verify: Annotated[str, Query(max_length=8, pattern=NO_NUL)] = "",
) -> Response:
    """The audit chain's head and latest signed checkpoint; `?verify=now` recomputes the
    whole chain and checks the rows it vouches for, as `accord audit verify` does."""
    from accord.db.checkpoints import latest_checkpoint
    from accord.db.models import AuditEntry
    from accord.registry.audit_report import audit_report

    report = None
    if verify:
        if not can(ctx.user, P.AUDIT_VERIFY):
            raise PermissionDenied("verifying the audit chain needs audit.verify")
        with ctx.read() as session:
            report = audit_report(session)
    with ctx.read() as session:
        head = session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        checkpoint = latest_checkpoint(session)
    return render(
        request,
        ctx,
        "monitoring_audit.html",
        report=report,
        head=head,
        checkpoint=checkpoint,
        checked_at=_now() if report is not None else None,
    )


@router.get("/monitoring/audit/bundle")
def audit_bundle(ctx: Annotated[Ctx, Depends(require(P.AUDIT_EXPORT))]) -> Response:
    """The export bundle `accord audit export` writes (audit.jsonl, manifest.json with the
    signed checkpoints, VERIFY.md, the standalone verifier), as one zip file."""
    from accord.db import export_bundle

    ctx.audit_read("read.dashboard_audit_export", "audit log")  # in the bundle it exports
    work = FilePath(tempfile.mkdtemp(prefix="accord-audit-"))
    try:
        folder = work / "bundle"
        with ctx.read() as session:
            manifest = export_bundle(session, out=folder, exported_by=ctx.user)
        name = f"accord-audit-{manifest['entries']}"
        archive = work / f"{name}.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    zipped.write(path, f"{name}/{path.relative_to(folder).as_posix()}")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(
        archive,
        media_type="application/zip",
        filename=archive.name,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True),
    )
