"""`accord billing invoice|show|list|reconcile|credit-note`: monthly invoices from custody days.

Thin like the rest of the CLI: declare the permission, call one billing service
function in one transaction, print. Analysts read invoices with person
identifiers masked. Bad input is one line and exit 2 (main.run); a reconcile
that finds differences exits 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from accord.cli.audit_reads import audit_read
from accord.cli.registry import acting_user
from accord.cli.render import FormatOption, Listing, OutputFormat, print_listing, print_table

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from accord.auth import User
    from accord.billing.lines import CreditView, InvoiceView, Line
    from accord.billing.reconcile import ReconcileReport

billing_app = typer.Typer(
    no_args_is_help=True, help="Invoices from custody days, reconcile, credit notes."
)
out = Console()

AgreementOpt = Annotated[str, typer.Option("--agreement", help="Agreement id")]
MonthOpt = Annotated[str, typer.Option("--month", help="Calendar month, YYYY-MM")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Also write the lines to this CSV")]
Note = Annotated[str, typer.Option("--note", help="Why, in words (kept with the credit note)")]
Mask = Callable[[str], str]
CSV_COLUMNS = (
    *("invoice", "status", "agreement", "month", "line", "kind", "person_id", "facility"),
    *("unit", "days_in_custody", "days_billed", "periods", "rates", "currency", "amount"),
    "content_digest",
)


def _act(ctx: typer.Context, permission: str) -> tuple[Engine, User, Mask]:
    """The acting user (registry loaded lazily) and how it may see person identifiers."""
    from accord.auth import Permission, can, mask_person_id

    engine, user, settings = acting_user(ctx, Permission[permission])
    if can(user, Permission.FACTS_READ):
        return engine, user, lambda person_id: person_id
    key = settings.require_masking_key()
    return engine, user, lambda person_id: mask_person_id(person_id, key)


def _say(text: str) -> None:
    out.print(text, highlight=False, markup=False, soft_wrap=True)  # one line, greppable


def _rates(line: Line) -> str:
    parts = []
    for run in line.runs:
        if run["unit"] == "per_person_year":
            rate = f"{run['amount']}/year ÷ {run['divisor']}"
        elif run["unit"] == "per_transfer":
            rate = f"{run['amount']} per transfer"
        else:
            rate = f"{run['amount']}/day"
        days = f"{run['days']} d at " if run["unit"] != "per_transfer" else ""
        parts.append(f"{run['first']}..{run['last']}: {days}{rate} ({run['rate']})")
    return "\n".join(parts) or "no fee in force"


def _periods(ranges: Sequence[Sequence[str]]) -> str:
    return ", ".join(a if a == b else f"{a}..{b}" for a, b in ranges) or "-"


def _heading(view: InvoiceView) -> str:
    if view.status == "draft":
        counted = (
            f"counted through {view.through}"
            if view.through >= view.period_start
            else "no day of it has ended yet"
        )
        return (
            f"DRAFT invoice, {view.agreement_id} {view.month}: the month is still running, "
            f"{counted}; not stored, recomputed on every run, issued once the month has ended"
        )
    when = view.issued_at.isoformat(timespec="seconds") if view.issued_at else "?"
    state = "issued now" if view.newly_issued else "issued, final"
    return (
        f"invoice {view.number}, {view.agreement_id} {view.month} ({state}: {when} "
        f"by {view.issued_by})"
    )


def _print_invoice(view: InvoiceView, mask: Mask) -> None:
    _say(_heading(view))
    table = Table(title=f"{view.agreement_id} {view.period_start} to {view.period_end}")
    for column in ("line", "person", "facility", "unit", "in custody", "billed", "days billed"):
        table.add_column(column, justify="right" if column in ("line", "in custody") else "left")
    table.add_column("rates")
    table.add_column(f"amount {view.currency}", justify="right")
    for line in view.lines:
        table.add_row(
            str(line.line_no),
            mask(line.person_id),
            line.facility_id,
            line.unit,
            str(line.days_in_custody) if line.kind == "custody" else "-",
            str(line.days_billed) if line.kind == "custody" else "1 transfer",
            _periods(line.periods),
            _rates(line),
            f"{line.amount:,.2f}",
        )
    print_table(out, table)
    _say(f"total {view.currency} {view.total:,.2f} in {len(view.lines)} line(s)")
    if view.credit_notes:
        _print_credits(view.credit_notes, mask)
        _say(
            f"credited {view.currency} {view.credited:,.2f}; net {view.total - view.credited:,.2f}"
        )
    _say(f"content digest {view.content_digest}")
    if not view.digest_verified:
        _say("WARNING: the stored lines no longer hash to the stored content digest")


def _print_credits(notes: Sequence[CreditView], mask: Mask) -> None:
    table = Table(title="Credit notes")
    for column in ("credit note", "line", "person", "reason", "days", "amount", "issued", "note"):
        table.add_column(column, justify="right" if column in ("days", "amount") else "left")
    for n in notes:
        table.add_row(
            str(n.number),
            str(n.line_no),
            mask(n.person_id),
            n.reason,
            str(n.days),
            f"{n.currency} {n.amount:,.2f}",
            f"{n.issued_at.date()} by {n.issued_by}",
            n.note,
        )
    print_table(out, table)


def _write_csv(view: InvoiceView, target: Path, mask: Mask) -> None:
    from accord.atomic_output import write_file

    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for line in view.lines:
        writer.writerow(
            [
                *(view.number or "", view.status, view.agreement_id, view.month),
                *(line.line_no, line.kind, mask(line.person_id), line.facility_id, line.unit),
                *(line.days_in_custody, line.days_billed, _periods(line.periods)),
                *(_rates(line).replace("\n", "; "), line.currency, str(line.amount)),
                view.content_digest,
            ]
        )
    data = text.getvalue().encode("utf-8")
    write_file(target, lambda handle: handle.write(data), what="the invoice lines")
    _say(f"lines written to {target}")


def _audit_invoice(engine: Engine, user: User, view: InvoiceView) -> None:
    """As the API's `read.invoice` (billing/views.py): invoice lines name persons."""
    audit_read(
        engine,
        user,
        "read.invoice",
        f"invoice:{view.agreement_id}:{view.month}",
        invoice=view.number,
        status=view.status,
        lines=len(view.lines),
    )


