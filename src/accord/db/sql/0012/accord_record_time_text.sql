-- The text form of a record time that is hashed (audit.format_time): UTC, microseconds.
CREATE OR REPLACE FUNCTION accord_record_time_text(p_at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00'
$$
