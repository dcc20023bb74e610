-- api_events_insert: a new event (POST /api/events); the database places it
-- in its neighborhood.
--
-- $1 title, $2 category, $3 program_id (bigint), $4 partner_id (bigint),
-- $5 starts_at, $6 ends_at (timestamptz, ISO 8601 with offset),
-- $7 attendance, $8 youth_attendance (int), $9 hours (numeric),
-- $10 longitude, $11 latitude (float8, WGS 84), $12 source, $13 external_id;
-- NULL where not given
-- Result: one row: id (bigint).
INSERT INTO events (title, category, program_id, partner_id, starts_at, ends_at,
                    attendance, youth_attendance, hours, geom, source, external_id)
VALUES ($1::text, $2::text, $3::bigint, $4::bigint, $5::timestamptz, $6::timestamptz,
        $7::int, $8::int, $9::numeric,
        ST_SetSRID(ST_MakePoint($10::float8, $11::float8), 4326), $12::text, $13::text)
RETURNING id;
