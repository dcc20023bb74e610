-- token_create: stores a new API token's name and SHA-256 (never the token).
--
-- $1 name (text), $2 token_hash (text, 64 hex digits)
-- Result: one row: id (bigint), created_at (text, ISO 8601 UTC).
INSERT INTO api_tokens (name, token_hash)
VALUES ($1::text, decode($2::text, 'hex'))
RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at;
