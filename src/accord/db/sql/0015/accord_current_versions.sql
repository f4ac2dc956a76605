-- Each person's current fact versions, kept with every insert into fact_versions (migration
-- 0015; on SQLite a row trigger of the same meaning). A list's current version is its
-- highest id (ids grow with record time: writes are serialised).
-- - current_persons: the person's current version of the pseudo-list `person`, and the known
--   flag of each list's current version (null: no version of the list yet);
-- - superseded_versions: every version with rows that a newer version of its list replaced
--   (append-only: superseded once, superseded for good).
-- A snapshot as known now reads these (registry/snapshot_read.py): a fact row is current
-- unless its version was superseded, without a pass over every version.
CREATE OR REPLACE FUNCTION accord_current_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH lists AS MATERIALIZED (  -- each list of each person this statement wrote
        SELECT person_id, list_name, count(*) AS written, min(id) AS first_id,
               max(id) AS last_id, max(id * 2 + known::int) % 2 = 1 AS known
        FROM new_versions GROUP BY person_id, list_name
    ), known_before AS MATERIALIZED (  -- those persons the registry knew before it (by key)
        SELECT p.person_id FROM (SELECT DISTINCT person_id FROM lists) p
        WHERE (SELECT true FROM current_persons c WHERE c.person_id = p.person_id)
    ), superseded AS (
        -- the version before this statement's first of each list of a person known before
        SELECT l.list_name, o.id FROM lists l JOIN known_before USING (person_id)
        CROSS JOIN LATERAL (
            SELECT v.id, v.row_count FROM fact_versions v
            WHERE v.list_name = l.list_name AND v.person_id = l.person_id AND v.id < l.first_id
            ORDER BY v.id DESC LIMIT 1
        ) o
        WHERE o.row_count > 0
        UNION ALL  -- and this statement's own versions of a list it wrote more than once
        SELECT n.list_name, n.id FROM new_versions n
        JOIN lists l ON l.person_id = n.person_id AND l.list_name = n.list_name
        WHERE l.written > 1 AND n.id < l.last_id AND n.row_count > 0
    ), marked AS (
        INSERT INTO superseded_versions (list_name, version_id)
        SELECT list_name, id FROM superseded
    )
    INSERT INTO current_persons AS c (
        person_id, person_version, citizenship_claim_known, nationalities_known,
        removal_orders_known, appeals_known, stays_known, protections_known, fear_claims_known,
        notices_known, convictions_known, sentences_known, consents_known,
        early_removal_approvals_known, transfer_requests_known, status_grants_known,
        court_orders_known, forbearances_known, custody_locations_known, designations_known,
        uac_determinations_known, incompetency_findings_known, transfer_approvals_known)
    SELECT person_id, max(last_id) FILTER (WHERE list_name = 'person'),
        bool_or(known) FILTER (WHERE list_name = 'citizenship_claim'),
        bool_or(known) FILTER (WHERE list_name = 'nationalities'),
        bool_or(known) FILTER (WHERE list_name = 'removal_orders'),
        bool_or(known) FILTER (WHERE list_name = 'appeals'),
        bool_or(known) FILTER (WHERE list_name = 'stays'),
        bool_or(known) FILTER (WHERE list_name = 'protections'),
        bool_or(known) FILTER (WHERE list_name = 'fear_claims'),
        bool_or(known) FILTER (WHERE list_name = 'notices'),
        bool_or(known) FILTER (WHERE list_name = 'convictions'),
        bool_or(known) FILTER (WHERE list_name = 'sentences'),
        bool_or(known) FILTER (WHERE list_name = 'consents'),
        bool_or(known) FILTER (WHERE list_name = 'early_removal_approvals'),
        bool_or(known) FILTER (WHERE list_name = 'transfer_requests'),
        bool_or(known) FILTER (WHERE list_name = 'status_grants'),
        bool_or(known) FILTER (WHERE list_name = 'court_orders'),
        bool_or(known) FILTER (WHERE list_name = 'forbearances'),
        bool_or(known) FILTER (WHERE list_name = 'custody_locations'),
        bool_or(known) FILTER (WHERE list_name = 'designations'),
        bool_or(known) FILTER (WHERE list_name = 'uac_determinations'),
        bool_or(known) FILTER (WHERE list_name = 'incompetency_findings'),
        bool_or(known) FILTER (WHERE list_name = 'transfer_approvals')
    FROM lists GROUP BY person_id
    ON CONFLICT (person_id) DO UPDATE SET
        person_version = coalesce(excluded.person_version, c.person_version),
        citizenship_claim_known = coalesce(excluded.citizenship_claim_known, c.citizenship_claim_known),
        nationalities_known = coalesce(excluded.nationalities_known, c.nationalities_known),
        removal_orders_known = coalesce(excluded.removal_orders_known, c.removal_orders_known),
        appeals_known = coalesce(excluded.appeals_known, c.appeals_known),
        stays_known = coalesce(excluded.stays_known, c.stays_known),
        protections_known = coalesce(excluded.protections_known, c.protections_known),
        fear_claims_known = coalesce(excluded.fear_claims_known, c.fear_claims_known),
        notices_known = coalesce(excluded.notices_known, c.notices_known),
        convictions_known = coalesce(excluded.convictions_known, c.convictions_known),
        sentences_known = coalesce(excluded.sentences_known, c.sentences_known),
        consents_known = coalesce(excluded.consents_known, c.consents_known),
        early_removal_approvals_known = coalesce(excluded.early_removal_approvals_known, c.early_removal_approvals_known),
        transfer_requests_known = coalesce(excluded.transfer_requests_known, c.transfer_requests_known),
        status_grants_known = coalesce(excluded.status_grants_known, c.status_grants_known),
        court_orders_known = coalesce(excluded.court_orders_known, c.court_orders_known),
        forbearances_known = coalesce(excluded.forbearances_known, c.forbearances_known),
        custody_locations_known = coalesce(excluded.custody_locations_known, c.custody_locations_known),
        designations_known = coalesce(excluded.designations_known, c.designations_known),
        uac_determinations_known = coalesce(excluded.uac_determinations_known, c.uac_determinations_known),
        incompetency_findings_known = coalesce(excluded.incompetency_findings_known, c.incompetency_findings_known),
        transfer_approvals_known = coalesce(excluded.transfer_approvals_known, c.transfer_approvals_known);
    RETURN NULL;
END $$
