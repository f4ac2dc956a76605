"""`accord init`, `accord registry ...`, `accord users ...`, `accord audit ...`.

Every command acts as a named user (`--as USER` before the command, or
ACCORD_USER) and declares the permission it needs at its top with
`acting_user(ctx, Permission.X)`. Commands stay thin: parse, call the registry
service, print. The registry modules are imported inside the commands so that
the rest of the CLI starts without loading SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from accord.errors import InputError, UnknownUser

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from accord.auth import Permission, User
    from accord.db import RegistrySettings

registry_app = typer.Typer(
    no_args_is_help=True, help="The registry: facts with their sources, kept bitemporally."
)
users_app = typer.Typer(no_args_is_help=True, help="Registry users and their roles.")
audit_app = typer.Typer(no_args_is_help=True, help="The hash-chained audit log.")

out = Console()
err = Console(stderr=True, soft_wrap=True)

AsKnownOn = Annotated[
    str | None,
    typer.Option(
        "--as-known-on",
        help="As Accord knew it at the end of this day (YYYY-MM-DD, UTC) or at an ISO time",
    ),
]


@dataclass
class CliState:
    as_user: str | None = None


def remember_acting_user(ctx: typer.Context, as_user: str | None) -> None:
    """Called by the main app's callback with the global --as option."""
    ctx.obj = CliState(as_user=as_user)


def acting_user(
    ctx: typer.Context, permission: Permission, *alternatives: Permission
) -> tuple[Engine, User, RegistrySettings]:
    """Open the registry and check that the acting user may do `permission` (or an alternative)."""
    from accord import db
    from accord.auth import can, get_user, require_permission
    from accord.db import RegistrySettings

    settings = RegistrySettings.from_env()
    state = ctx.find_root().obj
    name = (state.as_user if isinstance(state, CliState) else None) or settings.user
    if not name:
        raise UnknownUser("no acting user: give --as USER before the command, or set ACCORD_USER")
    engine = db.engine_from_settings(settings)
    db.ensure_ready(engine)
    with db.read_session(engine) as session:
        user = get_user(session, name=name)
    if not any(can(user, p) for p in alternatives):
        require_permission(user, permission)
    return engine, user, settings


def parse_known_on(text: str | None) -> dt.date | dt.datetime | None:
    if text is None:
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InputError(
            f"--as-known-on '{text}': expected YYYY-MM-DD or an ISO time with a zone "
            "(e.g. 2025-03-16T12:00:00+00:00)"
        )
    return moment


def init_command(
    admin: Annotated[
        str | None, typer.Option("--admin", help="Create the first admin user with this name")
    ] = None,
) -> None:
    """Create the registry database, or upgrade it to this Accord's schema."""
    from accord import db
    from accord.auth import bootstrap_admin
    from accord.db import RegistrySettings

    settings = RegistrySettings.from_env()
    engine = db.engine_from_settings(settings)
    before, after = db.upgrade_database(engine)
    where = settings.safe_url()
    if before is None:
        out.print(f"Registry created at {where} (schema {after})", highlight=False)
    elif before != after:
        out.print(f"Registry at {where} upgraded from schema {before} to {after}", highlight=False)
    else:
        out.print(f"Registry at {where} is current (schema {after})", highlight=False)
    if admin is not None:
        with db.write_session(engine) as session:
            bootstrap_admin(session, name=admin)
        out.print(f"Admin '{admin}' created; act as them with --as {admin}", highlight=False)


