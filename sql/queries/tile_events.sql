-- tile_events: the events of one XYZ tile as an RFC 7946 GeoJSON
-- FeatureCollection in lon/lat: clusters below zoom 14, single events from
-- zoom 14 on.
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals for this zoom (int, from tile_coordinate_decimals)
-- $5 most single events in one tile (int)
-- $6 from, $7 to (date or NULL): events starting on those days or between,
--    days in UTC
-- $8 categories (text[] or NULL)
-- $9 privileged (bool): single events also carry source and external_id
-- Result: one row, column geojson (text).
--
-- Each event lies in exactly one tile of a zoom (x in [west, east), y in
-- (south, north]). Below zoom 14 the tile is cut into 4 x 4 cells of 64
-- pixels on a grid anchored at the world's north-west corner, so every
-- cell lies in one tile; the events of a cell make one feature at their
-- mean position: {"kind": "cluster", "count": n, "categories":
-- {"prevention": 3, ...}}. The counts of a tile's clusters add up to the
-- events of the tile that match the filters. From zoom 14 each event is a
-- feature {"kind": "event", id, title, category, starts_at, ends_at,
-- attendance, youth_attendance, program, partner (the event's, else its
-- program's)}.
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           40075016.685578488 / 2 ^ $1::int / 4 AS cell
), matching AS (
    SELECT e.*
    FROM events e, bounds b
    WHERE e.geom_3857 && b.tile
      AND ST_X(e.geom_3857) >= ST_XMin(b.tile) AND ST_X(e.geom_3857) < ST_XMax(b.tile)
      AND ST_Y(e.geom_3857) > ST_YMin(b.tile) AND ST_Y(e.geom_3857) <= ST_YMax(b.tile)
      AND ($6::date IS NULL OR e.starts_at >= $6::date::timestamp AT TIME ZONE 'UTC')
      AND ($7::date IS NULL OR e.starts_at < ($7::date + 1)::timestamp AT TIME ZONE 'UTC')
      AND ($8::text[] IS NULL OR e.category = ANY ($8::text[]))
), per_category AS (
    SELECT floor((ST_X(m.geom_3857) + 20037508.342789244) / b.cell) AS cx,
           floor((20037508.342789244 - ST_Y(m.geom_3857)) / b.cell) AS cy,
           m.category, count(*) AS n,
           sum(ST_X(m.geom_3857)) AS sum_x, sum(ST_Y(m.geom_3857)) AS sum_y
    FROM matching m, bounds b
    WHERE $1::int < 14
    GROUP BY 1, 2, 3
), clusters AS (
    SELECT cx, cy, sum(n) AS n,
           json_object_agg(category, n ORDER BY category) AS categories,
           ST_Transform(ST_SetSRID(ST_MakePoint(sum(sum_x) / sum(n), sum(sum_y) / sum(n)),
                                   3857), 4326) AS geom
    FROM per_category
    GROUP BY cx, cy
), singles AS (
    SELECT m.id, m.title, m.category, m.starts_at, m.ends_at, m.attendance,
           m.youth_attendance, m.source, m.external_id, m.geom,
           p.name AS program, coalesce(pa.name, ppa.name) AS partner
    FROM matching m
    LEFT JOIN programs p ON p.id = m.program_id
    LEFT JOIN partners pa ON pa.id = m.partner_id
    LEFT JOIN partners ppa ON ppa.id = p.partner_id
    WHERE $1::int >= 14
    ORDER BY m.id
    LIMIT $5::int
), features AS (
    SELECT cy AS k1, cx AS k2,
           '{"type":"Feature","id":' || to_json($1::int || '/' || cx || '/' || cy)::text
           || ',"geometry":' || ST_AsGeoJSON(c.geom, $4::int)
           || ',"properties":{"kind":"cluster","count":' || c.n
           || ',"categories":' || c.categories::text || '}}' AS feature
    FROM clusters c
    UNION ALL
    SELECT 0, s.id,
           '{"type":"Feature","id":' || s.id
           || ',"geometry":' || ST_AsGeoJSON(s.geom, $4::int)
           || ',"properties":'
           || jsonb_strip_nulls(jsonb_build_object(
                  'kind', 'event', 'id', s.id, 'title', s.title, 'category', s.category,
                  'starts_at', s.starts_at, 'ends_at', s.ends_at,
                  'attendance', s.attendance, 'youth_attendance', s.youth_attendance,
                  'program', s.program, 'partner', s.partner,
                  'source', CASE WHEN $9::bool THEN s.source END,
                  'external_id', CASE WHEN $9::bool THEN s.external_id END))::text
           || '}'
    FROM singles s
)
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(feature, ',' ORDER BY k1, k2), '')
       || ']}' AS geojson
FROM features;
