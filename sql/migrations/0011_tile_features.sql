-- 0011_tile_features: one function per tile layer selects its features;
-- the GeoJSON and MVT queries of the layer (sql/queries/tile_<layer>.sql and
-- tile_<layer>_mvt.sql) only write them out (ST_AsGeoJSON / ST_AsMVT), so
-- the two formats cannot drift apart.
--
-- Each function takes the tile (z, x, y), the most features it keeps, and
-- the request's filters (window_from, window_to, filter_categories: NULL for
-- any, privileged: the request carries a valid token), as the tile
-- queries do (include/parity/layers.h), and returns one row per feature
-- with its geometry in Web Mercator (EPSG:3857), its properties, and
-- `total`: how many features the tile had before the cap (the same on every
-- capped row; NULL on rows the cap does not apply to), so a tile can say
-- that it left features out.
--
-- They are LANGUAGE sql, STABLE, not STRICT, not SECURITY DEFINER, with one
-- SELECT each: PostgreSQL inlines them into the calling query, which plans
-- them with the tile's parameters as if written there (no function-call
-- boundary; measured in docs/benchmarks.md, "Before and after").

-- Neighborhoods: every neighborhood whose exact geometry intersects the
-- tile, except those smaller than one pixel of a 256-pixel tile both across
-- and down (invisible at this zoom); past max_features the largest are kept
-- (ties by id). geom is clipped to the tile plus 4/256 of it on each side
-- and simplified to half a pixel (NULL or empty when nothing is left of it).
-- properties / properties_json: id, name and the coverage metrics of the
-- request (parity_tile_metrics, migrations 0006 and 0010), looked up only
-- when the tile has features; stale: they are the previous state's, kept
-- while another session recomputes them (the tile must not be cached).
CREATE FUNCTION parity_tile_neighborhoods(z integer, x integer, y integer,
                                          max_features integer,
                                          window_from date, window_to date,
                                          filter_categories text[], privileged boolean)
RETURNS TABLE (id text, geom geometry, properties jsonb, properties_json text,
               total bigint, stale boolean)
LANGUAGE sql STABLE AS $$
    WITH bounds AS NOT MATERIALIZED (
        SELECT ST_TileEnvelope(z, x, y) AS tile,
               ST_TileEnvelope(z, x, y, margin => 4.0 / 256) AS clip,
               40075016.685578488 / (256 * 2 ^ z) AS pixel
    ), features AS MATERIALIZED (
        SELECT n.id, n.name,
               ST_Simplify(ST_ClipByBox2D(n.geom_3857, b.clip), b.pixel / 2, true) AS geom
        FROM neighborhoods n, bounds b
        WHERE n.geom_3857 && b.tile AND ST_Intersects(n.geom_3857, b.tile)
          AND greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                       ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857)) >= b.pixel
        ORDER BY greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                          ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857)) DESC, n.id
        LIMIT max_features
    ), metrics AS MATERIALIZED (
        SELECT m.id, m.properties, m.properties_json, m.stale
        FROM parity_tile_metrics(window_from, window_to, filter_categories, privileged,
                                 (SELECT array_agg(f.id) FROM features f)) m
        WHERE EXISTS (SELECT 1 FROM features)
    ), counted AS (
        -- The features before the cap: the kept ones when the cap was not
        -- reached; only when it was are the candidates counted again (a
        -- window count over them would cost every tile ~10 % at low zooms).
        SELECT CASE WHEN (SELECT count(*) FROM features) < max_features
                    THEN (SELECT count(*) FROM features)
                    ELSE (SELECT count(*)
                          FROM neighborhoods n, bounds b
                          WHERE n.geom_3857 && b.tile AND ST_Intersects(n.geom_3857, b.tile)
                            AND greatest(ST_XMax(n.geom_3857) - ST_XMin(n.geom_3857),
                                         ST_YMax(n.geom_3857) - ST_YMin(n.geom_3857))
                                >= b.pixel)
               END AS total
    )
    SELECT f.id, f.geom,
           coalesce(m.properties, jsonb_build_object('id', f.id, 'name', f.name)),
           coalesce(m.properties_json, json_build_object('id', f.id, 'name', f.name)::text),
           (SELECT c.total FROM counted c),
           coalesce(m.stale, false)
    FROM features f
    LEFT JOIN metrics m ON m.id = f.id
