-- import_neighborhood_keys: every neighborhood's id and name, for importers
-- that match rows to neighborhoods (parity import indicators).
--
-- No parameters. Result: id (text), name (text), sorted bytewise by id.
SELECT id, name
FROM neighborhoods
ORDER BY id COLLATE "C";
