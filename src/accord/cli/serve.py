"""`accord serve`: the HTTP API and login page with uvicorn.

The main app registers it with

    app.command("serve")(serve_command)

The registry is ACCORD_DATABASE_URL (default: accord.db here); ACCORD_SECRET_KEY
(signs session cookies, 32+ characters) and ACCORD_MASKING_KEY (masks identifiers
for analysts) have no default: without them it refuses to start (exit 4).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True, soft_wrap=True)


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    log_level: Annotated[str, typer.Option("--log-level")] = "info",
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes, each with its own socket on the port (one per core)",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (/api/v1, OpenAPI at /openapi.json, docs at /docs, /login)."""
    import uvicorn
    from sqlalchemy.engine import make_url

    from accord.api import ApiSettings, create_app
    from accord.api.server import check_can_serve, serve_workers

    settings = ApiSettings.from_env()  # SettingsError (exit 4) names a missing secret
    # each worker of several builds its own app (engine, caches) from the same environment
    # and listens on its own socket (accord/api/server.py: why not uvicorn's workers); this
    # process then only supervises, once the registry and the port are known to be usable
    app = create_app(settings) if workers == 1 else None
    if app is None:
        check_can_serve(settings, host=host, port=port)
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    err.print(
        f"accord: serving the registry at {where} "
        f"on http://{host}:{port} (docs at /docs, log in at /login)",
        highlight=False,
    )
    if app is None:
        raise typer.Exit(serve_workers(host=host, port=port, workers=workers, log_level=log_level))
    # uvicorn's loop and HTTP parser default to uvloop and httptools, both dependencies:
    # with asyncio and h11 the same two workers answered about a third fewer decisions/s
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)
