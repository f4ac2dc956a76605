"""Signed checkpoints of the audit chain: the key, issuing one, and checking against them.

The registry holds an Ed25519 private key (ACCORD_CHECKPOINT_KEY_FILE, a PEM file
readable by its owner only; `accord audit keygen` makes one). A checkpoint signs
the chain's head (seq, hash), the time and the key id, and carries the public
key; monitors keep the checkpoints they are given (`accord audit checkpoint`, the
export bundle, the monitor's dashboard page) and later check that the chain
extends each (`accord audit verify --checkpoint FILE`; the bundle's verifier).

Each issued checkpoint is also recorded in the chain, without a table of its
own: an `audit.checkpoint` entry whose change holds the signed checkpoint of the
entry just before it. The checking itself is bundle/checkpoint_proof.py, which
ships in every bundle and needs only the standard library.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.db.audit import (
    Actor,
    AuditWriter,
    ChainVerification,
    chain_head,
    format_time,
    iter_entries,
    record_time,
)
from accord.db.bundle.checkpoint_proof import (
    CHECKPOINT_ACTION,
    CHECKPOINT_FORMAT,
    CHECKPOINT_VERSION,
    Checkpoint,
    CheckpointWatch,
    key_fingerprint,
    parse_checkpoint,
    signed_text,
    watched,
)
from accord.db.bundle.verify_bundle import GENESIS, first_broken_link
from accord.db.models import AuditEntry
from accord.db.settings import ENV_PREFIX, RegistrySettings
from accord.errors import InputError, SettingsError

__all__ = [
    "CHECKPOINT_ACTION",
    "CheckedChain",
    "generate_key_file",
    "issue_checkpoint",
    "latest_checkpoint",
    "load_signing_key",
    "parse_checkpoint",
    "recorded_checkpoints",
    "signing_key_from_settings",
    "verify_against_checkpoints",
    "write_bundle_checkpoints",
]

KEY_SETTING = f"{ENV_PREFIX}CHECKPOINT_KEY_FILE"
BUNDLE_FILE = "checkpoints.jsonl"


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_key_file(path: Path) -> str:
    """Write a new Ed25519 private key to `path` as PEM, mode 0600; return its fingerprint.

    An existing file is never replaced: a lost key only stops new checkpoints,
    a replaced one would make every monitor's pinned key id change silently.
    """
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(f"{path} exists: a checkpoint key is never overwritten") from None
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(handle, "wb") as out:
        out.write(pem)
    return key_fingerprint(public_key_bytes(key))


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in `path`; SettingsError if it is unreadable, not Ed25519, or readable
    by anyone but its owner (a key others can read cannot vouch for the registry)."""
    try:
        mode = path.stat().st_mode
        pem = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{KEY_SETTING}: cannot read {path}: {exc.strerror}") from None
    if stat.S_IMODE(mode) & 0o077:
        raise SettingsError(
            f"{KEY_SETTING}: {path} has mode {stat.S_IMODE(mode):04o}; "
            "a checkpoint key must be readable by its owner only (chmod 600)"
        )
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SettingsError(
            f"{KEY_SETTING}: {path} is not an unencrypted PEM private key"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SettingsError(f"{KEY_SETTING}: {path} is not an Ed25519 key")
    return key


def signing_key_from_settings(settings: RegistrySettings) -> Ed25519PrivateKey:
    if settings.checkpoint_key_file is None:
        raise SettingsError(
            f"{KEY_SETTING} is not set: checkpoints are signed with the registry's key "
            "(make one with `accord audit keygen --out FILE`)"
        )
    return load_signing_key(settings.checkpoint_key_file)


def issue_checkpoint(
    session: Session, *, actor: Actor, key: Ed25519PrivateKey, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Sign the chain's head and record the checkpoint in the chain (its own entry, after
    the head it signs); return the checkpoint document."""
    writer = AuditWriter(session)  # takes the writer lock: the head cannot move under us
    head = chain_head(session)
    at = record_time(session, now)
    public_key = public_key_bytes(key)
    body = {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "seq": head.seq,
        "head_hash": head.hash,
        "issued_at": format_time(at),
        "key_id": key_fingerprint(public_key),
        "public_key": base64.b64encode(public_key).decode("ascii"),
    }
    signature = base64.b64encode(key.sign(signed_text(body))).decode("ascii")
    document = {"checkpoint": body, "signature": signature}
    writer.add(
        actor=actor,
        action=CHECKPOINT_ACTION,
        subject=f"audit:{head.seq}",
        change={"checkpoint": document},
        at=at,
    )
    writer.flush()
    return document


def _recorded(session: Session, *, latest_first: bool) -> Iterator[dict[str, Any]]:
    order = AuditEntry.seq.desc() if latest_first else AuditEntry.seq
    changes = session.scalars(
        select(AuditEntry.change).where(AuditEntry.action == CHECKPOINT_ACTION).order_by(order)
    )
    for change in changes:
        document = json.loads(change).get("checkpoint")
        if isinstance(document, dict):
            yield document


def latest_checkpoint(session: Session) -> dict[str, Any] | None:
    """The last checkpoint recorded in the chain, as issued (not checked here)."""
    return next(_recorded(session, latest_first=True), None)


def recorded_checkpoints(session: Session) -> list[dict[str, Any]]:
    """Every checkpoint recorded in the chain, oldest first (for the export bundle)."""
    return list(_recorded(session, latest_first=False))


def checkpoint_json(document: dict[str, Any]) -> str:
    """A checkpoint document as a file holds it (indented; the signature covers the body's
    canonical form, not this text)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_bundle_checkpoints(session: Session, folder: Path) -> int:
    """checkpoints.jsonl in an export bundle: every checkpoint recorded in the chain, one
    document a line, oldest first, for monitors to keep; return how many."""
    documents = recorded_checkpoints(session)
    with (folder / BUNDLE_FILE).open("w", encoding="utf-8", newline="\n") as handle:
        for document in documents:
            handle.write(json.dumps(document, sort_keys=True, ensure_ascii=False) + "\n")
    return len(documents)


@dataclass(frozen=True)
class CheckedChain:
    """The chain walk with checkpoints: the chain's own verification and what the
    checkpoints (held by a monitor, and recorded in the chain) found."""

    chain: ChainVerification
    problems: list[str] = field(default_factory=list)
    held: int = 0
    held_keys: frozenset[str] = frozenset()  # the fingerprints to compare with the published
    recorded: int = 0
    recorded_keys: frozenset[str] = frozenset()


def verify_against_checkpoints(session: Session, held: Iterable[Checkpoint] = ()) -> CheckedChain:
    """Recompute the whole chain (as audit.verify_chain) and check it extends every
    checkpoint in `held` and every checkpoint it records."""
    watch = CheckpointWatch(list(held))
    count, head_seq, head_hash = 0, 0, GENESIS

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count, head_seq, head_hash
        for entry in iter_entries(session):
            yield entry
            count, head_seq, head_hash = count + 1, entry["seq"], entry["hash"]

    broken = first_broken_link(watched(counted(), watch))
    problems = watch.finish(intact=broken is None)
    chain = ChainVerification(entries=count, head_seq=head_seq, head_hash=head_hash)
    if broken is not None:
        seq, problem, _ = broken
        chain = ChainVerification(
            entries=count, head_seq=head_seq, head_hash=head_hash, broken_seq=seq, problem=problem
        )
    return CheckedChain(
        chain=chain,
        problems=problems,
        held=len(watch.held),
        held_keys=frozenset(c.key_id for c in watch.held),
        recorded=watch.recorded,
        recorded_keys=frozenset(watch.recorded_keys),
    )
