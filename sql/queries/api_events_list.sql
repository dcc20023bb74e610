-- api_events_list: one page of events for GET /api/events, by id.
--
-- $1..$4 bbox west, south, east, north (float8, degrees; all NULL for none)
-- $5 from, $6 to (date or NULL): events starting on those days or between,
--    days in UTC
-- $7 categories (text[] or NULL), $8 neighborhood id (text or NULL)
-- $9 partner id (bigint or NULL): the event's partner or its program's
-- $10 program id (bigint or NULL)
-- $11 limit, $12 offset (bigint), $13 next page's path and query (text)
-- Result: one row, one column (text): {"items": [event...], "total",
-- "limit", "offset", "next"}.
WITH matching AS (
    SELECT d.id
    FROM api_event_docs d
    WHERE ($1::float8 IS NULL OR ST_Intersects(
              d.geom, ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)))
      AND ($5::date IS NULL OR d.starts_at >= $5::date::timestamp AT TIME ZONE 'UTC')
      AND ($6::date IS NULL OR d.starts_at < ($6::date + 1)::timestamp AT TIME ZONE 'UTC')
      AND ($7::text[] IS NULL OR d.category = ANY ($7::text[]))
      AND ($8::text IS NULL OR d.neighborhood_id = $8::text)
      AND ($9::bigint IS NULL OR d.partner_id = $9::bigint
           OR d.program_partner_id = $9::bigint)
      AND ($10::bigint IS NULL OR d.program_id = $10::bigint)
), page AS (
    SELECT id FROM matching ORDER BY id LIMIT $11::bigint OFFSET $12::bigint
)
SELECT parity_api_page(
           (SELECT json_agg(d.doc ORDER BY d.id) FROM api_event_docs d JOIN page USING (id)),
           (SELECT count(*) FROM matching), $11::bigint, $12::bigint, $13::text)::text;
