"""The dashboard's pages: thin routes over the same service and read functions as the CLI.

Each route declares its permission with the API's `require`; pages that show
personal data append a `read.dashboard_*` audit entry, as the API's reads do.
Writing forms are in actions.py, mission pages in views_missions.py.
"""

from __future__ import annotations

import datetime as dt
import time
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from accord.agreements import bundled_agreements
from accord.api.deps import PERSON_ID_PATTERN, Ctx, require
from accord.api.schemas import FIRST_DAY, LAST_DAY
from accord.auth import Permission
from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.dashboard import actions, reads, views_alerts, views_missions
from accord.dashboard.charts import bar_chart
from accord.dashboard.pages import PageRoute, render
from accord.errors import InputError
from accord.operations.custody import census_count
from accord.operations.events import check_facility_scope
from accord.operations.reconcile import reconcile as run_reconcile
from accord.operations.states import ApproveReason, CaseState, DenyReason
from accord.operations.workflow import ACTIVE_STATES, notice_required, pending_notice
from accord.pathways import PATHWAYS
from accord.registry import person_case_file, person_history

P = Permission
router = APIRouter(include_in_schema=False, route_class=PageRoute)
PersonPath = Annotated[
    str, Path(min_length=1, max_length=128, pattern=PERSON_ID_PATTERN, description="Person id")
]
FacilityPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
SIM_MAX_DRAWS = 2000  # a page waits for the run: keep it to a second or two


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _date(value: str, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} '{value}': use YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:  # 9999-12-31 would overflow at the end of its day
        raise InputError(f"{what} '{value}': must lie between {FIRST_DAY} and {LAST_DAY}")
    return day


@router.get("/static/dashboard.css")
def stylesheet(_ctx: Annotated[Ctx, Depends(require())]) -> Response:
    css = (files("accord.dashboard") / "static" / "dashboard.css").read_bytes()
    return Response(css, media_type="text/css", headers={"Cache-Control": "private, max-age=300"})


@router.get("/")
def overview(request: Request, ctx: Annotated[Ctx, Depends(require())]) -> Response:
    """Aggregates only (no person is named), so every role may see it."""
    with ctx.read() as session:
        states = reads.people_by_state(session)
        gauges = reads.gauges(session)
        months = reads.transfers_per_month(session, today=_today())
    chart = bar_chart(months, title="Persons departed per month, last 12 months")
    return render(
        request,
        ctx,
        "overview.html",
        states=states,
        gauges=gauges,
        chart=chart,
        departed=sum(n for _, n in months),
    )


@router.get("/people")
def people(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.FACTS_READ, P.FACTS_READ_MASKED))],
    q: Annotated[str, Query(max_length=128, pattern=r"^[A-Za-z0-9._:-]*$")] = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Person ids with the state of their latest case; analysts see them masked, unsearchable."""
    limit = 50
    prefix = "" if ctx.masked else q  # a prefix search would unmask ids
    with ctx.read() as session:
        rows = reads.persons_page(session, prefix=prefix, offset=offset, limit=limit)
    ctx.audit_read("read.dashboard_people", "persons", offset=offset, count=len(rows))
    return render(request, ctx, "people.html", rows=rows, q=prefix, offset=offset, limit=limit)


def _facts(case: CaseFile) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(list, 'not known' | 'none' | '', items): absent means not known, empty means none."""
    out: list[tuple[str, str, list[dict[str, Any]]]] = []
    for name in CASE_FILE_LISTS:
        value = getattr(case, name)
        if value is None:
            out.append((name, "not known", []))
        elif not value:
            out.append((name, "none", []))
        else:
            items = [
                v.model_dump(mode="json", exclude_none=True)
                if hasattr(v, "model_dump")
                else {"value": v}
                for v in value
            ]
            out.append((name, "", items))
    return out


@router.get("/people/{person_id}")
def person(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.FACTS_READ))],
    person_id: PersonPath,
    as_known_on: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """Facts as a timeline with sources, each decision with its reasons and citations and
    what would have to change, the person's transfer cases, and the forms for the next step."""
    known_on = _date(as_known_on, "as known on")
    with ctx.read() as session:
        case_file = person_case_file(session, person_id=person_id, as_known_on=known_on)
        history = person_history(session, person_id=person_id, as_known_on=known_on)
        cases = reads.person_cases(session, person_id)
        records = reads.decision_records(session, person_id)
        names = reads.user_names(session)
        needs_notice = {
            c.id: notice_required(session, c)
            for c, _ in cases
            if c.state == CaseState.APPROVED.value
        }
        pending_notices = {
            c.id: pending
            for c, _ in cases
            if c.state in (CaseState.APPROVED.value, CaseState.READY.value)
            and (pending := pending_notice(session, c)) is not None
        }
    ctx.audit_read(
        "read.dashboard_person",
        f"person:{person_id}",
        as_known_on=known_on.isoformat() if known_on else None,
    )
    timeline: list[dict[str, Any]] = [
        {
            "at": v.recorded_at,
            "what": f"{v.list_name}: {v.kind}"
            + ("" if v.known else " (not known)")
            + (f", {v.rows} item(s)" if v.known else ""),
            "valid_from": v.valid_from,
            "by": v.recorded_by,
            "source": v.source_document,
            "note": v.note or "",
        }
        for v in history
    ]
    for case, events in cases:
        timeline.extend(
            {
                "at": e.occurred_at,
                "what": f"case {case.id}: {e.kind}"
                + (f" ({e.reason_code})" if e.reason_code else ""),
                "valid_from": None,
                "by": names.get(e.recorded_by_id, "?"),
                "source": "operations event",
                "note": ", ".join(f"{k}: {v}" for k, v in (e.details or {}).items()),
            }
            for e in events
        )
    timeline.sort(key=lambda item: item["at"], reverse=True)
    active = any(CaseState(c.state) in ACTIVE_STATES for c, _ in cases)
    return render(
        request,
        ctx,
        "person.html",
        person_id=person_id,
        case_file=case_file,
        facts=_facts(case_file),
        timeline=timeline,
        cases=cases,
        records=records,
        names=names,
        needs_notice=needs_notice,
        pending_notices=pending_notices,
        active=active,
        as_known_on=known_on,
        today=_today(),
        agreements=sorted(bundled_agreements()),
        pathways=list(PATHWAYS),
        approve_reasons=list(ApproveReason),
        deny_reasons=list(DenyReason),
    )


