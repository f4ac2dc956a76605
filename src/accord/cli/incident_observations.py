"""`accord incidents observe ID --level note|concern|urgent --text TEXT`: a monitor's
observation on an incident (operations/incident_observations.py); and `accord incidents
observations ID` to read them, newest first.

A monitor resolves nothing: this records what it saw, append-only and audited.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from accord.cli.audit_reads import audit_read
from accord.cli.registry import acting_user
from accord.cli.render import FormatOption, Listing, OutputFormat, print_listing

out = Console()


def register_incident_observations(incidents_app: typer.Typer) -> None:
    """Add `observe` and `observations` to the `accord incidents` commands."""
    incidents_app.command("observe")(incidents_observe)
    incidents_app.command("observations")(incidents_observations)


def incidents_observe(
    ctx: typer.Context,
    incident: Annotated[int, typer.Argument(help="Incident id")],
    level: Annotated[str, typer.Option("--level", help="note, concern or urgent")],
    text: Annotated[str, typer.Option("--text", help="What was observed")],
) -> None:
    """Record an observation on an incident (monitor); an urgent one on an open incident
    alerts officers and legal reviewers until it is resolved."""
    from accord.auth import Permission
    from accord.db import write_session
    from accord.operations.incident_observations import parse_level, record_observation

    chosen = parse_level(level)
    engine, user, _ = acting_user(ctx, Permission.OPS_OBSERVE)
    with write_session(engine) as session:
        observation = record_observation(
            session, actor=user, incident_id=incident, level=chosen, text=text
        )
        observation_id = observation.id
    out.print(
        f"observation {observation_id} on incident {incident} recorded ({chosen.value})",
        highlight=False,
        markup=False,
    )


def incidents_observations(
    ctx: typer.Context,
    incident: Annotated[int, typer.Argument(help="Incident id")],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """An incident's observations, newest first, with who recorded each and when."""
    from accord.auth import Permission
    from accord.db import read_session
    from accord.errors import UnknownOperationsRecord
    from accord.operations.incident_observations import list_observations
    from accord.operations.models import Incident

    engine, user, _ = acting_user(ctx, Permission.OPS_READ)
    with read_session(engine) as session:
        if session.get(Incident, incident) is None:
            raise UnknownOperationsRecord(f"no incident {incident}")
        rows = [
            (o.id, o.level, o.recorded_by, o.recorded_at.isoformat(timespec="seconds"), o.text)
            for o in list_observations(session, incident_id=incident)
        ]
    audit_read(engine, user, "read.incident_observations", f"incident:{incident}", count=len(rows))
    columns = ("id", "level", "by", "recorded", "text")
    print_listing(out, Listing(f"Observations on incident {incident}", columns, rows), fmt)
