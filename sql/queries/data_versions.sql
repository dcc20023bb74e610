-- data_versions: the current version of every layer's data.
--
-- No parameters. Result: layer (text), version (bigint), changed_at (text, ISO 8601).
SELECT layer, version, to_char(changed_at AT TIME ZONE 'UTC',
                               'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS changed_at
FROM data_versions
ORDER BY layer;
