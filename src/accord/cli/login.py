"""The CLI's credential: `ACCORD_TOKEN`, or the token file `accord login` writes (0600).

Acting as a registry user needs that user's own API token; `--as NAME` (or
ACCORD_USER) only says whose it must be. The token file lives under
$XDG_CONFIG_HOME/accord (default ~/.config/accord) and is refused if its
group or others may read it, as ssh refuses a private key.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from accord.errors import AuthenticationFailed, InputError

TOKEN_ENV = "ACCORD_TOKEN"
TOKEN_FILE_NAME = "token"

out = Console()
err = Console(stderr=True, soft_wrap=True)


def token_file() -> Path:
    """Where `accord login` keeps the token: $XDG_CONFIG_HOME/accord/token."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "accord" / TOKEN_FILE_NAME


def read_token() -> str | None:
    """The CLI's token: ACCORD_TOKEN, else the token file, else None. A token file that
    group or others may read is refused (AuthenticationFailed): it may have been copied."""
    if token := os.environ.get(TOKEN_ENV, "").strip():
        return token
    path = token_file()
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuthenticationFailed(f"cannot read the token file {path}: {exc.strerror}") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AuthenticationFailed(
            f"the token file {path} has mode {stat.S_IMODE(info.st_mode):04o}: others may read "
            f"it, so it is not used; run `chmod 600 {path}` if no one else could, else revoke "
            "the token (accord users revoke KEY_ID) and log in again"
        )
    token = path.read_text(encoding="utf-8").strip()
    return token or None


def write_token(token: str) -> Path:
    """Store the token in the token file, created with mode 0600 (replaced atomically)."""
    path = token_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{TOKEN_FILE_NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (token + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def login_command(
    enrol: Annotated[
        str | None,
        typer.Option("--enrol", help="Redeem the enrolment code an admin gave you"),
    ] = None,
) -> None:
    """Store your API token (read from standard input) or redeem an enrolment code, so that
    later commands act as you. The token file has mode 0600."""
    from accord import db
    from accord.auth import authenticate_token
    from accord.auth.credentials import redeem_enrolment
    from accord.db import RegistrySettings

    engine = db.engine_from_settings(RegistrySettings.from_env())
    db.ensure_ready(engine)
    if enrol is not None:
        with db.write_session(engine) as session:
            redeemed = redeem_enrolment(session, code=enrol)
            name, token = redeemed.user.name, redeemed.token
        path = write_token(token)
        sys.stdout.write(token + "\n")
        err.print(
            f"accord: enrolled as '{name}'; your token is shown once (above) and stored in "
            f"{path} (mode 0600)",
            highlight=False,
        )
        return
    if sys.stdin.isatty():
        token = typer.prompt("API token", hide_input=True)
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise InputError("no token given: pipe it in, or use --enrol CODE")
    with db.read_session(engine) as session:
        name = authenticate_token(session, token).name
    path = write_token(token)
    out.print(f"Logged in as '{name}'; token stored in {path} (mode 0600)", highlight=False)


def logout_command() -> None:
    """Remove the stored token file (the token stays valid: revoke it to end it)."""
    path = token_file()
    try:
        path.unlink()
    except FileNotFoundError:
        out.print("No stored token.", highlight=False)
        return
    out.print(f"Removed {path}; revoke the token too if it may have been copied.", highlight=False)


def register_credential_commands(users_app: typer.Typer) -> None:
    """`accord users enrolment | enrol | revoke | role` (the main app calls this)."""
    users_app.command("enrolment")(users_enrolment)
    users_app.command("enrol")(users_enrol)
    users_app.command("revoke")(users_revoke)
    users_app.command("role")(users_role)


def users_enrolment(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="User name")]
) -> None:
    """A new one-time enrolment code for an existing user (admin only; audited)."""
    from accord.auth import Permission
    from accord.auth.credentials import create_enrolment
    from accord.cli.registry import acting_user
    from accord.db import write_session

    engine, actor, _ = acting_user(ctx, Permission.USERS_MANAGE)
    with write_session(engine) as session:
        code = create_enrolment(session, actor=actor, name=name)
    sys.stdout.write(code + "\n")


def users_enrol(code: Annotated[str, typer.Argument(help="The enrolment code")]) -> None:
    """Redeem an enrolment code: print your first API token, once (not stored; see
    `accord login --enrol` to store it)."""
    from accord import db
    from accord.auth.credentials import redeem_enrolment
    from accord.db import RegistrySettings

    engine = db.engine_from_settings(RegistrySettings.from_env())
    db.ensure_ready(engine)
    with db.write_session(engine) as session:
        redeemed = redeem_enrolment(session, code=code)
        name = redeemed.user.name
    sys.stdout.write(redeemed.token + "\n")
    err.print(f"accord: the token of '{name}', shown once; store it now.", highlight=False)


def users_revoke(
    ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The token's key id")]
) -> None:
    """Revoke an API token (its owner, or an admin); its dashboard sessions end too."""
    from accord.auth import Permission
    from accord.auth.credentials import revoke_token

    # any user may revoke their own token; revoke_token checks whose it is
    from accord.cli.registry import acting_user
    from accord.db import write_session

    engine, actor, _ = acting_user(ctx, Permission.USERS_MANAGE, *Permission)
    with write_session(engine) as session:
        revoke_token(session, actor=actor, key_id=key_id)
    out.print(f"Token {key_id} revoked", highlight=False)


def users_role(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[str, typer.Argument(help="The new role")],
) -> None:
    """Change a user's role (admin only; audited); their dashboard sessions end."""
    from accord.auth import Permission
    from accord.auth.credentials import change_role
    from accord.cli.registry import acting_user
    from accord.db import write_session

    engine, actor, _ = acting_user(ctx, Permission.USERS_MANAGE)
    with write_session(engine) as session:
        change_role(session, actor=actor, name=name, role=role)
    out.print(f"User '{name}' is now {role}", highlight=False)