@router.get("/cases")
def cases_page(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ))],
    state: Annotated[CaseState | None, Query()] = None,
) -> Response:
    """Transfer cases, newest first; `?state=nominated` is the legal reviewers' queue."""
    with ctx.read() as session:
        rows = list(reads.cases(session, state=state.value if state else None))
        names = reads.user_names(session)
    ctx.audit_read("read.dashboard_cases", "transfer cases", state=state, count=len(rows))
    return render(
        request, ctx, "cases.html", rows=rows, names=names, state=state, states=list(CaseState)
    )


@router.get("/facilities/{facility_id}")
def facility(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ, P.OPS_CENSUS))],
    facility_id: FacilityPath,
) -> Response:
    """Places against capacity and quota, today's count from the events, the census reports
    beside it, who is held there, and the monitors' visits. A liaison sees only its own."""
    today = _today()
    with ctx.read() as session:
        gauge = reads.gauge(session, facility_id)
        check_facility_scope(session, ctx.user, gauge.facility.id)
        count = census_count(session, facility_id=gauge.facility.id, day=today)
        reports = list(reads.census_reports(session, gauge.facility.id))
        held = list(reads.held_at(session, gauge.facility.id))
        visits = reads.visits(session, facility_id=gauge.facility.id, limit=20)
    ctx.audit_read("read.dashboard_census", f"facility:{gauge.facility.id}", held=len(held))
    return render(
        request,
        ctx,
        "facility.html",
        gauge=gauge,
        count=count,
        today=today,
        reports=reports,
        held=held,
        visits=visits,
    )


@router.get("/invoices")
def invoices(request: Request, ctx: Annotated[Ctx, Depends(require(P.BILLING_READ))]) -> Response:
    """Issued invoices with their credit notes (no person is named on this list)."""
    from accord.billing.invoices import list_invoices

    with ctx.read() as session:
        rows = list_invoices(session)
        names = reads.user_names(session)
    return render(request, ctx, "invoices.html", rows=rows, names=names)


@router.get("/visits")
def visits(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ, P.OPS_VISITS))]
) -> Response:
    """Monitoring visits and their findings, newest first, and the form to record one; for
    those who verify the audit log, its latest signed checkpoint (to keep and verify against)."""
    from accord.auth import can
    from accord.db.checkpoints import latest_checkpoint

    with ctx.read() as session:
        rows = reads.visits(session)
        checkpoint = latest_checkpoint(session) if can(ctx.user, P.AUDIT_VERIFY) else None
    from accord.operations.states import FindingSeverity

    return render(
        request,
        ctx,
        "visits.html",
        rows=rows,
        checkpoint=checkpoint,
        facilities=[f for f, _ in reads.facilities().values()],
        severities=list(FindingSeverity),
        today=_today(),
    )


@router.get("/simulator")
def simulator(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.FACTS_READ_MASKED, P.FACTS_READ))],
    scenario: Annotated[str, Query(max_length=64)] = "",
    draws: Annotated[int, Query(ge=1, le=SIM_MAX_DRAWS)] = 500,
    seed: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> Response:
    """Run a bundled scenario with a few draws and show its charts (aggregates only)."""
    from accord.simulation.plan import resolve
    from accord.simulation.report import render_charts
    from accord.simulation.run import simulate
    from accord.simulation.scenario import bundled_scenarios, load_scenario

    names = sorted(bundled_scenarios())
    results, charts, seconds = None, [], 0.0
    if scenario:
        if scenario not in names:
            raise InputError(f"no bundled scenario '{scenario}'; one of: {', '.join(names)}")
        started = time.perf_counter()
        results = simulate(resolve(load_scenario(scenario)), draws=draws, seed=seed)
        charts = render_charts(results)
        seconds = time.perf_counter() - started
    return render(
        request,
        ctx,
        "simulator.html",
        names=names,
        scenario=scenario,
        draws=draws,
        seed=seed,
        max_draws=SIM_MAX_DRAWS,
        results=results,
        charts=charts,
        seconds=seconds,
    )


@router.get("/reconcile")
def reconcile(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """Every invariant of the operations records checked now; violations name cases."""
    with ctx.read() as session:
        report = run_reconcile(session)
    ctx.audit_read("read.dashboard_reconcile", "operations", violations=len(report.violations))
    return render(request, ctx, "reconcile.html", report=report)


router.include_router(views_missions.router)
router.include_router(views_alerts.router)
router.include_router(actions.router)
