-- tile_sites_mvt: the program sites of one XYZ tile as a Mapbox Vector
-- Tile (layer "sites", extent 4096, buffer 64).
--
-- $1 z (int), $2 x (int), $3 y (int)
-- $4 coordinate decimals (int; unused: MVT has its own 4096 grid, kept so
--    every tile query takes the same parameters)
-- $5 most features in one tile (int)
-- $6 from, $7 to (date or NULL), $8 categories (text[] or NULL),
-- $9 privileged (bool): as in tile_sites
-- Result: one row: mvt (bytea); kept, total (int) as in tile_sites.
--
-- The same features and properties as tile_sites: both read
-- parity_tile_sites (migration 0011; see there for the rules, sensitive
-- sites above all): kind "site" with id, name, category, program, partner,
-- capacity and sensitive (true, only with a token); without a token, kind
-- "sensitive_sites" with neighborhood, neighborhood_name and
-- sensitive_count at the neighborhood's point on surface. Absent (NULL)
-- properties are left out, as jsonb_strip_nulls leaves them out there;
-- ST_AsMVT skips rows whose geometry is NULL.
WITH unused AS (SELECT $4::int AS decimals),
features AS MATERIALIZED (
    SELECT * FROM parity_tile_sites($1::int, $2::int, $3::int, $5::int, $6::date,
                                    $7::date, $8::text[], $9::boolean)
)
SELECT (SELECT ST_AsMVT(f, 'sites', 4096, 'geom')
        FROM (SELECT s.kind, s.id, s.name, s.category, s.program, s.partner,
                     s.capacity, s.sensitive, s.neighborhood, s.neighborhood_name,
                     s.sensitive_count,
                     ST_AsMVTGeom(s.geom, ST_TileEnvelope($1::int, $2::int, $3::int),
                                  4096, 64, true) AS geom
              FROM features s
              ORDER BY s.part, length(s.sort_key), s.sort_key) f) AS mvt,
       (SELECT count(*)::int FROM features s WHERE s.kind = 'site') AS kept,
       (SELECT coalesce(max(s.total), 0)::int FROM features s) AS total;
