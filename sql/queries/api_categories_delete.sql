-- api_categories_delete: DELETE /api/categories/{id} (refused by the
-- database while programs, sites or events use it).
--
-- $1 id (text)
-- Result: one row: id (text), or no row when there is no such category.
DELETE FROM categories WHERE id = $1::text RETURNING id;
