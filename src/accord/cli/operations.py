"""`accord nominate|review|notice|confirm-notice|withdraw|reconcile` and `accord missions|
handover|incidents|custody|census|returns|consular|counsel|visits|liaisons ...`: transfer
operations.

Thin like the rest of the CLI: each command declares its permission with
`acting_user(ctx, Permission.X)`, calls one operations service function in one
write transaction, and prints. Bad input is one line and exit 2 (main.run);
a refused departure (passengers struck) and a failed reconcile exit 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from accord.cli.audit_reads import audit_read
from accord.cli.registry import acting_user
from accord.cli.render import FormatOption, Listing, OutputFormat, print_listing
from accord.errors import InputError
from accord.operations.states import (
    ApproveReason,
    Coded,
    CounselAccessKind,
    CustodyEnd,
    CustodyEndReason,
    DenyReason,
    FindingSeverity,
    MissionCancelReason,
    ResolutionReason,
    ReturnStatus,
    WithdrawReason,
    parse_code,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from accord.auth import User

out = Console()
err = Console(stderr=True, soft_wrap=True)

missions_app = typer.Typer(no_args_is_help=True, help="Missions: manifest, boarding check, depart.")
handover_app = typer.Typer(no_args_is_help=True, help="Handover at the receiving facility.")
incidents_app = typer.Typer(no_args_is_help=True, help="Incidents: open until resolved.")
custody_app = typer.Typer(no_args_is_help=True, help="Release, transfer, return, death.")
census_app = typer.Typer(no_args_is_help=True, help="Daily census per facility.")
returns_app = typer.Typer(no_args_is_help=True, help="Court-ordered returns.")
consular_app = typer.Typer(no_args_is_help=True, help="Consular notification (VCCR art. 36).")
counsel_app = typer.Typer(no_args_is_help=True, help="Counsel access log.")
visits_app = typer.Typer(no_args_is_help=True, help="Monitoring visits and findings.")
liaisons_app = typer.Typer(no_args_is_help=True, help="Which facility a liaison acts for.")

Note = Annotated[str, typer.Option("--note", help="Free text beside the coded reason")]


def register_operations(app: typer.Typer) -> None:
    """Add the operations commands to the main app."""
    for command in (nominate, review, notice, withdraw, reconcile, codes):
        app.command()(command)
    app.command("confirm-notice")(confirm_notice)
    for name, sub in (
        ("missions", missions_app),
        ("handover", handover_app),
        ("incidents", incidents_app),
        ("custody", custody_app),
        ("census", census_app),
        ("returns", returns_app),
        ("consular", consular_app),
        ("counsel", counsel_app),
        ("visits", visits_app),
        ("liaisons", liaisons_app),
    ):
        app.add_typer(sub, name=name)


def _act(ctx: typer.Context, permission: str, *alternatives: str) -> tuple[Engine, User, Any]:
    """acting_user with permissions named lazily, so the CLI starts without the registry."""
    from accord.auth import Permission

    return acting_user(ctx, Permission[permission], *(Permission[a] for a in alternatives))


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what} '{text}': expected YYYY-MM-DD") from None


def _time(text: str, what: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InputError(
            f"{what} '{text}': expected an ISO time with a zone, e.g. 2025-03-15T18:00:00+00:00"
        )
    return moment


def _say(text: str) -> None:
    out.print(text, highlight=False, markup=False)


def nominate(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Person id in the registry")],
    agreement: Annotated[str, typer.Option("--agreement")],
    pathway: Annotated[str, typer.Option("--pathway")],
    destination: Annotated[str, typer.Option("--destination")],
    facility: Annotated[str | None, typer.Option("--facility")] = None,
    note: Note = "",
) -> None:
    """Nominate a person for transfer (officer), decided as of now: refused (exit 2, the
    failed rules and their citations) when a rule fails that no later step can cure, else
    nominated with any warnings; a legal reviewer must then review it."""
    from accord.db import write_session
    from accord.operations.nomination import nominate_with_decision

    engine, user, _ = _act(ctx, "OPS_NOMINATE")
    with write_session(engine) as session:
        done = nominate_with_decision(
            session,
            actor=user,
            person_id=person,
            agreement=agreement,
            pathway=pathway,
            destination=destination,
            facility=facility,
            note=note,
        )
        case_id = done.case.id if done.case is not None else None
    done.raise_if_refused()  # after the commit: the refusal's decision record is kept
    _say(
        f"transfer case {case_id}: {person} nominated; decision record "
        f"{done.decision_record_id}: {done.decision.outcome} as of {done.decision.as_of}"
    )
    for warning in done.warnings:
        _say(f"  warning: {warning}")


def review(
    ctx: typer.Context,
    case: Annotated[int, typer.Argument(help="Transfer case id")],
    reason: Annotated[str, typer.Option("--reason", help="Coded reason (accord codes)")],
    approve: Annotated[bool, typer.Option("--approve/--deny")] = False,
    note: Note = "",
) -> None:
    """Approve or deny another officer's nomination with a coded reason (legal reviewer)."""
    from accord.db import write_session
    from accord.operations.workflow import review as run

    code: ApproveReason | DenyReason = (
        parse_code(ApproveReason, reason, what="--reason")
        if approve
        else parse_code(DenyReason, reason, what="--reason")
    )
    engine, user, _ = _act(ctx, "OPS_REVIEW")
    with write_session(engine) as session:
        event = run(session, actor=user, case_id=case, approve=approve, reason=code, note=note)
        state = event.to_state
    _say(f"transfer case {case}: {state} ({code.value})")


