"""`accord decide --person ID` from the registry, and `accord decisions list|show|replay`.

Thin like the rest of the CLI: each command declares its permission, calls the
decisions service in one session, and prints.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from accord.cli import render
from accord.cli.audit_reads import audit_read
from accord.cli.registry import AsKnownOn, acting_user, parse_known_on
from accord.engine import DecisionRequest
from accord.errors import InputError

decisions_app = typer.Typer(no_args_is_help=True, help="Decision records kept by the registry.")
out = Console()
err = Console(stderr=True, soft_wrap=True)


def decide_in_registry(
    ctx: typer.Context,
    *,
    request: DecisionRequest,
    person_id: str,
    as_known_on: str | None,
    fmt: str,
) -> None:
    """Decide for one person from the registry and keep the decision record."""
    from accord.auth import Permission
    from accord.db import write_session
    from accord.decisions import decide_from_registry

    engine, user, _ = acting_user(ctx, Permission.DECISIONS_RECORD)
    known_on = parse_known_on(as_known_on)
    with write_session(engine) as session:
        decision, record = decide_from_registry(
            session, request=request, person_id=person_id, actor=user, as_known_on=known_on
        )
        record_id, known_at = record.id, record.facts_known_at
    if fmt == "json":
        row = decision.as_dict() | {"decision_record": record_id}
        sys.stdout.write(json.dumps(row) + "\n")
        return
    render.print_table(out, render.decisions_table([decision]))
    err.print(
        f"decision record {record_id}: facts as known at {known_at.isoformat()}; "
        f"replay with `accord decisions replay {record_id}`",
        highlight=False,
    )


@decisions_app.command("list")
def list_decisions(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Option("--person", help="Only this person's")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    fmt: render.FormatOption = render.OutputFormat.TABLE,
) -> None:
    """The latest decision records, newest first."""
    from accord.auth import Permission
    from accord.db import read_session
    from accord.decisions import list_decision_records

    engine, user, _ = acting_user(ctx, Permission.DECISIONS_READ)
    with read_session(engine) as session:
        rows = [
            (
                r.id,
                r.decided_at.isoformat(timespec="seconds"),
                r.person_id,
                f"{r.agreement_id} v{r.agreement_version}",
                r.request["pathway"],
                r.request["as_of"],
                r.outcome,
            )
            for r in list_decision_records(session, person_id=person, limit=limit)
        ]
    subject = f"person:{person}" if person else "decisions"
    audit_read(engine, user, "read.decisions", subject, count=len(rows))
    columns = ("id", "decided at", "person", "agreement", "pathway", "as of", "outcome")
    styles = {"outcome": render.OUTCOME_STYLE}
    render.print_listing(out, render.Listing("Decision records", columns, rows, styles=styles), fmt)


@decisions_app.command("show")
def show_decision(
    ctx: typer.Context,
    decision_id: Annotated[int, typer.Argument(help="Decision record id")],
) -> None:
    """One decision record as stored (JSON)."""
    from accord.auth import Permission
    from accord.db import read_session
    from accord.decisions import get_decision_record

    engine, user, _ = acting_user(ctx, Permission.DECISIONS_READ)
    with read_session(engine) as session:
        r = get_decision_record(session, decision_id=decision_id)
        row = {
            "id": r.id,
            "person_id": r.person_id,
            "decided_at": r.decided_at.isoformat(),
            "decided_by": r.decided_by_id,
            "request": r.request,
            "facts_known_at": r.facts_known_at.isoformat(),
            "inputs_digest": r.inputs_digest,
            "ruleset_hash": r.ruleset_hash,
            "agreement": {
                "id": r.agreement_id,
                "version": r.agreement_version,
                "digest": r.agreement_digest,
            },
            "parameters": r.parameters,
            "outcome": r.outcome,
            "explanation": r.explanation,
            "audit_seq": r.audit_seq,
        }
    audit_read(
        engine, user, "read.decision", f"person:{row['person_id']}", decision_record=decision_id
    )
    sys.stdout.write(json.dumps(row, indent=2, ensure_ascii=False) + "\n")


@decisions_app.command("replay")
def replay(
    ctx: typer.Context,
    decision_id: Annotated[int, typer.Argument(help="Decision record id")],
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Decide again from the same facts with today's code; exit 0 if the decision reproduces,
    1 if not. It says which: the facts replay identically but the rules (ruleset, agreement
    or law parameters) changed since, or the facts differ, or the same facts and rules give
    another result."""
    from accord.auth import Permission
    from accord.db import read_session
    from accord.decisions import replay_decision

    if fmt not in ("text", "json"):
        raise InputError(f"--format '{fmt}' is not one of: text, json")
    engine, user, _ = acting_user(ctx, Permission.DECISIONS_READ)
    with read_session(engine) as session:
        result = replay_decision(session, decision_id=decision_id)
        person, known_at = result.record.person_id, result.record.facts_known_at
        report = result.as_dict()
        summary = result.summary()
    audit_read(engine, user, "read.replay", f"person:{person}", decision_record=decision_id)
    if fmt == "json":
        sys.stdout.write(json.dumps(report | {"summary": summary}) + "\n")
    else:
        what = f"decision record {decision_id} ({person}, facts as known at {known_at.isoformat()})"
        out.print(f"{what}{'' if result.reproduces else ':'} {summary}", highlight=False)
        for line in _replay_lines(report):
            out.print(f"  {line}", highlight=False)
    if not result.reproduces:
        raise typer.Exit(1)


def _replay_lines(r: dict[str, Any]) -> list[str]:
    """The inputs compared one by one, then the result."""

    def compared(label: str, changed: bool, pair: dict[str, str]) -> str:
        if changed:
            return f"{label}: changed since (recorded {pair['recorded']}, now {pair['now']})"
        return f"{label}: unchanged ({pair['now']})"

    facts = r["inputs_digest"]
    lines = [
        f"facts: replay identically (inputs digest {facts['now']})"
        if r["facts_identical"]
        else f"facts: DIFFER (inputs digest recorded {facts['recorded']}, now {facts['now']})",
        compared("ruleset", r["ruleset_changed"], r["ruleset_hash"]),
        compared("agreement", r["agreement_changed"], r["agreement_digest"]),
        "law parameters: " + ("changed since" if r["parameters_changed"] else "unchanged"),
    ]
    outcome = r["outcome"]
    if not r["result_differences"]:
        lines.append(f"result: the same (outcome {outcome['now']}, every rule's status)")
        return lines
    if outcome["recorded"] == outcome["now"]:
        head = f"result: the same outcome ({outcome['now']})"
    else:
        head = f"result: outcome recorded {outcome['recorded']}, now {outcome['now']}"
    statuses = [d for d in r["result_differences"] if d.startswith("rule ")]
    lines.append(head + ("; rule statuses that differ:" if statuses else ""))
    lines.extend(f"  - {d}" for d in statuses)
    return lines


__all__ = ["AsKnownOn", "decide_in_registry", "decisions_app"]
