-- Keeps facility_counts (places taken per facility, agreement and state) as transfer
-- cases are inserted, moved and deleted.
CREATE OR REPLACE FUNCTION accord_facility_counts() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$