def notice(
    ctx: typer.Context,
    cases: Annotated[list[int], typer.Argument(help="Transfer case ids")],
    served_on: Annotated[str, typer.Option("--served-on", help="YYYY-MM-DD")],
    source: Annotated[str, typer.Option("--source", help="The notice document")],
    counsel: Annotated[bool, typer.Option("--counsel/--no-counsel")] = False,
    exigent: Annotated[bool, typer.Option("--exigent")] = False,
) -> None:
    """Record written third-country notice served (also as a fact in the person's notices)."""
    from accord.db import write_session
    from accord.operations.workflow import serve_notices

    day = _date(served_on, "--served-on")
    engine, user, _ = _act(ctx, "OPS_NOTICE")
    with write_session(engine) as session:
        events = serve_notices(
            session,
            actor=user,
            case_ids=cases,
            served_on=day,
            counsel=counsel,
            exigent=exigent,
            source_document=source,
        )
        lines = [_notice_line(e.case_id, e.kind, e.details) for e in events]
    for line in lines:
        _say(line)


def _notice_line(case_id: int | None, kind: str, details: dict[str, Any]) -> str:
    if kind == "notice_served":
        return (
            f"transfer case {case_id}: notice served; earliest departure "
            f"{details['earliest_departure']}"
        )
    return (
        f"transfer case {case_id}: notice recorded {details['recorded_days_late']} days after "
        f"service; it counts once another legal reviewer confirms it (accord confirm-notice "
        f"{case_id})"
    )


def confirm_notice(
    ctx: typer.Context,
    case: Annotated[int, typer.Argument(help="Transfer case id")],
) -> None:
    """Confirm a notice recorded more than a day after its service (legal reviewer, not its
    recorder): only then does the decision rely on it."""
    from accord.db import write_session
    from accord.operations.workflow import confirm_notice as run

    engine, user, _ = _act(ctx, "OPS_REVIEW")
    with write_session(engine) as session:
        event = run(session, actor=user, case_id=case)
        line = f"{_notice_line(event.case_id, event.kind, event.details)} (confirmed)"
    _say(line)


