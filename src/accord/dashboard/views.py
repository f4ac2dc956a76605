"""The dashboard's pages: thin routes over the same service and read functions as the CLI.

Each route declares its permission with the API's `require`; pages that show
personal data append a `read.dashboard_*` audit entry, as the API's reads do.
Writing forms are in actions.py, mission pages in views_missions.py.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from accord.agreements import bundled_agreements
from accord.api.deps import NO_NUL, PERSON_ID_PATTERN, Ctx, require
from accord.auth import Permission
from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.dashboard import (
    actions,
    listing_rows,
    lists,
    lists_facility,
    reads,
    views_alerts,
    views_documents,
    views_missions,
    views_monitoring,
)
from accord.dashboard.charts import bar_chart
from accord.dashboard.forms import FieldCheck, render_form_errors
from accord.dashboard.listing import Page, wants_csv
from accord.dashboard.pages import PageRoute, masker, render
from accord.errors import InputError
from accord.limits import FIRST_DAY, LAST_DAY
from accord.operations.custody import census_count
from accord.operations.events import check_facility_scope
from accord.operations.reconcile import reconcile as run_reconcile
from accord.operations.states import ApproveReason, CaseState, DenyReason
from accord.operations.workflow import ACTIVE_STATES, notice_required, pending_notice
from accord.pathways import PATHWAYS
from accord.registry import person_case_file, person_history
from accord.registry.search import people_statement

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
    q: Annotated[str, Query(max_length=128, pattern=NO_NUL)] = "",
    born: Annotated[str, Query(max_length=32, pattern=NO_NUL)] = "",
    nationality: Annotated[str, Query(max_length=32, pattern=NO_NUL)] = "",
) -> Response:
    """Every person, or those matching a search (name or id, date of birth, nationality),
    best match first; filtered, sorted and paged in SQL, downloadable as CSV. Analysts see
    masked ids and no names, and search by nationality only (a name or an id would tell
    them whose masked id it is)."""
    values = {"q": q, "born": born, "nationality": nationality}
    check = FieldCheck(values)
    typed = "" if ctx.masked else (check.text("q", "Name or person id") or "")
    birth = None if ctx.masked else check.date("born", "Date of birth")
    country = (check.text("nationality", "Nationality") or "").upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        check.fail("nationality", "Nationality must be a two-letter country code, like VE")
    if check.errors:
        return render_form_errors(
            request, ctx, "people.html", errors=check.errors, values=values, page=None
        )
    listing = lists.PEOPLE_MASKED if ctx.masked else lists.PEOPLE_FOUND if typed else lists.PEOPLE
    download = wants_csv(request.query_params)
    # the whole registry's CSV joins what a page (or a search's few rows) looks up per row
    bulk = download and not (typed or birth or country)
    with ctx.read() as session:
        statement = people_statement(
            session, typed=typed, birth_date=birth, nationality=country or None, bulk=bulk
        )
    searched = {
        "search": typed or None,
        "born": birth.isoformat() if birth else None,
        "nationality": country or None,
    }
    if download:
        return listing.csv_response(
            ctx,
            statement,
            request.query_params,
            filename="people.csv",
            audit=("read.dashboard_people", "persons"),
            audit_details=searched,
        )
    page = listing.page(ctx, statement, request.query_params, keep=("q", "born", "nationality"))
    ctx.audit_read(
        "read.dashboard_people",
        "persons",
        page=page.page,
        count=len(page.rows),
        total=page.total,
        **searched,
        **page.filters,
    )
    return render(request, ctx, "people.html", page=page, values=values)


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
def cases_page(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """Transfer cases, newest first, filtered by state, agreement, pathway, facility and
    nomination date; `?state=nominated` is the legal reviewers' queue."""
    statement = lists.cases_statement()
    if wants_csv(request.query_params):
        return lists.CASES.csv_response(
            ctx,
            statement,
            request.query_params,
            filename="cases.csv",
            audit=("read.dashboard_cases", "transfer cases"),
        )
    page = lists.CASES.page(ctx, statement, request.query_params)
    ctx.audit_read(
        "read.dashboard_cases",
        "transfer cases",
        count=len(page.rows),
        total=page.total,
        **page.filters,
    )
    state = page.filters.get("state")
    return render(request, ctx, "cases.html", page=page, state=CaseState(state) if state else None)


