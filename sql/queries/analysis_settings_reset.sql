-- analysis_settings_reset: puts one analysis setting (or, with $1 NULL, every one)
-- back to its default.
--
-- $1 key (text or NULL: all).
-- Result: key, value (text) of each setting reset.
UPDATE analysis_settings SET value = default_value
WHERE $1::text IS NULL OR key = $1::text
RETURNING key, value;
