-- import_event_upsert: a batch of imported events; an event an earlier
-- import stored with the same source and external id is updated (every
-- column takes the file's value) instead of duplicated. The database places
-- each point in its neighborhood (trigger events_place).
--
-- $1 the rows (jsonb array of objects with text or null values): title,
-- program_id, partner_id (bigint), category, starts_at, ends_at
-- (timestamptz; times without an offset are in the session's TimeZone, see
-- import_timezone), attendance, youth_attendance (int), hours (numeric),
-- lon, lat (float8, EPSG:4326), external_id. External ids are unique within
-- a batch.
-- $2 source (text).
-- Result: one row per event: key (text, the external id), inserted (bool:
-- false when it updated), neighborhood_id (text, NULL when the point is in
-- no neighborhood).
INSERT INTO events AS e (title, program_id, partner_id, category, starts_at,
                         ends_at, attendance, youth_attendance, hours, geom,
                         source, external_id)
SELECT r.title, r.program_id, r.partner_id, r.category, r.starts_at,
       r.ends_at, r.attendance, r.youth_attendance, r.hours,
       ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), $2::text, r.external_id
FROM jsonb_to_recordset($1::jsonb) AS r(title text, program_id bigint,
                                        partner_id bigint, category text,
                                        starts_at timestamptz,
                                        ends_at timestamptz,
                                        attendance integer,
                                        youth_attendance integer,
                                        hours numeric, lon float8, lat float8,
                                        external_id text)
ON CONFLICT (source, external_id) DO UPDATE
    SET title = EXCLUDED.title, program_id = EXCLUDED.program_id,
        partner_id = EXCLUDED.partner_id, category = EXCLUDED.category,
        starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
        attendance = EXCLUDED.attendance,
        youth_attendance = EXCLUDED.youth_attendance, hours = EXCLUDED.hours,
        geom = EXCLUDED.geom
RETURNING e.external_id AS key, (e.xmax = 0) AS inserted, e.neighborhood_id;
