-- api_events_update: changes an event (PUT or PATCH /api/events/{id}).
--
-- $1 id (bigint), $2 fields to change (text[] of body field names), then
-- as api_events_insert shifted by two: $3 title, $4 category,
-- $5 program_id, $6 partner_id, $7 starts_at, $8 ends_at, $9 attendance,
-- $10 youth_attendance, $11 hours, $12 longitude, $13 latitude, $14 source,
-- $15 external_id
-- Result: one row: id (bigint), or no row when there is no such event.
UPDATE events SET
    title = CASE WHEN 'title' = ANY ($2::text[]) THEN $3::text ELSE title END,
    category = CASE WHEN 'category' = ANY ($2::text[]) THEN $4::text ELSE category END,
    program_id = CASE WHEN 'program_id' = ANY ($2::text[]) THEN $5::bigint ELSE program_id END,
    partner_id = CASE WHEN 'partner_id' = ANY ($2::text[]) THEN $6::bigint ELSE partner_id END,
    starts_at = CASE WHEN 'starts_at' = ANY ($2::text[]) THEN $7::timestamptz ELSE starts_at END,
    ends_at = CASE WHEN 'ends_at' = ANY ($2::text[]) THEN $8::timestamptz ELSE ends_at END,
    attendance = CASE WHEN 'attendance' = ANY ($2::text[]) THEN $9::int ELSE attendance END,
    youth_attendance = CASE WHEN 'youth_attendance' = ANY ($2::text[])
                            THEN $10::int ELSE youth_attendance END,
    hours = CASE WHEN 'hours' = ANY ($2::text[]) THEN $11::numeric ELSE hours END,
    geom = CASE WHEN 'location' = ANY ($2::text[])
                THEN ST_SetSRID(ST_MakePoint($12::float8, $13::float8), 4326) ELSE geom END,
    source = CASE WHEN 'source' = ANY ($2::text[]) THEN $14::text ELSE source END,
    external_id = CASE WHEN 'external_id' = ANY ($2::text[]) THEN $15::text ELSE external_id END
WHERE id = $1::bigint
RETURNING id;
