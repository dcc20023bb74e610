-- tile_sites: the program sites of one XYZ tile as an RFC 7946 GeoJSON
-- FeatureCollection in lon/lat.
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals for this zoom (int, from tile_coordinate_decimals)
-- $5 most features in one tile (int)
-- $6 from, $7 to (date or NULL): sites whose program runs at some time in
--    the window (sites without a program always match)
-- $8 categories (text[] or NULL): the site's category, else its program's
-- $9 privileged (bool): the request holds a valid token
-- Result: one row, column geojson (text).
--
-- Features, each point in exactly one tile of a zoom (x in [west, east),
-- y in (south, north]):
--   a site:  {"kind": "site", id, name, category, program, partner,
--            capacity, "sensitive": true (only with a token)}
--   without a token, sensitive sites are never drawn where they are: each
--   neighborhood with any (that match the filters) gets one point at
--   ST_PointOnSurface of its polygon, {"kind": "sensitive_sites",
--   "neighborhood", "neighborhood_name", "sensitive_count"}, and no site's
--   attributes.
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile
), base AS (
    SELECT s.id, s.name, s.sensitive, s.capacity, s.neighborhood_id, s.geom_3857,
           coalesce(s.category, p.category) AS category,
           p.name AS program, pa.name AS partner
    FROM sites s
    LEFT JOIN programs p ON p.id = s.program_id
    LEFT JOIN partners pa ON pa.id = p.partner_id
    WHERE ($8::text[] IS NULL OR coalesce(s.category, p.category) = ANY ($8::text[]))
      AND (p.start_date IS NULL OR $7::date IS NULL OR p.start_date <= $7::date)
      AND (p.end_date IS NULL OR $6::date IS NULL OR p.end_date >= $6::date)
), sites_in_tile AS (
    SELECT b.*
    FROM base b, bounds
    WHERE (NOT b.sensitive OR $9::bool)
      AND b.geom_3857 && bounds.tile
      AND ST_X(b.geom_3857) >= ST_XMin(bounds.tile) AND ST_X(b.geom_3857) < ST_XMax(bounds.tile)
      AND ST_Y(b.geom_3857) > ST_YMin(bounds.tile) AND ST_Y(b.geom_3857) <= ST_YMax(bounds.tile)
    ORDER BY b.id
    LIMIT $5::int
), counts AS (
    SELECT n.id, n.name, c.n, ST_PointOnSurface(n.geom_3857) AS geom_3857
    FROM (SELECT neighborhood_id, count(*) AS n
          FROM base
          WHERE sensitive AND NOT $9::bool
          GROUP BY neighborhood_id) c
    JOIN neighborhoods n ON n.id = c.neighborhood_id
), counts_in_tile AS (
    SELECT c.*
    FROM counts c, bounds
    WHERE ST_X(c.geom_3857) >= ST_XMin(bounds.tile) AND ST_X(c.geom_3857) < ST_XMax(bounds.tile)
      AND ST_Y(c.geom_3857) > ST_YMin(bounds.tile) AND ST_Y(c.geom_3857) <= ST_YMax(bounds.tile)
), features AS (
    SELECT 0 AS part, s.id::text AS sort_key,
           '{"type":"Feature","id":' || s.id
           || ',"geometry":' || ST_AsGeoJSON(ST_Transform(s.geom_3857, 4326), $4::int)
           || ',"properties":'
           || jsonb_strip_nulls(jsonb_build_object(
                  'kind', 'site', 'id', s.id, 'name', s.name, 'category', s.category,
                  'program', s.program, 'partner', s.partner, 'capacity', s.capacity,
                  'sensitive', CASE WHEN s.sensitive THEN true END))::text
           || '}' AS feature
    FROM sites_in_tile s
    UNION ALL
    SELECT 1, c.id,
           '{"type":"Feature","id":' || to_json('sensitive:' || c.id)::text
           || ',"geometry":' || ST_AsGeoJSON(ST_Transform(c.geom_3857, 4326), $4::int)
           || ',"properties":'
           || jsonb_build_object('kind', 'sensitive_sites', 'neighborhood', c.id,
                                 'neighborhood_name', c.name,
                                 'sensitive_count', c.n)::text
           || '}'
    FROM counts_in_tile c
)
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(feature, ',' ORDER BY part, length(sort_key), sort_key), '')
       || ']}' AS geojson
FROM features;
