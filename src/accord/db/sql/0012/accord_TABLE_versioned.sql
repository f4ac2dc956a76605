-- One function per fact table, {table} replaced by the table's name (PL/pgSQL plans a
-- transition table's query per function): each new row belongs to a version of its person.
CREATE OR REPLACE FUNCTION accord_{table}_versioned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows r
        WHERE NOT EXISTS (
            SELECT 1 FROM fact_versions v WHERE v.id = r.version_id AND v.person_id = r.person_id)
    ) THEN
        RAISE EXCEPTION 'accord: a row of {table} names no version of its person'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$
