"""Open what a command was given as cases: a JSON Lines file or a docket snapshot folder;
and the screen on Spark (`accord screen --engine spark`)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from accord.casefile.reader import read_case_files
from accord.engine.request import DecisionRequest
from accord.engine.screen import ScreenSummary
from accord.engine.store import FactStore
from accord.errors import InputError
from accord.facts.snapshot import is_snapshot, snapshot_tables
from accord.facts.tables import case_files_to_tables


def open_docket(
    path: Path,
    *,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    load: bool = True,
    console: Console | None = None,
) -> FactStore:
    if is_snapshot(path):
        return FactStore.from_snapshot(path, load=load)
    if path.is_dir():
        raise InputError(f"{path}: a folder but not a docket snapshot (no manifest.json)")
    result = read_case_files(path, skip_invalid=skip_invalid, rejects_path=rejects)
    if result.rejects and console is not None:
        console.print(
            f"[yellow]{len(result.rejects)} invalid record(s) skipped; "
            f"each with its reason in {result.rejects_path}[/yellow]"
        )
    if not result.cases:
        raise InputError(f"{path}: no valid case files")
    return FactStore.from_tables(case_files_to_tables(result.cases))


ENGINES = ("duckdb", "columnar", "spark")


def check_engine(engine: str, docket: str) -> None:
    """InputError for an engine that is not one of ENGINES, or a URL given to DuckDB."""
    if engine not in ENGINES:
        raise InputError(f"--engine '{engine}' is not one of: {', '.join(ENGINES)}")
    if engine != "spark" and "://" in docket:
        raise InputError(f"{docket}: a URL is read by --engine spark only")


def run_spark_screen(
    docket: str,
    request: DecisionRequest,
    target: Path,
    *,
    master: str,
    timeout: float,
    staging: str | None,
    console: Console,
) -> ScreenSummary:
    """`accord screen --engine spark`: a docket snapshot (folder or URL) screened on Spark."""
    from accord.engine.spark import screen_docket_spark

    if "://" not in docket:
        snapshot_tables(Path(docket))  # checked before Spark starts: a bad folder is one line
    with Progress(
        TextColumn("[bold]screening on Spark[/bold] {task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(master, total=100)
        return screen_docket_spark(
            snapshot=docket,
            request=request,
            out=target,
            master=master,
            timeout=timeout,
            staging=staging,
            progress=lambda pct: progress.update(task, completed=pct),
        )
