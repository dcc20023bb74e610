-- api_partners_list: one page of partners for GET /api/partners, by id.
--
-- $1 categories (text[] or NULL): partners running a program of one of them
-- $2 limit, $3 offset (bigint), $4 next page's path and query (text)
-- Result: one row, one column (text): {"items": [partner...], "total",
-- "limit", "offset", "next"}.
WITH matching AS (
    SELECT d.id
    FROM api_partner_docs d
    WHERE $1::text[] IS NULL
       OR EXISTS (SELECT 1 FROM programs p
                  WHERE p.partner_id = d.id AND p.category = ANY ($1::text[]))
), page AS (
    SELECT id FROM matching ORDER BY id LIMIT $2::bigint OFFSET $3::bigint
)
SELECT parity_api_page(
           (SELECT json_agg(d.doc ORDER BY d.id) FROM api_partner_docs d JOIN page USING (id)),
           (SELECT count(*) FROM matching), $2::bigint, $3::bigint, $4::text)::text;
