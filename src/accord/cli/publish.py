"""`accord publish`: the transparency report of a period, for the public (docs/publish.md).

    accord --as mona publish --period 2025-03..2025-12 --out DIR [--threshold 11]

Monitors (and the roles that read operations) publish. The folder is written whole or not at
all; its publication is then recorded in the audit chain (the head it was built from and
each file's SHA-256). Bad input (a period, a threshold, a folder that cannot be written):
one line, exit status 2, nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from accord.publish.period import DEFAULT_THRESHOLD

out = Console()
err = Console(stderr=True, soft_wrap=True)


def publish_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="Whole months, YYYY-MM..YYYY-MM (UTC)")],
    out_dir: Annotated[Path, typer.Option("--out", help="The report folder to write")],
    threshold: Annotated[
        int,
        typer.Option(
            "--threshold",
            envvar="ACCORD_PUBLISH_THRESHOLD",
            help="Smallest count of persons published (2 to 1000)",
        ),
    ] = DEFAULT_THRESHOLD,
    consular_days: Annotated[
        int | None,
        typer.Option(
            "--consular-deadline-days",
            min=0,
            max=90,
            help="Days after a handover within which a consular notification counts as in time "
            "(default: the law parameter consular_notification_days, with its citation)",
        ),
    ] = None,
    records_dir: Annotated[
        Path | None,
        typer.Option(
            "--records",
            help="Also write the records folder verify_bundle.py checks the other tables with "
            "(names persons: for the audit bundle's holders, never for publication)",
        ),
    ] = None,
) -> None:
    """Publish the transparency report of a period: aggregate tables per month with small cells
    suppressed, as CSV, a Frictionless data package and an HTML page with charts, stating the
    audit chain head it was built from; verify_bundle.py in the folder checks it offline."""
    from accord.atomic_output import check_folder_target
    from accord.auth import Permission
    from accord.cli.registry import acting_user
    from accord.db import read_session, write_session
    from accord.publish.period import check_threshold, parse_period
    from accord.publish.service import (
        build_publication,
        is_publication,
        record_publication,
        write_publication,
        write_records,
    )

    chosen = parse_period(period)
    check_threshold(threshold)
    check_folder_target(out_dir, is_own=is_publication, what="a transparency report")
    engine, user, _ = acting_user(ctx, Permission.OPS_READ)
    with (
        Progress(
            TextColumn("[bold]publish[/bold] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar,
        read_session(engine) as session,
    ):
        task = bar.add_task("reading", total=None)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        publication = build_publication(
            session,
            period=chosen,
            threshold=threshold,
            consular_deadline_days=consular_days,
            progress=progress,
        )
        bar.update(task, description="writing the report")
        digests = write_publication(publication, out_dir)
        if records_dir is not None:
            bar.update(task, description="writing the records")
            write_records(session, publication, records_dir)
    with write_session(engine) as session:
        seq = record_publication(session, actor=user, publication=publication, digests=digests)
    provenance = publication.provenance
    hidden = sum(len(t.hidden) for t in publication.tables)
    out.print(
        f"Published {chosen.text} to {out_dir}: {len(digests)} files, "
        f"{len(publication.tables) + 1} tables, {hidden} cells suppressed "
        f"(threshold {threshold}).",
        highlight=False,
    )
    out.print(
        f"Built from audit entry {provenance.head_seq} (hash {provenance.head_hash}); "
        f"ruleset {provenance.ruleset_hash}; recorded as audit entry {seq}.",
        highlight=False,
    )
