-- import_indicator_columns: records the indicators an import brings and
-- drops their earlier values (the import then inserts the new ones with
-- import_indicator_values, in the same transaction). Indicators the file
-- does not carry are left as they are.
--
-- $1 the indicators (jsonb array of {name, field}: the indicator and the
--    file's field it comes from), $2 source (text, the file).
-- Result: one row: columns (bigint, indicators recorded), dropped (bigint,
-- earlier values deleted).
WITH cols AS (
    SELECT c.name, c.field FROM jsonb_to_recordset($1::jsonb) AS c(name text, field text)
), recorded AS (
    INSERT INTO indicator_columns AS ic (name, source, source_field)
    SELECT cols.name, $2::text, cols.field FROM cols
    ON CONFLICT (name) DO UPDATE
        SET source = EXCLUDED.source, source_field = EXCLUDED.source_field,
            imported_at = now()
    RETURNING ic.name
), dropped AS (
    DELETE FROM indicators i USING cols WHERE i.name = cols.name
    RETURNING 1
)
SELECT (SELECT count(*) FROM recorded) AS columns,
       (SELECT count(*) FROM dropped) AS dropped;
