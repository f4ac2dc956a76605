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

from accord.cli.render import FormatOption, Listing, OutputFormat, print_listing, print_table
from accord.errors import AuthenticationFailed, InputError

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
    ctx: typer.Context,
    permission: Permission,
    *alternatives: Permission,
    owner_may_read: bool = False,
) -> tuple[Engine, User, RegistrySettings]:
    """Open the registry as the user whose token the CLI holds, and check that they may do
    `permission` (or an alternative).

    The token comes from ACCORD_TOKEN or `accord login` (cli/login.py); `--as NAME` (or
    ACCORD_USER) only names whose it must be: no one acts as another without their token.
    The user returned acts with that token (`token:<key id>` in every audit entry).
    `owner_may_read`: a read-only command run with no token and no user named goes on as
    the database's owner (its audit entries, if any, say `db-owner:<os user>`).
    """
    from accord import db
    from accord.auth import User, authenticate_token, can, require_permission
    from accord.auth.credentials import db_owner_credential
    from accord.cli.login import read_token
    from accord.db import RegistrySettings

    settings = RegistrySettings.from_env()
    state = ctx.find_root().obj
    name = (state.as_user if isinstance(state, CliState) else None) or settings.user
    engine = db.engine_from_settings(settings)
    db.ensure_ready(engine)
    token = read_token()
    if token is None and not (owner_may_read and name is None):
        whose = f"{name}'s" if name else "your"
        raise AuthenticationFailed(
            f"acting as a registry user needs {whose} own API token: set ACCORD_TOKEN, or "
            "run `accord login` (a new user: `accord login --enrol CODE`)"
        )
    if token is None:
        owner = User(id=0, name="(database owner)", role="")
        return engine, owner.acting_with(db_owner_credential()), settings
    with db.read_session(engine) as session:
        user = authenticate_token(session, token)
    if name is not None and user.name != name:
        raise AuthenticationFailed(
            f"the token given belongs to '{user.name}', not '{name}': acting as '{name}' "
            f"needs {name}'s own token"
        )
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
    from accord.auth.credentials import bootstrap_with_token
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
            token = bootstrap_with_token(session, name=admin).token
        sys.stdout.write(token + "\n")
        err.print(
            f"accord: admin '{admin}' created; the token above is theirs, shown once: store it "
            "with `accord login` (reads it from standard input) or in ACCORD_TOKEN",
            highlight=False,
        )


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
    print_table(out, table)
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
    from accord.cli.audit_reads import audit_read
    from accord.db import read_session
    from accord.importers.writer import case_file_record
    from accord.registry import person_case_file, person_history

    engine, user, _ = acting_user(ctx, Permission.FACTS_READ)
    known_on = parse_known_on(as_known_on)
    with read_session(engine) as session:
        case = person_case_file(session, person_id=person, as_known_on=known_on)
        history = person_history(session, person_id=person, as_known_on=known_on)
    when_known = known_on.isoformat() if known_on else None
    for action in ("read.case_file", "read.history"):  # as the API's two routes
        audit_read(engine, user, action, f"person:{person}", as_known_on=when_known)
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
    print_table(out, table)


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

    Analysts get it masked (facts/masking.py): person identifiers as HMACs under
    ACCORD_MASKING_KEY, no names or free text, birth dates as years, and birth year, sex
    and nationality generalised until each combination is shared by ACCORD_MASKING_K
    persons (default 5). The read is audited (`read.snapshot`, saying whether masked).
    """
    from accord.atomic_output import check_folder_target
    from accord.auth import Permission, can
    from accord.cli.audit_reads import audit_read
    from accord.db import read_session
    from accord.facts.masking import mask_docket
    from accord.facts.snapshot import is_written_snapshot, write_snapshot
    from accord.registry import docket_fact_tables

    engine, user, settings = acting_user(ctx, Permission.FACTS_READ, Permission.FACTS_READ_MASKED)
    masked = not can(user, Permission.FACTS_READ)
    key = settings.require_masking_key() if masked else None
    known_on = parse_known_on(as_known_on)
    # a target refused before anything is read: no read to audit, no docket loaded for nothing
    check_folder_target(target, is_own=is_written_snapshot, what="a docket snapshot")
    with read_session(engine) as session:
        facts = docket_fact_tables(session, as_known_on=known_on)
    masking = None
    if key is not None:
        docket = mask_docket(facts, key, k=settings.masking_k)
        facts, masking = docket.facts, docket.report
    audit_read(
        engine,
        user,
        "read.snapshot",
        "docket",
        persons=len(facts),
        masked=masked,
        k=masking.k if masking else None,
        as_known_on=known_on.isoformat() if known_on else None,
    )
    note = f"registry as known on {as_known_on or 'now'}, for {user.name}"
    write_snapshot(
        facts,
        target,
        note=note + (" (masked: facts/masking.py)" if masked else ""),
        masking=masking.as_dict() if masking else None,
    )
    out.print(f"Snapshot of {len(facts):,} persons written to {target}", highlight=False)
    if masking is not None and masking.below_k:
        err.print(
            f"accord: only {masking.persons} person(s), fewer than k={masking.k}: every "
            "birth date, sex and nationality is withheld",
            highlight=False,
        )


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[str, typer.Option("--role", help="officer, legal_reviewer, ..., admin")],
) -> None:
    """Add a user with one role (admin only; audited), with a one-time enrolment code that
    only they should redeem (`accord login --enrol CODE`) for their own token."""
    from accord.auth import Permission, add_user
    from accord.auth.credentials import ENROLMENT_VALID_FOR, create_enrolment
    from accord.db import write_session

    engine, actor, _ = acting_user(ctx, Permission.USERS_MANAGE)
    with write_session(engine) as session:
        add_user(session, actor=actor, name=name, role=role)
        code = create_enrolment(session, actor=actor, name=name)
    hours = int(ENROLMENT_VALID_FOR.total_seconds() // 3600)
    out.print(f"User '{name}' added as {role}", highlight=False)
    sys.stdout.write(code + "\n")
    err.print(
        f"accord: the enrolment code above works once, within {hours} h: give it to {name} "
        f"only; they run `accord login --enrol CODE` and get a token no one else sees",
        highlight=False,
    )


@users_app.command("list")
def users_list(ctx: typer.Context, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Every user with role and who created them."""
    from accord.auth import Permission, list_users
    from accord.db import read_session

    engine, _, _ = acting_user(ctx, Permission.USERS_READ)
    with read_session(engine) as session:
        users = list_users(session)
        names = {u.id: u.name for u in users}
    rows = [
        (
            u.name,
            u.role,
            u.created_at.strftime("%Y-%m-%d %H:%M"),
            names.get(u.created_by_id, "") if u.created_by_id else "(accord init)",
        )
        for u in users
    ]
    columns = ("name", "role", "created (UTC)", "created by")
    print_listing(out, Listing("Registry users", columns, rows), fmt)


@users_app.command("token")
def users_token(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Your own user name (a token is only ever yours)")
    ] = None,
) -> None:
    """Issue yourself another API token; it is printed once and only its hash is kept."""
    from accord.auth import Permission, issue_token
    from accord.db import write_session

    engine, actor, _ = acting_user(ctx, Permission.USERS_MANAGE, *Permission)
    with write_session(engine) as session:
        token = issue_token(session, actor=actor, name=name or actor.name)
    sys.stdout.write(token + "\n")
    err.print("accord: this token is shown once; store it now.", highlight=False)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    checkpoints: Annotated[
        list[Path] | None,
        typer.Option("--checkpoint", help="A signed checkpoint the chain must extend (repeatable)"),
    ] = None,
) -> None:
    """Recompute the audit chain, check it extends every checkpoint given, and check the fact
    rows and the rows naming audit entries against it; exit 1 naming what is wrong."""
    from accord.cli.audit_checkpoints import print_verification

    print_verification(ctx, checkpoints or [])


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
