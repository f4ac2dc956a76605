"""Backups that restore: `accord backup --out FILE` and `accord restore FILE`.

A backup is one zip file: `manifest.json` (format, backend, schema revision, the
audit chain's head at the moment of the copy, the payload's SHA-256) and the
payload, a consistent copy of the registry: SQLite's backup API on SQLite, a
custom-format `pg_dump` of the registry's schema on PostgreSQL (under the snapshot
in which the head was read, so the manifest describes exactly what was dumped).

A restore never writes into its target until the backup has proved itself: it is
restored into a temporary place beside the target (a file in the same folder; a
schema in the same database), upgraded to this Accord's schema, and its audit
chain is verified and must end at the manifest's head. Only then is the restore
recorded in the chain and the copy moved into place (a rename of the file, or of
the schema). The target must hold no registry: a restore never merges or replaces.
It runs as the database owner (before it, the target has no users) and says so in
its audit entry.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import secrets
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from accord.atomic_output import write_file
from accord.db.audit import Actor, append_audit, format_time, utc_now, verify_chain
from accord.db.engine import make_engine, read_session, upgrade_database, write_session
from accord.db.pg_schema_copy import (
    dump_schema,
    head_and_revision,
    load_dump,
    quoted,
    swap_schema,
    tables_in,
    target_schema,
    with_search_path,
)
from accord.errors import InputError, RegistryNotReady

BACKUP_FORMAT = "accord-backup"
BACKUP_FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "registry.sqlite3", "postgresql": "registry.pgdump"}
_READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class DatabaseOwner:
    """The actor of a restore: whoever holds the database's keys (an empty registry has no
    users yet), named by the operating-system user that ran it."""

    os_user: str

    @property
    def name(self) -> str:
        return "(database owner)"  # as the CLI names the owner (cli/registry.acting_user)

    @property
    def credential(self) -> str | None:
        return f"db-owner:{self.os_user}"[:80]


def database_owner() -> DatabaseOwner:
    try:
        return DatabaseOwner(getpass.getuser())
    except (KeyError, OSError):  # no passwd entry, no USER variable
        return DatabaseOwner(f"uid-{os.getuid()}")


@dataclass(frozen=True)
class BackupResult:
    out: Path
    manifest: dict[str, Any]
    sha256: str  # of the backup file


@dataclass(frozen=True)
class RestoreResult:
    target: str  # the target's URL, password hidden
    manifest: dict[str, Any]
    entries: int  # audit entries after the restore's own
    head_hash: str
    actor: DatabaseOwner


# -- backup -------------------------------------------------------------------------------


def is_backup(path: Path) -> bool:
    """Whether `path` is an Accord backup (one that `backup_registry` may replace)."""
    try:
        read_manifest(path)
    except InputError:
        return False
    return True


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the backup at `path`; InputError if it is not an Accord backup."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: not an Accord backup ({exc.strerror or exc})") from None
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise InputError(f"{path}: not an Accord backup (no {BACKUP_FORMAT} manifest)")
    if manifest.get("format_version") != BACKUP_FORMAT_VERSION:
        raise InputError(
            f"{path}: backup format version {manifest.get('format_version')!r}; "
            f"this Accord reads version {BACKUP_FORMAT_VERSION}"
        )
    if manifest.get("backend") not in PAYLOADS:
        raise InputError(f"{path}: backup of an unknown backend {manifest.get('backend')!r}")
    return manifest


def backup_registry(
    engine: Engine, *, out: Path, actor: Actor, now: dt.datetime | None = None
) -> BackupResult:
    """Write a backup of the registry at `engine` to `out`, atomically, and record it in the
    registry's audit chain. `out` may be missing or an earlier backup; anything else is
    refused before a byte is written."""
    if out.is_symlink() or (out.exists() and not out.is_dir() and not is_backup(out)):
        raise InputError(f"{out}: exists and is not an Accord backup; choose another --out")
    backend = engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="accord-backup-") as scratch:
        payload = Path(scratch) / PAYLOADS[backend]
        if backend == "sqlite":
            source = _copy_sqlite(engine, payload)
        else:
            source = dump_schema(engine, payload)
        manifest: dict[str, Any] = {
            "format": BACKUP_FORMAT,
            "format_version": BACKUP_FORMAT_VERSION,
            "backend": backend,
            **source,
            "created_at": format_time(now or utc_now()),
            "created_by": actor.name,
            "payload": payload.name,
            "payload_sha256": _file_sha256(payload),
            "payload_bytes": payload.stat().st_size,
        }

        def write(handle: IO[bytes]) -> None:
            compression = zipfile.ZIP_DEFLATED if backend == "sqlite" else zipfile.ZIP_STORED
            with zipfile.ZipFile(handle, "w", compression=compression) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
                archive.write(payload, payload.name)

        write_file(out, write, what="the backup")
    digest = _file_sha256(out)
    with write_session(engine) as session:
        append_audit(
            session,
            actor=actor,
            action="registry.backup",
            subject="registry",
            change={
                "file": out.name,
                "sha256": digest,
                "head_seq": manifest["head_seq"],
                "head_hash": manifest["head_hash"],
            },
            now=now,
        )
    return BackupResult(out=out, manifest=manifest, sha256=digest)


def _copy_sqlite(engine: Engine, payload: Path) -> dict[str, Any]:
    """SQLite's online backup: a consistent copy, even while others write."""
    database = _sqlite_path(engine)
    if not database.is_file():
        raise InputError(f"{database}: no registry here")
    source = sqlite3.connect(database, timeout=120)
    copy = sqlite3.connect(payload)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return head_and_revision(copy)
    finally:
        copy.close()
        source.close()


