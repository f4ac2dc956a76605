"""Decisions and catalogues rendered for people (tables and explanations), and the one
`--format table|csv|json` option and renderer of every list command (print_listing)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from accord.engine.decision import Decision, RuleResult
from accord.law.framework import FAIL, NOT_APPLICABLE, PASS, UNKNOWN

OUTCOME_STYLE = {"eligible": "green", "ineligible": "bold red", "undetermined": "yellow"}
MARK = {
    FAIL: "[red]✗ fail[/red]",
    UNKNOWN: "[yellow]? unknown[/yellow]",
    PASS: "[green]✓ pass[/green]",
}


def decisions_table(decisions: list[Decision]) -> Table:
    table = Table(title="Decisions", show_lines=False)
    for col in ("person", "outcome", "failed", "unknown"):
        table.add_column(col)
    for d in decisions:
        style = OUTCOME_STYLE.get(d.outcome, "")
        table.add_row(
            d.person_id,
            f"[{style}]{d.outcome}[/{style}]",
            ", ".join(r.rule for r in d.failed) or "-",
            ", ".join(r.rule for r in d.unknown) or "-",
        )
    return table


def _reason(console: Console, r: RuleResult) -> None:
    console.print(f"  {MARK.get(r.status, r.status)}  [bold]{r.rule}[/bold]: {r.title}")
    console.print(f"      cited: {'; '.join(r.citations)}")
    for fact in r.facts:
        console.print(f"      fact: {fact}", highlight=False)
    for missing in r.not_recorded:
        console.print(f"      [yellow]missing: {missing}[/yellow]")
    if r.status != PASS:
        console.print(f"      would pass when: {r.passes_when}")


def explain(console: Console, d: Decision) -> None:
    style = OUTCOME_STYLE.get(d.outcome, "")
    where = f"{d.destination}" + (f" ({d.facility})" if d.facility else "")
    console.print(
        f"[bold]{d.person_id}[/bold]: {d.pathway} to {where} under "
        f"{d.agreement['id']} v{d.agreement['version']}, as of {d.as_of}"
    )
    console.print(f"Outcome: [{style}]{d.outcome.upper()}[/{style}]\n")
    if d.failed:
        console.print("[bold]Why not (failed rules):[/bold]")
        for r in d.failed:
            _reason(console, r)
    if d.unknown:
        console.print("[bold]What Accord does not know (unknown rules):[/bold]")
        for r in d.unknown:
            _reason(console, r)
    passed = d.with_status(PASS)
    if passed:
        console.print("[bold]Passed:[/bold]")
        for r in passed:
            _reason(console, r)
    na = d.with_status(NOT_APPLICABLE)
    if na:
        console.print(f"Not applicable to this person: {', '.join(r.rule for r in na)}")
    if d.not_in_effect:
        console.print(f"Not in effect on {d.as_of}: {', '.join(d.not_in_effect)}")
    console.print(
        f"\nReproduce with ruleset {d.ruleset['hash'][:12]} (notice profile "
        f"{d.ruleset['notice_profile']}), agreement {d.agreement['id']} "
        f"v{d.agreement['version']} ({d.agreement['digest'][:12]}), parameters: "
        + "; ".join(f"{p['parameter']} from {p['effective_from']}" for p in d.parameters),
        highlight=False,
    )


# ---- list commands: one --format option and one renderer ---------------------------------


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        help="table (for people), csv or json (every row and value in full, for scripts)",
        case_sensitive=False,
    ),
]


@dataclass(frozen=True)
class Listing:
    """What a list command prints: a title, column names and rows of plain values.

    `styles` colours a table cell by its value (column -> value -> rich style); csv and json
    carry the values only. A value may be a list (several citations): one line each in a
    table, joined by "; " in csv, a list in json.
    """

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    show_lines: bool = False
    styles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)  # dates, decimals, enums


def _cell(value: Any, sep: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return sep.join(_cell(v, sep) for v in value)
    return str(value)


def listing_table(listing: Listing) -> Table:
    table = Table(title=listing.title, show_lines=listing.show_lines)
    for column in listing.columns:
        table.add_column(column)
    for row in listing.rows:
        cells = []
        for column, value in zip(listing.columns, row, strict=True):
            text = escape(_cell(value, "\n"))
            style = listing.styles.get(column, {}).get(str(value))
            cells.append(f"[{style}]{text}[/{style}]" if style and text else text)
        table.add_row(*cells)
    return table


def print_table(console: Console, table: Table) -> None:
    """A table on a terminal fits its width; piped or redirected it is printed at its natural
    width, every value in full (rich would cut it to 80 columns)."""
    if console.is_terminal:
        console.print(table)
        return
    natural = Console(file=console.file, width=1_000_000).measure(table).maximum
    Console(file=console.file, width=max(natural, 20), no_color=True).print(table)


def print_listing(console: Console, listing: Listing, fmt: OutputFormat) -> None:
    """Print the rows as a table, CSV (a header row, then one row each) or a JSON array of
    objects keyed by column name."""
    if fmt == OutputFormat.TABLE:
        print_table(console, listing_table(listing))
        return
    if fmt == OutputFormat.CSV:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(listing.columns)
        writer.writerows([_cell(v, "; ") for v in row] for row in listing.rows)
        console.file.write(buffer.getvalue())
    else:
        items = [
            {c: _plain(v) for c, v in zip(listing.columns, row, strict=True)}
            for row in listing.rows
        ]
        console.file.write(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
    console.file.flush()
