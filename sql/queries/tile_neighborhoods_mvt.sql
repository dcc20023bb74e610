-- tile_neighborhoods_mvt: the neighborhoods of one XYZ tile as a Mapbox
-- Vector Tile (layer "neighborhoods", extent 4096, buffer 64 = 4/256).
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals (int; unused: MVT has its own 4096 grid, kept so
--    every tile query takes the same parameters)
-- $5 most features in one tile (int)
-- Result: one row, column mvt (bytea).
--
-- The same features and properties as tile_neighborhoods (see there): the
-- same selection, cap and simplification, then ST_AsMVTGeom snaps them to
-- the tile's grid. Properties: id, name, population (absent when unknown).
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           ST_TileEnvelope($1::int, $2::int, $3::int, margin => 4.0 / 256) AS clip,
           40075016.685578488 / (256 * 2 ^ $1::int) AS pixel,
           $4::int AS decimals
), features AS (
    SELECT n.id, n.name, n.population,
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
)
SELECT ST_AsMVT(f, 'neighborhoods', 4096, 'geom') AS mvt
FROM (SELECT * FROM features WHERE geom IS NOT NULL ORDER BY id) f;
