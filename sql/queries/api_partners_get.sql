-- api_partners_get: one partner for GET /api/partners/{id}.
--
-- $1 id (bigint)
-- Result: one row, doc (text: the partner's JSON, see 0004_api), or no row.
SELECT doc::text FROM api_partner_docs WHERE id = $1::bigint;
