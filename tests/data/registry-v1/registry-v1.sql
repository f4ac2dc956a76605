
SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

CREATE FUNCTION public.accord_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
            BEGIN
                RAISE EXCEPTION 'accord: % on % refused: the table is append-only',
                    TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
            END $$;

CREATE FUNCTION public.accord_chain_append(p_lock_key bigint, p_seen bigint, p_watch_subjects text[], p_watch_prefixes text[], p_watch_limit integer, p_now timestamp with time zone, p_clamp boolean, p_actor text, p_actions text[], p_subjects text[], p_changes text[], p_digests text[], OUT first_seq bigint, OUT recorded_at timestamp with time zone) RETURNS record
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
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
            || to_json(head_hash)::text || ']', 'UTF8')), 'hex');
        INSERT INTO audit_log
            (seq, recorded_at, actor, action, subject, change, change_digest, prev_hash, hash)
        VALUES (head_seq + i, recorded_at, p_actor, p_actions[i], p_subjects[i], p_changes[i],
                p_digests[i], head_hash, entry_hash);
        head_hash := entry_hash;
    END LOOP;
    PERFORM set_config('accord.chain_first_seq', first_seq::text, true);
    PERFORM set_config('accord.chain_recorded_at', stamp, true);
END $$;

CREATE FUNCTION public.accord_chain_seq(p_offset integer) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    SELECT current_setting('accord.chain_first_seq')::bigint + p_offset
$$;

CREATE FUNCTION public.accord_chain_time() RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $$
    SELECT current_setting('accord.chain_recorded_at')::timestamptz
$$;

CREATE FUNCTION public.accord_entry_hash(p_seq bigint, p_recorded_at text, p_actor text, p_action text, p_subject text, p_change_digest text, p_prev_hash text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT encode(sha256(convert_to(
        '[' || p_seq::text || ',' || to_json(p_recorded_at)::text || ','
        || to_json(p_actor)::text || ',' || to_json(p_action)::text || ','
        || to_json(p_subject)::text || ',' || to_json(p_change_digest)::text || ','
        || to_json(p_prev_hash)::text || ']', 'UTF8')), 'hex')
$$;

CREATE FUNCTION public.accord_facility_counts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE facility_counts SET persons = persons - 1
        WHERE facility_id = coalesce(OLD.facility_id, '') AND agreement_id = OLD.agreement_id
          AND state = OLD.state;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO facility_counts AS c (facility_id, agreement_id, state, persons)
        VALUES (coalesce(NEW.facility_id, ''), NEW.agreement_id, NEW.state, 1)
        ON CONFLICT (facility_id, agreement_id, state) DO UPDATE SET persons = c.persons + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_appeals_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_appeals names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_citizenship_claim_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_citizenship_claim names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_consents_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_consents names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_convictions_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_convictions names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_early_removal_approvals_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_early_removal_approvals names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_fear_claims_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_fear_claims names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_nationalities_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_nationalities names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_notices_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_notices names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_person_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_person names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_protections_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_protections names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_removal_orders_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_removal_orders names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_sentences_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_sentences names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_stays_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_stays names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_fact_transfer_requests_versioned() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of fact_transfer_requests names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_persons_attributed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_persons p
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.recorded_by_id)
    ) THEN
        RAISE EXCEPTION 'accord: a person names no known recording user'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.accord_record_time_text(p_at timestamp with time zone) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00'
$$;

CREATE FUNCTION public.accord_require(p_ok boolean, p_what text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF p_ok IS NOT TRUE THEN
        RAISE EXCEPTION 'accord: % does not hold', p_what USING ERRCODE = 'AC001';
    END IF;
    RETURN true;
END $$;

CREATE FUNCTION public.accord_versions_attributed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_versions v
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v.recorded_by_id)
           OR (v.import_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM imports i WHERE i.id = v.import_id))
           OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = v.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a fact version names no known person, user or import'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);

CREATE TABLE public.api_tokens (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    key_id character varying(32) NOT NULL,
    secret_hash character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint NOT NULL,
    revoked_at timestamp with time zone
);

CREATE SEQUENCE public.api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.api_tokens_id_seq OWNED BY public.api_tokens.id;

CREATE TABLE public.audit_log (
    seq bigint NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    actor character varying(64) NOT NULL,
    action character varying(64) NOT NULL,
    subject character varying(256) NOT NULL,
    change text NOT NULL,
    change_digest character varying(64) NOT NULL,
    prev_hash character varying(64) NOT NULL,
    hash character varying(64) NOT NULL
);

