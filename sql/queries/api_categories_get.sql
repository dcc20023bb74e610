-- api_categories_get: one category for GET /api/categories/{id}.
--
-- $1 id (text, the category's name, e.g. "community engagement")
-- Result: one row, doc (text: the category's JSON, see 0004_api), or no row.
SELECT doc::text FROM api_category_docs WHERE id = $1::text;
