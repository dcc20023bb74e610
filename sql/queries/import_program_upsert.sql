-- import_program_upsert: a batch of imported programs; a program of the
-- same name is updated (every column takes the file's value) instead of
-- duplicated.
--
-- $1 the rows (jsonb array of objects with text or null values): name,
-- partner_id (bigint), category, description, start_date, end_date (date).
-- Names are unique within a batch.
-- Result: one row per program: key (text, the name), inserted (bool: false
-- when it updated), neighborhood_id (text, always NULL).
INSERT INTO programs AS p (name, partner_id, category, description,
                           start_date, end_date)
SELECT r.name, r.partner_id, r.category, r.description, r.start_date, r.end_date
FROM jsonb_to_recordset($1::jsonb) AS r(name text, partner_id bigint,
                                        category text, description text,
                                        start_date date, end_date date)
ON CONFLICT (name) DO UPDATE
    SET partner_id = EXCLUDED.partner_id, category = EXCLUDED.category,
        description = EXCLUDED.description, start_date = EXCLUDED.start_date,
        end_date = EXCLUDED.end_date
RETURNING p.name AS key, (p.xmax = 0) AS inserted, NULL::text AS neighborhood_id;
