"""`accord docket generate --persons N --profile national --seed S --out DIR`: a synthetic
docket written as a snapshot folder (`accord screen DIR ...` reads it).

The main app registers it with

    app.add_typer(docket_app, name="docket")

Profiles: `default` (the mix tests and benchmarks use) and `national` (calibrated to
published figures, docs/synthetic.md). Bad input raises an InputError (one line, exit 2)
before anything is generated or written.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from accord.errors import InputError

MAX_PERSONS = 100_000_000

docket_app = typer.Typer(no_args_is_help=True, help="Synthetic dockets for tests and scale runs.")
out = Console(soft_wrap=True)


@docket_app.command("generate")
def generate_command(
    target: Annotated[Path, typer.Option("--out", help="Snapshot folder to write")],
    persons: Annotated[int, typer.Option("--persons", help="Number of persons")] = 100_000,
    profile: Annotated[
        str, typer.Option("--profile", help="default (tests) or national (published figures)")
    ] = "default",
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same docket")] = 0,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date the facts are spread around, YYYY-MM-DD"),
    ] = None,
) -> None:
    """Generate a synthetic docket (every person invented) and write it as a snapshot."""
    from accord.atomic_output import check_folder_target
    from accord.facts.snapshot import is_written_snapshot
    from accord.synthetic import DEFAULT_AS_OF, PROFILES, write_synthetic_snapshot

    if profile not in PROFILES:
        raise InputError(f"--profile '{profile}' is not one of: {', '.join(PROFILES)}")
    if not 1 <= persons <= MAX_PERSONS:
        raise InputError(f"--persons {persons} is not from 1 to {MAX_PERSONS:,}")
    if seed < 0:
        raise InputError(f"--seed {seed} is negative")
    try:
        day = DEFAULT_AS_OF if as_of is None else dt.date.fromisoformat(as_of)
    except ValueError:
        raise InputError(f"--as-of '{as_of}' is not a date (YYYY-MM-DD)") from None
    check_folder_target(target, is_own=is_written_snapshot, what="a docket snapshot")
    start = time.perf_counter()
    written = write_synthetic_snapshot(persons, target, seed=seed, profile=profile, as_of=day)
    seconds = time.perf_counter() - start
    out.print(
        f"{persons:,} persons (profile {profile}, seed {seed}, as of {day}) "
        f"written to {written} in {seconds:.1f} s"
    )
