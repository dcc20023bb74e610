-- token_active: the SHA-256 of every API token not revoked, for token_verify
-- to compare in constant time. Never returns names or anything else.
--
-- No parameters.
-- Result: token_hash (text, 64 hex digits), one row per active token.
SELECT encode(token_hash, 'hex') AS token_hash
FROM api_tokens
WHERE revoked_at IS NULL;
