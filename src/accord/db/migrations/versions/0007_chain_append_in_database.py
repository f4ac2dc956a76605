"""On PostgreSQL, the audit chain can be appended by the database, under the writer lock.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The busiest writers (handovers) used to hold the writer lock over three round
trips to the client: lock and read the chain head, then the writes, then the
commit, with the client hashing in between while every other writer waited.
`accord_chain_append` takes the lock, checks that nothing the writer read was
written since, and appends its entries with the same hashes Python computes
(bundle/verify_bundle.py: entry_hash), so a writer can send its lock, chain and
writes in one round trip (db/chain.py). `accord audit verify` recomputes
every hash in Python, so a difference between the two would show at once.

Nothing else changes: the chain's format is the same, and SQLite (one writer at
a time) keeps hashing in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# sha256 of the canonical JSON array [seq, recorded_at, actor, action, subject,
# change_digest, prev_hash]: no spaces, strings escaped as Python's json.dumps
# (ensure_ascii=False) escapes them, which is what to_json does for text.
_ENTRY_HASH = """
CREATE FUNCTION accord_entry_hash(
    p_seq bigint, p_recorded_at text, p_actor text, p_action text, p_subject text,
    p_change_digest text, p_prev_hash text
) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(
        '[' || p_seq::text || ',' || to_json(p_recorded_at)::text || ','
        || to_json(p_actor)::text || ',' || to_json(p_action)::text || ','
        || to_json(p_subject)::text || ',' || to_json(p_change_digest)::text || ','
        || to_json(p_prev_hash)::text || ']', 'UTF8')), 'hex')
$$
"""

# The text form of a record time that is hashed (audit.format_time): UTC, microseconds.
_RECORD_TIME_TEXT = """
CREATE FUNCTION accord_record_time_text(p_at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00'
$$
"""

# SQLSTATE AC001: what the writer read changed, or a requirement failed; the writer
# rolls back to its savepoint and does the write again the slow way, under the lock.
_CHAIN_APPEND = """
CREATE FUNCTION accord_chain_append(
    p_lock_key bigint,
    p_seen bigint,
    p_watch_subjects text[],
    p_watch_prefixes text[],
    p_watch_limit integer,
    p_now timestamptz,
    p_clamp boolean,
    p_actor text,
    p_actions text[],
    p_subjects text[],
    p_changes text[],
    p_digests text[],
    OUT first_seq bigint,
    OUT recorded_at timestamptz
) LANGUAGE plpgsql AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    head_at timestamptz;
    stamp text;
    entry_hash text;
    changed boolean;
    i integer;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock_key);
    SELECT a.seq, a.hash, a.recorded_at INTO head_seq, head_hash, head_at
    FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
    IF head_seq IS NULL THEN
        head_seq := 0;
        head_hash := repeat('0', 64);
    END IF;
    IF head_seq - p_seen > p_watch_limit THEN
        RAISE EXCEPTION 'accord: too much was written since this write read'
            USING ERRCODE = 'AC001';
    END IF;
    IF head_seq > p_seen THEN
        -- planned for these values each time (EXECUTE): a generic plan of `seq > $1` may
        -- scan the whole chain, where the primary key gives the few entries since
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM audit_log a '
            'JOIN unnest($2, $3) AS w(subject, prefix) '
            'ON a.subject = w.subject AND starts_with(a.action, w.prefix) '
            'WHERE a.seq > $1 AND a.seq <= $4)'
            INTO changed USING p_seen, p_watch_subjects, p_watch_prefixes, head_seq;
        IF changed THEN
            RAISE EXCEPTION 'accord: what this write read was written since'
                USING ERRCODE = 'AC001';
        END IF;
    END IF;
    -- record time never goes back: with p_clamp a writer whose clock is behind takes the
    -- head's time (as audit.record_time does); a time given by the caller goes the slow way
    IF head_at > p_now AND NOT p_clamp THEN
        RAISE EXCEPTION 'accord: record time before the chain head' USING ERRCODE = 'AC001';
    END IF;
    recorded_at := greatest(p_now, coalesce(head_at, p_now));
    stamp := accord_record_time_text(recorded_at);
    first_seq := head_seq + 1;
    FOR i IN 1 .. coalesce(array_length(p_actions, 1), 0) LOOP
        entry_hash := accord_entry_hash(
            head_seq + i, stamp, p_actor, p_actions[i], p_subjects[i], p_digests[i], head_hash);
        INSERT INTO audit_log
            (seq, recorded_at, actor, action, subject, change, change_digest, prev_hash, hash)
        VALUES (head_seq + i, recorded_at, p_actor, p_actions[i], p_subjects[i], p_changes[i],
                p_digests[i], head_hash, entry_hash);
        head_hash := entry_hash;
    END LOOP;
    PERFORM set_config('accord.chain_first_seq', first_seq::text, true);
    PERFORM set_config('accord.chain_recorded_at', stamp, true);
END $$
"""

# What the writes sent after accord_chain_append in the same transaction refer to.
_CHAIN_SEQ = """
CREATE FUNCTION accord_chain_seq(p_offset integer) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT current_setting('accord.chain_first_seq')::bigint + p_offset
$$
"""
_CHAIN_TIME = """
CREATE FUNCTION accord_chain_time() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT current_setting('accord.chain_recorded_at')::timestamptz
$$
"""
_REQUIRE = """
CREATE FUNCTION accord_require(p_ok boolean, p_what text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF p_ok IS NOT TRUE THEN
        RAISE EXCEPTION 'accord: % does not hold', p_what USING ERRCODE = 'AC001';
    END IF;
    RETURN true;
END $$
"""

_FUNCTIONS = (
    "accord_require(boolean, text)",
    "accord_chain_time()",
    "accord_chain_seq(integer)",
    "accord_chain_append(bigint, bigint, text[], text[], integer, timestamptz, boolean, text, "
    "text[], text[], text[], text[])",
    "accord_record_time_text(timestamptz)",
    "accord_entry_hash(bigint, text, text, text, text, text, text)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in (
        _ENTRY_HASH,
        _RECORD_TIME_TEXT,
        _CHAIN_APPEND,
        _CHAIN_SEQ,
        _CHAIN_TIME,
        _REQUIRE,
    ):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for function in _FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
