-- tile_neighborhoods: the neighborhoods of one XYZ tile as an RFC 7946
-- GeoJSON FeatureCollection in lon/lat.
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals for this zoom (int, from tile_coordinate_decimals)
-- $5 most features in one tile (int)
-- Result: one row, column geojson (text).
--
-- Every neighborhood whose exact geometry intersects the tile is kept,
-- except those smaller than one pixel of a 256-pixel tile both across and
-- down (invisible at this zoom: this is what keeps a whole-country tile of
-- thousands of counties small). Past $5 features the largest are kept. Each
-- geometry is clipped to the tile plus a buffer of 4/256 of the tile on each
-- side (so strokes do not show seams) and simplified to half a pixel, in Web
-- Mercator meters. tile_neighborhoods_mvt selects the same features.
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           ST_TileEnvelope($1::int, $2::int, $3::int, margin => 4.0 / 256) AS clip,
           40075016.685578488 / (256 * 2 ^ $1::int) AS pixel
), features AS (
    SELECT n.id, n.name, n.population,
           ST_Transform(ST_Simplify(ST_ClipByBox2D(n.geom_3857, b.clip),
                                    b.pixel / 2, true), 4326) AS geom
    FROM neighborhoods n, bounds b
    WHERE n.geom_3857 && b.tile AND ST_Intersects(n.geom_3857, b.tile)
      AND greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                   ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857)) >= b.pixel
    ORDER BY greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                      ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857)) DESC, n.id
    LIMIT $5::int
)
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(
              '{"type":"Feature","id":' || to_json(f.id)::text
              || ',"geometry":' || ST_AsGeoJSON(f.geom, $4::int)
              || ',"properties":'
              || jsonb_strip_nulls(jsonb_build_object(
                     'id', f.id, 'name', f.name, 'population', f.population))::text
              || '}', ',' ORDER BY f.id), '')
       || ']}' AS geojson
FROM features f
WHERE NOT ST_IsEmpty(f.geom);