@registry_app.command("import")
def registry_import(
    ctx: typer.Context,
    cases: Annotated[Path, typer.Argument(help="Case files (JSON Lines), all valid or none")],
    source_document: Annotated[
        str | None,
        typer.Option("--source-document", help="Where the file comes from (default: its name)"),
    ] = None,
) -> None:
    """Import case files in one transaction; lists equal to the current version are skipped."""
    from accord.auth import Permission
    from accord.db import write_session
    from accord.registry import import_case_files, read_import_file

    engine, user, _ = acting_user(ctx, Permission.FACTS_WRITE)
    prepared = read_import_file(cases)
    source = source_document or f"{cases.name} (sha256 {prepared.sha256[:16]})"
    total = len(prepared.cases)
    err.print(f"accord: importing {total:,} case files from {cases}", highlight=False)
    report = _Reporter(total)
    with report, write_session(engine) as session:
        summary = import_case_files(
            session,
            actor=user,
            cases=prepared.cases,
            source_document=source,
            file_sha256=prepared.sha256,
            file_name=cases.name,
            progress=report.update,
        )
    table = Table(
        title=f"Import of {cases.name}" + (" (committed)" if summary.new_versions else "")
    )
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in (
        ("persons in file", summary.persons),
        ("new persons", summary.new_persons),
        ("persons changed", summary.changed_persons),
        ("persons unchanged", summary.unchanged_persons),
        ("new fact versions", summary.new_versions),
        ("of which retractions", summary.retractions),
        ("audit entries", summary.audit_entries),
    ):
        table.add_row(label, f"{value:,}")
    out.print(table)
    if summary.previously_imported:
        out.print("This file (same sha256) was imported before.")
    if not summary.new_versions:
        out.print("Nothing changed; nothing was written.")


class _Reporter:
    """A Rich progress bar on a terminal; elsewhere a plain line every 10%."""

    def __init__(self, total: int):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.total, self.next_step = total, 0.1
        self.progress: Progress | None = None
        if err.is_terminal:
            self.progress = Progress(
                "[bold]writing[/bold]",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self.task = self.progress.add_task("import", total=total)

    def __enter__(self) -> _Reporter:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def update(self, done: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done)
        elif done / self.total >= self.next_step or done == self.total:
            err.print(
                f"accord: {done:,} of {self.total:,} persons written (not yet committed)",
                highlight=False,
            )
            while self.next_step <= done / self.total:
                self.next_step += 0.1


@registry_app.command("show")
def registry_show(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Person id")],
    as_known_on: AsKnownOn = None,
) -> None:
    """A person's case file as Accord knew it, and every version: who, when, from what source."""
    from accord.auth import Permission
    from accord.db import read_session
    from accord.importers.writer import case_file_record
    from accord.registry import person_case_file, person_history

    engine, _, _ = acting_user(ctx, Permission.FACTS_READ)
    known_on = parse_known_on(as_known_on)
    with read_session(engine) as session:
        case = person_case_file(session, person_id=person, as_known_on=known_on)
        history = person_history(session, person_id=person, as_known_on=known_on)
    when = f" as known on {as_known_on}" if as_known_on else ""
    out.print(f"[bold]Case file of {person}{when}[/bold]", highlight=False)
    sys.stdout.flush()
    out.print_json(json.dumps(case_file_record(case), ensure_ascii=False))
    table = Table(title="Versions (newest last)")
    for column in ("version", "list", "kind", "rows", "valid from", "recorded at (UTC)"):
        table.add_column(column)
    for column in ("recorded by", "source", "import"):
        table.add_column(column)
    for v in history:
        table.add_row(
            str(v.version_id),
            v.list_name,
            v.kind,
            str(v.rows) if v.known else "not known",
            v.valid_from.isoformat(),
            v.recorded_at.strftime("%Y-%m-%d %H:%M:%S"),
            v.recorded_by,
            v.source_document + (f" ({v.note})" if v.note else ""),
            str(v.import_id or ""),
        )
    out.print(table)


@registry_app.command("retract")
def registry_retract(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Person id")],
    list_name: Annotated[str, typer.Argument(help="The fact list, e.g. stays")],
    source_document: Annotated[
        str, typer.Option("--source-document", help="The document that shows it is not known")
    ],
    note: Annotated[str | None, typer.Option("--note", help="Why")] = None,
) -> None:
    """Make one of a person's lists not known again (a new version; earlier ones stay)."""
    from accord.auth import Permission
    from accord.db import write_session
    from accord.registry import retract_list

    engine, user, _ = acting_user(ctx, Permission.FACTS_WRITE)
    with write_session(engine) as session:
        summary = retract_list(
            session,
            actor=user,
            person_id=person,
            list_name=list_name,
            source_document=source_document,
            note=note,
        )
    if summary.retractions:
        out.print(f"Retracted {list_name} of {person}: it is not known from now on.")
    else:
        out.print(f"{list_name} of {person} was not known; nothing written.")


@registry_app.command("snapshot")
def registry_snapshot(
    ctx: typer.Context,
    target: Annotated[Path, typer.Option("--out", help="Snapshot folder to write")],
    as_known_on: AsKnownOn = None,
) -> None:
    """Write the docket as Accord knew it as a Parquet snapshot (`accord screen` reads it).

    Analysts get person identifiers masked (HMAC with ACCORD_MASKING_KEY) and no names.
    """
    from accord.auth import Permission, can, mask_fact_tables
    from accord.db import read_session
    from accord.facts.snapshot import write_snapshot
    from accord.registry import docket_fact_tables

    engine, user, settings = acting_user(ctx, Permission.FACTS_READ, Permission.FACTS_READ_MASKED)
    masked = not can(user, Permission.FACTS_READ)
    key = settings.require_masking_key() if masked else None
    known_on = parse_known_on(as_known_on)
    with read_session(engine) as session:
        facts = docket_fact_tables(session, as_known_on=known_on)
    if key is not None:
        facts = mask_fact_tables(facts, key)
    note = f"registry as known on {as_known_on or 'now'}, for {user.name}"
    write_snapshot(facts, target, note=note + (" (identifiers masked)" if masked else ""))
    out.print(f"Snapshot of {len(facts):,} persons written to {target}", highlight=False)


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[str, typer.Option("--role", help="officer, legal_reviewer, ..., admin")],
) -> None:
    """Add a user with one role (admin only; audited)."""
    from accord.auth import Permission, add_user
    from accord.db import write_session

    engine, actor, _ = acting_user(ctx, Permission.USERS_MANAGE)
    with write_session(engine) as session:
        add_user(session, actor=actor, name=name, role=role)
    out.print(f"User '{name}' added as {role}", highlight=False)


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """Every user with role and who created them."""
    from accord.auth import Permission, list_users
    from accord.db import read_session

    engine, _, _ = acting_user(ctx, Permission.USERS_READ)
    with read_session(engine) as session:
        users = list_users(session)
        names = {u.id: u.name for u in users}
    table = Table(title="Registry users")
    for column in ("name", "role", "created (UTC)", "created by"):
        table.add_column(column)
    for u in users:
        created_by = names.get(u.created_by_id, "") if u.created_by_id else "(accord init)"
        table.add_row(u.name, u.role, u.created_at.strftime("%Y-%m-%d %H:%M"), created_by)
    out.print(table)


