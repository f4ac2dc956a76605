"""`accord law ...`: law entered in the registry (issue 20, section 1).

A legal reviewer enters a court order or an event of one (modified, narrowed, stayed,
vacated, dissolved), an admin a law parameter's dated value or an agreement amendment; each
with its source document, audited. The bundled law data stays the default; decisions from
the registry apply the entries from their dates and record which they used.

    accord law enter-order FILE.yaml --document PATH
    accord law enter-event ORDER_ID FILE.yaml --document PATH
    accord law set-parameter NAME --value N --from DATE --source TEXT --document PATH
    accord law amend-agreement ID FILE.yaml --from DATE --what TEXT --document PATH
    accord law entries [--kind KIND] [--json]
    accord law entry ID [--document-out PATH]

Bad input (a file that is not YAML, a missing document, an order that does not apply) is
one line on stderr and exit status 2; nothing is written.
"""

from __future__ import annotations

import json
import mimetypes
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml
from rich.console import Console

from accord.cli.registry import acting_user
from accord.cli.render import FormatOption, Listing, OutputFormat, print_listing
from accord.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from accord.law_entries.models import LawEntryRecord

law_app = typer.Typer(
    no_args_is_help=True,
    help="Law entered in the registry: court orders, parameter values, agreement amendments.",
)
out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)

Document = Annotated[
    Path,
    typer.Option(
        "--document", help="The source document (the order, notice or text), stored with it"
    ),
]
FromDate = Annotated[str, typer.Option("--from", help="First day in force (YYYY-MM-DD)")]


def read_yaml_file(path: Path, what: str) -> Any:
    """A YAML file's contents; InputError in one line if it cannot be read or parsed."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{what} {path}: cannot be read ({exc.__class__.__name__})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
        raise InputError(f"{what} {path}: not valid YAML: {problem}") from None


def _mapping(path: Path, what: str) -> dict[str, Any]:
    data = read_yaml_file(path, what)
    if not isinstance(data, dict):
        raise InputError(f"{what} {path}: needs one mapping")
    return data


def _document(path: Path) -> tuple[bytes, str, str]:
    if not path.is_file():
        raise InputError(f"--document {path}: no such file")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"--document {path}: cannot be read ({exc.__class__.__name__})") from None
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return content, path.name, media_type


def _enter(
    ctx: typer.Context, kind: str, subject: str, body: dict[str, Any], document: Path
) -> None:
    from accord.auth import Permission
    from accord.db import write_session
    from accord.law_entries.service import PERMISSION_TO_ENTER, enter_law

    content, name, media_type = _document(document)
    permission: Permission = PERMISSION_TO_ENTER[kind]
    engine, user, _ = acting_user(ctx, permission)
    with write_session(engine) as session:
        record = enter_law(
            session,
            actor=user,
            kind=kind,
            subject=subject,
            body=body,
            document=content,
            document_name=name,
            media_type=media_type,
        )
        entry_id, effective = record.id, record.effective_on
        sha = record.source_document_sha256
    out.print(
        f"Law entry {entry_id} recorded: {kind} {subject}, in effect from {effective} "
        f"(document {name}, sha256 {sha[:16]}...)"
    )


@law_app.command("enter-order")
def enter_order(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The order, as law/data/court_orders/*.yaml")],
    document: Document,
) -> None:
    """Enter a new class-wide court order (legal reviewer)."""
    body = _mapping(file, "court order file")
    order_id = body.get("id")
    if not isinstance(order_id, str) or not order_id.strip():
        raise InputError(f"court order file {file}: needs 'id'")
    _enter(ctx, "court_order", order_id, body, document)


@law_app.command("enter-event")
def enter_event(
    ctx: typer.Context,
    order_id: Annotated[str, typer.Argument(help="The order (accord court-orders list)")],
    file: Annotated[Path, typer.Argument(help="One event: date, kind, what, source, ...")],
    document: Document,
) -> None:
    """Enter an event of an order: modified, narrowed, stayed, vacated... (legal reviewer)."""
    _enter(ctx, "court_order_event", order_id, _mapping(file, "event file"), document)


@law_app.command("set-parameter")
def set_parameter(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The parameter, e.g. adult_age_years")],
    value: Annotated[int, typer.Option("--value", help="The new value (a whole number)")],
    effective_from: FromDate,
    source: Annotated[str, typer.Option("--source", help="Its legal source (citation)")],
    document: Document,
) -> None:
    """Enter a law parameter's new dated value (admin)."""
    body = {"effective_from": effective_from, "value": value, "source": source}
    _enter(ctx, "parameter_value", name, body, document)


