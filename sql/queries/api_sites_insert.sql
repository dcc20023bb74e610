-- api_sites_insert: a new site (POST /api/sites); the database places it in
-- its neighborhood.
--
-- $1 name, $2 program_id (bigint), $3 category, $4 address, $5 capacity
-- (int), $6 sensitive (bool), $7 longitude, $8 latitude (float8, WGS 84),
-- $9 source, $10 external_id; NULL where not given
-- Result: one row: id (bigint).
INSERT INTO sites (name, program_id, category, address, capacity, sensitive, geom,
                   source, external_id)
VALUES ($1::text, $2::bigint, $3::text, $4::text, $5::int, $6::bool,
        ST_SetSRID(ST_MakePoint($7::float8, $8::float8), 4326), $9::text, $10::text)
RETURNING id;
