-- Every new person names a known recording user (a statement trigger, as above).
CREATE OR REPLACE FUNCTION accord_persons_attributed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_persons p
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.recorded_by_id)
    ) THEN
        RAISE EXCEPTION 'accord: a person names no known recording user'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$