$$;

-- Program sites: each point in exactly one tile of a zoom (x in [west,
-- east), y in (south, north]); sites whose program runs at some time in the
-- window (sites without a program always match) and whose category (the
-- site's, else its program's) is one of filter_categories. Rows of
-- kind 'site' (public ones, and sensitive ones only when privileged; the
-- lowest ids first, at most max_features, total before that cap) carry id,
-- name, category, program, partner, capacity and sensitive (true, or NULL);
-- without privilege each neighborhood with matching sensitive sites gets
-- one row of kind 'sensitive_sites' at ST_PointOnSurface of its polygon
-- with neighborhood, neighborhood_name and sensitive_count (never capped,
-- total NULL). part and sort_key give the order: sites by id, then counts
-- by neighborhood id.
CREATE FUNCTION parity_tile_sites(z integer, x integer, y integer,
                                  max_features integer,
                                  window_from date, window_to date,
                                  filter_categories text[], privileged boolean)
RETURNS TABLE (part integer, sort_key text, kind text, id bigint, name text,
               category text, program text, partner text, capacity integer,
               sensitive boolean, neighborhood text, neighborhood_name text,
               sensitive_count bigint, geom geometry, total bigint)
LANGUAGE sql STABLE AS $$
    WITH bounds AS (
        SELECT ST_TileEnvelope(z, x, y) AS tile
    ), base AS (
        SELECT s.id, s.name, s.sensitive, s.capacity, s.neighborhood_id, s.geom_3857,
               coalesce(s.category, p.category) AS category,
               p.name AS program, pa.name AS partner
        FROM sites s
        LEFT JOIN programs p ON p.id = s.program_id
        LEFT JOIN partners pa ON pa.id = p.partner_id
        WHERE (filter_categories IS NULL
               OR coalesce(s.category, p.category) = ANY (filter_categories))
          AND (p.start_date IS NULL OR window_to IS NULL OR p.start_date <= window_to)
          AND (p.end_date IS NULL OR window_from IS NULL OR p.end_date >= window_from)
    ), sites_in_tile AS (
        SELECT b.*, count(*) OVER () AS total
        FROM base b, bounds
        WHERE (NOT b.sensitive OR privileged)
          AND b.geom_3857 && bounds.tile
          AND ST_X(b.geom_3857) >= ST_XMin(bounds.tile) AND ST_X(b.geom_3857) < ST_XMax(bounds.tile)
          AND ST_Y(b.geom_3857) > ST_YMin(bounds.tile) AND ST_Y(b.geom_3857) <= ST_YMax(bounds.tile)
        ORDER BY b.id
        LIMIT max_features
    ), counts AS (
        SELECT n.id, n.name, c.n, ST_PointOnSurface(n.geom_3857) AS geom_3857
        FROM (SELECT base.neighborhood_id, count(*) AS n
              FROM base
              WHERE base.sensitive AND NOT privileged
              GROUP BY base.neighborhood_id) c
        JOIN neighborhoods n ON n.id = c.neighborhood_id
    ), counts_in_tile AS (
        SELECT c.*
        FROM counts c, bounds
        WHERE ST_X(c.geom_3857) >= ST_XMin(bounds.tile) AND ST_X(c.geom_3857) < ST_XMax(bounds.tile)
          AND ST_Y(c.geom_3857) > ST_YMin(bounds.tile) AND ST_Y(c.geom_3857) <= ST_YMax(bounds.tile)
    )
    SELECT 0, s.id::text, 'site', s.id, s.name, s.category, s.program, s.partner,
           s.capacity, CASE WHEN s.sensitive THEN true END, NULL, NULL, NULL,
           s.geom_3857, s.total
    FROM sites_in_tile s
    UNION ALL
    SELECT 1, c.id, 'sensitive_sites', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           c.id, c.name, c.n, c.geom_3857, NULL
    FROM counts_in_tile c
$$;