@users_app.command("token")
def users_token(ctx: typer.Context, name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Issue a new API token for a user; it is printed once and only its hash is kept."""
    from accord.auth import Permission, issue_token
    from accord.db import write_session

    engine, actor, _ = acting_user(ctx, Permission.USERS_MANAGE)
    with write_session(engine) as session:
        token = issue_token(session, actor=actor, name=name)
    sys.stdout.write(token + "\n")
    err.print("accord: this token is shown once; store it now.", highlight=False)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Recompute the audit chain; exit 1 and name the first broken link if it is broken."""
    from accord.auth import Permission
    from accord.db import read_session, verify_chain

    engine, _, _ = acting_user(ctx, Permission.AUDIT_VERIFY)
    with read_session(engine) as session:
        result = verify_chain(session)
    if result.intact:
        out.print(result.message(), highlight=False)
        return
    err.print(f"accord: {result.message()}", highlight=False, markup=False)
    sys.exit(1)  # SystemExit passes through Typer's non-standalone mode; typer.Exit would not


@audit_app.command("export")
def audit_export(
    ctx: typer.Context,
    target: Annotated[Path, typer.Option("--out", help="Folder for the bundle")],
) -> None:
    """Export the audit log with a manifest, VERIFY.md and a standalone verifier."""
    from accord.auth import Permission
    from accord.db import export_bundle, read_session

    engine, user, _ = acting_user(ctx, Permission.AUDIT_EXPORT)
    with read_session(engine) as session:
        manifest = export_bundle(session, out=target, exported_by=user)
    out.print(
        f"{manifest['entries']:,} entries exported to {target}; head hash {manifest['head_hash']}"
        f"\nVerify offline: python3 {target / 'verify_bundle.py'} {target}",
        highlight=False,
    )
