-- token_list: the API tokens by name, for `parity token list` (never hashes).
--
-- No parameters.
-- Result: name (text), created_at (text), revoked_at (text, NULL when active);
-- ISO 8601 UTC.
SELECT name,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
       to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS revoked_at
FROM api_tokens
ORDER BY name;
