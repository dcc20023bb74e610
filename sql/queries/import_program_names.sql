-- import_program_names: the programs an imported site or event may name,
-- with what a row that names no category or partner takes from them.
--
-- No parameters. Result: id (bigint), name (text), category (text),
-- partner_id (bigint or NULL), sorted bytewise by name (importers search it).
SELECT id, name, category, partner_id
FROM programs
ORDER BY name COLLATE "C";
