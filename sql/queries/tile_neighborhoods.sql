-- tile_neighborhoods: the neighborhoods of one XYZ tile as an RFC 7946
-- GeoJSON FeatureCollection in lon/lat, each with its coverage metrics for
-- the window and categories as properties (so the map can colour by any).
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals for this zoom (int, from tile_coordinate_decimals)
-- $5 most features in one tile (int)
-- $6 from (date or NULL), $7 to (date or NULL), $8 categories (text[] or
--    NULL: all), $9 privileged (bool: small incident counts are shown)
-- Result: one row, column geojson (text).
--
-- Every neighborhood whose exact geometry intersects the tile is kept,
-- except those smaller than one pixel of a 256-pixel tile both across and
-- down (invisible at this zoom: this is what keeps a whole-country tile of
-- thousands of counties small). Past $5 features the largest are kept. Each
-- geometry is clipped to the tile plus a buffer of 4/256 of the tile on each
-- side (so strokes do not show seams) and simplified to half a pixel, in Web
-- Mercator meters. Properties are id, name, the keys of a coverage row
-- (docs/metrics.md) without the NULL ones, plus each imported indicator,
-- rounded for the map (docs/metrics.md, "In tiles"); they are looked up only
-- when the tile has features, computed once per request and state of the
-- data for all tiles, and kept as ready JSON text (parity_tile_metrics,
-- migrations 0006 and 0010).
-- tile_neighborhoods_mvt selects the same features with the same properties.
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           ST_TileEnvelope($1::int, $2::int, $3::int, margin => 4.0 / 256) AS clip,
           40075016.685578488 / (256 * 2 ^ $1::int) AS pixel
), features AS MATERIALIZED (
    SELECT n.id, n.name,
           ST_Transform(ST_Simplify(ST_ClipByBox2D(n.geom_3857, b.clip),
                                    b.pixel / 2, true), 4326) AS geom
    FROM neighborhoods n, bounds b
    WHERE n.geom_3857 && b.tile AND ST_Intersects(n.geom_3857, b.tile)
      AND greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                   ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857)) >= b.pixel
    ORDER BY greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                      ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857)) DESC, n.id
    LIMIT $5::int
), metrics AS MATERIALIZED (
    SELECT m.id, m.properties_json
    FROM parity_tile_metrics($6::date, $7::date, $8::text[], $9::boolean,
                             (SELECT array_agg(id) FROM features)) m
    WHERE EXISTS (SELECT 1 FROM features)
)
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(
              '{"type":"Feature","id":' || to_json(f.id)::text
              || ',"geometry":' || ST_AsGeoJSON(f.geom, $4::int)
              || ',"properties":'
              || coalesce(m.properties_json,
                          json_build_object('id', f.id, 'name', f.name)::text)
              || '}', ',' ORDER BY f.id), '')
       || ']}' AS geojson
FROM features f
LEFT JOIN metrics m ON m.id = f.id
WHERE NOT ST_IsEmpty(f.geom);
