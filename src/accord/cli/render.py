"""Decisions and catalogues rendered for people: tables and explanations."""

from __future__ import annotations

from rich.console import Console
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