-- Outreach events: each event in exactly one tile of a zoom (x in [west,
-- east), y in (south, north]), starting on from..to (days in UTC; NULL: open)
-- and of one of filter_categories.
-- Below zoom 14 the tile is cut into 4 x 4 cells of 64 pixels on a grid
-- anchored at the world's north-west corner (every cell lies in one tile);
-- the events of a cell make one row of kind 'cluster' at their mean
-- position, with count and categories ({"prevention": 3, ...}); cx, cy name
-- the cell; never capped (total NULL). From zoom 14 each event is a row of
-- kind 'event' with id, title, category, starts_at, ends_at, attendance,
-- youth_attendance, program, partner (the event's, else its program's), and
-- source and external_id when privileged; the lowest ids first, at most
-- max_features, total before that cap.
-- geom is in EPSG:3857; geom_4326 is the stored lon/lat point of an event
-- (the cluster's mean transformed for a cluster), for GeoJSON.
-- k1, k2 give the order: clusters by cell row then column, then events by id.
CREATE FUNCTION parity_tile_events(z integer, x integer, y integer,
                                   max_features integer,
                                   window_from date, window_to date,
                                   filter_categories text[], privileged boolean)
RETURNS TABLE (k1 bigint, k2 bigint, kind text, cx bigint, cy bigint,
               count bigint, categories json, id bigint, title text,
               category text, starts_at timestamptz, ends_at timestamptz,
               attendance integer, youth_attendance integer, program text,
               partner text, source text, external_id text, geom geometry,
               geom_4326 geometry, total bigint)
LANGUAGE sql STABLE AS $$
    WITH bounds AS (
        SELECT ST_TileEnvelope(z, x, y) AS tile,
               40075016.685578488 / 2 ^ z / 4 AS cell
    ), matching AS (
        SELECT e.*
        FROM events e, bounds b
        WHERE e.geom_3857 && b.tile
          AND ST_X(e.geom_3857) >= ST_XMin(b.tile) AND ST_X(e.geom_3857) < ST_XMax(b.tile)
          AND ST_Y(e.geom_3857) > ST_YMin(b.tile) AND ST_Y(e.geom_3857) <= ST_YMax(b.tile)
          AND (window_from IS NULL OR e.starts_at >= window_from::timestamp AT TIME ZONE 'UTC')
          AND (window_to IS NULL OR e.starts_at < (window_to + 1)::timestamp AT TIME ZONE 'UTC')
          AND (filter_categories IS NULL OR e.category = ANY (filter_categories))
    ), per_category AS (
        SELECT floor((ST_X(m.geom_3857) + 20037508.342789244) / b.cell)::bigint AS cx,
               floor((20037508.342789244 - ST_Y(m.geom_3857)) / b.cell)::bigint AS cy,
               m.category, count(*) AS n,
               sum(ST_X(m.geom_3857)) AS sum_x, sum(ST_Y(m.geom_3857)) AS sum_y
        FROM matching m, bounds b
        WHERE z < 14
        GROUP BY 1, 2, 3
    ), clusters AS (
        SELECT pc.cx, pc.cy, sum(pc.n)::bigint AS n,
               json_object_agg(pc.category, pc.n ORDER BY pc.category) AS categories,
               ST_SetSRID(ST_MakePoint(sum(pc.sum_x) / sum(pc.n), sum(pc.sum_y) / sum(pc.n)),
                          3857) AS geom_3857
        FROM per_category pc
        GROUP BY pc.cx, pc.cy
    ), singles AS (
        SELECT m.id, m.title, m.category, m.starts_at, m.ends_at, m.attendance,
               m.youth_attendance, m.source, m.external_id, m.geom, m.geom_3857,
               p.name AS program, coalesce(pa.name, ppa.name) AS partner,
               count(*) OVER () AS total
        FROM matching m
        LEFT JOIN programs p ON p.id = m.program_id
        LEFT JOIN partners pa ON pa.id = m.partner_id
        LEFT JOIN partners ppa ON ppa.id = p.partner_id
        WHERE z >= 14
        ORDER BY m.id
        LIMIT max_features
    )
    SELECT c.cy, c.cx, 'cluster', c.cx, c.cy, c.n, c.categories, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.geom_3857,
           ST_Transform(c.geom_3857, 4326), NULL
    FROM clusters c
    UNION ALL
    SELECT 0, s.id, 'event', NULL, NULL, NULL, NULL, s.id, s.title, s.category,
           s.starts_at, s.ends_at, s.attendance, s.youth_attendance, s.program,
           s.partner, CASE WHEN privileged THEN s.source END,
           CASE WHEN privileged THEN s.external_id END, s.geom_3857, s.geom,
           s.total
    FROM singles s
$$;
