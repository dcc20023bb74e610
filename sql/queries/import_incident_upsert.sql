-- import_incident_upsert: a batch of imported incidents; an incident an
-- earlier import stored with the same source and external id is updated
-- instead of duplicated. The database places each point in its
-- neighborhood (trigger incidents_place). Incident points are never
-- published; only counts per neighborhood leave the database.
--
-- $1 the rows (jsonb array of objects with text or null values): kind
-- (text, lower case), occurred_on (date), lon, lat (float8, EPSG:4326),
-- external_id. External ids are unique within a batch.
-- $2 source (text).
-- Result: one row per incident: key (text, the external id), inserted
-- (bool: false when it updated), neighborhood_id (text, NULL when the point
-- is in no neighborhood).
INSERT INTO incidents AS i (kind, occurred_on, geom, source, external_id)
SELECT r.kind, r.occurred_on, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326),
       $2::text, r.external_id
FROM jsonb_to_recordset($1::jsonb) AS r(kind text, occurred_on date,
                                        lon float8, lat float8,
                                        external_id text)
ON CONFLICT (source, external_id) DO UPDATE
    SET kind = EXCLUDED.kind, occurred_on = EXCLUDED.occurred_on,
        geom = EXCLUDED.geom
RETURNING i.external_id AS key, (i.xmax = 0) AS inserted, i.neighborhood_id;
