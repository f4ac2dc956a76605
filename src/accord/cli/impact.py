"""`accord impact`: what changes if a change of law is in force from a day.

Name the change one way: a registry law entry (`--entry ID`), a candidate not entered (a
court order's data file `--order FILE`, an event of a known order `--event ORDER_ID FILE`),
or a known order in force from a day (`--order-id ID --in-force-from T`). The docket is a
snapshot folder (`--snapshot DIR`) or the registry's; the requests are those of the
registry's transfer cases under way and any given with --agreement/--pathway/--destination.
With `--snapshot`, the registry is read only when ACCORD_DATABASE_URL names it (or for
`--entry`). Nothing is written, except the audit entry of the read on a registry.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from accord.cli.render import print_table
from accord.errors import InputError

out = Console()
err = Console(stderr=True, soft_wrap=True)
OUTCOME_STYLE = {"eligible": "green", "ineligible": "bold red", "undetermined": "yellow"}


def _read_yaml(path: Path, what: str) -> Any:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
        raise InputError(f"{path}: not valid YAML: {problem}") from None


def _styled(outcome: str) -> str:
    style = OUTCOME_STYLE.get(outcome)
    return f"[{style}]{outcome}[/{style}]" if style else outcome


def _print(report: dict[str, Any], limit: int) -> None:
    change = report["change"]
    out.print(f"[bold]{change['what']}[/bold] — decisions of {change['day']}")
    if change["order"]:
        o = change["order"]
        out.print(f"{o['title']} ({o['court']}, {o['docket']})", highlight=False)
        out.print(f"  before: {o['before']}\n  after:  {o['after']}", highlight=False)
    if change["note"]:
        out.print(f"[yellow]{change['note']}[/yellow]", highlight=False)
    summary = Table(title=f"Impact on {report['persons']} persons ({report['docket']})")
    for column in ("request", "decided again", "class", "outcome changes", "how", "rules"):
        summary.add_column(column)
    for r in report["requests"]:
        at = f" at {r['facility']}" if r["facility"] else ""
        summary.add_row(
            f"{r['agreement']} {r['pathway']} to {r['destination']}{at}",
            str(r["redecided"]),
            str(r["class_members"]),
            str(r["outcome_changes"]),
            "\n".join(f"{k}: {v}" for k, v in r["by_outcome"].items()) or "-",
            "\n".join(f"{k}: {v}" for k, v in r["by_rule"].items()) or "-",
        )
    print_table(out, summary)
    for r in report["requests"]:
        if not r["changes"]:
            continue
        at = f" at {r['facility']}" if r["facility"] else ""
        table = Table(
            title=f"{r['agreement']} {r['pathway']} to {r['destination']}{at}: "
            f"{r['outcome_changes']} outcome(s) change"
            + (
                f" (first {r['changes_shown']})"
                if r["changes_shown"] < r["outcome_changes"]
                else ""
            )
        )
        for column in ("person", "before", "after", "rules changed"):
            table.add_column(column)
        for p in r["changes"][:limit]:
            table.add_row(
                p["person_id"],
                _styled(p["before"]),
                _styled(p["after"]),
                "; ".join(f"{x['rule']}: {x['before']} -> {x['after']}" for x in p["rules"]),
            )
        print_table(out, table)
    ops = report["operations"]
    if ops is None:
        out.print("Operations: no registry read (a snapshot alone): no transfer cases.")
        return
    states = Table(title="Transfer cases touched, by state")
    states.add_column("state")
    states.add_column("cases", justify="right")
    for label, count in ops["by_state"].items():
        states.add_row(label, str(count))
    print_table(out, states)
    if ops["cases"]:
        cases = Table(title="Transfer cases touched")
        for column in ("state", "case", "person", "mission", "departure", "before", "after"):
            cases.add_column(column)
        for c in ops["cases"]:
            cases.add_row(
                c["group"],
                str(c["case_id"]),
                c["person_id"],
                c["mission"] or "-",
                c["planned_departure"] or "-",
                _styled(c["before"]),
                _styled(c["after"]) + (" (class member)" if c["class_member"] else ""),
            )
        print_table(out, cases)


def impact_command(
    ctx: typer.Context,
    entry: Annotated[int | None, typer.Option("--entry", help="A registry law entry's id")] = None,
    order: Annotated[
        Path | None, typer.Option("--order", help="A court order's data file (YAML), not entered")
    ] = None,
    event: Annotated[
        tuple[str, Path] | None,
        typer.Option("--event", help="ORDER_ID FILE: an event of a known order (YAML)"),
    ] = None,
    order_id: Annotated[
        str | None, typer.Option("--order-id", help="A known order, with --in-force-from")
    ] = None,
    in_force_from: Annotated[
        str | None, typer.Option("--in-force-from", help="YYYY-MM-DD: the order in force from")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Day of the decisions (default: the change's own day)"),
    ] = None,
    snapshot: Annotated[
        Path | None, typer.Option("--snapshot", help="A docket snapshot folder (default: registry)")
    ] = None,
    agreement: Annotated[str | None, typer.Option("--agreement", help="A request to weigh")] = None,
    pathway: Annotated[str | None, typer.Option("--pathway")] = None,
    destination: Annotated[str | None, typer.Option("--destination")] = None,
    facility: Annotated[str | None, typer.Option("--facility")] = None,
    notice_profile: Annotated[str, typer.Option("--notice-profile")] = "most_protective",
    as_json: Annotated[bool, typer.Option("--json", help="The whole impact as JSON")] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1_000_000, help="Persons listed per request")
    ] = 50,
) -> None:
    """What changes if a change of law is in force: every person whose outcome changes, per
    request, with the rules; and every transfer case it touches, by state."""
    from accord.impact.change import parse_day
    from accord.impact.service import RequestSpec

    named = [entry is not None, order is not None, event is not None, order_id is not None]
    if sum(named) != 1:
        raise InputError(
            "name one change: --entry ID, --order FILE, --event ORDER_ID FILE, or "
            "--order-id ID --in-force-from YYYY-MM-DD"
        )
    if (order_id is None) != (in_force_from is None):
        raise InputError("--order-id and --in-force-from go together")
    day = parse_day(as_of, "--as-of") if as_of is not None else None
    from_day = parse_day(in_force_from, "--in-force-from") if in_force_from else None
    given: list[RequestSpec] = []
    if agreement or pathway or destination or facility:
        if not (agreement and pathway and destination):
            raise InputError("a request needs --agreement, --pathway and --destination")
        given.append(RequestSpec(agreement, pathway, destination, facility, notice_profile))
    if snapshot is not None:
        from accord.facts.snapshot import snapshot_tables

        snapshot_tables(snapshot)  # a folder that is not a snapshot: one line, before any work
    body: Any = None
    if order is not None:
        body = _read_yaml(order, "court order")
        if not isinstance(body, dict):
            raise InputError(f"{order}: a court order file holds one mapping")
    if event is not None:
        body = _read_yaml(event[1], "event")
        if not isinstance(body, dict):
            raise InputError(f"{event[1]}: an event file holds one mapping")
    use_registry = (
        entry is not None or snapshot is None or bool(os.environ.get("ACCORD_DATABASE_URL"))
    )

    def name_change(session: Any) -> Any:
        from accord.impact import service

        if entry is not None:
            return service.change_of_registry_entry(session, entry_id=entry, as_of=day)
        if order is not None:
            return service.change_of_candidate(
                session, kind="court_order", subject=None, body=body, as_of=day
            )
        if event is not None:
            return service.change_of_candidate(
                session, kind="court_order_event", subject=event[0], body=body, as_of=day
            )
        assert order_id is not None
        assert from_day is not None
        return service.change_of_order_in_force(
            session, order_id=order_id, from_day=from_day, as_of=day
        )

    report = _run(ctx, name_change, given, snapshot, use_registry)
    record = report.as_dict(limit=None if as_json else limit)
    if as_json:
        sys.stdout.write(json.dumps(record) + "\n")
        return
    _print(record, limit)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]impact[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _run(
    ctx: typer.Context, name_change: Any, given: Any, snapshot: Path | None, use_registry: bool
) -> Any:
    from accord.engine.store import FactStore
    from accord.impact import service

    store = FactStore.from_snapshot(snapshot) if snapshot is not None else None
    docket = str(snapshot) if snapshot is not None else "the registry"
    try:
        with _progress() as bar:
            task = bar.add_task("reading", total=None)

            def progress(done: int, total: int, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            if not use_registry:
                change = name_change(None)
                requests, _ = service.requests_in_use(None, given=given, day=change.day)
                assert store is not None
                return service.weigh(
                    store, change, requests, cases=None, docket=docket, progress=progress
                )
            from accord.auth import Permission
            from accord.cli.audit_reads import audit_read
            from accord.cli.registry import acting_user
            from accord.db import read_session

            engine, user, _ = acting_user(ctx, Permission.FACTS_READ)
            with read_session(engine) as session:
                change = name_change(session)
                report = service.registry_impact(
                    session,
                    change=change,
                    given=given,
                    store=store,
                    docket=docket,
                    progress=progress,
                )
    finally:
        if store is not None:
            store.close()
    audit_read(
        engine,
        user,
        "read.impact",
        f"{change.kind} {change.subject}",
        entry=change.entry_id,
        day=change.day.isoformat(),
        outcome_changes=sum(len(r.changes) for r in report.requests),
        cases=len(report.cases or ()),
    )
    return report
