-- import_site_upsert: a batch of imported sites; a site an earlier import
-- stored with the same source and external id is updated (every column
-- takes the file's value) instead of duplicated. The database places each
-- point in its neighborhood (trigger sites_place).
--
-- $1 the rows (jsonb array of objects with text or null values): name,
-- program_id (bigint), category (NULL: the program's), address, capacity
-- (int), sensitive (boolean), lon, lat (float8, EPSG:4326), external_id.
-- External ids are unique within a batch.
-- $2 source (text).
-- Result: one row per site: key (text, the external id), inserted (bool:
-- false when it updated), neighborhood_id (text, NULL when the point is in
-- no neighborhood).
INSERT INTO sites AS s (name, program_id, category, address, capacity,
                        sensitive, geom, source, external_id)
SELECT r.name, r.program_id, r.category, r.address, r.capacity, r.sensitive,
       ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), $2::text, r.external_id
FROM jsonb_to_recordset($1::jsonb) AS r(name text, program_id bigint,
                                        category text, address text,
                                        capacity integer, sensitive boolean,
                                        lon float8, lat float8,
                                        external_id text)
ON CONFLICT (source, external_id) DO UPDATE
    SET name = EXCLUDED.name, program_id = EXCLUDED.program_id,
        category = EXCLUDED.category, address = EXCLUDED.address,
        capacity = EXCLUDED.capacity, sensitive = EXCLUDED.sensitive,
        geom = EXCLUDED.geom
RETURNING s.external_id AS key, (s.xmax = 0) AS inserted, s.neighborhood_id;
