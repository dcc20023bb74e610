-- api_sites_get: one site for GET /api/sites/{id}.
--
-- $1 id (bigint), $2 privileged (bool): a sensitive site only with a token
-- Result: one row, doc (text: the site's JSON, see 0004_api), or no row.
SELECT doc::text FROM api_site_docs
WHERE id = $1::bigint AND (NOT sensitive OR $2::bool);
