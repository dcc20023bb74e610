-- The benchmark's tile list: a fixed, deterministic sample of the tiles
-- over the loaded neighborhoods, zooms :zmin to :zmax, at most :per_zoom
-- tiles per zoom. Each tile is the one holding a point on a neighborhood's
-- surface; which neighborhoods is decided by md5(id, zoom), so the same data
-- gives the same list on every machine.
--
-- psql variables: zmin, zmax, per_zoom.
-- Output (tab-separated): z x y decimals west south east north
-- (decimals as tile_coordinate_decimals gives them; the tile's bounds in
-- degrees for the OGC API bbox).
WITH points AS (
    SELECT id, ST_PointOnSurface(geom) AS p FROM neighborhoods
), tiles AS (
    SELECT z,
           floor((ST_X(p) + 180) / 360 * 2 ^ z)::int AS x,
           floor((1 - ln(tan(radians(ST_Y(p))) + 1 / cos(radians(ST_Y(p)))) / pi())
                 / 2 * 2 ^ z)::int AS y,
           md5(id || ':' || z) AS k
    FROM points, generate_series(:zmin, :zmax) AS z
), distinct_tiles AS (
    SELECT DISTINCT ON (z, x, y) z, x, y, k FROM tiles ORDER BY z, x, y, k
), ranked AS (
    SELECT z, x, y, row_number() OVER (PARTITION BY z ORDER BY k) AS n
    FROM distinct_tiles
)
SELECT z, x, y,
       greatest(1, least(8, ceil(-log(36.0 / (256 * 2 ^ z)))))::int AS decimals,
       ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM ranked, ST_Transform(ST_TileEnvelope(z, x, y), 4326) AS e
WHERE n <= :per_zoom
ORDER BY z, x, y;
