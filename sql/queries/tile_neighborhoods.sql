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
-- Every neighborhood whose exact geometry intersects the tile is kept; its
-- geometry is clipped to the tile plus a buffer of 4/256 of the tile on each
-- side (so strokes do not show seams) and simplified to half a pixel of a
-- 256-pixel tile, in Web Mercator meters. Properties are the keys of a
-- coverage row (docs/metrics.md) without the NULL ones, plus each imported
-- indicator; the metrics are computed only when the tile has features.
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           ST_TileEnvelope($1::int, $2::int, $3::int, margin => 4.0 / 256) AS clip,
           40075016.685578488 / (256 * 2 ^ $1::int) / 2 AS tolerance
), features AS MATERIALIZED (
    SELECT n.id, n.name,
           ST_Transform(ST_Simplify(ST_ClipByBox2D(n.geom_3857, b.clip),
                                    b.tolerance, true), 4326) AS geom
    FROM neighborhoods n, bounds b
    WHERE n.geom_3857 && b.tile AND ST_Intersects(n.geom_3857, b.tile)
    ORDER BY n.id
    LIMIT $5::int
), metrics AS MATERIALIZED (
    SELECT m.*
    FROM parity_coverage($6::date, $7::date, $8::text[], $9::boolean) m
    WHERE EXISTS (SELECT 1 FROM features)
)
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(
              '{"type":"Feature","id":' || to_json(f.id)::text
              || ',"geometry":' || ST_AsGeoJSON(f.geom, $4::int)
              || ',"properties":'
              || jsonb_strip_nulls(jsonb_build_object(
                     'id', f.id, 'name', f.name, 'population', m.population,
                     'youth_population', m.youth_population, 'area_km2', m.area_km2,
                     'events', m.events, 'attendance', m.attendance,
                     'youth_attendance', m.youth_attendance, 'sites', m.sites,
                     'programs', m.programs, 'last_event', m.last_event,
                     'days_since_last_event', m.days_since_last_event,
                     'events_per_1k', m.events_per_1k,
                     'events_per_1k_youth', m.events_per_1k_youth,
                     'walk_coverage', m.walk_coverage, 'access', m.access,
                     'incidents', m.incidents, 'incident_rate_raw', m.incident_rate_raw,
                     'incident_rate', m.incident_rate, 'suppressed', m.suppressed,
                     'need', m.need, 'supply', m.supply, 'gap', m.gap,
                     'need_share', m.need_share, 'event_share', m.event_share,
                     'parity_ratio', m.parity_ratio, 'underserved', m.underserved,
                     'gi_z', m.gi_z, 'gi_bin', m.gi_bin,
                     'gi_label', parity_gi_label(m.gi_bin))
                     || (coalesce(m.indicators, '{}'::jsonb)
                         - 'population' - 'youth_population'))::text
              || '}', ',' ORDER BY f.id), '')
       || ']}' AS geojson
FROM features f
LEFT JOIN metrics m ON m.id = f.id
WHERE NOT ST_IsEmpty(f.geom);
