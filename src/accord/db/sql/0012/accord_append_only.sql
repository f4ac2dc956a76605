-- Refuses any change to an append-only table (its triggers: migrations 0001 to 0004, 0011).
CREATE OR REPLACE FUNCTION accord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accord: % on % refused: the table is append-only',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$
