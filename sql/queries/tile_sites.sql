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
-- Result: one row: geojson (text); kept (int): the sites selected under
--    the cap of $5; total (int): the sites the tile had before it (total >
--    kept when the cap left some out; the sensitive_sites counts are never
--    capped).
--
-- The features are parity_tile_sites' (migration 0011, where the rules
-- are), shared with tile_sites_mvt; each point in exactly one tile of a
-- zoom (x in [west, east), y in (south, north]):
--   a site:  {"kind": "site", id, name, category, program, partner,
--            capacity, "sensitive": true (only with a token)}
--   without a token, sensitive sites are never drawn where they are: each
--   neighborhood with any (that match the filters) gets one point at
--   ST_PointOnSurface of its polygon, {"kind": "sensitive_sites",
--   "neighborhood", "neighborhood_name", "sensitive_count"}, and no site's
--   attributes.
-- Absent (NULL) properties are left out.
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(
              '{"type":"Feature","id":'
              || CASE WHEN s.kind = 'site' THEN s.id::text
                      ELSE to_json('sensitive:' || s.neighborhood)::text END
              || ',"geometry":' || ST_AsGeoJSON(ST_Transform(s.geom, 4326), $4::int)
              || ',"properties":'
              || jsonb_strip_nulls(jsonb_build_object(
                     'kind', s.kind, 'id', s.id, 'name', s.name, 'category', s.category,
                     'program', s.program, 'partner', s.partner, 'capacity', s.capacity,
                     'sensitive', s.sensitive, 'neighborhood', s.neighborhood,
                     'neighborhood_name', s.neighborhood_name,
                     'sensitive_count', s.sensitive_count))::text
              || '}', ',' ORDER BY s.part, length(s.sort_key), s.sort_key), '')
       || ']}' AS geojson,
       (count(*) FILTER (WHERE s.kind = 'site'))::int AS kept,
       coalesce(max(s.total), 0)::int AS total
FROM parity_tile_sites($1::int, $2::int, $3::int, $5::int, $6::date, $7::date,
                       $8::text[], $9::boolean) s;
