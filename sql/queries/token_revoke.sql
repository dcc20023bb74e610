-- token_revoke: revokes the API token called $1 (from now on it is refused).
--
-- $1 name (text)
-- Result: one row: found (bool: a token has that name), revoked_now (bool:
-- this call revoked it), revoked_at (text, ISO 8601 UTC, NULL when not found).
WITH target AS (
    SELECT id, revoked_at FROM api_tokens WHERE name = $1::text
), revoked AS (
    UPDATE api_tokens t SET revoked_at = now()
    FROM target
    WHERE t.id = target.id AND target.revoked_at IS NULL
    RETURNING t.revoked_at
)
SELECT EXISTS (SELECT 1 FROM target) AS found,
       EXISTS (SELECT 1 FROM revoked) AS revoked_now,
       to_char(coalesce((SELECT revoked_at FROM revoked), (SELECT revoked_at FROM target))
               AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS revoked_at;
