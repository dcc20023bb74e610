-- tile_sites_mvt: the program sites of one XYZ tile as a Mapbox Vector
-- Tile (layer "sites", extent 4096, buffer 64).
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals (int; unused: MVT has its own 4096 grid, kept so
--    every tile query takes the same parameters)
-- $5 most features in one tile (int)
-- $6 from, $7 to (date or NULL), $8 categories (text[] or NULL),
-- $9 privileged (bool): as in tile_sites
-- Result: one row, column mvt (bytea).
--
-- The same features and properties as tile_sites (see there for the rules,
-- sensitive sites above all): kind "site" with id, name, category, program,
-- partner, capacity and sensitive (true, only with a token); without a
-- token, kind "sensitive_sites" with neighborhood, neighborhood_name and
-- sensitive_count at the neighborhood's point on surface. Absent (NULL)
-- properties are left out, as jsonb_strip_nulls leaves them out there.
WITH bounds AS (
    SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS tile,
           $4::int AS decimals
), base AS (
    SELECT s.id, s.name, s.sensitive, s.capacity, s.neighborhood_id, s.geom_3857,
           coalesce(s.category, p.category) AS category,
           p.name AS program, pa.name AS partner
    FROM sites s
    LEFT JOIN programs p ON p.id = s.program_id
    LEFT JOIN partners pa ON pa.id = p.partner_id
    WHERE ($8::text[] IS NULL OR coalesce(s.category, p.category) = ANY ($8::text[]))
      AND (p.start_date IS NULL OR $7::date IS NULL OR p.start_date <= $7::date)
      AND (p.end_date IS NULL OR $6::date IS NULL OR p.end_date >= $6::date)
), sites_in_tile AS (
    SELECT b.*
    FROM base b, bounds
    WHERE (NOT b.sensitive OR $9::bool)
      AND b.geom_3857 && bounds.tile
      AND ST_X(b.geom_3857) >= ST_XMin(bounds.tile) AND ST_X(b.geom_3857) < ST_XMax(bounds.tile)
      AND ST_Y(b.geom_3857) > ST_YMin(bounds.tile) AND ST_Y(b.geom_3857) <= ST_YMax(bounds.tile)
    ORDER BY b.id
    LIMIT $5::int
), counts AS (
    SELECT n.id, n.name, c.n, ST_PointOnSurface(n.geom_3857) AS geom_3857
    FROM (SELECT neighborhood_id, count(*) AS n
          FROM base
          WHERE sensitive AND NOT $9::bool
          GROUP BY neighborhood_id) c
    JOIN neighborhoods n ON n.id = c.neighborhood_id
), counts_in_tile AS (
    SELECT c.*
    FROM counts c, bounds
    WHERE ST_X(c.geom_3857) >= ST_XMin(bounds.tile) AND ST_X(c.geom_3857) < ST_XMax(bounds.tile)
      AND ST_Y(c.geom_3857) > ST_YMin(bounds.tile) AND ST_Y(c.geom_3857) <= ST_YMax(bounds.tile)
), features AS (
    SELECT 0 AS part, s.id::text AS sort_key, 'site' AS kind, s.id, s.name,
           s.category, s.program, s.partner, s.capacity,
           CASE WHEN s.sensitive THEN true END AS sensitive,
           NULL::text AS neighborhood, NULL::text AS neighborhood_name,
           NULL::bigint AS sensitive_count,
           ST_AsMVTGeom(s.geom_3857, bounds.tile, 4096, 64, true) AS geom
    FROM sites_in_tile s, bounds
    UNION ALL
    SELECT 1, c.id, 'sensitive_sites', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           c.id, c.name, c.n,
           ST_AsMVTGeom(c.geom_3857, bounds.tile, 4096, 64, true)
    FROM counts_in_tile c, bounds
)
SELECT ST_AsMVT(f, 'sites', 4096, 'geom') AS mvt
FROM (SELECT kind, id, name, category, program, partner, capacity, sensitive,
             neighborhood, neighborhood_name, sensitive_count, geom
      FROM features
      WHERE geom IS NOT NULL
      ORDER BY part, length(sort_key), sort_key) f;
