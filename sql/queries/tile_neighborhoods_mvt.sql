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
-- Result: one row, column mvt (bytea).
--
-- The same features and properties as tile_neighborhoods (see there): the
-- same selection, cap and simplification, then ST_AsMVTGeom snaps them to
-- the tile's grid. The properties are the same kept jsonb object
-- (parity_tile_metrics, migration 0010), which ST_AsMVT spreads into one MVT
-- property per key (NULLs left out).
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           ST_TileEnvelope($1::int, $2::int, $3::int, margin => 4.0 / 256) AS clip,
           40075016.685578488 / (256 * 2 ^ $1::int) AS pixel,
           $4::int AS decimals
), features AS MATERIALIZED (
    SELECT n.id, n.name,
           ST_AsMVTGeom(ST_Simplify(ST_ClipByBox2D(n.geom_3857, b.clip),
                                    b.pixel / 2, true),
                        b.tile, 4096, 64, true) AS geom
    FROM neighborhoods n, bounds b
    WHERE n.geom_3857 && b.tile AND ST_Intersects(n.geom_3857, b.tile)
      AND greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                   ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857)) >= b.pixel
    ORDER BY greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                      ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857)) DESC, n.id
    LIMIT $5::int
), metrics AS MATERIALIZED (
    SELECT m.id, m.properties
    FROM parity_tile_metrics($6::date, $7::date, $8::text[], $9::boolean,
                             (SELECT array_agg(id) FROM features)) m
    WHERE EXISTS (SELECT 1 FROM features)
)
SELECT ST_AsMVT(t, 'neighborhoods', 4096, 'geom') AS mvt
FROM (SELECT f.geom,
             coalesce(m.properties, jsonb_build_object('id', f.id, 'name', f.name))
                 AS properties
      FROM features f
      LEFT JOIN metrics m ON m.id = f.id
      WHERE f.geom IS NOT NULL
      ORDER BY f.id) t;
