-- import_timezone: the time zone in which an import reads times written
-- without a UTC offset, for the rest of its transaction only.
--
-- $1 time zone name (text, e.g. 'UTC' or 'America/Chicago').
-- Result: one row, timezone (text): the zone now in effect.
SELECT set_config('TimeZone', $1::text, true) AS timezone;