CREATE TABLE public.billing_credit_notes (
    id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    invoice_line_id bigint NOT NULL,
    person_id character varying(128) NOT NULL,
    reason character varying(128) NOT NULL,
    days integer NOT NULL,
    items json NOT NULL,
    currency character varying(3) NOT NULL,
    amount character varying(40) NOT NULL,
    note text NOT NULL,
    content_digest character varying(64) NOT NULL,
    issued_at timestamp with time zone NOT NULL,
    issued_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.billing_credit_notes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.billing_credit_notes_id_seq OWNED BY public.billing_credit_notes.id;

CREATE TABLE public.billing_invoice_lines (
    id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    line_no integer NOT NULL,
    kind character varying(16) NOT NULL,
    person_id character varying(128) NOT NULL,
    facility_id character varying(64) NOT NULL,
    unit character varying(32) NOT NULL,
    days_in_custody integer NOT NULL,
    days_billed integer NOT NULL,
    periods json NOT NULL,
    runs json NOT NULL,
    handover_event_id bigint,
    currency character varying(3) NOT NULL,
    amount character varying(40) NOT NULL
);

CREATE SEQUENCE public.billing_invoice_lines_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.billing_invoice_lines_id_seq OWNED BY public.billing_invoice_lines.id;

CREATE TABLE public.billing_invoices (
    id bigint NOT NULL,
    agreement_id character varying(64) NOT NULL,
    agreement_version integer NOT NULL,
    agreement_digest character varying(64) NOT NULL,
    month character varying(7) NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    currency character varying(3) NOT NULL,
    total character varying(40) NOT NULL,
    line_count integer NOT NULL,
    content_digest character varying(64) NOT NULL,
    issued_at timestamp with time zone NOT NULL,
    issued_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.billing_invoices_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.billing_invoices_id_seq OWNED BY public.billing_invoices.id;

CREATE TABLE public.census_reports (
    id bigint NOT NULL,
    facility_id character varying(64) NOT NULL,
    day date NOT NULL,
    reported_count integer NOT NULL,
    registry_count integer NOT NULL,
    reported_at timestamp with time zone NOT NULL,
    reported_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.census_reports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.census_reports_id_seq OWNED BY public.census_reports.id;

CREATE TABLE public.consular_completions (
    id bigint NOT NULL,
    task_id bigint NOT NULL,
    notified_on date NOT NULL,
    note text NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    recorded_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.consular_completions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.consular_completions_id_seq OWNED BY public.consular_completions.id;

CREATE TABLE public.consular_tasks (
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    person_id character varying(128) NOT NULL,
    country character varying(2) NOT NULL,
    facility_id character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.consular_tasks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.consular_tasks_id_seq OWNED BY public.consular_tasks.id;

CREATE TABLE public.counsel_access_log (
    id bigint NOT NULL,
    person_id character varying(128) NOT NULL,
    counsel text NOT NULL,
    kind character varying(48) NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    note text NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    recorded_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.counsel_access_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.counsel_access_log_id_seq OWNED BY public.counsel_access_log.id;

CREATE TABLE public.decision_records (
    id bigint NOT NULL,
    person_id character varying(128) NOT NULL,
    decided_at timestamp with time zone NOT NULL,
    decided_by_id bigint NOT NULL,
    request json NOT NULL,
    facts_known_at timestamp with time zone NOT NULL,
    inputs_digest character varying(64) NOT NULL,
    ruleset_hash character varying(64) NOT NULL,
    agreement_id character varying(64) NOT NULL,
    agreement_version character varying(64) NOT NULL,
    agreement_digest character varying(64) NOT NULL,
    parameters json NOT NULL,
    outcome character varying(16) NOT NULL,
    explanation json NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.decision_records_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.decision_records_id_seq OWNED BY public.decision_records.id;

CREATE TABLE public.facility_counts (
    facility_id character varying(64) NOT NULL,
    agreement_id character varying(64) NOT NULL,
    state character varying(48) NOT NULL,
    persons integer NOT NULL
);

CREATE TABLE public.fact_appeals (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    kind character varying(32) NOT NULL,
    filed_on date NOT NULL,
    status character varying(16) NOT NULL,
    decided_on date,
    source text NOT NULL
);

CREATE TABLE public.fact_citizenship_claim (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    status character varying(16) NOT NULL,
    date date NOT NULL,
    source text NOT NULL
);

CREATE TABLE public.fact_consents (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    given_on date NOT NULL,
    verified_on date,
    verifying_officer text,
    revoked_on date,
    source text NOT NULL
);

CREATE TABLE public.fact_convictions (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    offence text NOT NULL,
    category character varying(16) NOT NULL,
    date date NOT NULL,
    final boolean,
    source text NOT NULL
);

CREATE TABLE public.fact_early_removal_approvals (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    approved_on date NOT NULL,
    source text NOT NULL
);

CREATE TABLE public.fact_fear_claims (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    country character varying(2) NOT NULL,
    status character varying(16) NOT NULL,
    date date NOT NULL,
    source text NOT NULL
);

CREATE TABLE public.fact_nationalities (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    country character varying(2) NOT NULL
);

CREATE TABLE public.fact_notices (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    country character varying(2) NOT NULL,
    served_on date NOT NULL,
    served_on_counsel boolean NOT NULL,
    written boolean NOT NULL,
    exigent boolean NOT NULL,
    source text NOT NULL
);

CREATE TABLE public.fact_person (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    name text,
    birth_date date,
    sex character varying(16) NOT NULL,
    citizenship character varying(16) NOT NULL
);

CREATE TABLE public.fact_protections (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    kind character varying(32) NOT NULL,
    status character varying(16) NOT NULL,
    country character varying(2) NOT NULL,
    date date NOT NULL,
    source text NOT NULL
);

CREATE TABLE public.fact_removal_orders (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    kind character varying(32) NOT NULL,
    issued_on date NOT NULL,
    in_absentia boolean NOT NULL,
    appeal_waived boolean NOT NULL,
    country character varying(2),
    vacated_on date,
    source text NOT NULL
);

CREATE TABLE public.fact_sentences (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    start date NOT NULL,
    projected_release date,
    released_on date,
    source text NOT NULL
);

CREATE TABLE public.fact_stays (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    kind character varying(32) NOT NULL,
    granted_on date NOT NULL,
    expires_on date,
    lifted_on date,
    source text NOT NULL
);

CREATE TABLE public.fact_transfer_requests (
    version_id bigint NOT NULL,
    ordinal integer NOT NULL,
    person_id character varying(128) NOT NULL,
    requested_on date NOT NULL,
    country character varying(2) NOT NULL,
    source text NOT NULL
);

CREATE TABLE public.fact_versions (
    id bigint NOT NULL,
    person_id character varying(128) NOT NULL,
    list_name character varying(32) NOT NULL,
    known boolean NOT NULL,
    kind character varying(16) NOT NULL,
    row_count integer NOT NULL,
    content_digest character varying(64) NOT NULL,
    valid_from date NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    recorded_by_id bigint NOT NULL,
    source_document text NOT NULL,
    import_id bigint,
    note text
);

CREATE TABLE public.imports (
    id bigint NOT NULL,
    file_sha256 character varying(64) NOT NULL,
    file_name character varying(1024) NOT NULL,
    source_document text NOT NULL,
    imported_at timestamp with time zone NOT NULL,
    imported_by_id bigint NOT NULL
);

CREATE SEQUENCE public.imports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.imports_id_seq OWNED BY public.imports.id;

CREATE TABLE public.incident_resolutions (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    reason_code character varying(48) NOT NULL,
    note text NOT NULL,
    resolved_at timestamp with time zone NOT NULL,
    resolved_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.incident_resolutions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.incident_resolutions_id_seq OWNED BY public.incident_resolutions.id;

CREATE TABLE public.incidents (
    id bigint NOT NULL,
    kind character varying(48) NOT NULL,
    mission_id bigint,
    case_id bigint,
    person_id character varying(128),
    description text NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    opened_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.incidents_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.incidents_id_seq OWNED BY public.incidents.id;

CREATE TABLE public.liaison_facilities (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    facility_id character varying(64) NOT NULL,
    assigned_at timestamp with time zone NOT NULL,
    assigned_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.liaison_facilities_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.liaison_facilities_id_seq OWNED BY public.liaison_facilities.id;

CREATE TABLE public.mission_legs (
    mission_id bigint NOT NULL,
    seq integer NOT NULL,
    pickup character varying(128) NOT NULL,
    dropoff character varying(128) NOT NULL
);

CREATE TABLE public.missions (
    id bigint NOT NULL,
    mission_number character varying(64) NOT NULL,
    carrier character varying(128) NOT NULL,
    agreement_id character varying(64) NOT NULL,
    pathway character varying(32) NOT NULL,
    destination character varying(2) NOT NULL,
    facility_id character varying(64) NOT NULL,
    planned_departure timestamp with time zone NOT NULL,
    seats integer NOT NULL,
    state character varying(48) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint NOT NULL
);

CREATE SEQUENCE public.missions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.missions_id_seq OWNED BY public.missions.id;

CREATE TABLE public.monitoring_findings (
    id bigint NOT NULL,
    visit_id bigint NOT NULL,
    severity character varying(48) NOT NULL,
    finding text NOT NULL,
    recommendation text NOT NULL
);

CREATE SEQUENCE public.monitoring_findings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.monitoring_findings_id_seq OWNED BY public.monitoring_findings.id;

CREATE TABLE public.monitoring_visits (
    id bigint NOT NULL,
    facility_id character varying(64) NOT NULL,
    visited_on date NOT NULL,
    summary text NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    recorded_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.monitoring_visits_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.monitoring_visits_id_seq OWNED BY public.monitoring_visits.id;

CREATE TABLE public.operations_events (
    id bigint NOT NULL,
    kind character varying(48) NOT NULL,
    case_id bigint,
    mission_id bigint,
    person_id character varying(128),
    facility_id character varying(64),
    from_state character varying(48),
    to_state character varying(48),
    reason_code character varying(48),
    occurred_at timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    recorded_by_id bigint NOT NULL,
    details json NOT NULL,
    decision_record_id bigint,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.operations_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.operations_events_id_seq OWNED BY public.operations_events.id;

CREATE TABLE public.persons (
    person_id character varying(128) NOT NULL,
    first_recorded_at timestamp with time zone NOT NULL,
    recorded_by_id bigint NOT NULL
);

CREATE TABLE public.return_cases (
    id bigint NOT NULL,
    person_id character varying(128) NOT NULL,
    case_id bigint,
    court text NOT NULL,
    order_reference text NOT NULL,
    ordered_on date NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    opened_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.return_cases_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.return_cases_id_seq OWNED BY public.return_cases.id;

CREATE TABLE public.return_updates (
    id bigint NOT NULL,
    return_case_id bigint NOT NULL,
    status character varying(48) NOT NULL,
    note text NOT NULL,
    occurred_on date NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    recorded_by_id bigint NOT NULL,
    audit_seq bigint NOT NULL
);

CREATE SEQUENCE public.return_updates_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.return_updates_id_seq OWNED BY public.return_updates.id;

CREATE TABLE public.transfer_cases (
    id bigint NOT NULL,
    person_id character varying(128) NOT NULL,
    agreement_id character varying(64) NOT NULL,
    pathway character varying(32) NOT NULL,
    destination character varying(2) NOT NULL,
    facility_id character varying(64),
    state character varying(48) NOT NULL,
    mission_id bigint,
    nominated_at timestamp with time zone NOT NULL,
    nominated_by_id bigint NOT NULL
);

CREATE SEQUENCE public.transfer_cases_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.transfer_cases_id_seq OWNED BY public.transfer_cases.id;

CREATE TABLE public.users (
    id bigint NOT NULL,
    name character varying(64) NOT NULL,
    role character varying(32) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint
);

CREATE SEQUENCE public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

ALTER TABLE ONLY public.api_tokens ALTER COLUMN id SET DEFAULT nextval('public.api_tokens_id_seq'::regclass);

ALTER TABLE ONLY public.billing_credit_notes ALTER COLUMN id SET DEFAULT nextval('public.billing_credit_notes_id_seq'::regclass);

ALTER TABLE ONLY public.billing_invoice_lines ALTER COLUMN id SET DEFAULT nextval('public.billing_invoice_lines_id_seq'::regclass);

ALTER TABLE ONLY public.billing_invoices ALTER COLUMN id SET DEFAULT nextval('public.billing_invoices_id_seq'::regclass);

ALTER TABLE ONLY public.census_reports ALTER COLUMN id SET DEFAULT nextval('public.census_reports_id_seq'::regclass);

ALTER TABLE ONLY public.consular_completions ALTER COLUMN id SET DEFAULT nextval('public.consular_completions_id_seq'::regclass);

ALTER TABLE ONLY public.consular_tasks ALTER COLUMN id SET DEFAULT nextval('public.consular_tasks_id_seq'::regclass);

ALTER TABLE ONLY public.counsel_access_log ALTER COLUMN id SET DEFAULT nextval('public.counsel_access_log_id_seq'::regclass);

ALTER TABLE ONLY public.decision_records ALTER COLUMN id SET DEFAULT nextval('public.decision_records_id_seq'::regclass);

ALTER TABLE ONLY public.imports ALTER COLUMN id SET DEFAULT nextval('public.imports_id_seq'::regclass);

ALTER TABLE ONLY public.incident_resolutions ALTER COLUMN id SET DEFAULT nextval('public.incident_resolutions_id_seq'::regclass);

ALTER TABLE ONLY public.incidents ALTER COLUMN id SET DEFAULT nextval('public.incidents_id_seq'::regclass);

ALTER TABLE ONLY public.liaison_facilities ALTER COLUMN id SET DEFAULT nextval('public.liaison_facilities_id_seq'::regclass);

ALTER TABLE ONLY public.missions ALTER COLUMN id SET DEFAULT nextval('public.missions_id_seq'::regclass);

ALTER TABLE ONLY public.monitoring_findings ALTER COLUMN id SET DEFAULT nextval('public.monitoring_findings_id_seq'::regclass);

ALTER TABLE ONLY public.monitoring_visits ALTER COLUMN id SET DEFAULT nextval('public.monitoring_visits_id_seq'::regclass);

ALTER TABLE ONLY public.operations_events ALTER COLUMN id SET DEFAULT nextval('public.operations_events_id_seq'::regclass);

ALTER TABLE ONLY public.return_cases ALTER COLUMN id SET DEFAULT nextval('public.return_cases_id_seq'::regclass);

ALTER TABLE ONLY public.return_updates ALTER COLUMN id SET DEFAULT nextval('public.return_updates_id_seq'::regclass);

ALTER TABLE ONLY public.transfer_cases ALTER COLUMN id SET DEFAULT nextval('public.transfer_cases_id_seq'::regclass);

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);

INSERT INTO public.alembic_version VALUES ('0010');

INSERT INTO public.audit_log VALUES (1, '2026-12-06 08:56:28.971242+00', 'root', 'user.bootstrap', 'user:root', '{"name":"root","role":"admin"}', 'c0bbf6a00cbae6b8cd0cf9453df15476efbfd2e7ea13350f77e6284eda0e85a7', '0000000000000000000000000000000000000000000000000000000000000000', '49681aca485a8dbd38f1cb49699c53a8d0a43487d20ca46a8e6a2b25227605a5');
INSERT INTO public.audit_log VALUES (2, '2026-12-06 08:56:30.742079+00', 'root', 'user.add', 'user:olivia', '{"name":"olivia","role":"officer"}', '8c00fbe3f5f414978c0ddf3a851c70e2e0fda8ba6b0900092567c4a9a1951f3e', '49681aca485a8dbd38f1cb49699c53a8d0a43487d20ca46a8e6a2b25227605a5', '7201f61f1ec59ca85c06b9aebc8a7d838ddcc1081e6db4c9ab3f1016198949f1');
INSERT INTO public.audit_log VALUES (3, '2026-12-06 08:56:32.521248+00', 'root', 'user.add', 'user:lena', '{"name":"lena","role":"legal_reviewer"}', '8eb5217d160e6cecc770a226e52ef507c61a370c2d8a42c0ab9feceaef09d889', '7201f61f1ec59ca85c06b9aebc8a7d838ddcc1081e6db4c9ab3f1016198949f1', 'ea76c85f39dbaade07d8e59a7f9e9af622b991861ae041575242ba832cac6288');
INSERT INTO public.audit_log VALUES (4, '2026-12-06 08:56:34.165263+00', 'root', 'user.add', 'user:mona', '{"name":"mona","role":"monitor"}', '75dea4496738f72635ca2ec8abcaa0bb853073906328d163426e47cfdd6b2267', 'ea76c85f39dbaade07d8e59a7f9e9af622b991861ae041575242ba832cac6288', '982509423b398d09202361814bf6e3f3182456bf9998fd98842611266eab5b7c');
INSERT INTO public.audit_log VALUES (5, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.record', 'person:v1-sv-010', '{"import":1,"note":null,"source_document":"fixture import 1","valid_from":"2026-12-06","versions":{"appeals":5,"citizenship_claim":3,"consents":12,"convictions":10,"early_removal_approvals":13,"fear_claims":8,"nationalities":2,"notices":9,"person":1,"protections":7,"removal_orders":4,"sentences":11,"stays":6,"transfer_requests":14},"versions_digest":"8b7aad367946df66714f610083e46384ca857f908f41bb2425b512b784199bec"}', 'ac35244e5e6a9d4fe7f3627f80dd9b6dc0441b7eb5d02f0fb79d53e32883094f', '982509423b398d09202361814bf6e3f3182456bf9998fd98842611266eab5b7c', '064bb5a2725f09ca1c2bd2807ffd89486481a626596d672d6ece0037cbc85e19');
INSERT INTO public.audit_log VALUES (6, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.record', 'person:v1-ve-011', '{"import":1,"note":null,"source_document":"fixture import 1","valid_from":"2026-12-06","versions":{"appeals":19,"citizenship_claim":17,"consents":26,"convictions":24,"early_removal_approvals":27,"fear_claims":22,"nationalities":16,"notices":23,"person":15,"protections":21,"removal_orders":18,"sentences":25,"stays":20,"transfer_requests":28},"versions_digest":"f8d4eebe7905f4b822056c33bb988c80b2a3fef6346566ccadf2fcc4de222ff7"}', 'fb1c47750f845e36f6df12425719e075168378756b0b38a94cef82de5b8ea0c0', '064bb5a2725f09ca1c2bd2807ffd89486481a626596d672d6ece0037cbc85e19', '72c66e096c2a957fb10f5ed203b26847adba071f364a6f965cd718b0a94d9523');
INSERT INTO public.audit_log VALUES (7, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.record', 'person:v1-sv-019', '{"import":1,"note":null,"source_document":"fixture import 1","valid_from":"2026-12-06","versions":{"appeals":33,"citizenship_claim":31,"consents":40,"convictions":38,"early_removal_approvals":41,"fear_claims":36,"nationalities":30,"notices":37,"person":29,"protections":35,"removal_orders":32,"sentences":39,"stays":34,"transfer_requests":42},"versions_digest":"65a03703b88962dfc9ba8c9190d7183232ceddda8017fdd5dbc124a1a37e8f44"}', '787813b8d1c58bb873df79232365296649ab31fa115687192d16a464a4698394', '72c66e096c2a957fb10f5ed203b26847adba071f364a6f965cd718b0a94d9523', '64cef6bdcb6211069ddeef6d8d203c4cd37cd9166e2de3878955def2bcb05ba3');
INSERT INTO public.audit_log VALUES (8, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.record', 'person:v1-ve-072', '{"import":1,"note":null,"source_document":"fixture import 1","valid_from":"2026-12-06","versions":{"appeals":46,"citizenship_claim":44,"convictions":50,"fear_claims":49,"person":43,"protections":48,"removal_orders":45,"sentences":51,"stays":47},"versions_digest":"7597d28b526d373701fd8015c614082804c8453a3669005fbdc8fc5fca92aa74"}', '4c7811431bf59abe5e899d626089731edce90f98a59651a800e7f876e4c9d84b', '64cef6bdcb6211069ddeef6d8d203c4cd37cd9166e2de3878955def2bcb05ba3', 'b6e590d3277ee231547a9c2e0ea160e8e1b3d9ec4f0358ae2a1bdc043e996e7d');
INSERT INTO public.audit_log VALUES (9, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.record', 'person:v1-hn-022', '{"import":1,"note":null,"source_document":"fixture import 1","valid_from":"2026-12-06","versions":{"appeals":56,"citizenship_claim":54,"consents":63,"convictions":61,"early_removal_approvals":64,"fear_claims":59,"nationalities":53,"notices":60,"person":52,"protections":58,"removal_orders":55,"sentences":62,"stays":57,"transfer_requests":65},"versions_digest":"30946ec32f418173bfedc2632a9da991fcfd0a042c9f1dd631ead271a41de1e4"}', '6e6fc5cc97b622f03cc25b27088da9c7a85930ecd26b8ee20f301d79e932c226', 'b6e590d3277ee231547a9c2e0ea160e8e1b3d9ec4f0358ae2a1bdc043e996e7d', '54d362071b37e1a3b5614c3858e4f7f2c022729a0e6b6b9fce465388c8d9846b');
INSERT INTO public.audit_log VALUES (10, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.record', 'person:v1-ve-016', '{"import":1,"note":null,"source_document":"fixture import 1","valid_from":"2026-12-06","versions":{"appeals":69,"citizenship_claim":68,"consents":76,"convictions":74,"early_removal_approvals":77,"fear_claims":72,"nationalities":67,"notices":73,"person":66,"protections":71,"sentences":75,"stays":70,"transfer_requests":78},"versions_digest":"ba7d6d60644e79a7d050beefe0154d2c238d583d031969d463720c00cbc27995"}', '1dd31b12376dd065d8d63f11ed9d0f911bd241cab1ad3efa8c020a5975eed0a7', '54d362071b37e1a3b5614c3858e4f7f2c022729a0e6b6b9fce465388c8d9846b', '887121144bfeb9553057fb1676aa9dcbbabd35fa91b10be57a00164b10c915ad');
INSERT INTO public.audit_log VALUES (11, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.record', 'person:v1-us-012', '{"import":1,"note":null,"source_document":"fixture import 1","valid_from":"2026-12-06","versions":{"convictions":81,"nationalities":80,"person":79,"sentences":82},"versions_digest":"72a42ff30e0f53654df0a4ddbf37791e47e2267d1679771d39b553693ba2f81f"}', '9af32e7be518de7e466ec4ebb4fc3bc4f53c59c94969c5b261460347174e01a4', '887121144bfeb9553057fb1676aa9dcbbabd35fa91b10be57a00164b10c915ad', '895cbd1721e90392d0d117a8712f0e8f583aefc87e3f92b5a2988d467d1cc1de');
INSERT INTO public.audit_log VALUES (12, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.record', 'person:v1-sv-015', '{"import":1,"note":null,"source_document":"fixture import 1","valid_from":"2026-12-06","versions":{"appeals":87,"citizenship_claim":85,"consents":94,"convictions":92,"early_removal_approvals":95,"fear_claims":90,"nationalities":84,"notices":91,"person":83,"protections":89,"removal_orders":86,"sentences":93,"stays":88,"transfer_requests":96},"versions_digest":"097b366f996782952f873be5e135477316393e82343a7115c544e395e0bb3aa2"}', 'dff0cf994ee03002cb2a3b4eeafcefd96e41dfaf4a0bef6134894b9ab4020ce9', '895cbd1721e90392d0d117a8712f0e8f583aefc87e3f92b5a2988d467d1cc1de', '05f39462ffc625db8e91aecd381728f8b0bf80087b4ff0addb8eb8e9a8f1b90f');
INSERT INTO public.audit_log VALUES (13, '2026-12-06 08:56:35.770258+00', 'olivia', 'facts.import', 'import:1', '{"changed_persons":8,"file_name":"cases-1.jsonl","file_sha256":"557c60d0df3a1391c0c590d7c64453ac4128ebe667a7edf677f57ecc07b04ac0","new_versions":96,"persons":8,"retractions":0,"source_document":"fixture import 1"}', '1f1e6ece12402e4acef0e89b39324fbca76258ff75c63e0b654bb3087d4d51a9', '05f39462ffc625db8e91aecd381728f8b0bf80087b4ff0addb8eb8e9a8f1b90f', '65d327c741f4de8c8814fad87e13c0e697d30b98eb04678ebf447acab69e1510');
INSERT INTO public.audit_log VALUES (14, '2026-12-06 08:56:40.353772+00', 'olivia', 'decision.record', 'person:v1-sv-010', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:40.353772+00:00","inputs_digest":"9ac842508f18a547db3e1a76fa0fe7f2cb209b421cc4b4b5950510a91e4812f6","outcome":"eligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":null,"notice_profile":"most_protective","pathway":"return_of_nationals"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '7b6979f710c2e07c54358e8b4e78a98e0d91aa7314a6ed4acd3141745f4b5878', '65d327c741f4de8c8814fad87e13c0e697d30b98eb04678ebf447acab69e1510', '82eeff22b61f2bf34b3010822bad479960c5255fba758aacc573959d44486e7d');
INSERT INTO public.audit_log VALUES (15, '2026-12-06 08:56:43.027055+00', 'olivia', 'decision.record', 'person:v1-sv-019', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:43.027055+00:00","inputs_digest":"9b4f644c67be37b301c726ad1f25a787c57f9300c2860ce7c0055020897e54ac","outcome":"ineligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":null,"notice_profile":"most_protective","pathway":"return_of_nationals"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '725a5b59ebbe6547a1d68b2d6cefd420100df2f428ab27ea6f16ca24f146054d', '82eeff22b61f2bf34b3010822bad479960c5255fba758aacc573959d44486e7d', 'ed070f5dc6d08d1f7ff6a774357a6669383fa6aaccbb88badc1f2ccc0c8d4131');
INSERT INTO public.audit_log VALUES (16, '2026-12-06 08:56:45.482929+00', 'olivia', 'decision.record', 'person:v1-sv-015', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:45.482929+00:00","inputs_digest":"0ba055f1135bd60b878112083d777e0c8c81e8adb399947b2bed534ee2863b04","outcome":"eligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":null,"notice_profile":"most_protective","pathway":"return_of_nationals"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '210c345ae15718b2220178f9878fd48178017f6cb2cc2674ff5c499f91318b62', 'ed070f5dc6d08d1f7ff6a774357a6669383fa6aaccbb88badc1f2ccc0c8d4131', '53a29172e05a93e0e63e1f2681905615afdcd41543a04164a24351ef7cf42305');
INSERT INTO public.audit_log VALUES (17, '2026-12-06 08:56:47.867263+00', 'olivia', 'decision.record', 'person:v1-ve-011', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:47.867263+00:00","inputs_digest":"d904c1f42ab17377048579aa02cd2c91b4b28c2d122ac48d5ec217cb2a8e7dad","outcome":"eligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":"CECOT","notice_profile":"most_protective","pathway":"custody_placement"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', 'e4a7c36d47e0b38b184af14233eed6caf622bf8492e24612080195657507eff1', '53a29172e05a93e0e63e1f2681905615afdcd41543a04164a24351ef7cf42305', '89d75b2e5701473306bc4de1daf1e476724bbe890c697b4cdf0cb2a9b003135e');
INSERT INTO public.audit_log VALUES (18, '2026-12-06 08:56:50.360574+00', 'olivia', 'decision.record', 'person:v1-ve-072', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:50.360574+00:00","inputs_digest":"d9d1aee0b66430084b9576ff0c8cde951ec34b240ef33dd1011129ce608faf52","outcome":"undetermined","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":"CECOT","notice_profile":"most_protective","pathway":"custody_placement"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '27625c1f1b47974ff458c82ecf8db264282391d3d7ac02831e58c7c9f543b7c6', '89d75b2e5701473306bc4de1daf1e476724bbe890c697b4cdf0cb2a9b003135e', '570cc222ed31137bb1d8042a912e271b0266dc36dba7fcfe9f48d6eb50691b02');
INSERT INTO public.audit_log VALUES (19, '2026-12-06 08:56:53.030358+00', 'olivia', 'decision.record', 'person:v1-us-012', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:53.030358+00:00","inputs_digest":"83b3fa25e4e20a0b406700ce78c323348b542948672bb0334b48f69e6be9a3c6","outcome":"ineligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":"CECOT","notice_profile":"most_protective","pathway":"custody_placement"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', 'db903ab86dc02f8c71ca893568e4c7558f66b5da2df4a99fbab7315a086f5ee3', '570cc222ed31137bb1d8042a912e271b0266dc36dba7fcfe9f48d6eb50691b02', '5430670f3c871b34371757fcfd96d8784a1874943a3c4657ff81b4d507e0a75d');
INSERT INTO public.audit_log VALUES (20, '2026-12-06 08:56:55.786988+00', 'olivia', 'decision.record', 'person:v1-hn-022', '{"agreement_digest":"83f9b58eb069ab080ad9f2892b44be7286428f3fc2755667cd0b1113b5a5e249","facts_known_at":"2026-12-06T08:56:55.786988+00:00","inputs_digest":"8ecfda108bdff347cba9e1b15a44a4bd62515562dc5fb2e7a983a45375d4a67c","outcome":"eligible","request":{"agreement":"aca-2019-gt","as_of":"2020-01-10","destination":"GT","facility":null,"notice_profile":"most_protective","pathway":"third_country_removal"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '717aea277bf0a632e3c175b659107e37673d3490d40c94dbbb9b568062fbad25', '5430670f3c871b34371757fcfd96d8784a1874943a3c4657ff81b4d507e0a75d', '1e483cd84b4efbd96315927d5acad10ab62abfacb0cb93da74aa2461966857e1');
INSERT INTO public.audit_log VALUES (21, '2026-12-06 08:56:59.060373+00', 'olivia', 'decision.record', 'person:v1-ve-016', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:59.060373+00:00","inputs_digest":"548aec8bbdbf2f275703d42cfe06b7284be2b2a16ceb04214da7673c74fac895","outcome":"ineligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":null,"notice_profile":"most_protective","pathway":"sentenced_transfer"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', 'a46c0e52043cdd211e70727f03ee04c0a08b4cd598c6349fa6e6bc17e530cdee', '1e483cd84b4efbd96315927d5acad10ab62abfacb0cb93da74aa2461966857e1', '52d90249ade7634c873ed24fd56d3bac436ae26ce6bdd6ab59781f709b72e4c2');
INSERT INTO public.audit_log VALUES (22, '2026-12-06 08:57:01.142877+00', 'lena', 'facts.record', 'person:v1-sv-019', '{"import":2,"note":null,"source_document":"fixture corrections","valid_from":"2026-12-06","versions":{"protections":97},"versions_digest":"a1454203894e8fa005bb28d88274213e9d87708552749289816b8f0a5dd292ce"}', '60fc4037a38e238a47619f3908359daf7c1810be4c5b45ecae9fc62503ffae85', '52d90249ade7634c873ed24fd56d3bac436ae26ce6bdd6ab59781f709b72e4c2', '811c1e99ba4912479adb41f6528c75925ad6b47eaecd19e1c99770d8f2b0d462');
INSERT INTO public.audit_log VALUES (23, '2026-12-06 08:57:01.142877+00', 'lena', 'facts.record', 'person:v1-ve-072', '{"import":2,"note":null,"source_document":"fixture corrections","valid_from":"2026-12-06","versions":{"nationalities":98,"notices":99},"versions_digest":"076b4665b05832cf2de4f4b80a6b749757d2e0a7323e3d10731f393e4b2ed110"}', '6c4f702ea99b0ab574a36ade317ce0cbd55d396c7f1e096525c86d763832cd0d', '811c1e99ba4912479adb41f6528c75925ad6b47eaecd19e1c99770d8f2b0d462', '2540e67c3d85aac1bab26476d999c54d25d85cb7ff112a1e990369f4a66f52df');
INSERT INTO public.audit_log VALUES (24, '2026-12-06 08:57:01.142877+00', 'lena', 'facts.import', 'import:2', '{"changed_persons":2,"file_name":"cases-2.jsonl","file_sha256":"ac5cebb81e2790d9445396ad0cc74e072c485fb5f3d3fa02fcb3623710993a06","new_versions":3,"persons":2,"retractions":0,"source_document":"fixture corrections"}', '1f677849edeb21417fdd2454f33fa6c3b3904fbe5af0df0826a4930d11858364', '2540e67c3d85aac1bab26476d999c54d25d85cb7ff112a1e990369f4a66f52df', 'd8dbe3f5a2e6add5e10bd4ef4433b25b23f7714517a045133ec83a7028091ac9');
INSERT INTO public.audit_log VALUES (25, '2026-12-06 08:57:02.874116+00', 'lena', 'facts.record', 'person:v1-ve-011', '{"import":null,"note":"judgment vacated","source_document":"court vacatur 12","valid_from":"2026-12-06","versions":{"convictions":100},"versions_digest":"8b667e1b2bbc079ce960ef4a4f84e29df43d633d7e475d26b2339b614a93f294"}', '9c9705dd16dde14048bd90788e07165e3bfe847812f7ec5e24d0021e1b57b24a', 'd8dbe3f5a2e6add5e10bd4ef4433b25b23f7714517a045133ec83a7028091ac9', 'e597cefee7c04d9b6c92d0ef9942c1cc829236e7d013db98f7167f77087a2c62');
INSERT INTO public.audit_log VALUES (26, '2026-12-06 08:57:05.383278+00', 'olivia', 'decision.record', 'person:v1-sv-019', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:57:05.383278+00:00","inputs_digest":"f1ac7ee62a4503b3087100d45adc348b50b4be3ce17500f63b455dcdf9717839","outcome":"eligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":null,"notice_profile":"most_protective","pathway":"return_of_nationals"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '58ac26b42e7cd8d3d78da7e9afeb1a3f52eeb08387a0500f0bc7440e5237a932', 'e597cefee7c04d9b6c92d0ef9942c1cc829236e7d013db98f7167f77087a2c62', 'b60b1f80ab64d55fdf3fa7e47b6c98adf73ad9b33d6d348e1b28ff0dcc51086a');
INSERT INTO public.audit_log VALUES (27, '2026-12-06 08:57:07.099617+00', 'olivia', 'decision.record', 'person:v1-sv-019', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:37.177474+00:00","inputs_digest":"9b4f644c67be37b301c726ad1f25a787c57f9300c2860ce7c0055020897e54ac","outcome":"ineligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":null,"notice_profile":"most_protective","pathway":"return_of_nationals"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '078c465616ed8927d102fae32b1311d8aa0fa6c30ca6a0e50e01724d1483ad33', 'b60b1f80ab64d55fdf3fa7e47b6c98adf73ad9b33d6d348e1b28ff0dcc51086a', 'f43a94404a7e97a267ee9ef7ce39206f01584e82feb4396acd4425277f72666d');
INSERT INTO public.audit_log VALUES (28, '2026-12-06 08:57:10.045168+00', 'olivia', 'decision.record', 'person:v1-ve-011', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:57:10.045168+00:00","inputs_digest":"af44fa9f5ef514a13f7cebaad6f39dcdcdddd6ddea50bdcf17c9f629a40241a0","outcome":"undetermined","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":"CECOT","notice_profile":"most_protective","pathway":"custody_placement"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', 'ede2680463cce18c53d4aa23e817e0a597f20949888f4b01a16d9a7a045ba5d5', 'f43a94404a7e97a267ee9ef7ce39206f01584e82feb4396acd4425277f72666d', '3af17c2967b9012c447c60276fd75754c176a4179280b0fea6e34b72384f34a2');
INSERT INTO public.audit_log VALUES (29, '2026-12-06 08:57:11.653571+00', 'olivia', 'decision.record', 'person:v1-ve-011', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:56:37.177474+00:00","inputs_digest":"d904c1f42ab17377048579aa02cd2c91b4b28c2d122ac48d5ec217cb2a8e7dad","outcome":"eligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":"CECOT","notice_profile":"most_protective","pathway":"custody_placement"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '330e0cf2424a3064d6cb3bf7eb536c8c7a88914a885091583888b5ac2686ba30', '3af17c2967b9012c447c60276fd75754c176a4179280b0fea6e34b72384f34a2', '8f38ce347926592384a70659a8431154dae9d2d51d68c960e224164a705b42c2');
INSERT INTO public.audit_log VALUES (30, '2026-12-06 08:57:14.726007+00', 'olivia', 'decision.record', 'person:v1-ve-072', '{"agreement_digest":"27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494","facts_known_at":"2026-12-06T08:57:14.726007+00:00","inputs_digest":"adaf5972652d0244988dfae8a8a8e3c67e270dd5db5248a3ce43785657178f6b","outcome":"ineligible","request":{"agreement":"sv-2025-offer","as_of":"2025-03-16","destination":"SV","facility":"CECOT","notice_profile":"most_protective","pathway":"custody_placement"},"ruleset_hash":"fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6"}', '134ca55279942b142ce9d330c273fa3a6a98b79dd764423c10a271f2a6dbed46', '8f38ce347926592384a70659a8431154dae9d2d51d68c960e224164a705b42c2', '9763eee7a8d451482428e71240924cd7f18daf16bae88c5ba393d7a72baf865c');

INSERT INTO public.decision_records VALUES (1, 'v1-sv-010', '2026-12-06 08:56:40.353772+00', 2, '{"agreement": "sv-2025-offer", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:40.353772+00', '9ac842508f18a547db3e1a76fa0fe7f2cb209b421cc4b4b5950510a91e4812f6', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'eligible', '{"person_id": "v1-sv-010", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "outcome": "eligible", "failed": [], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "pathway_nationality", "receiving_acceptance", "nationality_accepted"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 14);
INSERT INTO public.decision_records VALUES (2, 'v1-sv-019', '2026-12-06 08:56:43.027055+00', 2, '{"agreement": "sv-2025-offer", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:43.027055+00', '9b4f644c67be37b301c726ad1f25a787c57f9300c2860ce7c0055020897e54ac', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'ineligible', '{"person_id": "v1-sv-019", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "outcome": "ineligible", "failed": [{"rule": "no_withholding", "title": "No withholding of removal as to the destination", "status": "fail", "citation": "8 U.S.C. 1231(b)(3)", "citations": ["8 U.S.C. 1231(b)(3)"], "passes_when": "no withholding of removal is granted as to the destination", "facts": ["protection: kind=withholding; status=granted; country=SV; date=2019-10-01; source=IJ grant\twith a tab\\and a backslash"], "not_recorded": []}], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_cat", "no_pending_fear", "not_serving", "pathway_nationality", "receiving_acceptance", "nationality_accepted"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 15);
INSERT INTO public.decision_records VALUES (3, 'v1-sv-015', '2026-12-06 08:56:45.482929+00', 2, '{"agreement": "sv-2025-offer", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:45.482929+00', '0ba055f1135bd60b878112083d777e0c8c81e8adb399947b2bed534ee2863b04', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'eligible', '{"person_id": "v1-sv-015", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "outcome": "eligible", "failed": [], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "pathway_nationality", "receiving_acceptance", "nationality_accepted"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 16);
INSERT INTO public.decision_records VALUES (4, 'v1-ve-011', '2026-12-06 08:56:47.867263+00', 2, '{"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:47.867263+00', 'd904c1f42ab17377048579aa02cd2c91b4b28c2d122ac48d5ec217cb2a8e7dad', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'eligible', '{"person_id": "v1-ve-011", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "outcome": "eligible", "failed": [], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "third_country_notice", "receiving_acceptance", "conviction_required", "adult"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 17);
INSERT INTO public.decision_records VALUES (5, 'v1-ve-072', '2026-12-06 08:56:50.360574+00', 2, '{"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:50.360574+00', 'd9d1aee0b66430084b9576ff0c8cde951ec34b240ef33dd1011129ce608faf52', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'undetermined', '{"person_id": "v1-ve-072", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "outcome": "undetermined", "failed": [], "unknown": [{"rule": "third_country_notice", "title": "Notice naming the third country, and the waiting period run", "status": "unknown", "citation": "law parameter third_country_notice (dated values with sources); 8 U.S.C. 1231(b)(3); 8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)", "citations": ["law parameter third_country_notice (dated values with sources)", "8 U.S.C. 1231(b)(3)", "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"], "passes_when": "written notice naming the country was served (on counsel too where the law in force requires it) and the waiting period in force has passed", "facts": [], "not_recorded": ["notices not recorded"]}], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "receiving_acceptance", "conviction_required", "adult"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 18);
INSERT INTO public.decision_records VALUES (6, 'v1-us-012', '2026-12-06 08:56:53.030358+00', 2, '{"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:53.030358+00', '83b3fa25e4e20a0b406700ce78c323348b542948672bb0334b48f69e6be9a3c6', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'ineligible', '{"person_id": "v1-us-012", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "outcome": "ineligible", "failed": [{"rule": "citizenship", "title": "Not a U.S. citizen or national", "status": "fail", "citation": "8 U.S.C. 1101(a)(3); Ng Fung Ho v. White, 259 U.S. 276 (1922)", "citations": ["8 U.S.C. 1101(a)(3)", "Ng Fung Ho v. White, 259 U.S. 276 (1922)"], "passes_when": "the person is not a U.S. citizen or national", "facts": ["citizenship recorded: citizenship=us_citizen"], "not_recorded": []}], "unknown": [{"rule": "citizenship_claim", "title": "No unresolved claim to U.S. citizenship or status", "status": "unknown", "citation": "Ng Fung Ho v. White, 259 U.S. 276 (1922); 8 U.S.C. 1252(b)(5)", "citations": ["Ng Fung Ho v. White, 259 U.S. 276 (1922)", "8 U.S.C. 1252(b)(5)"], "passes_when": "no claim to U.S. citizenship or status is pending or upheld (ICE category [8H] is one)", "facts": [], "not_recorded": ["citizenship_claim not recorded"]}, {"rule": "final_order", "title": "A final order of removal", "status": "unknown", "citation": "8 C.F.R. 1241.1; 8 U.S.C. 1225(b)(1); 8 U.S.C. 1228(b); 8 U.S.C. 1231(a)(5)", "citations": ["8 C.F.R. 1241.1", "8 U.S.C. 1225(b)(1)", "8 U.S.C. 1228(b)", "8 U.S.C. 1231(a)(5)"], "passes_when": "a removal order is final as of the date (BIA dismissal, appeal waived, appeal period run out, in absentia, expedited, reinstated, administrative)", "facts": [], "not_recorded": ["removal_orders not recorded", "appeals not recorded"]}, {"rule": "no_stay", "title": "No stay of removal in force", "status": "unknown", "citation": "8 C.F.R. 1003.6(a); 8 C.F.R. 1003.23(b)(4)(ii); 8 C.F.R. 241.6", "citations": ["8 C.F.R. 1003.6(a)", "8 C.F.R. 1003.23(b)(4)(ii)", "8 C.F.R. 241.6"], "passes_when": "no stay is in force: automatic stay during the appeal period or a pending BIA appeal, pending motion to reopen an in-absentia order, judicial or DHS stay", "facts": [], "not_recorded": ["stays not recorded", "appeals not recorded"]}, {"rule": "no_asylum", "title": "No grant of asylum in force", "status": "unknown", "citation": "8 U.S.C. 1158(c)(1)(A); 8 U.S.C. 1158(c)(2)", "citations": ["8 U.S.C. 1158(c)(1)(A)", "8 U.S.C. 1158(c)(2)"], "passes_when": "the person does not hold asylum (an asylee may not be removed while asylum stands)", "facts": [], "not_recorded": ["protections not recorded"]}, {"rule": "no_withholding", "title": "No withholding of removal as to the destination", "status": "unknown", "citation": "8 U.S.C. 1231(b)(3)", "citations": ["8 U.S.C. 1231(b)(3)"], "passes_when": "no withholding of removal is granted as to the destination", "facts": [], "not_recorded": ["protections not recorded"]}, {"rule": "no_cat", "title": "No CAT protection as to the destination", "status": "unknown", "citation": "8 C.F.R. 208.16(c); 8 C.F.R. 208.17; 8 C.F.R. 1208.16-1208.18", "citations": ["8 C.F.R. 208.16(c)", "8 C.F.R. 208.17", "8 C.F.R. 1208.16-1208.18"], "passes_when": "no withholding or deferral under the Convention Against Torture is granted as to the destination", "facts": [], "not_recorded": ["protections not recorded"]}, {"rule": "no_pending_fear", "title": "No pending fear claim about the destination", "status": "unknown", "citation": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.31", "citations": ["8 U.S.C. 1231(b)(3)", "8 C.F.R. 208.31"], "passes_when": "no fear claim, screening or protection application about the destination is pending", "facts": [], "not_recorded": ["fear_claims not recorded", "protections not recorded"]}, {"rule": "not_serving", "title": "Not serving a sentence, unless early removal was approved", "status": "unknown", "citation": "8 U.S.C. 1231(a)(4)(A); 8 U.S.C. 1231(a)(4)(B)", "citations": ["8 U.S.C. 1231(a)(4)(A)", "8 U.S.C. 1231(a)(4)(B)"], "passes_when": "the person is not serving a sentence of imprisonment, or early removal was approved", "facts": ["serving sentence: start=2021-04-01; projected_release=2027-04-01; source=State sentence computation"], "not_recorded": ["early_removal_approvals not recorded"]}, {"rule": "third_country_notice", "title": "Notice naming the third country, and the waiting period run", "status": "unknown", "citation": "law parameter third_country_notice (dated values with sources); 8 U.S.C. 1231(b)(3); 8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)", "citations": ["law parameter third_country_notice (dated values with sources)", "8 U.S.C. 1231(b)(3)", "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"], "passes_when": "written notice naming the country was served (on counsel too where the law in force requires it) and the waiting period in force has passed", "facts": [], "not_recorded": ["notices not recorded"]}], "passed": ["receiving_acceptance", "conviction_required", "adult"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 19);
INSERT INTO public.decision_records VALUES (7, 'v1-hn-022', '2026-12-06 08:56:55.786988+00', 2, '{"agreement": "aca-2019-gt", "pathway": "third_country_removal", "destination": "GT", "facility": null, "as_of": "2020-01-10", "notice_profile": "most_protective"}', '2026-12-06 08:56:55.786988+00', '8ecfda108bdff347cba9e1b15a44a4bd62515562dc5fb2e7a983a45375d4a67c', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'aca-2019-gt', '1', '83f9b58eb069ab080ad9f2892b44be7286428f3fc2755667cd0b1113b5a5e249', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'eligible', '{"person_id": "v1-hn-022", "pathway": "third_country_removal", "destination": "GT", "facility": null, "as_of": "2020-01-10", "outcome": "eligible", "failed": [], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "pathway_nationality", "third_country_notice", "receiving_acceptance", "nationality_accepted"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "aca-2019-gt", "version": 1, "status": "treaty", "digest": "83f9b58eb069ab080ad9f2892b44be7286428f3fc2755667cd0b1113b5a5e249"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 20);
INSERT INTO public.decision_records VALUES (8, 'v1-ve-016', '2026-12-06 08:56:59.060373+00', 2, '{"agreement": "sv-2025-offer", "pathway": "sentenced_transfer", "destination": "SV", "facility": null, "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:59.060373+00', '548aec8bbdbf2f275703d42cfe06b7284be2b2a16ceb04214da7673c74fac895', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'ineligible', '{"person_id": "v1-ve-016", "pathway": "sentenced_transfer", "destination": "SV", "facility": null, "as_of": "2025-03-16", "outcome": "ineligible", "failed": [{"rule": "transfer_nationality", "title": "A national of the receiving state", "status": "fail", "citation": "18 U.S.C. 4100(b); Inter-American Convention on Serving Criminal Sentences Abroad, art. III", "citations": ["18 U.S.C. 4100(b)", "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"], "passes_when": "the person is a national of the receiving state (U.S. citizens included: no other state''s prison is open to them)", "facts": ["citizenship recorded: citizenship=noncitizen", "nationality: country=VE"], "not_recorded": []}], "unknown": [], "passed": ["transfer_treaty", "transfer_consent", "transfer_remaining", "transfer_final_judgment", "receiving_acceptance", "conviction_required"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 21);
INSERT INTO public.decision_records VALUES (9, 'v1-sv-019', '2026-12-06 08:57:05.383278+00', 2, '{"agreement": "sv-2025-offer", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:57:05.383278+00', 'f1ac7ee62a4503b3087100d45adc348b50b4be3ce17500f63b455dcdf9717839', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'eligible', '{"person_id": "v1-sv-019", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "outcome": "eligible", "failed": [], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "pathway_nationality", "receiving_acceptance", "nationality_accepted"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 26);
INSERT INTO public.decision_records VALUES (10, 'v1-sv-019', '2026-12-06 08:57:07.099617+00', 2, '{"agreement": "sv-2025-offer", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:37.177474+00', '9b4f644c67be37b301c726ad1f25a787c57f9300c2860ce7c0055020897e54ac', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'ineligible', '{"person_id": "v1-sv-019", "pathway": "return_of_nationals", "destination": "SV", "facility": null, "as_of": "2025-03-16", "outcome": "ineligible", "failed": [{"rule": "no_withholding", "title": "No withholding of removal as to the destination", "status": "fail", "citation": "8 U.S.C. 1231(b)(3)", "citations": ["8 U.S.C. 1231(b)(3)"], "passes_when": "no withholding of removal is granted as to the destination", "facts": ["protection: kind=withholding; status=granted; country=SV; date=2019-10-01; source=IJ grant\twith a tab\\and a backslash"], "not_recorded": []}], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_cat", "no_pending_fear", "not_serving", "pathway_nationality", "receiving_acceptance", "nationality_accepted"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 27);
INSERT INTO public.decision_records VALUES (11, 'v1-ve-011', '2026-12-06 08:57:10.045168+00', 2, '{"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:57:10.045168+00', 'af44fa9f5ef514a13f7cebaad6f39dcdcdddd6ddea50bdcf17c9f629a40241a0', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'undetermined', '{"person_id": "v1-ve-011", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "outcome": "undetermined", "failed": [], "unknown": [{"rule": "conviction_required", "title": "At least one final conviction", "status": "unknown", "citation": "sv-2025-offer: seeds/002: ''We are willing to take in only convicted criminals (including convicted U.S. citizens) into our mega-prison (CECOT)''; sv-2025-offer facility CECOT: seeds/003: ''maximum capacity of 40,000 inmates''; seeds/002: ''only convicted criminals''", "citations": ["sv-2025-offer: seeds/002: ''We are willing to take in only convicted criminals (including convicted U.S. citizens) into our mega-prison (CECOT)''; sv-2025-offer facility CECOT: seeds/003: ''maximum capacity of 40,000 inmates''; seeds/002: ''only convicted criminals''"], "passes_when": "the person has at least one final conviction as of the date", "facts": [], "not_recorded": ["convictions not recorded"]}], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "third_country_notice", "receiving_acceptance", "adult"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 28);
INSERT INTO public.decision_records VALUES (12, 'v1-ve-011', '2026-12-06 08:57:11.653571+00', 2, '{"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:56:37.177474+00', 'd904c1f42ab17377048579aa02cd2c91b4b28c2d122ac48d5ec217cb2a8e7dad', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'eligible', '{"person_id": "v1-ve-011", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "outcome": "eligible", "failed": [], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "third_country_notice", "receiving_acceptance", "conviction_required", "adult"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 29);
INSERT INTO public.decision_records VALUES (13, 'v1-ve-072', '2026-12-06 08:57:14.726007+00', 2, '{"agreement": "sv-2025-offer", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "notice_profile": "most_protective"}', '2026-12-06 08:57:14.726007+00', 'adaf5972652d0244988dfae8a8a8e3c67e270dd5db5248a3ce43785657178f6b', 'fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6', 'sv-2025-offer', '1', '27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494', '[{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]', 'ineligible', '{"person_id": "v1-ve-072", "pathway": "custody_placement", "destination": "SV", "facility": "CECOT", "as_of": "2025-03-16", "outcome": "ineligible", "failed": [{"rule": "third_country_notice", "title": "Notice naming the third country, and the waiting period run", "status": "fail", "citation": "law parameter third_country_notice (dated values with sources); 8 U.S.C. 1231(b)(3); 8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)", "citations": ["law parameter third_country_notice (dated values with sources)", "8 U.S.C. 1231(b)(3)", "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"], "passes_when": "written notice naming the country was served (on counsel too where the law in force requires it) and the waiting period in force has passed", "facts": [], "not_recorded": []}], "unknown": [], "passed": ["citizenship", "citizenship_claim", "final_order", "no_stay", "no_asylum", "no_withholding", "no_cat", "no_pending_fear", "not_serving", "receiving_acceptance", "conviction_required", "adult"], "not_applicable": [], "not_in_effect": [], "ruleset": {"version": "1", "hash": "fe0b061c754787d3e434505478115624c6973af8e80fce3557f3943ff1cbfaf6", "parameters_digest": "97cc925bc8baa97351d5a89322bac22e04647af3a9bc2864d9b360e481435a90", "notice_profile": "most_protective"}, "agreement": {"id": "sv-2025-offer", "version": 1, "status": "offer", "digest": "27a8596303b7390a36ced5567530e6f5e29920862d96a6f7ac796e43a329a494"}, "parameters": [{"parameter": "appeal_period_days", "effective_from": "1997-04-01", "value": "30", "source": "8 C.F.R. 1003.38(b) (notice of appeal within 30 calendar days); the order is final when the period expires, 8 C.F.R. 1241.1(c)"}, {"parameter": "adult_age_years", "effective_from": "1900-01-01", "value": "18", "source": "Agreement term ''adult'' (age 18 or over on the date), DESIGN.md section 3"}, {"parameter": "transfer_min_remaining_months", "effective_from": "1996-04-12", "value": "6", "source": "Inter-American Convention on Serving Criminal Sentences Abroad, art. III"}, {"parameter": "third_country_notice", "effective_from": "1999-03-22", "value": "regulation", "source": "8 U.S.C. 1231(b)(3); 8 C.F.R. 208.16-208.18, 1240.10(f) (designation of the country and a chance to claim fear of it)"}]}', 30);

INSERT INTO public.fact_consents VALUES (76, 0, 'v1-ve-016', '2024-12-01', '2025-01-10', 'U.S. Magistrate Judge', NULL, 'Consent verification hearing record');

INSERT INTO public.fact_convictions VALUES (24, 0, 'v1-ve-011', 'Possession of a controlled substance', 'nonviolent', '2023-05-10', true, 'Juzgado de distrito, causa ñ-23-0415');
INSERT INTO public.fact_convictions VALUES (50, 0, 'v1-ve-072', 'Robbery', 'violent', '2020-01-01', true, 'State court judgment');
INSERT INTO public.fact_convictions VALUES (74, 0, 'v1-ve-016', 'Wire fraud (18 U.S.C. 1343)', 'nonviolent', '2022-09-15', true, 'U.S. District Court judgment, no. 1:22-cr-0311');
INSERT INTO public.fact_convictions VALUES (81, 0, 'v1-us-012', 'Burglary', 'nonviolent', '2021-03-03', true, 'State court judgment');
INSERT INTO public.fact_convictions VALUES (92, 0, 'v1-sv-015', 'Theft', 'nonviolent', '2024-01-10', true, 'State court judgment');

INSERT INTO public.fact_early_removal_approvals VALUES (95, 0, 'v1-sv-015', '2025-03-01', 'ICE early removal approval (8 U.S.C. 1231(a)(4)(B))');

INSERT INTO public.fact_fear_claims VALUES (59, 0, 'v1-hn-022', 'GT', 'negative', '2020-01-07', 'USCIS ACA threshold screening (Guatemala)');

INSERT INTO public.fact_nationalities VALUES (2, 0, 'v1-sv-010', 'SV');
INSERT INTO public.fact_nationalities VALUES (16, 0, 'v1-ve-011', 'VE');
INSERT INTO public.fact_nationalities VALUES (30, 0, 'v1-sv-019', 'SV');
INSERT INTO public.fact_nationalities VALUES (53, 0, 'v1-hn-022', 'HN');
INSERT INTO public.fact_nationalities VALUES (67, 0, 'v1-ve-016', 'VE');
INSERT INTO public.fact_nationalities VALUES (80, 0, 'v1-us-012', 'US');
INSERT INTO public.fact_nationalities VALUES (84, 0, 'v1-sv-015', 'SV');
INSERT INTO public.fact_nationalities VALUES (98, 0, 'v1-ve-072', 'VE');

INSERT INTO public.fact_notices VALUES (23, 0, 'v1-ve-011', 'SV', '2025-03-14', true, true, false, 'DHS written notice of removal to El Salvador');
INSERT INTO public.fact_notices VALUES (60, 0, 'v1-hn-022', 'GT', '2020-01-06', false, true, false, 'Written ACA notice naming Guatemala');

INSERT INTO public.fact_person VALUES (1, 0, 'v1-sv-010', NULL, '1988-02-03', 'male', 'noncitizen');
INSERT INTO public.fact_person VALUES (15, 0, 'v1-ve-011', 'Ana Ficticia (fictional)', '1994-08-12', 'female', 'noncitizen');
INSERT INTO public.fact_person VALUES (29, 0, 'v1-sv-019', NULL, '1979-05-30', 'male', 'noncitizen');
INSERT INTO public.fact_person VALUES (43, 0, 'v1-ve-072', NULL, '1991-01-01', 'unknown', 'noncitizen');
INSERT INTO public.fact_person VALUES (52, 0, 'v1-hn-022', NULL, '1990-03-03', 'female', 'noncitizen');
INSERT INTO public.fact_person VALUES (66, 0, 'v1-ve-016', NULL, '1985-11-20', 'male', 'noncitizen');
INSERT INTO public.fact_person VALUES (79, 0, 'v1-us-012', NULL, '1980-07-04', 'male', 'us_citizen');
INSERT INTO public.fact_person VALUES (83, 0, 'v1-sv-015', NULL, '1988-02-03', 'male', 'lpr');

INSERT INTO public.fact_protections VALUES (35, 0, 'v1-sv-019', 'withholding', 'granted', 'SV', '2019-10-01', 'IJ grant	with a tab\and a backslash');
INSERT INTO public.fact_protections VALUES (97, 0, 'v1-sv-019', 'withholding', 'terminated', 'SV', '2025-03-12', 'BIA order terminating withholding');

INSERT INTO public.fact_removal_orders VALUES (4, 0, 'v1-sv-010', 'immigration_judge', '2024-06-03', false, false, 'SV', NULL, 'EOIR immigration judge decision, removal ordered to El Salvador');
INSERT INTO public.fact_removal_orders VALUES (18, 0, 'v1-ve-011', 'immigration_judge', '2024-10-07', false, false, 'VE', NULL, 'EOIR immigration judge decision, removal ordered to Venezuela');
INSERT INTO public.fact_removal_orders VALUES (32, 0, 'v1-sv-019', 'expedited', '2019-09-10', false, false, NULL, NULL, 'Form I-860');
INSERT INTO public.fact_removal_orders VALUES (45, 0, 'v1-ve-072', 'immigration_judge', '2024-10-07', false, false, NULL, NULL, 'EOIR immigration judge decision');
INSERT INTO public.fact_removal_orders VALUES (55, 0, 'v1-hn-022', 'expedited', '2020-01-03', false, false, NULL, NULL, 'Form I-860, notice and order of expedited removal');
INSERT INTO public.fact_removal_orders VALUES (86, 0, 'v1-sv-015', 'immigration_judge', '2024-09-09', false, true, 'SV', NULL, 'EOIR immigration judge decision, appeal waived');

INSERT INTO public.fact_sentences VALUES (25, 0, 'v1-ve-011', '2023-05-10', '2024-05-09', '2024-05-09', 'State prison release record');
INSERT INTO public.fact_sentences VALUES (75, 0, 'v1-ve-016', '2022-10-01', '2029-04-01', NULL, 'Bureau of Prisons sentence computation');
INSERT INTO public.fact_sentences VALUES (82, 0, 'v1-us-012', '2021-04-01', '2027-04-01', NULL, 'State sentence computation');
INSERT INTO public.fact_sentences VALUES (93, 0, 'v1-sv-015', '2024-01-15', '2027-01-15', NULL, 'Bureau of Prisons sentence computation');

INSERT INTO public.fact_transfer_requests VALUES (78, 0, 'v1-ve-016', '2024-12-05', 'SV', 'DOJ International Prisoner Transfer Unit application');

INSERT INTO public.fact_versions VALUES (1, 'v1-sv-010', 'person', true, 'recorded', 1, 'b90fcc3d76cd158b937ad49733408728221d42fe0a64d7b2f4b4db9173c9ead4', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (2, 'v1-sv-010', 'nationalities', true, 'recorded', 1, 'aaa708436d3d359b4f2b1b64a296b096d4c92a291f6917caf7fa6850453908bd', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (3, 'v1-sv-010', 'citizenship_claim', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (4, 'v1-sv-010', 'removal_orders', true, 'recorded', 1, 'a9d2761ecb9eaaad140a5a97f663b1c60aa47dc990c2b9e22cdb3052b8df1287', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (5, 'v1-sv-010', 'appeals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (6, 'v1-sv-010', 'stays', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (7, 'v1-sv-010', 'protections', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (8, 'v1-sv-010', 'fear_claims', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (9, 'v1-sv-010', 'notices', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (10, 'v1-sv-010', 'convictions', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (11, 'v1-sv-010', 'sentences', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (12, 'v1-sv-010', 'consents', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (13, 'v1-sv-010', 'early_removal_approvals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (14, 'v1-sv-010', 'transfer_requests', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (15, 'v1-ve-011', 'person', true, 'recorded', 1, '791d8907e213127b18f0012ee0bf8532ecd815a38e322f1e04a7ee4f80ad077f', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (16, 'v1-ve-011', 'nationalities', true, 'recorded', 1, 'd8f5a08bfc654045463bb4af514bae24ba7255b984be9a2698f21399a32a7e9a', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (17, 'v1-ve-011', 'citizenship_claim', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (18, 'v1-ve-011', 'removal_orders', true, 'recorded', 1, '3332f289472421b60022c47978cd9cfa2eac6c363fc20b71cdd5aa4e1d5f9c06', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (19, 'v1-ve-011', 'appeals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (20, 'v1-ve-011', 'stays', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (21, 'v1-ve-011', 'protections', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (22, 'v1-ve-011', 'fear_claims', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (23, 'v1-ve-011', 'notices', true, 'recorded', 1, '9fa7b902941fe5c527339d4034604f24657c2ad272d2f1f65e22440f09897688', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (24, 'v1-ve-011', 'convictions', true, 'recorded', 1, '8fd6066cc391485487f460ce2db2eee42041a6e989357abafeab9c1776380797', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (25, 'v1-ve-011', 'sentences', true, 'recorded', 1, '40c81a189dfc92b45bf53ec671229d9728ac1e2cac58f23c135b618db8ca08ba', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (26, 'v1-ve-011', 'consents', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (27, 'v1-ve-011', 'early_removal_approvals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (28, 'v1-ve-011', 'transfer_requests', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (29, 'v1-sv-019', 'person', true, 'recorded', 1, '31d3cd5eb3dcf3f15eac87389ac10e9444e68c977feb990be92075681d131d5b', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (30, 'v1-sv-019', 'nationalities', true, 'recorded', 1, 'aaa708436d3d359b4f2b1b64a296b096d4c92a291f6917caf7fa6850453908bd', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (31, 'v1-sv-019', 'citizenship_claim', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (32, 'v1-sv-019', 'removal_orders', true, 'recorded', 1, '87f53e497b73943eb11f5fae1d38bd34d17b8a6d206b37af54c400681df02ee6', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (33, 'v1-sv-019', 'appeals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (34, 'v1-sv-019', 'stays', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (35, 'v1-sv-019', 'protections', true, 'recorded', 1, 'f674c6074a23dc847225329125f816dc1965a03dec7f778dd017b46f4eb57751', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (36, 'v1-sv-019', 'fear_claims', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (37, 'v1-sv-019', 'notices', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (38, 'v1-sv-019', 'convictions', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (39, 'v1-sv-019', 'sentences', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (40, 'v1-sv-019', 'consents', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (41, 'v1-sv-019', 'early_removal_approvals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (42, 'v1-sv-019', 'transfer_requests', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (43, 'v1-ve-072', 'person', true, 'recorded', 1, '5f293e5cbd0059b46ae2714b48900f8f6823cbd6f5189761c7db0e3f070d6590', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (44, 'v1-ve-072', 'citizenship_claim', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (45, 'v1-ve-072', 'removal_orders', true, 'recorded', 1, 'ba57d0c41516738d2a8005b5dfe99d0eb41772f6566bb7d2a5ed09049f431cfd', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (46, 'v1-ve-072', 'appeals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (47, 'v1-ve-072', 'stays', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (48, 'v1-ve-072', 'protections', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (49, 'v1-ve-072', 'fear_claims', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (50, 'v1-ve-072', 'convictions', true, 'recorded', 1, '70adfb78c6958ce9de35c5be565b0e490ba85d57641797aac35cc26e144d2b63', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (51, 'v1-ve-072', 'sentences', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (52, 'v1-hn-022', 'person', true, 'recorded', 1, '7b5a357067936ccb844fad209be5b9105a4a34d7e98e9e58f9bf0704c20c1bac', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (53, 'v1-hn-022', 'nationalities', true, 'recorded', 1, '24ecbab46057e8c32b768f58d5778ac07461b0626ca9aa13e72bb1a01f175298', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (54, 'v1-hn-022', 'citizenship_claim', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (55, 'v1-hn-022', 'removal_orders', true, 'recorded', 1, '9c747198451332cbb2200137e6f1a71f7d6e0be16ddf48e2b030f69ca27f9bbb', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (56, 'v1-hn-022', 'appeals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (57, 'v1-hn-022', 'stays', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (58, 'v1-hn-022', 'protections', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (59, 'v1-hn-022', 'fear_claims', true, 'recorded', 1, '967962e590e2fad795e784e9f330f92cb0f71a6a1289fbe73ff97332d7614f56', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (60, 'v1-hn-022', 'notices', true, 'recorded', 1, 'c3f41b2037c69dd4aa5e3280cacf62fd0836656996ddd2266f0d3e6d766e9619', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (61, 'v1-hn-022', 'convictions', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (62, 'v1-hn-022', 'sentences', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (63, 'v1-hn-022', 'consents', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (64, 'v1-hn-022', 'early_removal_approvals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (65, 'v1-hn-022', 'transfer_requests', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (66, 'v1-ve-016', 'person', true, 'recorded', 1, 'c6145fa2b941b0d92be6cb60a54756d4b4063165133ad59c3dac4b507d9cff52', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (67, 'v1-ve-016', 'nationalities', true, 'recorded', 1, 'd8f5a08bfc654045463bb4af514bae24ba7255b984be9a2698f21399a32a7e9a', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (68, 'v1-ve-016', 'citizenship_claim', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (69, 'v1-ve-016', 'appeals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (70, 'v1-ve-016', 'stays', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (71, 'v1-ve-016', 'protections', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (72, 'v1-ve-016', 'fear_claims', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (73, 'v1-ve-016', 'notices', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (74, 'v1-ve-016', 'convictions', true, 'recorded', 1, '8c42743f6450975210b47bb34403492a87576c77807d94ed52587318c6de0795', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (75, 'v1-ve-016', 'sentences', true, 'recorded', 1, '311af2940f76dc8e00cdcb7ac71b3b8a8827a0e1533582cc20146108220cffae', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (76, 'v1-ve-016', 'consents', true, 'recorded', 1, 'cbcafe57cebb8a4a4a43c87682eb9868e29dc273eaa47d16ac750152caa4859b', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (77, 'v1-ve-016', 'early_removal_approvals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (78, 'v1-ve-016', 'transfer_requests', true, 'recorded', 1, 'fc99a70d5227c330f1cd67d6050a71a6699fdc7a3f36944af99dabf2bce0be89', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (79, 'v1-us-012', 'person', true, 'recorded', 1, 'bc5e5248aa4f609bacd5349faf65acd1530358b63fb42b229bf1892d713fa3cd', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (80, 'v1-us-012', 'nationalities', true, 'recorded', 1, '9819fef6cae14457ca714e876a715f2d7ab24697edbbbf7759c5cf6408300811', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (81, 'v1-us-012', 'convictions', true, 'recorded', 1, 'b13b4c46898083a91bdda3af3ea9b2455d0aa0caa79df28259eba13dbaf58b4d', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (82, 'v1-us-012', 'sentences', true, 'recorded', 1, 'd38e3fccdc652f5dfe1eae426e7d82e5689d150a94a4795236cd22c91b98458c', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (83, 'v1-sv-015', 'person', true, 'recorded', 1, '053f259ea0711dddbc706d37ff1ca6768dabf4623704ff635c16e8498a7688ab', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (84, 'v1-sv-015', 'nationalities', true, 'recorded', 1, 'aaa708436d3d359b4f2b1b64a296b096d4c92a291f6917caf7fa6850453908bd', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (85, 'v1-sv-015', 'citizenship_claim', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (86, 'v1-sv-015', 'removal_orders', true, 'recorded', 1, '9337bfd5f8aba302cb450021452112235eedf12f5ba1069a96344bb27d174578', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (87, 'v1-sv-015', 'appeals', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (88, 'v1-sv-015', 'stays', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (89, 'v1-sv-015', 'protections', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (90, 'v1-sv-015', 'fear_claims', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (91, 'v1-sv-015', 'notices', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (92, 'v1-sv-015', 'convictions', true, 'recorded', 1, 'ac10c328134dbdeaab21daf85f4ef9b02e66e3449b774b906422f0950499b14a', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (93, 'v1-sv-015', 'sentences', true, 'recorded', 1, 'd871b7958c7068f4b6a75b5b18d7ddbca9fdc761cb8a6dfe7a5443bcb9318579', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (94, 'v1-sv-015', 'consents', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (95, 'v1-sv-015', 'early_removal_approvals', true, 'recorded', 1, '481314992fc2a66cbb05f6983d160d63033b957917beb5a0a56e5cc1e0ce1aa0', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (96, 'v1-sv-015', 'transfer_requests', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:56:35.770258+00', 2, 'fixture import 1', 1, NULL);
INSERT INTO public.fact_versions VALUES (97, 'v1-sv-019', 'protections', true, 'correction', 1, 'f5bbafc6c64850522a4c5ab10014d5f7ed91aab476f878fdb0cb376676fdeff5', '2026-12-06', '2026-12-06 08:57:01.142877+00', 3, 'fixture corrections', 2, NULL);
INSERT INTO public.fact_versions VALUES (98, 'v1-ve-072', 'nationalities', true, 'recorded', 1, 'd8f5a08bfc654045463bb4af514bae24ba7255b984be9a2698f21399a32a7e9a', '2026-12-06', '2026-12-06 08:57:01.142877+00', 3, 'fixture corrections', 2, NULL);
INSERT INTO public.fact_versions VALUES (99, 'v1-ve-072', 'notices', true, 'recorded', 0, '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', '2026-12-06', '2026-12-06 08:57:01.142877+00', 3, 'fixture corrections', 2, NULL);
INSERT INTO public.fact_versions VALUES (100, 'v1-ve-011', 'convictions', false, 'retraction', 0, '74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b', '2026-12-06', '2026-12-06 08:57:02.874116+00', 3, 'court vacatur 12', NULL, 'judgment vacated');

INSERT INTO public.imports VALUES (1, '557c60d0df3a1391c0c590d7c64453ac4128ebe667a7edf677f57ecc07b04ac0', 'cases-1.jsonl', 'fixture import 1', '2026-12-06 08:56:35.770258+00', 2);
INSERT INTO public.imports VALUES (2, 'ac5cebb81e2790d9445396ad0cc74e072c485fb5f3d3fa02fcb3623710993a06', 'cases-2.jsonl', 'fixture corrections', '2026-12-06 08:57:01.142877+00', 3);

INSERT INTO public.persons VALUES ('v1-sv-010', '2026-12-06 08:56:35.770258+00', 2);
INSERT INTO public.persons VALUES ('v1-ve-011', '2026-12-06 08:56:35.770258+00', 2);
INSERT INTO public.persons VALUES ('v1-sv-019', '2026-12-06 08:56:35.770258+00', 2);
INSERT INTO public.persons VALUES ('v1-ve-072', '2026-12-06 08:56:35.770258+00', 2);
INSERT INTO public.persons VALUES ('v1-hn-022', '2026-12-06 08:56:35.770258+00', 2);
INSERT INTO public.persons VALUES ('v1-ve-016', '2026-12-06 08:56:35.770258+00', 2);
INSERT INTO public.persons VALUES ('v1-us-012', '2026-12-06 08:56:35.770258+00', 2);
INSERT INTO public.persons VALUES ('v1-sv-015', '2026-12-06 08:56:35.770258+00', 2);

INSERT INTO public.users VALUES (1, 'root', 'admin', '2026-12-06 08:56:28.971242+00', NULL);
INSERT INTO public.users VALUES (2, 'olivia', 'officer', '2026-12-06 08:56:30.742079+00', 1);
INSERT INTO public.users VALUES (3, 'lena', 'legal_reviewer', '2026-12-06 08:56:32.521248+00', 1);
INSERT INTO public.users VALUES (4, 'mona', 'monitor', '2026-12-06 08:56:34.165263+00', 1);

SELECT pg_catalog.setval('public.api_tokens_id_seq', 1, false);

SELECT pg_catalog.setval('public.billing_credit_notes_id_seq', 1, false);

SELECT pg_catalog.setval('public.billing_invoice_lines_id_seq', 1, false);

SELECT pg_catalog.setval('public.billing_invoices_id_seq', 1, false);

SELECT pg_catalog.setval('public.census_reports_id_seq', 1, false);

SELECT pg_catalog.setval('public.consular_completions_id_seq', 1, false);

SELECT pg_catalog.setval('public.consular_tasks_id_seq', 1, false);

SELECT pg_catalog.setval('public.counsel_access_log_id_seq', 1, false);

SELECT pg_catalog.setval('public.decision_records_id_seq', 13, true);

SELECT pg_catalog.setval('public.imports_id_seq', 2, true);

SELECT pg_catalog.setval('public.incident_resolutions_id_seq', 1, false);

SELECT pg_catalog.setval('public.incidents_id_seq', 1, false);

SELECT pg_catalog.setval('public.liaison_facilities_id_seq', 1, false);

SELECT pg_catalog.setval('public.missions_id_seq', 1, false);

SELECT pg_catalog.setval('public.monitoring_findings_id_seq', 1, false);

SELECT pg_catalog.setval('public.monitoring_visits_id_seq', 1, false);

SELECT pg_catalog.setval('public.operations_events_id_seq', 1, false);

SELECT pg_catalog.setval('public.return_cases_id_seq', 1, false);

SELECT pg_catalog.setval('public.return_updates_id_seq', 1, false);

SELECT pg_catalog.setval('public.transfer_cases_id_seq', 1, false);

SELECT pg_catalog.setval('public.users_id_seq', 4, true);

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_key_id_key UNIQUE (key_id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_hash_key UNIQUE (hash);

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY public.billing_credit_notes
    ADD CONSTRAINT billing_credit_notes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.billing_invoice_lines
    ADD CONSTRAINT billing_invoice_lines_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.billing_invoices
    ADD CONSTRAINT billing_invoices_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.census_reports
    ADD CONSTRAINT census_reports_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.consular_completions
    ADD CONSTRAINT consular_completions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.consular_completions
    ADD CONSTRAINT consular_completions_task_id_key UNIQUE (task_id);

ALTER TABLE ONLY public.consular_tasks
    ADD CONSTRAINT consular_tasks_case_id_country_key UNIQUE (case_id, country);

ALTER TABLE ONLY public.consular_tasks
    ADD CONSTRAINT consular_tasks_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.counsel_access_log
    ADD CONSTRAINT counsel_access_log_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.decision_records
    ADD CONSTRAINT decision_records_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.facility_counts
    ADD CONSTRAINT facility_counts_pkey PRIMARY KEY (facility_id, agreement_id, state);

ALTER TABLE ONLY public.fact_appeals
    ADD CONSTRAINT fact_appeals_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_citizenship_claim
    ADD CONSTRAINT fact_citizenship_claim_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_consents
    ADD CONSTRAINT fact_consents_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_convictions
    ADD CONSTRAINT fact_convictions_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_early_removal_approvals
    ADD CONSTRAINT fact_early_removal_approvals_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_fear_claims
    ADD CONSTRAINT fact_fear_claims_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_nationalities
    ADD CONSTRAINT fact_nationalities_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_notices
    ADD CONSTRAINT fact_notices_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_person
    ADD CONSTRAINT fact_person_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_protections
    ADD CONSTRAINT fact_protections_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_removal_orders
    ADD CONSTRAINT fact_removal_orders_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_sentences
    ADD CONSTRAINT fact_sentences_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_stays
    ADD CONSTRAINT fact_stays_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_transfer_requests
    ADD CONSTRAINT fact_transfer_requests_pkey PRIMARY KEY (version_id, ordinal);

ALTER TABLE ONLY public.fact_versions
    ADD CONSTRAINT fact_versions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.imports
    ADD CONSTRAINT imports_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.incident_resolutions
    ADD CONSTRAINT incident_resolutions_incident_id_key UNIQUE (incident_id);

ALTER TABLE ONLY public.incident_resolutions
    ADD CONSTRAINT incident_resolutions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.incidents
    ADD CONSTRAINT incidents_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.liaison_facilities
    ADD CONSTRAINT liaison_facilities_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.mission_legs
    ADD CONSTRAINT mission_legs_pkey PRIMARY KEY (mission_id, seq);

ALTER TABLE ONLY public.missions
    ADD CONSTRAINT missions_mission_number_key UNIQUE (mission_number);

ALTER TABLE ONLY public.missions
    ADD CONSTRAINT missions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.monitoring_findings
    ADD CONSTRAINT monitoring_findings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.monitoring_visits
    ADD CONSTRAINT monitoring_visits_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.operations_events
    ADD CONSTRAINT operations_events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.persons
    ADD CONSTRAINT persons_pkey PRIMARY KEY (person_id);

ALTER TABLE ONLY public.return_cases
    ADD CONSTRAINT return_cases_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.return_updates
    ADD CONSTRAINT return_updates_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.transfer_cases
    ADD CONSTRAINT transfer_cases_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.billing_invoice_lines
    ADD CONSTRAINT uq_billing_invoice_lines_no UNIQUE (invoice_id, line_no);

ALTER TABLE ONLY public.billing_invoices
    ADD CONSTRAINT uq_billing_invoices_month UNIQUE (agreement_id, month);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_name_key UNIQUE (name);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE INDEX ix_api_tokens_user_id ON public.api_tokens USING btree (user_id);

CREATE INDEX ix_billing_credit_notes_invoice_id ON public.billing_credit_notes USING btree (invoice_id);

CREATE INDEX ix_billing_credit_notes_line ON public.billing_credit_notes USING btree (invoice_line_id);

CREATE INDEX ix_billing_invoice_lines_person ON public.billing_invoice_lines USING btree (person_id);

CREATE INDEX ix_census_reports_facility_day ON public.census_reports USING btree (facility_id, day);

CREATE INDEX ix_counsel_access_log_person_id ON public.counsel_access_log USING btree (person_id);

CREATE INDEX ix_decision_records_person ON public.decision_records USING btree (person_id, id);

CREATE INDEX ix_fact_versions_list_person ON public.fact_versions USING btree (list_name, person_id, id);

CREATE INDEX ix_fact_versions_person_recorded ON public.fact_versions USING btree (person_id, recorded_at);

CREATE INDEX ix_imports_file_sha256 ON public.imports USING btree (file_sha256);

CREATE INDEX ix_liaison_facilities_user_id ON public.liaison_facilities USING btree (user_id);

CREATE INDEX ix_monitoring_findings_visit_id ON public.monitoring_findings USING btree (visit_id);

CREATE INDEX ix_operations_events_case ON public.operations_events USING btree (case_id, id);

CREATE INDEX ix_operations_events_facility ON public.operations_events USING btree (facility_id, kind, occurred_at);

CREATE INDEX ix_operations_events_mission ON public.operations_events USING btree (mission_id, id);

CREATE INDEX ix_persons_first_recorded_at ON public.persons USING btree (first_recorded_at);

CREATE INDEX ix_return_cases_person_id ON public.return_cases USING btree (person_id);

CREATE INDEX ix_return_updates_return_case_id ON public.return_updates USING btree (return_case_id);

CREATE INDEX ix_transfer_cases_custody ON public.transfer_cases USING btree (facility_id, state, agreement_id);

CREATE INDEX ix_transfer_cases_mission_person ON public.transfer_cases USING btree (mission_id, person_id);

CREATE INDEX ix_transfer_cases_person ON public.transfer_cases USING btree (person_id);

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER billing_credit_notes_append_only BEFORE DELETE OR UPDATE ON public.billing_credit_notes FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER billing_credit_notes_no_truncate BEFORE TRUNCATE ON public.billing_credit_notes FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER billing_invoice_lines_append_only BEFORE DELETE OR UPDATE ON public.billing_invoice_lines FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER billing_invoice_lines_no_truncate BEFORE TRUNCATE ON public.billing_invoice_lines FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER billing_invoices_append_only BEFORE DELETE OR UPDATE ON public.billing_invoices FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER billing_invoices_no_truncate BEFORE TRUNCATE ON public.billing_invoices FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER census_reports_append_only BEFORE DELETE OR UPDATE ON public.census_reports FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER census_reports_no_truncate BEFORE TRUNCATE ON public.census_reports FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER consular_completions_append_only BEFORE DELETE OR UPDATE ON public.consular_completions FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER consular_completions_no_truncate BEFORE TRUNCATE ON public.consular_completions FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER consular_tasks_append_only BEFORE DELETE OR UPDATE ON public.consular_tasks FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER consular_tasks_no_truncate BEFORE TRUNCATE ON public.consular_tasks FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER counsel_access_log_append_only BEFORE DELETE OR UPDATE ON public.counsel_access_log FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER counsel_access_log_no_truncate BEFORE TRUNCATE ON public.counsel_access_log FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER decision_records_append_only BEFORE DELETE OR UPDATE ON public.decision_records FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER decision_records_no_truncate BEFORE TRUNCATE ON public.decision_records FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_appeals_append_only BEFORE DELETE OR UPDATE ON public.fact_appeals FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_appeals_no_truncate BEFORE TRUNCATE ON public.fact_appeals FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_appeals_versioned AFTER INSERT ON public.fact_appeals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_appeals_versioned();

CREATE TRIGGER fact_citizenship_claim_append_only BEFORE DELETE OR UPDATE ON public.fact_citizenship_claim FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_citizenship_claim_no_truncate BEFORE TRUNCATE ON public.fact_citizenship_claim FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_citizenship_claim_versioned AFTER INSERT ON public.fact_citizenship_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_citizenship_claim_versioned();

CREATE TRIGGER fact_consents_append_only BEFORE DELETE OR UPDATE ON public.fact_consents FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_consents_no_truncate BEFORE TRUNCATE ON public.fact_consents FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_consents_versioned AFTER INSERT ON public.fact_consents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_consents_versioned();

CREATE TRIGGER fact_convictions_append_only BEFORE DELETE OR UPDATE ON public.fact_convictions FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_convictions_no_truncate BEFORE TRUNCATE ON public.fact_convictions FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_convictions_versioned AFTER INSERT ON public.fact_convictions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_convictions_versioned();

CREATE TRIGGER fact_early_removal_approvals_append_only BEFORE DELETE OR UPDATE ON public.fact_early_removal_approvals FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_early_removal_approvals_no_truncate BEFORE TRUNCATE ON public.fact_early_removal_approvals FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_early_removal_approvals_versioned AFTER INSERT ON public.fact_early_removal_approvals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_early_removal_approvals_versioned();

CREATE TRIGGER fact_fear_claims_append_only BEFORE DELETE OR UPDATE ON public.fact_fear_claims FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_fear_claims_no_truncate BEFORE TRUNCATE ON public.fact_fear_claims FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_fear_claims_versioned AFTER INSERT ON public.fact_fear_claims REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_fear_claims_versioned();

CREATE TRIGGER fact_nationalities_append_only BEFORE DELETE OR UPDATE ON public.fact_nationalities FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_nationalities_no_truncate BEFORE TRUNCATE ON public.fact_nationalities FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_nationalities_versioned AFTER INSERT ON public.fact_nationalities REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_nationalities_versioned();

CREATE TRIGGER fact_notices_append_only BEFORE DELETE OR UPDATE ON public.fact_notices FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_notices_no_truncate BEFORE TRUNCATE ON public.fact_notices FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_notices_versioned AFTER INSERT ON public.fact_notices REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_notices_versioned();

CREATE TRIGGER fact_person_append_only BEFORE DELETE OR UPDATE ON public.fact_person FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_person_no_truncate BEFORE TRUNCATE ON public.fact_person FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_person_versioned AFTER INSERT ON public.fact_person REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_person_versioned();

CREATE TRIGGER fact_protections_append_only BEFORE DELETE OR UPDATE ON public.fact_protections FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_protections_no_truncate BEFORE TRUNCATE ON public.fact_protections FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_protections_versioned AFTER INSERT ON public.fact_protections REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_protections_versioned();

CREATE TRIGGER fact_removal_orders_append_only BEFORE DELETE OR UPDATE ON public.fact_removal_orders FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_removal_orders_no_truncate BEFORE TRUNCATE ON public.fact_removal_orders FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_removal_orders_versioned AFTER INSERT ON public.fact_removal_orders REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_removal_orders_versioned();

CREATE TRIGGER fact_sentences_append_only BEFORE DELETE OR UPDATE ON public.fact_sentences FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_sentences_no_truncate BEFORE TRUNCATE ON public.fact_sentences FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_sentences_versioned AFTER INSERT ON public.fact_sentences REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_sentences_versioned();

CREATE TRIGGER fact_stays_append_only BEFORE DELETE OR UPDATE ON public.fact_stays FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_stays_no_truncate BEFORE TRUNCATE ON public.fact_stays FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_stays_versioned AFTER INSERT ON public.fact_stays REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_stays_versioned();

CREATE TRIGGER fact_transfer_requests_append_only BEFORE DELETE OR UPDATE ON public.fact_transfer_requests FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_transfer_requests_no_truncate BEFORE TRUNCATE ON public.fact_transfer_requests FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_transfer_requests_versioned AFTER INSERT ON public.fact_transfer_requests REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.accord_fact_transfer_requests_versioned();

CREATE TRIGGER fact_versions_append_only BEFORE DELETE OR UPDATE ON public.fact_versions FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER fact_versions_attributed AFTER INSERT ON public.fact_versions REFERENCING NEW TABLE AS new_versions FOR EACH STATEMENT EXECUTE FUNCTION public.accord_versions_attributed();

CREATE TRIGGER fact_versions_no_truncate BEFORE TRUNCATE ON public.fact_versions FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER imports_append_only BEFORE DELETE OR UPDATE ON public.imports FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER imports_no_truncate BEFORE TRUNCATE ON public.imports FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER incident_resolutions_append_only BEFORE DELETE OR UPDATE ON public.incident_resolutions FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER incident_resolutions_no_truncate BEFORE TRUNCATE ON public.incident_resolutions FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER incidents_append_only BEFORE DELETE OR UPDATE ON public.incidents FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER incidents_no_truncate BEFORE TRUNCATE ON public.incidents FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER liaison_facilities_append_only BEFORE DELETE OR UPDATE ON public.liaison_facilities FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER liaison_facilities_no_truncate BEFORE TRUNCATE ON public.liaison_facilities FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER mission_legs_append_only BEFORE DELETE OR UPDATE ON public.mission_legs FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER mission_legs_no_truncate BEFORE TRUNCATE ON public.mission_legs FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER monitoring_findings_append_only BEFORE DELETE OR UPDATE ON public.monitoring_findings FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER monitoring_findings_no_truncate BEFORE TRUNCATE ON public.monitoring_findings FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER monitoring_visits_append_only BEFORE DELETE OR UPDATE ON public.monitoring_visits FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER monitoring_visits_no_truncate BEFORE TRUNCATE ON public.monitoring_visits FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER operations_events_append_only BEFORE DELETE OR UPDATE ON public.operations_events FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER operations_events_no_truncate BEFORE TRUNCATE ON public.operations_events FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER persons_append_only BEFORE DELETE OR UPDATE ON public.persons FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER persons_attributed AFTER INSERT ON public.persons REFERENCING NEW TABLE AS new_persons FOR EACH STATEMENT EXECUTE FUNCTION public.accord_persons_attributed();

CREATE TRIGGER persons_no_truncate BEFORE TRUNCATE ON public.persons FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER return_cases_append_only BEFORE DELETE OR UPDATE ON public.return_cases FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER return_cases_no_truncate BEFORE TRUNCATE ON public.return_cases FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER return_updates_append_only BEFORE DELETE OR UPDATE ON public.return_updates FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER return_updates_no_truncate BEFORE TRUNCATE ON public.return_updates FOR EACH STATEMENT EXECUTE FUNCTION public.accord_append_only();

CREATE TRIGGER transfer_cases_facility_counts AFTER INSERT OR DELETE OR UPDATE OF facility_id, agreement_id, state ON public.transfer_cases FOR EACH ROW EXECUTE FUNCTION public.accord_facility_counts();

CREATE TRIGGER users_never_deleted BEFORE DELETE ON public.users FOR EACH ROW EXECUTE FUNCTION public.accord_append_only();

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.billing_credit_notes
    ADD CONSTRAINT billing_credit_notes_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES public.billing_invoices(id);

ALTER TABLE ONLY public.billing_credit_notes
    ADD CONSTRAINT billing_credit_notes_invoice_line_id_fkey FOREIGN KEY (invoice_line_id) REFERENCES public.billing_invoice_lines(id);

ALTER TABLE ONLY public.billing_credit_notes
    ADD CONSTRAINT billing_credit_notes_issued_by_id_fkey FOREIGN KEY (issued_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.billing_invoice_lines
    ADD CONSTRAINT billing_invoice_lines_handover_event_id_fkey FOREIGN KEY (handover_event_id) REFERENCES public.operations_events(id);

ALTER TABLE ONLY public.billing_invoice_lines
    ADD CONSTRAINT billing_invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES public.billing_invoices(id);

ALTER TABLE ONLY public.billing_invoices
    ADD CONSTRAINT billing_invoices_issued_by_id_fkey FOREIGN KEY (issued_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.census_reports
    ADD CONSTRAINT census_reports_reported_by_id_fkey FOREIGN KEY (reported_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.consular_completions
    ADD CONSTRAINT consular_completions_recorded_by_id_fkey FOREIGN KEY (recorded_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.consular_completions
    ADD CONSTRAINT consular_completions_task_id_fkey FOREIGN KEY (task_id) REFERENCES public.consular_tasks(id);

ALTER TABLE ONLY public.consular_tasks
    ADD CONSTRAINT consular_tasks_case_id_fkey FOREIGN KEY (case_id) REFERENCES public.transfer_cases(id);

ALTER TABLE ONLY public.counsel_access_log
    ADD CONSTRAINT counsel_access_log_recorded_by_id_fkey FOREIGN KEY (recorded_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.decision_records
    ADD CONSTRAINT decision_records_decided_by_id_fkey FOREIGN KEY (decided_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.imports
    ADD CONSTRAINT imports_imported_by_id_fkey FOREIGN KEY (imported_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.incident_resolutions
    ADD CONSTRAINT incident_resolutions_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id);

ALTER TABLE ONLY public.incident_resolutions
    ADD CONSTRAINT incident_resolutions_resolved_by_id_fkey FOREIGN KEY (resolved_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.incidents
    ADD CONSTRAINT incidents_case_id_fkey FOREIGN KEY (case_id) REFERENCES public.transfer_cases(id);

ALTER TABLE ONLY public.incidents
    ADD CONSTRAINT incidents_mission_id_fkey FOREIGN KEY (mission_id) REFERENCES public.missions(id);

ALTER TABLE ONLY public.incidents
    ADD CONSTRAINT incidents_opened_by_id_fkey FOREIGN KEY (opened_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.liaison_facilities
    ADD CONSTRAINT liaison_facilities_assigned_by_id_fkey FOREIGN KEY (assigned_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.liaison_facilities
    ADD CONSTRAINT liaison_facilities_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.mission_legs
    ADD CONSTRAINT mission_legs_mission_id_fkey FOREIGN KEY (mission_id) REFERENCES public.missions(id);

ALTER TABLE ONLY public.missions
    ADD CONSTRAINT missions_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.monitoring_findings
    ADD CONSTRAINT monitoring_findings_visit_id_fkey FOREIGN KEY (visit_id) REFERENCES public.monitoring_visits(id);

ALTER TABLE ONLY public.monitoring_visits
    ADD CONSTRAINT monitoring_visits_recorded_by_id_fkey FOREIGN KEY (recorded_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.operations_events
    ADD CONSTRAINT operations_events_case_id_fkey FOREIGN KEY (case_id) REFERENCES public.transfer_cases(id);

ALTER TABLE ONLY public.operations_events
    ADD CONSTRAINT operations_events_decision_record_id_fkey FOREIGN KEY (decision_record_id) REFERENCES public.decision_records(id);

ALTER TABLE ONLY public.operations_events
    ADD CONSTRAINT operations_events_mission_id_fkey FOREIGN KEY (mission_id) REFERENCES public.missions(id);

ALTER TABLE ONLY public.operations_events
    ADD CONSTRAINT operations_events_recorded_by_id_fkey FOREIGN KEY (recorded_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.return_cases
    ADD CONSTRAINT return_cases_case_id_fkey FOREIGN KEY (case_id) REFERENCES public.transfer_cases(id);

ALTER TABLE ONLY public.return_cases
    ADD CONSTRAINT return_cases_opened_by_id_fkey FOREIGN KEY (opened_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.return_updates
    ADD CONSTRAINT return_updates_recorded_by_id_fkey FOREIGN KEY (recorded_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.return_updates
    ADD CONSTRAINT return_updates_return_case_id_fkey FOREIGN KEY (return_case_id) REFERENCES public.return_cases(id);

ALTER TABLE ONLY public.transfer_cases
    ADD CONSTRAINT transfer_cases_mission_id_fkey FOREIGN KEY (mission_id) REFERENCES public.missions(id);

ALTER TABLE ONLY public.transfer_cases
    ADD CONSTRAINT transfer_cases_nominated_by_id_fkey FOREIGN KEY (nominated_by_id) REFERENCES public.users(id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES public.users(id);

