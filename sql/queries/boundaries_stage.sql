-- boundaries_stage: one feature of a boundary import, before any check.
--
-- $1 fid (bigint), $2 id (text), $3 name (text), $4 population (bigint or NULL)
-- $5 attributes (jsonb text), $6 geometry (hex WKB, EPSG:4326 lon/lat)
-- No result rows.
INSERT INTO boundary_staging (fid, id, name, population, attributes, geom)
VALUES ($1::bigint, $2, $3, $4::bigint, $5::jsonb,
        ST_SetSRID(ST_GeomFromWKB(decode($6, 'hex')), 4326));
