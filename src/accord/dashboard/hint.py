"""What `make demo` prints last: how to start the dashboard on the demo registry, and whom to
log in as."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

# users have no passwords: they log in with an API token; None prints how to issue one
DemoUser = tuple[str, str, str | None]  # (name, role, API token or None)
KEY_COMMAND = "$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"


def demo_hint(
    console: Console,
    database_url: str,
    users: Sequence[DemoUser],
    *,
    accord: str = ".venv/bin/accord",
    host: str = "127.0.0.1",
    port: int = 8000,
    admin: str = "root",
) -> None:
    """Print the command that serves the dashboard on `database_url` and the demo users."""
    console.rule("[bold]Dashboard[/bold]")
    command = (
        f"ACCORD_DATABASE_URL={shlex.quote(database_url)} \\\n"
        f"  ACCORD_SECRET_KEY={KEY_COMMAND} \\\n"
        f"  ACCORD_MASKING_KEY={KEY_COMMAND} \\\n"
        f"  {accord} serve --host {host} --port {port}"
    )
    console.print("Start the dashboard on the demo registry:\n", highlight=False)
    console.print(escape(command), highlight=False, soft_wrap=True)
    console.print(
        f"\nthen open http://{host}:{port}/ and log in with the API token of a demo user "
        "(users have no passwords):\n",
        highlight=False,
    )
    width = max((len(name) + len(role) for name, role, _ in users), default=0) + 3
    for name, role, token in users:
        label = f"{name} ({role})".ljust(width)
        shown = token or (  # a token is only ever its own user's: an enrolment code for them
            f"enrol them: ACCORD_DATABASE_URL={shlex.quote(database_url)} "
            f"{accord} --as {admin} users enrolment {name}; they run "
            f"`{accord} login --enrol CODE`"
        )
        console.print(f"  {escape(label)}  {escape(shown)}", highlight=False, soft_wrap=True)
    console.print(
        "\nAn officer nominates, builds missions and records departures; a legal reviewer "
        "approves; a monitor records visits and sees the reconcile report; an analyst sees "
        "only masked identifiers.",
        highlight=False,
    )