def withdraw(
    ctx: typer.Context,
    case: Annotated[int, typer.Argument(help="Transfer case id")],
    reason: Annotated[str, typer.Option("--reason")],
    note: Note = "",
) -> None:
    """Withdraw a nomination before departure, with a coded reason."""
    from accord.db import write_session
    from accord.operations.workflow import withdraw as run

    code = parse_code(WithdrawReason, reason, what="--reason")
    engine, user, _ = _act(ctx, "OPS_NOMINATE")
    with write_session(engine) as session:
        run(session, actor=user, case_id=case, reason=code, note=note)
    _say(f"transfer case {case}: withdrawn ({code.value})")


def codes(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Every state and reason code of transfer operations, with its description."""
    from accord.operations import states

    kinds: list[type[Coded]] = [
        states.CaseState,
        states.MissionState,
        ApproveReason,
        DenyReason,
        WithdrawReason,
        MissionCancelReason,
        states.StrikeReason,
        states.IncidentKind,
        ResolutionReason,
        CustodyEnd,
        CustodyEndReason,
        ReturnStatus,
        CounselAccessKind,
        FindingSeverity,
    ]
    rows = [(kind.__name__, code.value, code.description) for kind in kinds for code in kind]
    listing = Listing("Operations codes", ("kind", "code", "description"), rows)
    print_listing(out, listing, fmt)


def reconcile(ctx: typer.Context) -> None:
    """Check every invariant of operations; exit 1 listing each violation with its code."""
    from accord.db import read_session
    from accord.operations.reconcile import reconcile as run

    engine, user, _ = _act(ctx, "OPS_READ")
    with read_session(engine) as session:
        report = run(session)
    audit_read(engine, user, "read.reconcile", "operations", violations=len(report.violations))
    checked = ", ".join(f"{n:,} {what}" for what, n in report.checked.items())
    if report.clean:
        _say(f"reconcile: clean ({checked})")
        return
    _say(f"reconcile: {len(report.violations)} violation(s) ({checked})")
    for v in report.violations:
        _say(f"  {v.code}  {v.subject}  {v.message}")
    raise typer.Exit(1)


@missions_app.command("create")
def missions_create(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Mission number (unique)")],
    carrier: Annotated[str, typer.Option("--carrier")],
    agreement: Annotated[str, typer.Option("--agreement")],
    pathway: Annotated[str, typer.Option("--pathway")],
    destination: Annotated[str, typer.Option("--destination")],
    facility: Annotated[str, typer.Option("--facility")],
    departure: Annotated[str, typer.Option("--departure", help="Planned, ISO time with zone")],
    seats: Annotated[int, typer.Option("--seats")],
    leg: Annotated[list[str], typer.Option("--leg", help="PICKUP:DROPOFF, in order")],
) -> None:
    """Create a planned mission with its legs."""
    from accord.db import write_session
    from accord.operations.missions import create_mission

    legs = []
    for text in leg:
        pickup, sep, dropoff = text.partition(":")
        if not sep or not pickup.strip() or not dropoff.strip():
            raise InputError(f"--leg '{text}': expected PICKUP:DROPOFF")
        legs.append((pickup.strip(), dropoff.strip()))
    planned = _time(departure, "--departure")
    engine, user, _ = _act(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        create_mission(
            session,
            actor=user,
            mission_number=number,
            carrier=carrier,
            agreement=agreement,
            pathway=pathway,
            destination=destination,
            facility=facility,
            planned_departure=planned,
            seats=seats,
            legs=legs,
        )
    _say(f"mission {number} created ({seats} seats, {len(legs)} leg(s))")


@missions_app.command("add")
def missions_add(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Mission number")],
    cases: Annotated[list[int], typer.Argument(help="Transfer case ids (ready)")],
) -> None:
    """Add ready cases to a planned mission's manifest (all or nothing)."""
    from accord.db import write_session
    from accord.operations.missions import add_to_mission

    engine, user, _ = _act(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        add_to_mission(session, actor=user, mission_number=number, case_ids=cases)
    _say(f"mission {number}: {len(cases)} case(s) added")


def _print_struck(struck: tuple[object, ...]) -> None:
    from accord.operations.results import Struck

    for s in struck:
        assert isinstance(s, Struck)
        _say(
            f"  STRUCK {s.person_id} (case {s.case_id}): {s.outcome}, decision record "
            f"{s.decision_record_id}: {s.reasons()}"
        )


@missions_app.command("check")
def missions_check(
    ctx: typer.Context, number: Annotated[str, typer.Argument(help="Mission number")]
) -> None:
    """Boarding check ahead of departure (nobody struck); exit 1 if anyone would be."""
    from accord.db import write_session
    from accord.operations.missions import check_mission

    engine, user, _ = _act(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        result = check_mission(session, actor=user, mission_number=number)
    _say(f"mission {number}: {result.cleared} of {result.checked} eligible")
    if result.struck:
        _print_struck(result.struck)
        raise typer.Exit(1)


@missions_app.command("depart")
def missions_depart(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Mission number")],
    at: Annotated[str, typer.Option("--at", help="Departure time, ISO with zone")],
) -> None:
    """Boarding check, then departure; if anyone is struck the strikes are kept, the mission
    stays planned and the command exits 1: run it again to depart the verified manifest."""
    from accord.db import write_session
    from accord.operations.missions import depart_mission

    moment = _time(at, "--at")
    engine, user, _ = _act(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        result = depart_mission(session, actor=user, mission_number=number, departed_at=moment)
    if not result.departed:
        _say(
            f"mission {number} NOT departed: {len(result.struck)} passenger(s) struck at the "
            "boarding check (kept); depart again to fly the verified manifest"
        )
        _print_struck(result.struck)
        raise typer.Exit(1)
    _say(f"mission {number} departed with {result.cleared} passengers, each eligible")


@missions_app.command("cancel")
def missions_cancel(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Mission number")],
    reason: Annotated[str, typer.Option("--reason")],
    note: Note = "",
) -> None:
    """Cancel a planned mission; its passengers are ready for another."""
    from accord.db import write_session
    from accord.operations.missions import cancel_mission

    code = parse_code(MissionCancelReason, reason, what="--reason")
    engine, user, _ = _act(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        cancel_mission(session, actor=user, mission_number=number, reason=code, note=note)
    _say(f"mission {number} cancelled ({code.value})")


@missions_app.command("manifest")
def missions_manifest(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Mission number")],
    csv_file: Annotated[Path | None, typer.Option("--csv")] = None,
    html_file: Annotated[Path | None, typer.Option("--html")] = None,
    pdf_file: Annotated[Path | None, typer.Option("--pdf")] = None,
) -> None:
    """The manifest with the decision behind each boarding, as CSV, HTML and/or PDF."""
    from accord.db import read_session
    from accord.documents import manifest_document
    from accord.operations import exports

    if csv_file is None and html_file is None and pdf_file is None:
        raise InputError("give --csv, --html and/or --pdf")
    engine, user, _ = _act(ctx, "OPS_READ")
    with read_session(engine) as session:
        _mission, rows = exports.manifest_rows(session, mission_number=number)
        document = manifest_document(session, mission_number=number)
    formats = [f for f, file in (("csv", csv_file), ("html", html_file), ("pdf", pdf_file)) if file]
    audit_read(
        engine, user, "read.manifest", f"mission:{number}", rows=len(rows), format=",".join(formats)
    )
    if csv_file is not None:
        exports.write_csv(rows, csv_file)
    if html_file is not None:
        exports.write_html(document, html_file)
    if pdf_file is not None:
        exports.write_pdf(document, pdf_file)
    _say(f"mission {number}: {len(rows)} passenger(s) written")


@handover_app.command("confirm")
def handover_confirm(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Mission number")],
    persons: Annotated[list[str], typer.Argument(help="Person ids received")],
    returned_on_board: Annotated[bool, typer.Option("--returned-on-board")] = False,
    at: Annotated[str | None, typer.Option("--at", help="When, ISO with zone")] = None,
) -> None:
    """Confirm persons received into custody (or returned on board) at the mission's facility."""
    from accord.db import write_session
    from accord.operations.handover import confirm_handover

    moment = _time(at, "--at") if at else None
    engine, user, _ = _act(ctx, "OPS_HANDOVER")
    with write_session(engine) as session:
        confirm_handover(
            session,
            actor=user,
            mission_number=number,
            person_ids=persons,
            returned_on_board=returned_on_board,
            occurred_at=moment,
            commit=True,  # the handover is this session's only write
        )
    what = "returned on board" if returned_on_board else "received into custody"
    _say(f"mission {number}: {len(persons)} {what}")


@handover_app.command("close")
def handover_close(
    ctx: typer.Context, number: Annotated[str, typer.Argument(help="Mission number")]
) -> None:
    """Close the handover: anyone neither received nor returned opens an incident (exit 1)."""
    from accord.db import write_session
    from accord.operations.handover import close_handover

    engine, user, _ = _act(ctx, "OPS_HANDOVER")
    with write_session(engine) as session:
        result = close_handover(session, actor=user, mission_number=number)
    _say(
        f"mission {number}: departed {result.departed} = received {result.received} + "
        f"returned on board {result.returned_on_board} + incidents {len(result.incidents)}"
    )
    if not result.balanced:
        _say(f"  open incidents: {', '.join(map(str, result.incidents))}")
        raise typer.Exit(1)


@incidents_app.command("list")
def incidents_list(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open")] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Incidents, with their resolution if any."""
    from accord.db import read_session
    from accord.operations.handover import list_incidents

    engine, user, _ = _act(ctx, "OPS_READ", "OPS_INCIDENTS")
    with read_session(engine) as session:
        rows = [
            (
                incident.id,
                incident.kind,
                incident.person_id or "",
                incident.opened_at.isoformat(timespec="seconds"),
                resolution.reason_code if resolution else "OPEN",
                incident.description,
            )
            for incident, resolution in list_incidents(session, open_only=open_only)
        ]
    audit_read(engine, user, "read.incidents", "incidents", count=len(rows))
    columns = ("id", "kind", "person", "opened", "resolution", "description")
    print_listing(out, Listing("Incidents", columns, rows), fmt)


@incidents_app.command("resolve")
def incidents_resolve(
    ctx: typer.Context,
    incident: Annotated[int, typer.Argument(help="Incident id")],
    reason: Annotated[str, typer.Option("--reason")],
    note: Annotated[str, typer.Option("--note", help="How the person was accounted for")],
    at: Annotated[str | None, typer.Option("--at")] = None,
) -> None:
    """Resolve an incident with a coded reason (officer or the facility's liaison)."""
    from accord.db import write_session
    from accord.operations.handover import resolve_incident

    code = parse_code(ResolutionReason, reason, what="--reason")
    moment = _time(at, "--at") if at else None
    engine, user, _ = _act(ctx, "OPS_INCIDENTS")
    with write_session(engine) as session:
        resolve_incident(
            session, actor=user, incident_id=incident, reason=code, note=note, occurred_at=moment
        )
    _say(f"incident {incident} resolved ({code.value})")


def _custody(
    ctx: typer.Context, end: CustodyEnd, person: str, reason: str, at: str | None, note: str
) -> None:
    from accord.db import write_session
    from accord.operations.custody import end_custody

    code = parse_code(CustodyEndReason, reason, what="--reason")
    moment = _time(at, "--at") if at else None
    engine, user, _ = _act(ctx, "OPS_CUSTODY")
    with write_session(engine) as session:
        end_custody(
            session,
            actor=user,
            person_id=person,
            end=end,
            reason=code,
            occurred_at=moment,
            note=note,
        )
    _say(f"{person}: {end.value} recorded ({code.value})")


Person = Annotated[str, typer.Argument(help="Person id")]
Reason = Annotated[str, typer.Option("--reason")]
At = Annotated[str | None, typer.Option("--at", help="When, ISO with zone (default: now)")]


@custody_app.command("release")
def custody_release(
    ctx: typer.Context, person: Person, reason: Reason, at: At = None, note: Note = ""
) -> None:
    """Record a release from custody."""
    _custody(ctx, CustodyEnd.RELEASE, person, reason, at, note)


@custody_app.command("transfer")
def custody_transfer(
    ctx: typer.Context, person: Person, reason: Reason, at: At = None, note: Note = ""
) -> None:
    """Record a transfer out of the facility."""
    _custody(ctx, CustodyEnd.TRANSFER, person, reason, at, note)


@custody_app.command("return")
def custody_return(
    ctx: typer.Context, person: Person, reason: Reason, at: At = None, note: Note = ""
) -> None:
    """Record a return to U.S. custody."""
    _custody(ctx, CustodyEnd.RETURN, person, reason, at, note)


@custody_app.command("death")
def custody_death(
    ctx: typer.Context, person: Person, reason: Reason, at: At = None, note: Note = ""
) -> None:
    """Record a death in custody."""
    _custody(ctx, CustodyEnd.DEATH, person, reason, at, note)


@census_app.command("report")
def census_report(
    ctx: typer.Context,
    facility: Annotated[str, typer.Argument(help="Facility id")],
    date: Annotated[str, typer.Option("--date")],
    count: Annotated[int, typer.Option("--count")],
) -> None:
    """Report the facility's count for a day; shown beside the registry's count."""
    from accord.db import write_session
    from accord.operations.custody import report_census

    day = _date(date, "--date")
    engine, user, _ = _act(ctx, "OPS_CENSUS")
    with write_session(engine) as session:
        report = report_census(session, actor=user, facility_id=facility, day=day, count=count)
        ours = report.registry_count
    flag = "" if ours == count else "  MISMATCH (accord reconcile will report it)"
    _say(f"{facility} {day}: reported {count}, registry {ours}{flag}")


@returns_app.command("open")
def returns_open(
    ctx: typer.Context,
    person: Person,
    court: Annotated[str, typer.Option("--court")],
    order: Annotated[str, typer.Option("--order", help="Order reference")],
    ordered_on: Annotated[str, typer.Option("--ordered-on")],
) -> None:
    """Open a court-ordered return case."""
    from accord.db import write_session
    from accord.operations.care import open_return

    day = _date(ordered_on, "--ordered-on")
    engine, user, _ = _act(ctx, "OPS_RETURNS")
    with write_session(engine) as session:
        case = open_return(
            session,
            actor=user,
            person_id=person,
            court=court,
            order_reference=order,
            ordered_on=day,
        )
        case_id = case.id
    _say(f"return case {case_id}: {person}, {order}")


@returns_app.command("update")
def returns_update(
    ctx: typer.Context,
    return_id: Annotated[int, typer.Argument(help="Return case id")],
    status: Annotated[str, typer.Option("--status")],
    on: Annotated[str, typer.Option("--on")],
    note: Note = "",
) -> None:
    """Move a return case forward; back_in_us_custody closes it."""
    from accord.db import write_session
    from accord.operations.care import update_return

    code = parse_code(ReturnStatus, status, what="--status")
    day = _date(on, "--on")
    engine, user, _ = _act(ctx, "OPS_RETURNS")
    with write_session(engine) as session:
        update_return(
            session, actor=user, return_id=return_id, status=code, occurred_on=day, note=note
        )
    _say(f"return case {return_id}: {code.value}")


@consular_app.command("list")
def consular_list(
    ctx: typer.Context,
    all_tasks: Annotated[bool, typer.Option("--all")] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Consular notification tasks (open ones unless --all)."""
    from accord.db import read_session
    from accord.operations.care import list_consular_tasks

    engine, user, _ = _act(ctx, "OPS_READ", "OPS_CONSULAR")
    with read_session(engine) as session:
        rows = [
            (
                task.id,
                task.person_id,
                task.country,
                task.facility_id,
                done.notified_on.isoformat() if done else "OPEN",
            )
            for task, done in list_consular_tasks(session, open_only=not all_tasks)
        ]
    audit_read(engine, user, "read.consular_tasks", "consular tasks", count=len(rows))
    columns = ("task", "person", "consul of", "facility", "notified on")
    title = "Consular notification (Vienna Convention art. 36)"
    print_listing(out, Listing(title, columns, rows), fmt)


@consular_app.command("complete")
def consular_complete(
    ctx: typer.Context,
    task: Annotated[int, typer.Argument(help="Task id")],
    on: Annotated[str, typer.Option("--on", help="Day the consulate was notified")],
    note: Note = "",
) -> None:
    """Record that the consulate was notified."""
    from accord.db import write_session
    from accord.operations.care import complete_consular_task

    day = _date(on, "--on")
    engine, user, _ = _act(ctx, "OPS_CONSULAR")
    with write_session(engine) as session:
        complete_consular_task(session, actor=user, task_id=task, notified_on=day, note=note)
    _say(f"consular task {task}: notified on {day}")


@counsel_app.command("log")
def counsel_log(
    ctx: typer.Context,
    person: Person,
    counsel: Annotated[str, typer.Option("--counsel")],
    kind: Annotated[str, typer.Option("--kind")],
    at: Annotated[str, typer.Option("--at")],
    note: Note = "",
) -> None:
    """Log a contact with counsel, or a refused one."""
    from accord.db import write_session
    from accord.operations.care import log_counsel_access

    code = parse_code(CounselAccessKind, kind, what="--kind")
    moment = _time(at, "--at")
    engine, user, _ = _act(ctx, "OPS_COUNSEL")
    with write_session(engine) as session:
        log_counsel_access(
            session,
            actor=user,
            person_id=person,
            counsel=counsel,
            kind=code,
            occurred_at=moment,
            note=note,
        )
    _say(f"{person}: counsel access logged ({code.value})")


@visits_app.command("record")
def visits_record(
    ctx: typer.Context,
    facility: Annotated[str, typer.Argument(help="Facility id")],
    on: Annotated[str, typer.Option("--on")],
    summary: Annotated[str, typer.Option("--summary")],
    finding: Annotated[
        list[str] | None,
        typer.Option("--finding", help="SEVERITY:FINDING:RECOMMENDATION (repeat)"),
    ] = None,
) -> None:
    """Record a monitoring visit with findings and recommendations (monitor)."""
    from accord.db import write_session
    from accord.operations.care import record_visit

    day = _date(on, "--on")
    findings = []
    for text in finding or []:
        parts = text.split(":", 2)
        if len(parts) != 3 or not parts[1].strip() or not parts[2].strip():
            raise InputError(f"--finding '{text}': expected SEVERITY:FINDING:RECOMMENDATION")
        severity = parse_code(FindingSeverity, parts[0], what="severity")
        findings.append((severity, parts[1].strip(), parts[2].strip()))
    engine, user, _ = _act(ctx, "OPS_VISITS")
    with write_session(engine) as session:
        visit = record_visit(
            session,
            actor=user,
            facility_id=facility,
            visited_on=day,
            summary=summary,
            findings=findings,
        )
        visit_id = visit.id
    _say(f"visit {visit_id} to {facility} recorded with {len(findings)} finding(s)")


@liaisons_app.command("assign")
def liaisons_assign(
    ctx: typer.Context,
    user_name: Annotated[str, typer.Argument(help="A receiving_liaison user")],
    facility: Annotated[str, typer.Argument(help="Facility id")],
) -> None:
    """Assign a receiving liaison to the facility it acts for (admin)."""
    from accord.db import write_session
    from accord.operations.care import assign_liaison

    engine, user, _ = _act(ctx, "OPS_LIAISONS")
    with write_session(engine) as session:
        assign_liaison(session, actor=user, user_name=user_name, facility_id=facility)
    _say(f"{user_name} acts for {facility}")
