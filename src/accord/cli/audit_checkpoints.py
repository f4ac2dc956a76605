"""`accord audit checkpoint`, `accord audit keygen`, and what `audit verify` reports.

A checkpoint signs the chain's head with the registry's Ed25519 key
(ACCORD_CHECKPOINT_KEY_FILE) and is recorded in the chain; monitors keep them and
pass them to `accord audit verify --checkpoint FILE` (db/checkpoints.py).

Issuing one needs AUDIT_EXPORT, not AUDIT_VERIFY: it publishes a signed statement
about the log to those outside (as an export does) and appends to the chain,
while AUDIT_VERIFY is held by every officer and reviewer to check the log.
`keygen` opens no registry: it writes a key file for the operator who runs the
registry, who alone can point ACCORD_CHECKPOINT_KEY_FILE at it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from accord.cli.registry import acting_user, err, out


def register_audit_checkpoints(audit_app: typer.Typer) -> None:
    """Add `checkpoint` and `keygen` to the `accord audit` commands."""
    audit_app.command("checkpoint")(audit_checkpoint)
    audit_app.command("keygen")(audit_keygen)


def audit_checkpoint(
    ctx: typer.Context,
    target: Annotated[
        Path | None, typer.Option("--out", help="Write the checkpoint to this file")
    ] = None,
) -> None:
    """Sign the audit chain's head with the registry's key and record it; print or write it."""
    from accord.atomic_output import write_file
    from accord.auth import Permission
    from accord.db import write_session
    from accord.db.checkpoints import checkpoint_json, issue_checkpoint, signing_key_from_settings

    engine, user, settings = acting_user(ctx, Permission.AUDIT_EXPORT)
    key = signing_key_from_settings(settings)  # before the write: a bad key writes nothing
    with write_session(engine) as session:
        document = issue_checkpoint(session, actor=user, key=key)
    text = checkpoint_json(document)
    body = document["checkpoint"]
    if target is None:
        sys.stdout.write(text)
    else:
        write_file(target, lambda handle: handle.write(text.encode("utf-8")), what="the checkpoint")
        out.print(f"Checkpoint written to {target}", highlight=False)
    err.print(
        f"accord: checkpoint of entry {body['seq']} (head hash {body['head_hash']}), "
        f"key fingerprint {body['key_id']}",
        highlight=False,
    )


def audit_keygen(
    target: Annotated[Path, typer.Option("--out", help="New PEM file for the private key")],
) -> None:
    """Make the registry's checkpoint signing key (Ed25519, PEM, mode 0600; never overwritten)."""
    from accord.db.checkpoints import generate_key_file

    fingerprint = generate_key_file(target)
    out.print(
        f"Checkpoint key written to {target} (mode 0600); public key fingerprint {fingerprint}\n"
        f"Set ACCORD_CHECKPOINT_KEY_FILE={target} where the registry runs.",
        highlight=False,
    )


def print_verification(ctx: typer.Context, checkpoint_files: list[Path]) -> None:
    """`accord audit verify [--checkpoint FILE ...]`: the chain, the checkpoints, the rows
    past its head and the fact versions; exit 1 naming every problem found."""
    from accord.auth import Permission
    from accord.db import read_session
    from accord.db.bundle.checkpoint_proof import read_checkpoint_file
    from accord.errors import InputError
    from accord.registry.audit_report import audit_report

    try:
        checkpoints = [read_checkpoint_file(path) for path in checkpoint_files]
    except ValueError as exc:
        raise InputError(str(exc)) from None
    engine, _, _ = acting_user(ctx, Permission.AUDIT_VERIFY, owner_may_read=True)
    with read_session(engine) as session:
        report = audit_report(session, checkpoints)
    if report.intact:
        for line in report.summary():
            out.print(line, highlight=False, markup=False)
        return
    for problem in report.problems():
        err.print(f"accord: {problem}", highlight=False, markup=False)
    sys.exit(1)  # SystemExit passes through Typer's non-standalone mode; typer.Exit would not
