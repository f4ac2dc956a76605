"""`accord backup --out FILE` and `accord restore FILE` (db/backup.py).

A backup is an admin's act, recorded in the registry's audit chain. A restore goes
into an empty registry, which has no users yet: it runs as the database owner (whoever
holds ACCORD_DATABASE_URL's keys) and its audit entry says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from accord.cli.registry import acting_user

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

out = Console()
err = Console(stderr=True, soft_wrap=True)


def backup_command(
    ctx: typer.Context,
    target: Annotated[
        Path, typer.Option("--out", help="The backup file (new, or an earlier backup)")
    ],
) -> None:
    """Back up the registry to one file, atomically: pg_dump on PostgreSQL, SQLite's backup
    API on SQLite; the audit chain's head is in its manifest."""
    from accord.auth import Permission
    from accord.db.backup import backup_registry

    engine, user, _ = acting_user(ctx, Permission.USERS_MANAGE)
    try:
        result = backup_registry(engine, out=target, actor=user)
    finally:
        engine.dispose()
    manifest = result.manifest
    out.print(
        f"Backup of the {manifest['backend']} registry written to {target} "
        f"({target.stat().st_size:,} bytes, sha256 {result.sha256})\n"
        f"Audit chain head: entry {manifest['head_seq']:,}, hash {manifest['head_hash']}",
        highlight=False,
    )


def restore_command(
    backup: Annotated[Path, typer.Argument(help="A file written by `accord backup`")],
) -> None:
    """Restore a backup into the empty registry at ACCORD_DATABASE_URL, as the database owner,
    once its audit chain verifies (in a temporary place: the target is untouched otherwise)."""
    from accord.db import RegistrySettings
    from accord.db.backup import database_owner, restore_registry

    settings = RegistrySettings.from_env()
    owner = database_owner()
    err.print(
        f"accord: restoring {backup} into {settings.safe_url()} as the database owner "
        f"(operating-system user {owner.os_user}): an empty registry has no users",
        highlight=False,
        markup=False,
    )
    result = restore_registry(settings.database_url, backup=backup, verify=_audit_problems)
    manifest = result.manifest
    out.print(
        f"Restored the backup of {manifest['created_at']} by {manifest['created_by']} into "
        f"{result.target}\nAudit chain verified: {manifest['head_seq']:,} entries from the "
        f"backup, then the restore's own entry {result.entries:,} (hash {result.head_hash})",
        highlight=False,
    )


def _audit_problems(session: Session) -> list[str]:
    """What `accord audit verify` would report of the restored copy: the checkpoints recorded
    in its chain, rows past its head, fact versions that no longer match their entries."""
    from accord.registry.audit_report import audit_report

    report = audit_report(session)
    return [] if report.intact else report.problems()