@router.get("/facilities/{facility_id}")
def facility(
    request: Request,
    ctx: Annotated[Ctx, Depends(require(P.OPS_READ, P.OPS_CENSUS))],
    facility_id: FacilityPath,
) -> Response:
    """Places against capacity and quota, today's count from the events, the census reports
    beside it, who is held there (a list that filters, sorts, pages and downloads: tens of
    thousands at CECOT), and the monitors' visits. A liaison sees only its own."""
    today = _today()
    params = request.query_params
    with ctx.read() as session:
        gauge = reads.gauge(session, facility_id)
        check_facility_scope(session, ctx.user, gauge.facility.id)
        held_list = lists_facility.held_listing(gauge.agreements)
        statement = lists_facility.held_statement(gauge.facility.id)
        if wants_csv(params):  # the audit entry says how many the file holds
            counted = lists_facility.held_count(held_list, statement, params, masked=ctx.masked)
            held = int(session.scalar(counted) or 0)
        else:
            count = census_count(session, facility_id=gauge.facility.id, day=today)
            reports = list(reads.census_reports(session, gauge.facility.id))
            page = held_list.apply(session, statement, params, masked=ctx.masked, pid=masker(ctx))
            visits = reads.visits(session, facility_id=gauge.facility.id, limit=20)
    audit = ("read.dashboard_census", f"facility:{gauge.facility.id}")
    if wants_csv(params):
        return held_list.csv_response(
            ctx,
            statement,
            params,
            filename=f"held-{gauge.facility.id}.csv",
            audit=audit,
            audit_details={"held": held},
        )
    ctx.audit_read(*audit, held=page.total, count=len(page.rows), **page.filters)
    return render(
        request,
        ctx,
        "facility.html",
        gauge=gauge,
        count=count,
        today=today,
        reports=reports,
        page=page,
        visits=visits,
    )


@router.get("/invoices")
def invoices(request: Request, ctx: Annotated[Ctx, Depends(require(P.BILLING_READ))]) -> Response:
    """Issued invoices with their credit notes (no person is named on this list)."""
    statement = lists.invoices_statement()
    if wants_csv(request.query_params):
        return lists.INVOICES.csv_response(
            ctx, statement, request.query_params, filename="invoices.csv"
        )
    page = lists.INVOICES.page(ctx, statement, request.query_params)
    return render(request, ctx, "invoices.html", page=page)


@router.get("/visits")
def visits(
    request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ, P.OPS_VISITS))]
) -> Response:
    """Monitoring visits and their findings, newest first, and the form to record one; for
    those who verify the audit log, its latest signed checkpoint (to keep and verify against)."""
    from accord.auth import can
    from accord.db.checkpoints import latest_checkpoint
    from accord.operations.states import FindingSeverity

    statement = lists.visits_statement()
    if wants_csv(request.query_params):
        return lists.VISITS.csv_response(
            ctx, statement, request.query_params, filename="visits.csv"
        )
    with ctx.read() as session:
        page = lists.VISITS.apply(session, statement, request.query_params)
        findings = reads.visit_findings(session, [row["id"] for row in page.rows])
        checkpoint = latest_checkpoint(session) if can(ctx.user, P.AUDIT_VERIFY) else None
    return render(
        request,
        ctx,
        "visits.html",
        page=page,
        findings=findings,
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
    draws: Annotated[str, Query(max_length=32)] = "500",
    seed: Annotated[str, Query(max_length=32)] = "0",
) -> Response:
    """Run a bundled scenario with a few draws and show its charts (aggregates only); a bad
    value comes back beside its field (forms.py)."""
    from accord.dashboard.forms import FieldCheck
    from accord.simulation.plan import resolve
    from accord.simulation.report import render_charts
    from accord.simulation.run import simulate
    from accord.simulation.scenario import bundled_scenarios, load_scenario

    names = sorted(bundled_scenarios())
    values = {"scenario": scenario, "draws": draws, "seed": seed}
    check = FieldCheck(values)
    chosen = check.choice("scenario", "Scenario", names, required=False)
    n_draws = check.integer("draws", "Draws", required=True, low=1, high=SIM_MAX_DRAWS)
    n_seed = check.integer("seed", "Seed", required=True, low=0, high=2**31)
    results, charts, seconds = None, [], 0.0
    if chosen and not check.errors and n_draws is not None and n_seed is not None:
        started = time.perf_counter()
        results = simulate(resolve(load_scenario(chosen)), draws=n_draws, seed=n_seed)
        charts = render_charts(results)
        seconds = time.perf_counter() - started
    return render(
        request,
        ctx,
        "simulator.html",
        status=400 if check.errors else 200,
        errors=check.errors,
        values=values,
        names=names,
        scenario=scenario,
        max_draws=SIM_MAX_DRAWS,
        results=results,
        charts=charts,
        seconds=seconds,
    )


@router.get("/reconcile")
def reconcile(request: Request, ctx: Annotated[Ctx, Depends(require(P.OPS_READ))]) -> Response:
    """Every invariant of the operations records checked now; each violation links to the
    record it names (the case on its person's page, the facility, incident, return case).
    The violations filter by code, record and message, sort, page and download as CSV."""
    with ctx.read() as session:
        report = run_reconcile(session)
        links = reads.subject_links(session, [v.subject for v in report.violations])
    rows = lists_facility.violation_rows(report.violations, links)
    page = listing_rows.page_or_csv(
        lists_facility.violations_listing(),
        ctx,
        rows,
        request.query_params,
        filename="reconcile-violations.csv",
        audit=("read.dashboard_reconcile", "operations"),
        audit_details={"violations": len(report.violations)},
    )
    if not isinstance(page, Page):
        return page  # the CSV
    return render(request, ctx, "reconcile.html", report=report, page=page)


router.include_router(views_missions.router)
router.include_router(views_documents.router)
router.include_router(views_monitoring.router)
router.include_router(views_alerts.router)
router.include_router(actions.router)