# -- restore ------------------------------------------------------------------------------


# What is wrong with a restored registry (nothing: an empty list), beyond its chain
Verification = Callable[[Session], list[str]]


@dataclass(frozen=True)
class _Restoring:
    backup: Path
    manifest: dict[str, Any]
    owner: DatabaseOwner
    now: dt.datetime | None
    verify: Verification | None


def restore_registry(
    target_url: str,
    *,
    backup: Path,
    verify: Verification | None = None,
    now: dt.datetime | None = None,
) -> RestoreResult:
    """Restore `backup` into the empty registry at `target_url` (see the module's text).

    InputError (nothing written to the target) if the file is not a backup, its payload
    does not match its manifest, the target holds a registry, the backends differ, or
    the restored chain does not verify or does not end at the manifest's head. `verify`,
    if given, checks more of the restored copy (the CLI's: registry/audit_report, the
    checkpoints and fact versions too) and refuses it if it names any problem.
    """
    manifest = read_manifest(backup)
    backend = make_url(target_url).get_backend_name()
    if manifest["backend"] != backend:
        raise InputError(
            f"{backup}: a {manifest['backend']} backup cannot be restored into {backend}"
        )
    owner = database_owner()
    restoring = _Restoring(backup, manifest, owner, now, verify)
    if backend == "sqlite":
        entries, head_hash = _restore_sqlite(target_url, restoring)
    else:
        entries, head_hash = _restore_postgres(target_url, restoring)
    return RestoreResult(
        target=make_url(target_url).render_as_string(hide_password=True),
        manifest=manifest,
        entries=entries,
        head_hash=head_hash,
        actor=owner,
    )


def _extract_payload(backup: Path, manifest: dict[str, Any], into: Path) -> None:
    """The backup's payload written to `into`, checked against the manifest's SHA-256."""
    digest = hashlib.sha256()
    try:
        with (
            zipfile.ZipFile(backup) as archive,
            archive.open(manifest["payload"]) as source,
            into.open("wb") as sink,
        ):
            while chunk := source.read(_READ_CHUNK):
                digest.update(chunk)
                sink.write(chunk)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"{backup}: cannot read the backup's payload ({exc})") from exc
    if digest.hexdigest() != manifest.get("payload_sha256"):
        raise InputError(f"{backup}: the payload does not match its manifest's SHA-256")


