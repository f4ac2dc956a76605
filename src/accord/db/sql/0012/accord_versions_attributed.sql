-- Every new fact version names a known person, user and import (a statement trigger:
-- one check per insert, where a FOREIGN KEY would look each version's user up).
CREATE OR REPLACE FUNCTION accord_versions_attributed() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$
