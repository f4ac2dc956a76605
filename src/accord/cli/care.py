"""`accord custody|census|returns|consular|counsel|visits|liaisons ...`: what follows a
handover (release, transfer, return, death in custody; the daily census; court-ordered
returns; consular notification; counsel access; monitoring visits; liaison facilities).

Thin like cli/operations.py: each command declares its permission, calls one service
function in one write transaction, and prints.
"""

from __future__ import annotations

from typing import Annotated

import typer

from accord.cli.audit_reads import audit_read
from accord.cli.operations_common import Note, act_as, out, parse_day, parse_moment, say
from accord.cli.render import FormatOption, Listing, OutputFormat, print_listing
from accord.errors import InputError
from accord.operations.states import (
    CounselAccessKind,
    CustodyEnd,
    CustodyEndReason,
    FindingSeverity,
    ReturnStatus,
    parse_code,
)

custody_app = typer.Typer(no_args_is_help=True, help="Release, transfer, return, death.")
census_app = typer.Typer(no_args_is_help=True, help="Daily census per facility.")
returns_app = typer.Typer(no_args_is_help=True, help="Court-ordered returns.")
consular_app = typer.Typer(no_args_is_help=True, help="Consular notification (VCCR art. 36).")
counsel_app = typer.Typer(no_args_is_help=True, help="Counsel access log.")
visits_app = typer.Typer(no_args_is_help=True, help="Monitoring visits and findings.")
liaisons_app = typer.Typer(no_args_is_help=True, help="Which facility a liaison acts for.")


def register_care(app: typer.Typer) -> None:
    """Add these commands to the main app."""
    for name, sub in (
        ("custody", custody_app),
        ("census", census_app),
        ("returns", returns_app),
        ("consular", consular_app),
        ("counsel", counsel_app),
        ("visits", visits_app),
        ("liaisons", liaisons_app),
    ):
        app.add_typer(sub, name=name)


def _custody(
    ctx: typer.Context, end: CustodyEnd, person: str, reason: str, at: str | None, note: str
) -> None:
    from accord.db import write_session
    from accord.operations.custody import end_custody

    code = parse_code(CustodyEndReason, reason, what="--reason")
    moment = parse_moment(at, "--at") if at else None
    engine, user, _ = act_as(ctx, "OPS_CUSTODY")
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
    say(f"{person}: {end.value} recorded ({code.value})")


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

    day = parse_day(date, "--date")
    engine, user, _ = act_as(ctx, "OPS_CENSUS")
    with write_session(engine) as session:
        report = report_census(session, actor=user, facility_id=facility, day=day, count=count)
        ours = report.registry_count
    flag = "" if ours == count else "  MISMATCH (accord reconcile will report it)"
    say(f"{facility} {day}: reported {count}, registry {ours}{flag}")


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

    day = parse_day(ordered_on, "--ordered-on")
    engine, user, _ = act_as(ctx, "OPS_RETURNS")
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
    say(f"return case {case_id}: {person}, {order}")


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
    day = parse_day(on, "--on")
    engine, user, _ = act_as(ctx, "OPS_RETURNS")
    with write_session(engine) as session:
        update_return(
            session, actor=user, return_id=return_id, status=code, occurred_on=day, note=note
        )
    say(f"return case {return_id}: {code.value}")


@consular_app.command("list")
def consular_list(
    ctx: typer.Context,
    all_tasks: Annotated[bool, typer.Option("--all")] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Consular notification tasks (open ones unless --all)."""
    from accord.db import read_session
    from accord.operations.care import list_consular_tasks

    engine, user, _ = act_as(ctx, "OPS_READ", "OPS_CONSULAR")
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

    day = parse_day(on, "--on")
    engine, user, _ = act_as(ctx, "OPS_CONSULAR")
    with write_session(engine) as session:
        complete_consular_task(session, actor=user, task_id=task, notified_on=day, note=note)
    say(f"consular task {task}: notified on {day}")


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
    moment = parse_moment(at, "--at")
    engine, user, _ = act_as(ctx, "OPS_COUNSEL")
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
    say(f"{person}: counsel access logged ({code.value})")


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

    day = parse_day(on, "--on")
    findings = []
    for text in finding or []:
        parts = text.split(":", 2)
        if len(parts) != 3 or not parts[1].strip() or not parts[2].strip():
            raise InputError(f"--finding '{text}': expected SEVERITY:FINDING:RECOMMENDATION")
        severity = parse_code(FindingSeverity, parts[0], what="severity")
        findings.append((severity, parts[1].strip(), parts[2].strip()))
    engine, user, _ = act_as(ctx, "OPS_VISITS")
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
    say(f"visit {visit_id} to {facility} recorded with {len(findings)} finding(s)")


@liaisons_app.command("assign")
def liaisons_assign(
    ctx: typer.Context,
    user_name: Annotated[str, typer.Argument(help="A receiving_liaison user")],
    facility: Annotated[str, typer.Argument(help="Facility id")],
) -> None:
    """Assign a receiving liaison to the facility it acts for (admin)."""
    from accord.db import write_session
    from accord.operations.care import assign_liaison

    engine, user, _ = act_as(ctx, "OPS_LIAISONS")
    with write_session(engine) as session:
        assign_liaison(session, actor=user, user_name=user_name, facility_id=facility)
    say(f"{user_name} acts for {facility}")
