-- tile_neighborhoods_mvt: the neighborhoods of one XYZ tile as a Mapbox
-- Vector Tile (layer "neighborhoods", extent 4096, buffer 64 = 4/256), each
-- with its coverage metrics for the window and categories.
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals (int; unused: MVT has its own 4096 grid, kept so
--    every tile query takes the same parameters)
-- $5 most features in one tile (int)
-- $6 from (date or NULL), $7 to (date or NULL), $8 categories (text[] or
--    NULL: all), $9 privileged (bool: small incident counts are shown)
-- Result: one row: mvt (bytea); kept, total (int) and stale (bool) as in
-- tile_neighborhoods.
--
-- The same features and properties as tile_neighborhoods: both read
-- parity_tile_neighborhoods (migration 0011); here ST_AsMVTGeom snaps each
-- geometry to the tile's grid, and ST_AsMVT spreads the kept jsonb
-- properties into one MVT property per key. ST_AsMVT skips rows whose
-- geometry is NULL (nothing left on the grid); filtering them in SQL would
-- make the planner compute ST_AsMVTGeom twice (measured: +30 % at z4).
WITH unused AS (SELECT $4::int AS decimals),
features AS MATERIALIZED (
    SELECT n.id, ST_AsMVTGeom(n.geom, ST_TileEnvelope($1::int, $2::int, $3::int),
                              4096, 64, true) AS geom,
           n.properties, n.total, n.stale
    FROM parity_tile_neighborhoods($1::int, $2::int, $3::int, $5::int, $6::date,
                                   $7::date, $8::text[], $9::boolean) n
)
SELECT (SELECT ST_AsMVT(t, 'neighborhoods', 4096, 'geom')
        FROM (SELECT f.geom, f.properties FROM features f ORDER BY f.id) t) AS mvt,
       (SELECT count(*)::int FROM features) AS kept,
       (SELECT coalesce(max(f.total), 0)::int FROM features f) AS total,
       (SELECT coalesce(bool_or(f.stale), false) FROM features f) AS stale;
