-- import_indicator_reserved: which of the given indicator names are taken by
-- the keys of a coverage row (parity_reserved_name, 0007_indicators.sql).
--
-- $1 names (text[]).
-- Result: name (text), one row per reserved name.
SELECT n AS name
FROM unnest($1::text[]) AS n
WHERE parity_reserved_name(n);
