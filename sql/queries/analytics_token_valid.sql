-- analytics_token_valid: whether a bearer token is an API token that is not
-- revoked (only its SHA-256 is stored). Used by the coverage answers to
-- decide whether small incident counts may be shown.
--
-- $1 token (text).
-- Result: one row, column valid (bool).
SELECT EXISTS (SELECT 1 FROM api_tokens
               WHERE revoked_at IS NULL
                 AND token_hash = sha256(convert_to($1::text, 'UTF8'))) AS valid;
