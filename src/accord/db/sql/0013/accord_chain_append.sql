-- Appends a writer's entries to the audit chain under the writer lock, if nothing the
-- writer watched was written since it read (else SQLSTATE AC001: the write goes the slow
-- way); the entries' hashes are those of accord_entry_hash, inline (registry/chain.py), with
-- the credential that acted appended as the array's eighth element when it is not null
-- (bundle/verify_bundle.py: entry_hash; migration 0013).
CREATE OR REPLACE FUNCTION accord_chain_append(
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
    p_credential text,
    OUT first_seq bigint,
    OUT recorded_at timestamptz
) LANGUAGE plpgsql
-- a generic plan of each statement, kept (migration 0010)
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    head_at timestamptz;
    stamp text;
    entry_hash text;
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
    IF head_seq > p_seen AND EXISTS (
        SELECT 1 FROM audit_log a
        JOIN unnest(p_watch_subjects, p_watch_prefixes) AS w(subject, prefix)
        ON a.subject = w.subject AND starts_with(a.action, w.prefix)
        WHERE a.seq > p_seen AND a.seq <= head_seq
    ) THEN
        RAISE EXCEPTION 'accord: what this write read was written since'
            USING ERRCODE = 'AC001';
    END IF;
    -- record time never goes back: with p_clamp a writer whose clock is behind takes the
    -- head's time (as audit.record_time does); a time given by the caller goes the slow way
    IF head_at > p_now AND NOT p_clamp THEN
        RAISE EXCEPTION 'accord: record time before the chain head' USING ERRCODE = 'AC001';
    END IF;
    recorded_at := greatest(p_now, coalesce(head_at, p_now));
    -- accord_record_time_text, inline
    stamp := to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00';
    first_seq := head_seq + 1;
    FOR i IN 1 .. coalesce(array_length(p_actions, 1), 0) LOOP
        -- accord_entry_hash, inline
        entry_hash := encode(sha256(convert_to(
            '[' || (head_seq + i)::text || ',' || to_json(stamp)::text || ','
            || to_json(p_actor)::text || ',' || to_json(p_actions[i])::text || ','
            || to_json(p_subjects[i])::text || ',' || to_json(p_digests[i])::text || ','
            || to_json(head_hash)::text
            || coalesce(',' || to_json(p_credential)::text, '') || ']', 'UTF8')), 'hex');
        INSERT INTO audit_log (seq, recorded_at, actor, action, subject, change, change_digest,
                               prev_hash, hash, credential)
        VALUES (head_seq + i, recorded_at, p_actor, p_actions[i], p_subjects[i], p_changes[i],
                p_digests[i], head_hash, entry_hash, p_credential);
        head_hash := entry_hash;
    END LOOP;
    PERFORM set_config('accord.chain_first_seq', first_seq::text, true);
    PERFORM set_config('accord.chain_recorded_at', stamp, true);
END $$