def _prove_and_record(engine: Engine, restoring: _Restoring) -> tuple[int, str]:
    """Upgrade the restored copy, verify its chain up to the manifest's head, and append the
    restore's own entry. InputError if it does not verify."""
    backup, manifest = restoring.backup, restoring.manifest
    upgrade_database(engine)
    with read_session(engine) as session:
        verification = verify_chain(session)
        problems = restoring.verify(session) if restoring.verify and verification.intact else []
    if problems:
        raise InputError(f"{backup}: {problems[0]}; nothing restored")
    if not verification.intact:
        raise InputError(f"{backup}: {verification.message()}; nothing restored")
    head = (verification.head_seq, verification.head_hash if verification.head_seq else None)
    if head != (manifest.get("head_seq"), manifest.get("head_hash")):
        raise InputError(
            f"{backup}: the audit chain ends at entry {verification.head_seq}, the manifest "
            f"says {manifest.get('head_seq')}; nothing restored"
        )
    with write_session(engine) as session:
        entry = append_audit(
            session,
            actor=restoring.owner,
            action="registry.restore",
            subject="registry",
            change={
                "backup": backup.name,
                "backup_sha256": _file_sha256(backup),
                "backup_created_at": manifest.get("created_at"),
                "backup_created_by": manifest.get("created_by"),
                "backup_head_seq": manifest.get("head_seq"),
                "backup_head_hash": manifest.get("head_hash"),
                "restored_as": "the database owner",
            },
            now=restoring.now,
        )
    return entry.seq, entry.hash


# SQLite: a file beside the target, renamed over it


def _sqlite_path(engine_or_url: Engine | str) -> Path:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    database = url.database
    if not database or database == ":memory:":
        raise InputError("a backup or restore needs a SQLite registry in a file")
    return Path(database)


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists():
        return True
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a registry file")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False  # something that is not an empty database: not ours to replace
    return int(tables) == 0


def _restore_sqlite(target_url: str, restoring: _Restoring) -> tuple[int, str]:
    target = _sqlite_path(target_url).absolute()
    if not _sqlite_is_empty(target):
        raise InputError(f"{target}: holds a registry already; restore only into an empty one")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.restoring")
    try:
        _extract_payload(restoring.backup, restoring.manifest, temporary)
        engine = make_engine(f"sqlite:///{temporary}")
        try:
            head = _prove_and_record(engine, restoring)
        finally:
            engine.dispose()  # the last connection closed: the WAL is back in the file
        if not _sqlite_is_empty(target):  # someone made one meanwhile
            raise InputError(f"{target}: a registry appeared during the restore; not replaced")
        for suffix in ("-wal", "-shm"):  # an empty database's leftovers
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        temporary.replace(target)
        return head
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            leftover.unlink(missing_ok=True)


# PostgreSQL: a schema beside the target's, renamed to it


def _restore_postgres(target_url: str, restoring: _Restoring) -> tuple[int, str]:
    target_engine = make_engine(target_url)
    try:
        try:
            target = target_schema(target_engine)
        except OperationalError as exc:
            raise RegistryNotReady(f"cannot open the target database: {exc.orig}") from None
        where = f"schema {target} of {target_engine.url.render_as_string(hide_password=True)}"
        if tables_in(target_engine, target):
            raise InputError(f"{where}: holds a registry already; restore only into an empty one")
        temporary = f"accord_restore_{secrets.token_hex(6)}"
        with tempfile.TemporaryDirectory(prefix="accord-restore-") as scratch:
            payload = Path(scratch) / PAYLOADS["postgresql"]
            _extract_payload(restoring.backup, restoring.manifest, payload)
            try:
                load_dump(target_engine, payload, restoring.manifest["schema"], temporary)
                restored = make_engine(with_search_path(target_url, temporary))
                try:
                    head = _prove_and_record(restored, restoring)
                finally:
                    restored.dispose()
                swap_schema(target_engine, temporary, target, where)
            except BaseException:
                with target_engine.begin() as conn:
                    conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quoted(temporary)} CASCADE")
                raise
        return head
    finally:
        target_engine.dispose()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
