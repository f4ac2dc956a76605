"""`accord nominate|review|notice|confirm-notice|withdraw|reconcile|codes` and `accord
missions|handover|incidents ...`: transfer operations up to the handover (what follows it:
cli/care.py).

Thin like the rest of the CLI: each command declares its permission with
`acting_user(ctx, Permission.X)`, calls one operations service function in one
write transaction, and prints. Bad input is one line and exit 2 (main.run);
a refused departure (passengers struck) and a failed reconcile exit 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.audit_reads import audit_read
from accord.cli.care import register_care
from accord.cli.operations_common import Note, act_as, out, parse_day, parse_moment, say
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

missions_app = typer.Typer(no_args_is_help=True, help="Missions: manifest, boarding check, depart.")
handover_app = typer.Typer(no_args_is_help=True, help="Handover at the receiving facility.")
incidents_app = typer.Typer(no_args_is_help=True, help="Incidents: open until resolved.")


def register_operations(app: typer.Typer) -> None:
    """Add the operations commands to the main app."""
    for command in (nominate, review, notice, withdraw, reconcile, codes):
        app.command()(command)
    app.command("confirm-notice")(confirm_notice)
    for name, sub in (
        ("missions", missions_app),
        ("handover", handover_app),
        ("incidents", incidents_app),
    ):
        app.add_typer(sub, name=name)
    register_care(app)


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

    engine, user, _ = act_as(ctx, "OPS_NOMINATE")
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
    say(
        f"transfer case {case_id}: {person} nominated; decision record "
        f"{done.decision_record_id}: {done.decision.outcome} as of {done.decision.as_of}"
    )
    for warning in done.warnings:
        say(f"  warning: {warning}")


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
    engine, user, _ = act_as(ctx, "OPS_REVIEW")
    with write_session(engine) as session:
        event = run(session, actor=user, case_id=case, approve=approve, reason=code, note=note)
        state = event.to_state
    say(f"transfer case {case}: {state} ({code.value})")


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

    day = parse_day(served_on, "--served-on")
    engine, user, _ = act_as(ctx, "OPS_NOTICE")
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
        say(line)


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

    engine, user, _ = act_as(ctx, "OPS_REVIEW")
    with write_session(engine) as session:
        event = run(session, actor=user, case_id=case)
        line = f"{_notice_line(event.case_id, event.kind, event.details)} (confirmed)"
    say(line)


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
    engine, user, _ = act_as(ctx, "OPS_NOMINATE")
    with write_session(engine) as session:
        run(session, actor=user, case_id=case, reason=code, note=note)
    say(f"transfer case {case}: withdrawn ({code.value})")


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

    engine, user, _ = act_as(ctx, "OPS_READ")
    with read_session(engine) as session:
        report = run(session)
    audit_read(engine, user, "read.reconcile", "operations", violations=len(report.violations))
    checked = ", ".join(f"{n:,} {what}" for what, n in report.checked.items())
    if report.clean:
        say(f"reconcile: clean ({checked})")
        return
    say(f"reconcile: {len(report.violations)} violation(s) ({checked})")
    for v in report.violations:
        say(f"  {v.code}  {v.subject}  {v.message}")
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
    planned = parse_moment(departure, "--departure")
    engine, user, _ = act_as(ctx, "OPS_MISSIONS")
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
    say(f"mission {number} created ({seats} seats, {len(legs)} leg(s))")


@missions_app.command("add")
def missions_add(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Mission number")],
    cases: Annotated[list[int], typer.Argument(help="Transfer case ids (ready)")],
) -> None:
    """Add ready cases to a planned mission's manifest (all or nothing)."""
    from accord.db import write_session
    from accord.operations.missions import add_to_mission

    engine, user, _ = act_as(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        add_to_mission(session, actor=user, mission_number=number, case_ids=cases)
    say(f"mission {number}: {len(cases)} case(s) added")


def _print_struck(struck: tuple[object, ...]) -> None:
    from accord.operations.results import Struck

    for s in struck:
        assert isinstance(s, Struck)
        say(
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

    engine, user, _ = act_as(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        result = check_mission(session, actor=user, mission_number=number)
    say(f"mission {number}: {result.cleared} of {result.checked} eligible")
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

    moment = parse_moment(at, "--at")
    engine, user, _ = act_as(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        result = depart_mission(session, actor=user, mission_number=number, departed_at=moment)
    if not result.departed:
        say(
            f"mission {number} NOT departed: {len(result.struck)} passenger(s) struck at the "
            "boarding check (kept); depart again to fly the verified manifest"
        )
        _print_struck(result.struck)
        raise typer.Exit(1)
    say(f"mission {number} departed with {result.cleared} passengers, each eligible")


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
    engine, user, _ = act_as(ctx, "OPS_MISSIONS")
    with write_session(engine) as session:
        cancel_mission(session, actor=user, mission_number=number, reason=code, note=note)
    say(f"mission {number} cancelled ({code.value})")


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
    engine, user, _ = act_as(ctx, "OPS_READ")
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
    say(f"mission {number}: {len(rows)} passenger(s) written")


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

    moment = parse_moment(at, "--at") if at else None
    engine, user, _ = act_as(ctx, "OPS_HANDOVER")
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
    say(f"mission {number}: {len(persons)} {what}")


@handover_app.command("close")
def handover_close(
    ctx: typer.Context, number: Annotated[str, typer.Argument(help="Mission number")]
) -> None:
    """Close the handover: anyone neither received nor returned opens an incident (exit 1)."""
    from accord.db import write_session
    from accord.operations.handover import close_handover

    engine, user, _ = act_as(ctx, "OPS_HANDOVER")
    with write_session(engine) as session:
        result = close_handover(session, actor=user, mission_number=number)
    say(
        f"mission {number}: departed {result.departed} = received {result.received} + "
        f"returned on board {result.returned_on_board} + incidents {len(result.incidents)}"
    )
    if not result.balanced:
        say(f"  open incidents: {', '.join(map(str, result.incidents))}")
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

    engine, user, _ = act_as(ctx, "OPS_READ", "OPS_INCIDENTS")
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
    moment = parse_moment(at, "--at") if at else None
    engine, user, _ = act_as(ctx, "OPS_INCIDENTS")
    with write_session(engine) as session:
        resolve_incident(
            session, actor=user, incident_id=incident, reason=code, note=note, occurred_at=moment
        )
    say(f"incident {incident} resolved ({code.value})")
