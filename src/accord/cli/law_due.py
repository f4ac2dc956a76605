"""`accord law act-due`: court orders in force that have not acted on operations act now.

An order entered before the day it takes effect acts on that day (operations/law_due.py):
the first operation that moves a case on or after it runs the due acts first, and a
scheduler runs this command daily, shortly after midnight UTC, so that persons in the air
and planned missions are acted on even when no operation runs (docs/operations.md). Until
an entry has acted, `accord reconcile` fails naming it. Running it again opens nothing
twice; two runs at once wait for each other.
"""

from __future__ import annotations

import typer
from rich.console import Console

from accord.cli.registry import acting_user

out = Console(soft_wrap=True, highlight=False)


def register_law_due(law_app: typer.Typer) -> None:
    """Add `act-due` to the `accord law` commands."""
    law_app.command("act-due")(act_due)


def act_due(ctx: typer.Context) -> None:
    """Act on every court order in force that has not acted yet (officer or legal reviewer).

    For a daily scheduler: incidents and return cases for the persons an order reached,
    planned missions held."""
    from accord.auth import Permission
    from accord.db import write_session
    from accord.operations.law_due import act_on_due_law

    engine, user, _ = acting_user(ctx, Permission.OPS_RETURNS)
    with write_session(engine) as session:
        done = act_on_due_law(session, actor=user)
        lines = [
            f"law entry {acts.law_entry} ({acts.order}, in effect from {acts.day}): "
            f"{len(acts.incidents)} incident(s), {len(acts.return_cases)} return case(s), "
            f"missions held: {', '.join(acts.held_missions) or 'none'}"
            for acts in done
        ]
    if not lines:
        out.print("act-due: no court order in force is waiting to act", markup=False)
        return
    for line in lines:
        out.print(line, markup=False)
    out.print(f"act-due: {len(lines)} law entr{'y' if len(lines) == 1 else 'ies'} acted")
