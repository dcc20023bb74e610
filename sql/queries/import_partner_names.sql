-- import_partner_names: the partners an imported row may name.
--
-- No parameters. Result: id (bigint), name (text), sorted bytewise by name
-- (importers search it).
SELECT id, name
FROM partners
ORDER BY name COLLATE "C";
