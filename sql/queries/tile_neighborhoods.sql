-- tile_neighborhoods: the neighborhoods of one XYZ tile as an RFC 7946
-- GeoJSON FeatureCollection in lon/lat, each with its coverage metrics for
-- the window and categories as properties (so the map can colour by any).
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals for this zoom (int, from tile_coordinate_decimals)
-- $5 most features in one tile (int)
-- $6 from (date or NULL), $7 to (date or NULL), $8 categories (text[] or
--    NULL: all), $9 privileged (bool: small incident counts are shown)
-- Result: one row: geojson (text); kept (int): the features selected
--    under the cap of $5; total (int): the features the tile had before it
--    (total > kept when the cap left some out); stale (bool): the metrics
--    are the previous state's, answered while another session recomputes
--    them (the tile is served but not cached).
--
-- The features are parity_tile_neighborhoods' (migration 0011: which
-- neighborhoods, the cap of $5 keeping the largest, clipping and
-- simplifying), shared with tile_neighborhoods_mvt; here each geometry goes
-- to lon/lat with $4 decimals and its properties are pasted as the JSON
-- text kept for the request (id, name and the coverage metrics rounded for
-- the map: docs/metrics.md, "In tiles").
-- Geometries that simplify to nothing are left out (the filter is on the
-- Mercator geometry: one on the transformed one would be pushed down and
-- transform every geometry twice).
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(
              '{"type":"Feature","id":' || to_json(n.id)::text
              || ',"geometry":' || ST_AsGeoJSON(ST_Transform(n.geom, 4326), $4::int)
              || ',"properties":' || n.properties_json
              || '}', ',' ORDER BY n.id) FILTER (WHERE NOT ST_IsEmpty(n.geom)), '')
       || ']}' AS geojson,
       count(*)::int AS kept, coalesce(max(n.total), 0)::int AS total,
       coalesce(bool_or(n.stale), false) AS stale
FROM parity_tile_neighborhoods($1::int, $2::int, $3::int, $5::int, $6::date,
                               $7::date, $8::text[], $9::boolean) n;
