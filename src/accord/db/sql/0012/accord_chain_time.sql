-- The record time accord_chain_append gave its entries in this transaction.
CREATE OR REPLACE FUNCTION accord_chain_time() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT current_setting('accord.chain_recorded_at')::timestamptz
$$
