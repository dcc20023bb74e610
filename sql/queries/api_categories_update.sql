-- api_categories_update: changes a category (PUT or PATCH
-- /api/categories/{id}); a new id renames it everywhere (ON UPDATE CASCADE).
--
-- $1 id (text), $2 fields to change (text[] of body field names),
-- $3 new id, $4 name, $5 description
-- Result: one row: id (text, the new one), or no row when there is no such
-- category.
UPDATE categories SET
    id = CASE WHEN 'id' = ANY ($2::text[]) THEN $3::text ELSE id END,
    name = CASE WHEN 'name' = ANY ($2::text[]) THEN $4::text ELSE name END,
    description = CASE WHEN 'description' = ANY ($2::text[]) THEN $5::text ELSE description END
WHERE id = $1::text
RETURNING id;