@law_app.command("amend-agreement")
def amend_agreement(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(help="The agreement (accord agreements list)")],
    file: Annotated[Path, typer.Argument(help="The amended agreement, in full, as YAML")],
    effective_from: FromDate,
    what: Annotated[str, typer.Option("--what", help="What the amendment changes")],
    document: Document,
) -> None:
    """Enter an agreement amendment: its full amended terms, in force from a date (admin)."""
    terms = _mapping(file, "agreement file")
    body = {"effective_from": effective_from, "what": what, "agreement": terms}
    _enter(ctx, "agreement_amendment", agreement_id, body, document)


def entry_summary(record: LawEntryRecord, by: str) -> dict[str, Any]:
    """What a listing shows of an entry (no body, no document)."""
    return {
        "id": record.id,
        "kind": record.kind,
        "subject": record.subject,
        "effective_on": record.effective_on.isoformat(),
        "recorded_at": record.recorded_at.isoformat(),
        "recorded_by": by,
        "source_document": record.source_document_name,
        "source_document_sha256": record.source_document_sha256,
        "source_media_type": record.source_media_type,
        "audit_seq": record.audit_seq,
    }


def recorded_by_names(session: Session, records: Iterable[LawEntryRecord]) -> dict[int, str]:
    """The name of the user who recorded each entry, by user id."""
    from sqlalchemy import select

    from accord.auth.models import User

    ids = {r.recorded_by_id for r in records}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()
    return {user_id: name for user_id, name in rows}


@law_app.command("entries")
def entries(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option("--kind", help="Only entries of this kind")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines on stdout")] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Every law entry, oldest first."""
    from accord.auth import Permission
    from accord.db import read_session
    from accord.law.law_set import ENTRY_KINDS
    from accord.law_entries.service import list_law_entries

    if kind is not None and kind not in ENTRY_KINDS:
        raise InputError(f"--kind '{kind}' is not one of: {', '.join(ENTRY_KINDS)}")
    engine, _, _ = acting_user(ctx, Permission.LAW_READ)
    with read_session(engine) as session:
        records = list_law_entries(session, kind=kind)
        names = recorded_by_names(session, records)
    rows = [entry_summary(r, names[r.recorded_by_id]) for r in records]
    if as_json:
        sys.stdout.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        return
    columns = ("id", "kind", "subject", "in effect from", "recorded (UTC)", "by", "document")
    table = fmt == OutputFormat.TABLE
    listing = Listing(
        "Law entered in the registry (the bundled law data is the default)",
        columns if table else (*columns, "document sha256"),
        [
            (
                r["id"],
                r["kind"],
                r["subject"],
                r["effective_on"],
                r["recorded_at"][:19].replace("T", " "),
                r["recorded_by"],
                f"{r['source_document']} ({r['source_document_sha256'][:12]})"
                if table
                else r["source_document"],
                *(() if table else (r["source_document_sha256"],)),
            )
            for r in rows
        ],
    )
    print_listing(out, listing, fmt)
    if not rows and table:
        out.print("No law entries: decisions apply the bundled law data alone.")


@law_app.command("entry")
def entry(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help="The entry id (accord law entries)")],
    document_out: Annotated[
        Path | None,
        typer.Option("--document-out", help="Write the source document to this file"),
    ] = None,
) -> None:
    """One law entry: what it holds, who entered it, and its source document."""
    from accord.atomic_output import check_file_target, write_file
    from accord.auth import Permission
    from accord.db import read_session
    from accord.law_entries.service import get_law_entry

    if document_out is not None:
        check_file_target(document_out)
    engine, _, _ = acting_user(ctx, Permission.LAW_READ)
    with read_session(engine) as session:
        record = get_law_entry(session, entry_id=entry_id)
        names = recorded_by_names(session, [record])
        shown = entry_summary(record, names[record.recorded_by_id])
        shown["body"] = json.loads(record.body)
        document = record.source_document
    sys.stdout.write(json.dumps(shown, indent=2, ensure_ascii=False) + "\n")
    if document_out is not None:
        write_file(document_out, lambda f: f.write(document), what="the source document")
        err.print(f"accord: source document ({len(document):,} bytes) written to {document_out}")
