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
-- Result: one row: mvt (bytea); kept, total (int) as in tile_events.
--
-- The same features and properties as tile_events: both read
-- parity_tile_events (migration 0011; see there for the clustering): kind
-- "cluster" with count and categories, kind "event" with id, title,
-- category, starts_at, ends_at, attendance, youth_attendance, program,
-- partner (and source, external_id with a token). MVT values are scalars,
-- so a cluster's categories object ({"prevention": 3, ...}) is carried as
-- its JSON text; times are ISO 8601 text as in the GeoJSON. Absent (NULL)
-- properties are left out; ST_AsMVT skips rows whose geometry is NULL.
WITH unused AS (SELECT $4::int AS decimals),
features AS MATERIALIZED (
    SELECT * FROM parity_tile_events($1::int, $2::int, $3::int, $5::int, $6::date,
                                     $7::date, $8::text[], $9::boolean)
)
SELECT (SELECT ST_AsMVT(f, 'events', 4096, 'geom')
        FROM (SELECT e.kind, e.count, e.categories::text AS categories, e.id,
                     e.title, e.category, to_jsonb(e.starts_at) #>> '{}' AS starts_at,
                     to_jsonb(e.ends_at) #>> '{}' AS ends_at, e.attendance,
                     e.youth_attendance, e.program, e.partner, e.source,
                     e.external_id,
                     ST_AsMVTGeom(e.geom, ST_TileEnvelope($1::int, $2::int, $3::int),
                                  4096, 64, true) AS geom
              FROM features e
              ORDER BY e.k1, e.k2) f) AS mvt,
       (SELECT count(*)::int FROM features e WHERE e.kind = 'event') AS kept,
       (SELECT coalesce(max(e.total), 0)::int FROM features e) AS total;
