-- tile_events_mvt: the events of one XYZ tile as a Mapbox Vector Tile
-- (layer "events", extent 4096, buffer 64): clusters below zoom 14, single
-- events from zoom 14 on.
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals (int; unused: MVT has its own 4096 grid, kept so
--    every tile query takes the same parameters)
-- $5 most single events in one tile (int)
-- $6 from, $7 to (date or NULL), $8 categories (text[] or NULL),
-- $9 privileged (bool): as in tile_events
-- Result: one row, column mvt (bytea).
--
-- The same features and properties as tile_events (see there for the
-- clustering): kind "cluster" with count and categories, kind "event" with
-- id, title, category, starts_at, ends_at, attendance, youth_attendance,
-- program, partner (and source, external_id with a token). MVT values are
-- scalars, so a cluster's categories object ({"prevention": 3, ...}) is
-- carried as its JSON text; times are ISO 8601 text as in the GeoJSON.
-- Absent (NULL) properties are left out.
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           40075016.685578488 / 2 ^ $1::int / 4 AS cell,
           $4::int AS decimals
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
    SELECT cx, cy, sum(n)::bigint AS n, -- an integer in MVT, not numeric text
           json_object_agg(category, n ORDER BY category)::text AS categories,
           ST_SetSRID(ST_MakePoint(sum(sum_x) / sum(n), sum(sum_y) / sum(n)), 3857) AS geom_3857
    FROM per_category
    GROUP BY cx, cy
), singles AS (
    SELECT m.id, m.title, m.category, m.starts_at, m.ends_at, m.attendance,
           m.youth_attendance, m.source, m.external_id, m.geom_3857,
           p.name AS program, coalesce(pa.name, ppa.name) AS partner
    FROM matching m
    LEFT JOIN programs p ON p.id = m.program_id
    LEFT JOIN partners pa ON pa.id = m.partner_id
    LEFT JOIN partners ppa ON ppa.id = p.partner_id
    WHERE $1::int >= 14
    ORDER BY m.id
    LIMIT $5::int
), features AS (
    SELECT c.cy AS k1, c.cx AS k2, 'cluster' AS kind, c.n AS count, c.categories,
           NULL::bigint AS id, NULL::text AS title, NULL::text AS category,
           NULL::text AS starts_at, NULL::text AS ends_at, NULL::int AS attendance,
           NULL::int AS youth_attendance, NULL::text AS program,
           NULL::text AS partner, NULL::text AS source, NULL::text AS external_id,
           ST_AsMVTGeom(c.geom_3857, b.tile, 4096, 64, true) AS geom
    FROM clusters c, bounds b
    UNION ALL
    SELECT 0, s.id, 'event', NULL, NULL, s.id, s.title, s.category,
           to_jsonb(s.starts_at) #>> '{}', to_jsonb(s.ends_at) #>> '{}',
           s.attendance, s.youth_attendance, s.program, s.partner,
           CASE WHEN $9::bool THEN s.source END,
           CASE WHEN $9::bool THEN s.external_id END,
           ST_AsMVTGeom(s.geom_3857, b.tile, 4096, 64, true)
    FROM singles s, bounds b
)
SELECT ST_AsMVT(f, 'events', 4096, 'geom') AS mvt
FROM (SELECT kind, count, categories, id, title, category, starts_at, ends_at,
             attendance, youth_attendance, program, partner, source, external_id,
             geom
      FROM features
      WHERE geom IS NOT NULL
      ORDER BY k1, k2) f;
