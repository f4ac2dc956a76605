-- A check that must hold under the writer lock, sent after accord_chain_append: SQLSTATE
-- AC001 sends the write the slow way (registry/chain.py).
CREATE OR REPLACE FUNCTION accord_require(p_ok boolean, p_what text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF p_ok IS NOT TRUE THEN
        RAISE EXCEPTION 'accord: % does not hold', p_what USING ERRCODE = 'AC001';
    END IF;
    RETURN true;
END $$
