-- tile_neighborhoods: the neighborhoods of one XYZ tile as an RFC 7946
-- GeoJSON FeatureCollection in lon/lat.
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals for this zoom (int, from tile_coordinate_decimals)
-- $5 most features in one tile (int)
-- Result: one row: geojson (text), truncated (bool: more than $5
-- neighborhoods fall in the tile; the server then refuses the tile).
--
-- Every neighborhood whose exact geometry intersects the tile is kept; its
-- geometry is clipped to the tile plus a buffer of 4/256 of the tile on each
-- side (so strokes do not show seams) and simplified to half a pixel of a
-- 256-pixel tile, in Web Mercator meters.
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           ST_TileEnvelope($1::int, $2::int, $3::int, margin => 4.0 / 256) AS clip,
           40075016.685578488 / (256 * 2 ^ $1::int) / 2 AS tolerance
), features AS (
    SELECT n.id, n.name, n.population,
           ST_Transform(ST_Simplify(ST_ClipByBox2D(n.geom_3857, b.clip),
                                    b.tolerance, true), 4326) AS geom
    FROM neighborhoods n, bounds b
    WHERE n.geom_3857 && b.tile AND ST_Intersects(n.geom_3857, b.tile)
    ORDER BY n.id
    LIMIT $5::int + 1
), kept AS (
    SELECT * FROM features ORDER BY id LIMIT $5::int
)
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(
              '{"type":"Feature","id":' || to_json(f.id)::text
              || ',"geometry":' || ST_AsGeoJSON(f.geom, $4::int)
              || ',"properties":'
              || jsonb_strip_nulls(jsonb_build_object(
                     'id', f.id, 'name', f.name, 'population', f.population))::text
              || '}', ',' ORDER BY f.id), '')
       || ']}' AS geojson,
       (SELECT count(*) FROM features) > $5::int AS truncated
FROM kept f
WHERE NOT ST_IsEmpty(f.geom);
