-- api_categories_insert: a new category (POST /api/categories).
--
-- $1 id (text, the name filters use), $2 name (display name),
-- $3 description (text or NULL)
-- Result: one row: id (text).
INSERT INTO categories (id, name, description)
VALUES ($1::text, $2::text, $3::text)
RETURNING id;