@billing_app.command("invoice")
def invoice(
    ctx: typer.Context, agreement: AgreementOpt, month: MonthOpt, target: OutOpt = None
) -> None:
    """The agreement's invoice for a month, from custody days.

    A month that has ended is issued on the first run (billing officers) and is final:
    later runs print the stored invoice unchanged. A month still running prints a
    draft through yesterday, which is not stored.
    """
    from accord.billing.invoices import invoice_for_month
    from accord.db import write_session

    engine, user, mask = _act(ctx, "BILLING_READ")
    with write_session(engine) as session:
        view = invoice_for_month(session, actor=user, agreement_id=agreement, month=month)
    _audit_invoice(engine, user, view)
    _print_invoice(view, mask)
    if target is not None:
        _write_csv(view, target, mask)


@billing_app.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="Invoice number")],
    target: OutOpt = None,
) -> None:
    """One stored invoice with its lines, rates and credit notes."""
    from accord.billing.invoices import show_invoice
    from accord.db import read_session

    engine, user, mask = _act(ctx, "BILLING_READ")
    with read_session(engine) as session:
        view = show_invoice(session, number=number)
    _audit_invoice(engine, user, view)
    _print_invoice(view, mask)
    if target is not None:
        _write_csv(view, target, mask)


@billing_app.command("list")
def list_command(
    ctx: typer.Context,
    agreement: Annotated[str | None, typer.Option("--agreement")] = None,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM")] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Every stored invoice, with its total, credits and digest."""
    from accord.billing.invoices import list_invoices
    from accord.db import read_session

    engine, _, _ = _act(ctx, "BILLING_READ")
    with read_session(engine) as session:
        rows = list_invoices(session, agreement_id=agreement, month=month)
    columns = ("invoice", "agreement", "month", "lines", "currency", "total", "credited", "net")
    listing = Listing(
        f"{len(rows)} invoice(s)",
        (*columns, "issued", "digest"),
        [
            (
                i.id,
                i.agreement_id,
                i.month,
                i.line_count,
                i.currency,
                f"{i.total:.2f}",  # Decimal as text: exact in csv and json
                f"{credited:.2f}",
                f"{i.total - credited:.2f}",
                i.issued_at.isoformat(timespec="seconds"),
                # the whole digest where a script reads it; its start in a table
                i.content_digest[:16] if fmt == OutputFormat.TABLE else i.content_digest,
            )
            for i, credited in rows
        ],
    )
    print_listing(out, listing, fmt)


def _print_report(report: ReconcileReport, mask: Mask) -> None:
    checked = f"{report.invoices} invoice(s), {report.lines} line(s)"
    if report.clean:
        _say(f"billing reconcile: clean ({checked})")
        return
    _say(
        f"billing reconcile: {len(report.differences)} difference(s) ({checked}); "
        f"over-billed {report.over_billed:,.2f}, under-billed {report.under_billed:,.2f}"
    )
    table = Table()
    for column in ("invoice", "month", "line", "person", "difference", "days", "periods"):
        table.add_column(column)
    for column in ("billed", "correct", "amount"):
        table.add_column(column, justify="right" if column == "amount" else "left")
    for d in report.differences:
        table.add_row(
            str(d.invoice),
            d.month,
            str(d.line_no) if d.line_no is not None else "-",
            mask(d.person_id),
            d.code,
            str(d.days),
            _periods(d.periods),
            d.billed,
            d.correct,
            f"{d.amount:+,.2f}",
        )
    print_table(out, table)


@billing_app.command("reconcile")
def reconcile(
    ctx: typer.Context,
    agreement: Annotated[str | None, typer.Option("--agreement")] = None,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM")] = None,
    issue_credits: Annotated[
        bool,
        typer.Option("--credit-notes", help="Issue a credit note for every over-billed line"),
    ] = False,
    note: Note = "",
) -> None:
    """Check every stored invoice line against today's custody records; exit 1 on a difference.

    With --credit-notes (billing officers), over-billed days are credited first and the
    exit status says whether any difference (under-billing) remains.
    """
    from accord.billing.reconcile import credit_over_billed, reconcile_invoices
    from accord.db import read_session, write_session

    engine, user, mask = _act(ctx, "BILLING_ISSUE" if issue_credits else "BILLING_READ")
    with read_session(engine) as session:
        report = reconcile_invoices(session, agreement_id=agreement, month=month)
    audit_read(
        engine,
        user,
        "read.billing_reconcile",
        "invoices",
        agreement=agreement,
        month=month,
        differences=len(report.differences),
    )
    _print_report(report, mask)
    if issue_credits and any(d.over_billed for d in report.differences):
        with write_session(engine) as session:
            notes = credit_over_billed(
                session, actor=user, agreement_id=agreement, month=month, note=note
            )
            report = reconcile_invoices(session, agreement_id=agreement, month=month)
        _print_credits(notes, mask)
        _say(f"after {len(notes)} credit note(s): {len(report.differences)} difference(s) remain")
    if not report.clean:
        raise typer.Exit(1)


@billing_app.command("credit-note")
def credit_note(
    ctx: typer.Context,
    number: Annotated[int, typer.Option("--invoice", help="Invoice number")],
    line: Annotated[int | None, typer.Option("--line", help="Only this line")] = None,
    note: Note = "",
) -> None:
    """Credit the days of an invoice (or one line) that reconcile finds over-billed.

    The invoice is never changed; each credit note references its line and says which
    days were credited and why.
    """
    from accord.billing.reconcile import issue_credit_notes
    from accord.db import write_session

    engine, user, mask = _act(ctx, "BILLING_ISSUE")
    with write_session(engine) as session:
        notes = issue_credit_notes(
            session, actor=user, invoice_number=number, line_no=line, note=note
        )
    _print_credits(notes, mask)
    total = sum(n.amount for n in notes)
    _say(f"{len(notes)} credit note(s) against invoice {number}: {notes[0].currency} {total:,.2f}")
