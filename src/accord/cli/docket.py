"""Open what a command was given as cases: a JSON Lines file or a docket snapshot folder."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from accord.casefile.reader import read_case_files
from accord.engine.store import FactStore
from accord.errors import InputError
from accord.facts.snapshot import is_snapshot
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
