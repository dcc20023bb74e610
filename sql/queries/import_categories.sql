-- import_categories: the categories an imported row may name.
--
-- No parameters. Result: id (text), sorted bytewise (importers search it).
SELECT id
FROM categories
ORDER BY id COLLATE "C";
