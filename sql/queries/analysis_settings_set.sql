-- analysis_settings_set: changes one analysis setting; the table's trigger refuses a
-- bad value with a message saying what the setting accepts.
--
-- $1 key (text), $2 value (text).
-- Result: key, value (text); no row when there is no such setting.
UPDATE analysis_settings SET value = $2::text
WHERE key = $1::text
RETURNING key, value;
