-- api_categories_list: one page of categories for GET /api/categories, by id.
--
-- $1 limit, $2 offset (bigint), $3 next page's path and query (text)
-- Result: one row, one column (text): {"items": [category...], "total",
-- "limit", "offset", "next"}.
WITH page AS (
    SELECT id FROM categories ORDER BY id LIMIT $1::bigint OFFSET $2::bigint
)
SELECT parity_api_page(
           (SELECT json_agg(d.doc ORDER BY d.id) FROM api_category_docs d JOIN page USING (id)),
           (SELECT count(*) FROM categories), $1::bigint, $2::bigint, $3::text)::text;
