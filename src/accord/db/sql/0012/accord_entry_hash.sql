-- The hash of one audit entry: sha256 of the canonical JSON array [seq, recorded_at, actor,
-- action, subject, change_digest, prev_hash], no spaces, strings escaped as Python's
-- json.dumps(ensure_ascii=False) escapes them, which is what to_json does for text. The
-- reference is bundle/verify_bundle.py: entry_hash; accord_chain_append has it inline.
CREATE OR REPLACE FUNCTION accord_entry_hash(
    p_seq bigint, p_recorded_at text, p_actor text, p_action text, p_subject text,
    p_change_digest text, p_prev_hash text
) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(
        '[' || p_seq::text || ',' || to_json(p_recorded_at)::text || ','
        || to_json(p_actor)::text || ',' || to_json(p_action)::text || ','
        || to_json(p_subject)::text || ',' || to_json(p_change_digest)::text || ','
        || to_json(p_prev_hash)::text || ']', 'UTF8')), 'hex')
$$
