"""The database: engine, sessions, the writer lock, migrations and the audit chain.

Storage is SQLAlchemy 2 with Alembic migrations (`accord init`); a SQLite file
by default, PostgreSQL with ACCORD_DATABASE_URL. This package knows no domain:
the statement batcher and COPY encoding, the hash-chained audit log and its
writer, the optimistic write with its locked fallback, the SQL of the database
functions (sql/) and every table's shared `Base` (one metadata for Alembic).
The names re-exported here are what the rest of Accord uses.
"""

from accord.db.audit import (
    Actor,
    AuditWriter,
    ChainVerification,
    append_audit,
    canonical_json,
    export_bundle,
    record_time,
    sha256_hex,
    utc_now,
    verify_chain,
)
from accord.db.batch import StatementBatch
from accord.db.engine import (
    CopyBatch,
    CopyPipeline,
    LockedRead,
    bulk_insert,
    copy_batch,
    copy_fields,
    copy_text,
    driver_connection,
    driver_sql,
    engine_from_settings,
    ensure_ready,
    for_one_service_call,
    head_revision,
    lock_after_reads,
    lock_for_write,
    make_engine,
    read_pipelined,
    read_session,
    run_copies,
    upgrade_database,
    write_session,
)
from accord.db.models import AuditEntry, Base, BigId, UTCDateTime
from accord.db.optimistic import Snapshot, Writes, write_once
from accord.db.settings import ENV_PREFIX, MIN_MASKING_KEY, RegistrySettings

__all__ = [
    "ENV_PREFIX",
    "MIN_MASKING_KEY",
    "Actor",
    "AuditEntry",
    "AuditWriter",
    "Base",
    "BigId",
    "ChainVerification",
    "CopyBatch",
    "CopyPipeline",
    "LockedRead",
    "RegistrySettings",
    "Snapshot",
    "StatementBatch",
    "UTCDateTime",
    "Writes",
    "append_audit",
    "bulk_insert",
    "canonical_json",
    "copy_batch",
    "copy_fields",
    "copy_text",
    "driver_connection",
    "driver_sql",
    "engine_from_settings",
    "ensure_ready",
    "export_bundle",
    "for_one_service_call",
    "head_revision",
    "lock_after_reads",
    "lock_for_write",
    "make_engine",
    "read_pipelined",
    "read_session",
    "record_time",
    "run_copies",
    "sha256_hex",
    "upgrade_database",
    "utc_now",
    "verify_chain",
    "write_once",
    "write_session",
]
