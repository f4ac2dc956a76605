-- The seq of the entry appended p_offset-th by accord_chain_append in this transaction.
CREATE OR REPLACE FUNCTION accord_chain_seq(p_offset integer) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT current_setting('accord.chain_first_seq')::bigint + p_offset
$$
