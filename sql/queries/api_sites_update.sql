-- api_sites_update: changes a site (PUT or PATCH /api/sites/{id}).
--
-- $1 id (bigint), $2 fields to change (text[] of body field names), then
-- as api_sites_insert shifted by two: $3 name, $4 program_id, $5 category,
-- $6 address, $7 capacity, $8 sensitive, $9 longitude, $10 latitude,
-- $11 source, $12 external_id
-- Result: one row: id (bigint), or no row when there is no such site.
UPDATE sites SET
    name = CASE WHEN 'name' = ANY ($2::text[]) THEN $3::text ELSE name END,
    program_id = CASE WHEN 'program_id' = ANY ($2::text[]) THEN $4::bigint ELSE program_id END,
    category = CASE WHEN 'category' = ANY ($2::text[]) THEN $5::text ELSE category END,
    address = CASE WHEN 'address' = ANY ($2::text[]) THEN $6::text ELSE address END,
    capacity = CASE WHEN 'capacity' = ANY ($2::text[]) THEN $7::int ELSE capacity END,
    sensitive = CASE WHEN 'sensitive' = ANY ($2::text[]) THEN $8::bool ELSE sensitive END,
    geom = CASE WHEN 'location' = ANY ($2::text[])
                THEN ST_SetSRID(ST_MakePoint($9::float8, $10::float8), 4326) ELSE geom END,
    source = CASE WHEN 'source' = ANY ($2::text[]) THEN $11::text ELSE source END,
    external_id = CASE WHEN 'external_id' = ANY ($2::text[]) THEN $12::text ELSE external_id END
WHERE id = $1::bigint
RETURNING id;
