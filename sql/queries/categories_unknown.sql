-- categories_unknown: which of the category names a request filters on do
-- not exist, so a typo is answered with 400 instead of an empty map.
--
-- $1 names (text[])
-- Result: one row: unknown (text, the unknown names joined by ", ", NULL
-- when all exist), known (text, every category joined by ", ").
SELECT (SELECT string_agg(w.category, ', ' ORDER BY w.category)
        FROM unnest($1::text[]) AS w (category)
        WHERE NOT EXISTS (SELECT 1 FROM categories c WHERE c.id = w.category)) AS unknown,
       (SELECT string_agg(id, ', ' ORDER BY id) FROM categories) AS known;
