-- import_indicator_values: a batch of indicator values (after
-- import_indicator_columns dropped the old ones).
--
-- $1 the values (jsonb array of {neighborhood_id, name, value}; value a
--    finite number).
-- Result: one row: stored (bigint).
WITH stored AS (
    INSERT INTO indicators (neighborhood_id, name, value)
    SELECT v.neighborhood_id, v.name, v.value
    FROM jsonb_to_recordset($1::jsonb) AS v(neighborhood_id text, name text,
                                            value double precision)
    RETURNING 1
)
SELECT count(*) AS stored FROM stored;
