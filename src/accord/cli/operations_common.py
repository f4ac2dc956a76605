"""What the operations commands share (cli/operations.py, cli/care.py): the acting user,
dates and times parsed from options (a bad one is one line and exit 2), and printing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from accord.cli.registry import acting_user
from accord.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from accord.auth import User

out = Console()

Note = Annotated[str, typer.Option("--note", help="Free text beside the coded reason")]


def act_as(ctx: typer.Context, permission: str, *alternatives: str) -> tuple[Engine, User, Any]:
    """acting_user with permissions named lazily, so the CLI starts without the registry."""
    from accord.auth import Permission

    return acting_user(ctx, Permission[permission], *(Permission[a] for a in alternatives))


def parse_day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what} '{text}': expected YYYY-MM-DD") from None


def parse_moment(text: str, what: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InputError(
            f"{what} '{text}': expected an ISO time with a zone, e.g. 2025-03-15T18:00:00+00:00"
        )
    return moment


def say(text: str) -> None:
    out.print(text, highlight=False, markup=False)
