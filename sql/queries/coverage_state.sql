-- coverage_state: what a computed coverage answer depends on besides its
-- request: the version of every layer of data (bumped by the database on any
-- change, analysis settings included) and today's date in the analysis time
-- zone (an open window ends today). Two equal states give equal answers.
--
-- No parameters. Result: one row, column state (text).
SELECT string_agg(layer || ':' || version, ',' ORDER BY layer)
       || '@' || (now() AT TIME ZONE parity_setting('time_zone'))::date AS state
FROM data_versions;
