-- import_partner_upsert: a batch of imported partners; a partner of the
-- same name is updated instead of duplicated.
--
-- $1 the rows (jsonb array of objects with text values): name, kind (one of
-- the kinds partners allows). Names are unique within a batch.
-- Result: one row per partner: key (text, the name), inserted (bool: false
-- when it updated), neighborhood_id (text, always NULL: partners have no
-- point).
INSERT INTO partners AS p (name, kind)
SELECT r.name, r.kind
FROM jsonb_to_recordset($1::jsonb) AS r(name text, kind text)
ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind
RETURNING p.name AS key, (p.xmax = 0) AS inserted, NULL::text AS neighborhood_id;
