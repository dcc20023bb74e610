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
-- Result: one row: geojson (text); kept (int): the single events selected
--    under the cap of $5; total (int): the single events the tile had
--    before it (total > kept when the cap left some out; clusters, below
--    zoom 14, are never capped: 0 and 0).
--
-- The features are parity_tile_events' (migration 0011, where the
-- clustering is), shared with tile_events_mvt. Each event lies in exactly
-- one tile of a zoom. Below zoom 14 a feature is a cell of 64 pixels:
-- {"kind": "cluster", "count": n, "categories": {"prevention": 3, ...}},
-- with id "z/cx/cy"; the counts of a tile's clusters add up to the events
-- of the tile that match the filters. From zoom 14 each event is a feature
-- {"kind": "event", id, title, category, starts_at, ends_at, attendance,
-- youth_attendance, program, partner (the event's, else its program's)}.
SELECT '{"type":"FeatureCollection","features":['
       || coalesce(string_agg(
              CASE WHEN e.kind = 'cluster' THEN
                  '{"type":"Feature","id":' || to_json($1::int || '/' || e.cx || '/' || e.cy)::text
                  || ',"geometry":' || ST_AsGeoJSON(e.geom_4326, $4::int)
                  || ',"properties":{"kind":"cluster","count":' || e.count
                  || ',"categories":' || e.categories::text || '}}'
              ELSE
                  '{"type":"Feature","id":' || e.id
                  || ',"geometry":' || ST_AsGeoJSON(e.geom_4326, $4::int)
                  || ',"properties":'
                  || jsonb_strip_nulls(jsonb_build_object(
                         'kind', 'event', 'id', e.id, 'title', e.title, 'category', e.category,
                         'starts_at', e.starts_at, 'ends_at', e.ends_at,
                         'attendance', e.attendance, 'youth_attendance', e.youth_attendance,
                         'program', e.program, 'partner', e.partner,
                         'source', e.source, 'external_id', e.external_id))::text
                  || '}'
              END, ',' ORDER BY e.k1, e.k2), '')
       || ']}' AS geojson,
       (count(*) FILTER (WHERE e.kind = 'event'))::int AS kept,
       coalesce(max(e.total), 0)::int AS total
FROM parity_tile_events($1::int, $2::int, $3::int, $5::int, $6::date, $7::date,
                        $8::text[], $9::boolean) e;
