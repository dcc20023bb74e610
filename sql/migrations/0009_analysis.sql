-- 0009_analysis: coverage analytics, the settings that steer them, and the
-- statistics they are made of. docs/metrics.md defines every metric.
--
-- The statistics are SQL functions so that every consumer runs one code
-- path: /api/coverage, /api/neighborhoods/{id}, the neighborhood tiles and
-- `parity report coverage` all read parity_coverage(); the tests feed the
-- published vectors to the very functions it calls (parity_e2sfca,
-- parity_gi_star, parity_eb_rates). PostGIS does the geometry in a local
-- metric CRS (the UTM zone of the city's centre), so distances and areas are
-- in metres. Every sum runs in a fixed order (by id), so an answer is the
-- same to the last bit whatever plan the database picks.

-- ---- settings ---------------------------------------------------------------

-- One row per setting; the set of keys is fixed here. Change a value with
-- `parity settings set KEY VALUE` (or an UPDATE: the trigger validates it the
-- same way). Every change bumps data version 'analysis', so caches drop.
CREATE TABLE analysis_settings (
    key           text PRIMARY KEY,
    value         text NOT NULL,
    default_value text NOT NULL,
    description   text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The value of a setting (NULL for an unknown key).
CREATE FUNCTION parity_setting(setting text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT value FROM analysis_settings WHERE key = setting
$$;

-- Distance zones "UPPER:WEIGHT,..." (metres, inclusive upper bounds,
-- ascending; weights 0..1) as rows. Raises on bad syntax.
CREATE FUNCTION parity_zones(spec text)
RETURNS TABLE (upper double precision, weight double precision)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    item text;
    parts text[];
    previous double precision := 0;
BEGIN
    FOREACH item IN ARRAY string_to_array(replace(spec, ' ', ''), ',') LOOP
        parts := regexp_match(item, '^([0-9]+(\.[0-9]+)?):([0-9]+(\.[0-9]+)?)$');
        IF parts IS NULL THEN
            RAISE EXCEPTION 'access_zones: "%" is not UPPER:WEIGHT (e.g. 400:1,800:0.68,1600:0.22)', item;
        END IF;
        upper := parts[1]::double precision;
        weight := parts[3]::double precision;
        IF upper <= previous OR upper > 100000 THEN
            RAISE EXCEPTION 'access_zones: upper bounds must rise, each above the last and at most 100000 m (at "%")', item;
        END IF;
        IF weight > 1 THEN
            RAISE EXCEPTION 'access_zones: weights are 0..1 (at "%")', item;
        END IF;
        previous := upper;
        RETURN NEXT;
    END LOOP;
    IF previous = 0 THEN
        RAISE EXCEPTION 'access_zones: give at least one zone, e.g. 400:1,800:0.68,1600:0.22';
    END IF;
END
$$;

-- Need measures "[-]NAME[/NAME],..." as rows: NAME is incident_rate or an
-- indicator; "/NAME" divides by another indicator (a rate from two counts);
-- a leading "-" reverses the direction (higher value = less need, e.g.
-- -median_income). Raises on bad syntax.
CREATE FUNCTION parity_need_measures(spec text)
RETURNS TABLE (ord integer, measure text, reversed boolean, numerator text,
               denominator text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    item text;
    parts text[];
BEGIN
    ord := 0;
    FOREACH item IN ARRAY string_to_array(replace(spec, ' ', ''), ',') LOOP
        parts := regexp_match(item, '^(-?)([a-z][a-z0-9_]*)(/([a-z][a-z0-9_]*))?$');
        IF parts IS NULL THEN
            RAISE EXCEPTION 'need_measures: "%" is not [-]NAME[/NAME] (e.g. incident_rate,households_poverty/households,-median_income)', item;
        END IF;
        ord := ord + 1;
        measure := item;
        reversed := parts[1] = '-';
        numerator := parts[2];
        denominator := parts[4];
        RETURN NEXT;
    END LOOP;
    IF ord = 0 THEN
        RAISE EXCEPTION 'need_measures: name at least one measure, e.g. incident_rate';
    END IF;
END
$$;

-- What is wrong with value for key, or NULL when it is fine.
CREATE FUNCTION parity_setting_problem(setting text, value text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    number double precision;
    missing text;
BEGIN
    CASE setting
    WHEN 'time_zone' THEN
        BEGIN
            PERFORM now() AT TIME ZONE value;
        EXCEPTION WHEN others THEN
            RETURN format('time_zone: "%s" is not a time zone; use a name such as America/Chicago or UTC', value);
        END;
    WHEN 'walk_radius_m' THEN
        number := CASE WHEN value ~ '^[0-9]+(\.[0-9]+)?$' THEN value::double precision END;
        IF number IS NULL OR number <= 0 OR number > 20000 THEN
            RETURN 'walk_radius_m: metres, more than 0 and at most 20000 (e.g. 800)';
        END IF;
    WHEN 'access_zones' THEN
        BEGIN
            PERFORM count(*) FROM parity_zones(value);
        EXCEPTION WHEN others THEN
            RETURN SQLERRM;
        END;
    WHEN 'access_supply' THEN
        IF value NOT IN ('capacity', 'events') THEN
            RETURN 'access_supply: capacity (each site''s capacity, 1 when unknown) or events (each event in the window)';
        END IF;
    WHEN 'need_measures' THEN
        BEGIN
            SELECT string_agg(n, ', ') INTO missing
            FROM (SELECT numerator AS n FROM parity_need_measures(value)
                  UNION SELECT denominator FROM parity_need_measures(value)) m
            WHERE n IS NOT NULL AND n <> 'incident_rate'
              AND NOT EXISTS (SELECT 1 FROM indicator_columns c WHERE c.name = m.n);
        EXCEPTION WHEN others THEN
            RETURN SQLERRM;
        END;
        IF missing IS NOT NULL THEN
            RETURN format('need_measures: no indicator named %s; import it first (parity import indicators) or use one of: %s',
                          missing, coalesce((SELECT string_agg(name, ', ' ORDER BY name)
                                             FROM indicator_columns), '(no indicators imported)')
                                   || ', incident_rate');
        END IF;
    WHEN 'supply_measure' THEN
        IF value NOT IN ('events_per_1k', 'access') THEN
            RETURN 'supply_measure: events_per_1k or access';
        END IF;
    WHEN 'underserved_gap' THEN
        number := CASE WHEN value ~ '^-?[0-9]+(\.[0-9]+)?$' THEN value::double precision END;
        IF number IS NULL OR abs(number) > 10 THEN
            RETURN 'underserved_gap: a number of standard deviations from -10 to 10 (e.g. 1.0)';
        END IF;
    WHEN 'underserved_need_quantile' THEN
        number := CASE WHEN value ~ '^[0-9]+(\.[0-9]+)?$' THEN value::double precision END;
        IF number IS NULL OR number > 1 THEN
            RETURN 'underserved_need_quantile: 0..1 (0.5 = need above the median; 0 = any need)';
        END IF;
    WHEN 'suppress_below' THEN
        IF value !~ '^[0-9]{1,6}$' THEN
            RETURN 'suppress_below: a whole number of incidents (0 turns suppression off)';
        END IF;
    WHEN 'incident_kinds' THEN
        IF value !~ '^([a-z0-9][a-z0-9 _/-]*(,[a-z0-9][a-z0-9 _/-]*)*)?$' THEN
            RETURN 'incident_kinds: comma-separated kinds in lower case, or empty for every kind';
        END IF;
    ELSE
        RETURN format('no analysis setting named "%s"', setting);
    END CASE;
    RETURN NULL;
END
$$;

CREATE FUNCTION parity_settings_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    problem text := parity_setting_problem(NEW.key, NEW.value);
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.key <> OLD.key THEN
        RAISE EXCEPTION 'analysis settings keep their keys';
    END IF;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%', problem;
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

INSERT INTO analysis_settings (key, value, default_value, description)
SELECT key, value, value, description FROM (VALUES
    ('time_zone', 'UTC',
     'time zone of the city: from/to dates and days since the last event are local dates there'),
    ('walk_radius_m', '800',
     'walk coverage: share of a neighborhood within this many metres of a site (800 m, about a ten-minute walk)'),
    ('access_zones', '400:1,800:0.68,1600:0.22',
     'E2SFCA distance zones UPPER:WEIGHT in metres (inclusive upper bounds); no weight beyond the last'),
    ('access_supply', 'capacity',
     'E2SFCA supply: capacity (each active site, its capacity or 1 when unknown) or events (each event of the window, 1 each, at its place)'),
    ('need_measures', 'incident_rate',
     'need = mean of the z-scores of these measures: incident_rate (per 1,000 residents, empirical Bayes) and/or indicators, [-]NAME[/NAME]'),
    ('supply_measure', 'events_per_1k',
     'supply = z-score of events_per_1k or of access'),
    ('underserved_gap', '1.0',
     'underserved: gap (need - supply, in standard deviations) at least this ...'),
    ('underserved_need_quantile', '0.5',
     '... and need above this quantile of the city''s need (0.5 = the median)'),
    ('suppress_below', '10',
     'public answers hide incident counts below this (0: never); a token sees them'),
    ('incident_kinds', '',
     'incident kinds counted as need, comma-separated; empty = every kind')
) AS s (key, value, description);

CREATE TRIGGER analysis_settings_check
    BEFORE INSERT OR UPDATE ON analysis_settings
    FOR EACH ROW EXECUTE FUNCTION parity_settings_check();
CREATE FUNCTION parity_settings_no_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'analysis settings cannot be deleted; reset one to its default instead (parity settings reset KEY)';
END
$$;
CREATE TRIGGER analysis_settings_no_delete
    BEFORE DELETE OR TRUNCATE ON analysis_settings
    FOR EACH STATEMENT EXECUTE FUNCTION parity_settings_no_delete();

INSERT INTO data_versions (layer) VALUES ('analysis');
CREATE TRIGGER analysis_settings_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON analysis_settings
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('analysis');

-- ---- contiguity -------------------------------------------------------------

-- Queen contiguity of the neighborhoods: each pair (a < b) whose polygons
-- share at least one point. Kept by the database whenever the boundaries
-- change (a boundary import is rare; the pairs of a country's 3,000
-- counties take most of a second to find, too long for every answer).
CREATE TABLE neighborhood_links (
    a text NOT NULL,
    b text NOT NULL CHECK (a < b),
    PRIMARY KEY (a, b)
);

CREATE FUNCTION parity_link_neighborhoods() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM neighborhood_links;
    INSERT INTO neighborhood_links (a, b)
    SELECT n.id, m.id
    FROM neighborhoods n JOIN neighborhoods m
      ON n.id < m.id AND ST_Intersects(n.geom, m.geom);
    RETURN NULL;
END
$$;
CREATE TRIGGER neighborhoods_link
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON neighborhoods
    FOR EACH STATEMENT EXECUTE FUNCTION parity_link_neighborhoods();
INSERT INTO neighborhood_links (a, b)
SELECT n.id, m.id
FROM neighborhoods n JOIN neighborhoods m ON n.id < m.id AND ST_Intersects(n.geom, m.geom);

-- ---- statistics (pure functions of their arguments) ------------------------

-- E2SFCA (Luo & Qi 2009): the weight of a distance in the zones, 0 beyond
-- the last upper bound. Bounds are inclusive: d <= upper.
CREATE FUNCTION parity_zone_weight(distance double precision,
                                   zone_upper double precision[],
                                   zone_weight double precision[])
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT z.w FROM unnest(zone_upper, zone_weight) AS z (u, w)
                     WHERE distance <= z.u ORDER BY z.u LIMIT 1), 0)
$$;

-- One demand-supply pair: demand point (id, population P), supply point
-- (id, size S) and the distance between them. One pair per (demand, supply).
CREATE TYPE parity_fca_pair AS (
    demand      text,
    population  double precision,
    supply      text,
    supply_size double precision,
    distance    double precision
);

-- Enhanced two-step floating catchment:
--   R_j = S_j / sum_k P_k W(d_kj)      (supply per person reached)
--   A_i = sum_j R_j W(d_ij)            (supply reachable per person)
-- over the pairs given (pairs beyond the zones weigh 0). Returns A_i for every
-- demand point that reaches some supply; a demand point that reaches none has
-- no row (its access is 0). Binary 2SFCA is one zone of weight 1.
-- Invariant: sum_i P_i A_i = sum of S_j over supplies that reach any demand.
CREATE FUNCTION parity_e2sfca(pairs parity_fca_pair[],
                              zone_upper double precision[],
                              zone_weight double precision[])
RETURNS TABLE (demand text, access double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH reach AS (
        SELECT p.demand, p.population, p.supply, p.supply_size,
               parity_zone_weight(p.distance, zone_upper, zone_weight) AS w
        FROM unnest(pairs) AS p
    ), ratio AS (
        SELECT r.supply, max(r.supply_size) / sum(r.population * r.w ORDER BY r.demand) AS r
        FROM reach r
        WHERE r.w > 0
        GROUP BY r.supply
        HAVING sum(r.population * r.w ORDER BY r.demand) > 0
    )
    SELECT reach.demand, sum(ratio.r * reach.w ORDER BY reach.supply)
    FROM reach JOIN ratio ON ratio.supply = reach.supply
    WHERE reach.w > 0
    GROUP BY reach.demand
$$;

CREATE TYPE parity_value AS (id text, value double precision);
CREATE TYPE parity_link AS (a text, b text);

-- Getis-Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) as a z-score, with
-- binary weights: w_ij = 1 when i and j are linked (links are unordered;
-- duplicates do not count twice) and w_ii = 1 (self included):
--   Gi* = (sum_j w_ij x_j - xbar W_i)
--         / (S sqrt((n sum_j w_ij^2 - W_i^2) / (n - 1)))
-- with W_i = sum_j w_ij, xbar the mean and S the population standard
-- deviation of the n non-NULL values. NULL values and links to them drop out.
-- z is NULL when S = 0 or when i is linked to every value.
CREATE FUNCTION parity_gi_star(vals parity_value[], links parity_link[])
RETURNS TABLE (id text, z double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH x AS (
        SELECT v.id, v.value FROM unnest(vals) AS v WHERE v.value IS NOT NULL
    ), g AS (
        SELECT count(*)::double precision AS n, avg(x.value ORDER BY x.id) AS mean,
               sqrt(var_pop(x.value ORDER BY x.id)) AS s
        FROM x
    ), w AS (
        SELECT l.a AS i, l.b AS j FROM unnest(links) AS l
        UNION SELECT l.b, l.a FROM unnest(links) AS l
        UNION SELECT x.id, x.id FROM x
    ), sums AS (
        SELECT w.i, count(*)::double precision AS wsum, sum(xj.value ORDER BY xj.id) AS wx
        FROM w JOIN x xi ON xi.id = w.i JOIN x xj ON xj.id = w.j
        GROUP BY w.i
    )
    SELECT sums.i,
           CASE WHEN g.s > 0 AND g.n > 1 AND g.n * sums.wsum - sums.wsum ^ 2 > 0
                THEN (sums.wx - g.mean * sums.wsum)
                     / (g.s * sqrt((g.n * sums.wsum - sums.wsum ^ 2) / (g.n - 1)))
           END
    FROM sums CROSS JOIN g
$$;

CREATE TYPE parity_rate_input AS (
    id         text,
    events     double precision,
    population double precision
);

-- Global empirical Bayes rates (Marshall 1991, moment estimator), per
-- person. Over the areas with population n_i > 0 and count x_i:
--   r_i = x_i / n_i, b = sum x / sum n, nbar = sum n / N,
--   s2 = sum n_i (r_i - b)^2 / sum n,  a = max(s2 - b / nbar, 0),
--   rate_i = b + a / (a + b / n_i) * (r_i - b).
-- Small areas are pulled toward the city rate b, large ones keep theirs.
CREATE FUNCTION parity_eb_rates(input parity_rate_input[])
RETURNS TABLE (id text, rate double precision, raw_rate double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH r AS (
        SELECT i.id, i.events AS x, i.population AS n, i.events / i.population AS raw
        FROM unnest(input) AS i
        WHERE i.population > 0 AND i.events IS NOT NULL
    ), b AS (
        SELECT sum(r.x ORDER BY r.id) / sum(r.n ORDER BY r.id) AS b,
               sum(r.n ORDER BY r.id) / count(*) AS nbar, sum(r.n ORDER BY r.id) AS total
        FROM r
    ), a AS (
        SELECT greatest(sum(r.n * (r.raw - b.b) ^ 2 ORDER BY r.id) / max(b.total)
                        - max(b.b) / max(b.nbar), 0) AS a
        FROM r CROSS JOIN b
    )
    SELECT r.id,
           CASE WHEN a.a + b.b / r.n > 0 THEN b.b + a.a / (a.a + b.b / r.n) * (r.raw - b.b)
                ELSE b.b END,
           r.raw
    FROM r CROSS JOIN b CROSS JOIN a
$$;

-- ---- the city's data in a window ------------------------------------------

-- The metric CRS of the analysis: the UTM zone of the centre of the
-- neighborhoods' extent (scale error below 0.1 % across a city).
CREATE FUNCTION parity_local_srid() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN c IS NULL THEN 3857
                ELSE (CASE WHEN ST_Y(c) >= 0 THEN 32600 ELSE 32700 END)
                     + least(60, greatest(1, floor((ST_X(c) + 180) / 6)::integer + 1))
           END
    FROM (SELECT ST_Centroid(ST_Extent(geom)::geometry) AS c FROM neighborhoods) e
$$;

-- The instant a local date starts in the analysis time zone (NULL for NULL).
CREATE FUNCTION parity_local_start(day date) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT day::timestamp AT TIME ZONE parity_setting('time_zone')
$$;

-- Events of the window (from/to are inclusive local dates, NULL = open) and
-- categories (NULL = every category).
CREATE FUNCTION parity_window_events(window_from date, window_to date,
                                     categories text[])
RETURNS SETOF events
LANGUAGE sql STABLE AS $$
    SELECT e.* FROM events e
    WHERE (categories IS NULL OR e.category = ANY (categories))
      AND (window_from IS NULL OR e.starts_at >= (SELECT parity_local_start(window_from)))
      AND (window_to IS NULL OR e.starts_at < (SELECT parity_local_start(window_to + 1)))
$$;

-- Sites of the categories (the site's own, else its program's) whose program
-- runs during some of the window (a site without a program always counts).
CREATE FUNCTION parity_window_sites(window_from date, window_to date,
                                    categories text[])
RETURNS TABLE (id bigint, program_id bigint, category text, name text,
               address text, capacity integer, sensitive boolean,
               geom geometry, neighborhood_id text)
LANGUAGE sql STABLE AS $$
    SELECT s.id, s.program_id, coalesce(s.category, p.category), s.name,
           s.address, s.capacity, s.sensitive, s.geom, s.neighborhood_id
    FROM sites s LEFT JOIN programs p ON p.id = s.program_id
    WHERE (categories IS NULL OR coalesce(s.category, p.category) = ANY (categories))
      AND (window_to IS NULL OR p.start_date IS NULL OR p.start_date <= window_to)
      AND (window_from IS NULL OR p.end_date IS NULL OR p.end_date >= window_from)
$$;

-- Incidents of the window and of the kinds counted (setting incident_kinds).
CREATE FUNCTION parity_window_incidents(window_from date, window_to date)
RETURNS SETOF incidents
LANGUAGE sql STABLE AS $$
    SELECT i.* FROM incidents i
    CROSS JOIN (SELECT nullif(ARRAY(SELECT trim(k) FROM unnest(string_to_array(
                                        parity_setting('incident_kinds'), ',')) AS k
                                    WHERE trim(k) <> ''), '{}') AS kinds) s
    WHERE (window_from IS NULL OR i.occurred_on >= window_from)
      AND (window_to IS NULL OR i.occurred_on <= window_to)
      AND (s.kinds IS NULL OR i.kind = ANY (s.kinds))
$$;

-- ---- the coverage table -----------------------------------------------------

-- One row per neighborhood with every metric for the window and categories
-- (docs/metrics.md). privileged = false suppresses small incident counts:
-- incidents, incident_rate_raw and incident_rate are NULL and suppressed is
-- true for a neighborhood with fewer than suppress_below incidents (and, when
-- only one would be, also for the next smallest, so the city total cannot
-- give it away). Every other metric is computed from the true counts.
CREATE FUNCTION parity_coverage(window_from date, window_to date,
                                categories text[], privileged boolean)
RETURNS TABLE (
    id text, name text, population double precision,
    youth_population double precision, area_km2 double precision,
    events bigint, attendance bigint, youth_attendance bigint, sites bigint,
    programs bigint, last_event date, days_since_last_event integer,
    events_per_1k double precision, events_per_1k_youth double precision,
    walk_coverage double precision, access double precision,
    incidents bigint, incident_rate_raw double precision,
    incident_rate double precision, suppressed boolean,
    need double precision, supply double precision, gap double precision,
    need_share double precision, event_share double precision,
    parity_ratio double precision, underserved boolean,
    gi_z double precision, gi_bin integer, indicators jsonb)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    v_tz text := parity_setting('time_zone');
    v_srid integer := parity_local_srid();
    v_radius double precision := parity_setting('walk_radius_m')::double precision;
    v_supply_mode text := parity_setting('access_supply');
    v_supply_measure text := parity_setting('supply_measure');
    v_gap double precision := parity_setting('underserved_gap')::double precision;
    v_quantile double precision := parity_setting('underserved_need_quantile')::double precision;
    v_suppress bigint := parity_setting('suppress_below')::bigint;
    v_reference date;
    v_upper double precision[];
    v_weight double precision[];
BEGIN
    -- Days since the last event count to the window's end (today when open).
    v_reference := coalesce(window_to, (now() AT TIME ZONE v_tz)::date);
    SELECT array_agg(z.upper ORDER BY z.upper), array_agg(z.weight ORDER BY z.upper)
      INTO v_upper, v_weight
      FROM parity_zones(parity_setting('access_zones')) z;
    RETURN QUERY
    WITH nb AS MATERIALIZED (
        SELECT n.id, n.name,
               coalesce(ip.value, n.population::double precision) AS population,
               iy.value AS youth_population,
               ST_Transform(n.geom, v_srid) AS g
        FROM neighborhoods n
        LEFT JOIN indicators ip ON ip.neighborhood_id = n.id AND ip.name = 'population'
        LEFT JOIN indicators iy ON iy.neighborhood_id = n.id AND iy.name = 'youth_population'
    ), ev AS MATERIALIZED (
        SELECT e.id, e.neighborhood_id, e.program_id, e.attendance,
               e.youth_attendance, e.geom
        FROM parity_window_events(window_from, window_to, categories) e
    ), st AS MATERIALIZED (
        SELECT s.id, s.neighborhood_id, s.program_id, s.capacity,
               ST_Transform(s.geom, v_srid) AS g
        FROM parity_window_sites(window_from, window_to, categories) s
    ), event_counts AS (
        SELECT ev.neighborhood_id AS nid, count(*) AS events,
               coalesce(sum(ev.attendance), 0) AS attendance,
               coalesce(sum(ev.youth_attendance), 0) AS youth_attendance
        FROM ev WHERE ev.neighborhood_id IS NOT NULL GROUP BY 1
    ), site_counts AS (
        SELECT st.neighborhood_id AS nid, count(*) AS sites
        FROM st WHERE st.neighborhood_id IS NOT NULL GROUP BY 1
    ), program_counts AS (
        SELECT x.neighborhood_id AS nid, count(DISTINCT x.program_id) AS programs
        FROM (SELECT ev.neighborhood_id, ev.program_id FROM ev
              UNION ALL SELECT st.neighborhood_id, st.program_id FROM st) x
        WHERE x.neighborhood_id IS NOT NULL AND x.program_id IS NOT NULL
        GROUP BY 1
    ), last_events AS (
        SELECT e.neighborhood_id AS nid,
               max((e.starts_at AT TIME ZONE v_tz)::date) AS last_day
        FROM parity_window_events(NULL, v_reference, categories) e
        WHERE e.neighborhood_id IS NOT NULL GROUP BY 1
    ), incident_counts AS (
        SELECT i.neighborhood_id AS nid, count(*) AS incidents
        FROM parity_window_incidents(window_from, window_to) i
        WHERE i.neighborhood_id IS NOT NULL GROUP BY 1
    ), walk AS (
        -- Share of the area within the radius of an active site: the union
        -- of the sites' buffers (128-gon circles) clipped to each area.
        SELECT nb.id AS nid,
               coalesce(ST_Area(ST_Intersection(nb.g, u.g)), 0)
               / nullif(ST_Area(nb.g), 0) AS walk_coverage
        FROM nb CROSS JOIN (SELECT ST_Union(ST_Buffer(st.g, v_radius, 'quad_segs=32')) AS g
                            FROM st) u
    ), supply_points AS MATERIALIZED (
        SELECT 'site ' || st.id AS sid, coalesce(st.capacity, 1)::double precision AS size,
               st.g
        FROM st WHERE v_supply_mode = 'capacity'
        UNION ALL
        SELECT 'event ' || ev.id, 1, ST_Transform(ev.geom, v_srid)
        FROM ev WHERE v_supply_mode = 'events'
    ), demand AS MATERIALIZED (
        SELECT nb.id, nb.population, ST_PointOnSurface(nb.g) AS p
        FROM nb WHERE nb.population > 0
    ), access_rows AS (
        SELECT f.demand AS nid, f.access
        FROM parity_e2sfca(
            ARRAY(SELECT ROW(d.id, d.population, s.sid, s.size,
                             ST_Distance(d.p, s.g))::parity_fca_pair
                  FROM demand d JOIN supply_points s
                    ON ST_DWithin(d.p, s.g, v_upper[array_upper(v_upper, 1)])
                  ORDER BY d.id, s.sid),
            v_upper, v_weight) f
    ), rates AS (
        SELECT r.id AS nid, r.rate, r.raw_rate
        FROM parity_eb_rates(ARRAY(
            SELECT ROW(nb.id, coalesce(ic.incidents, 0), nb.population)::parity_rate_input
            FROM nb LEFT JOIN incident_counts ic ON ic.nid = nb.id
            WHERE nb.population > 0 ORDER BY nb.id)) r
    ), base AS MATERIALIZED (
        SELECT nb.id, nb.name, nb.population, nb.youth_population,
               ST_Area(nb.g) / 1e6 AS area_km2,
               coalesce(ec.events, 0) AS events,
               coalesce(ec.attendance, 0)::bigint AS attendance,
               coalesce(ec.youth_attendance, 0)::bigint AS youth_attendance,
               coalesce(sc.sites, 0) AS sites,
               coalesce(pc.programs, 0) AS programs,
               le.last_day AS last_event,
               (v_reference - le.last_day)::integer AS days_since_last_event,
               CASE WHEN nb.population > 0
                    THEN coalesce(ec.events, 0) * 1000.0::double precision / nb.population END
                   AS events_per_1k,
               CASE WHEN nb.youth_population > 0
                    THEN coalesce(ec.events, 0) * 1000.0::double precision / nb.youth_population END
                   AS events_per_1k_youth,
               w.walk_coverage,
               CASE WHEN nb.population > 0 THEN coalesce(a.access, 0) * 1000 END AS access,
               coalesce(ic.incidents, 0) AS incidents,
               r.raw_rate * 1000 AS incident_rate_raw,
               r.rate * 1000 AS incident_rate
        FROM nb
        LEFT JOIN event_counts ec ON ec.nid = nb.id
        LEFT JOIN site_counts sc ON sc.nid = nb.id
        LEFT JOIN program_counts pc ON pc.nid = nb.id
        LEFT JOIN last_events le ON le.nid = nb.id
        LEFT JOIN incident_counts ic ON ic.nid = nb.id
        LEFT JOIN walk w ON w.nid = nb.id
        LEFT JOIN access_rows a ON a.nid = nb.id
        LEFT JOIN rates r ON r.nid = nb.id
    ), measure_values AS (
        -- Each need measure's value per neighborhood with residents.
        SELECT m.ord, b.id AS nid, m.reversed,
               CASE WHEN m.denominator IS NULL THEN num.v
                    ELSE num.v / nullif(den.v, 0) END AS v
        FROM parity_need_measures(parity_setting('need_measures')) m
        CROSS JOIN base b
        CROSS JOIN LATERAL (
            SELECT CASE WHEN m.numerator = 'incident_rate' THEN b.incident_rate
                        ELSE (SELECT i.value FROM indicators i
                              WHERE i.neighborhood_id = b.id AND i.name = m.numerator) END AS v) num
        CROSS JOIN LATERAL (
            SELECT CASE WHEN m.denominator IS NULL THEN NULL
                        WHEN m.denominator = 'incident_rate' THEN b.incident_rate
                        ELSE (SELECT i.value FROM indicators i
                              WHERE i.neighborhood_id = b.id AND i.name = m.denominator) END AS v) den
        WHERE b.population > 0
    ), measure_scores AS (
        -- z-score (population SD; 0 when a measure does not vary) and level
        -- (value over the city mean, the reciprocal for reversed measures;
        -- NULL for measures with negative values) of each measure.
        SELECT mv.nid, mv.ord,
               CASE WHEN mv.reversed THEN -1 ELSE 1 END
               * coalesce((mv.v - avg(mv.v) OVER w) / nullif(stddev_pop(mv.v) OVER w, 0), 0) AS z,
               CASE WHEN NOT mv.reversed AND min(mv.v) OVER w >= 0 AND avg(mv.v) OVER w > 0
                        THEN mv.v / avg(mv.v) OVER w
                    WHEN mv.reversed AND min(mv.v) OVER w > 0
                        THEN (1 / mv.v) / avg(1 / nullif(mv.v, 0)) OVER w
               END AS level
        FROM measure_values mv
        WHERE mv.v IS NOT NULL
        WINDOW w AS (PARTITION BY mv.ord ORDER BY mv.nid
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ), need_rows AS (
        SELECT ms.nid, avg(ms.z ORDER BY ms.ord) AS need,
               avg(ms.level ORDER BY ms.ord) AS need_level
        FROM measure_scores ms GROUP BY ms.nid
    ), supply_rows AS (
        SELECT sv.nid,
               coalesce((sv.v - avg(sv.v) OVER w) / nullif(stddev_pop(sv.v) OVER w, 0), 0)
                   AS supply
        FROM (SELECT b.id AS nid,
                     CASE WHEN v_supply_measure = 'access' THEN b.access
                          ELSE b.events_per_1k END AS v
              FROM base b WHERE b.population > 0) sv
        WHERE sv.v IS NOT NULL
        WINDOW w AS (ORDER BY sv.nid ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ), scored AS MATERIALIZED (
        SELECT b.*, nr.need, sr.supply, nr.need - sr.supply AS gap,
               CASE WHEN b.population > 0 AND nr.need_level IS NOT NULL
                    THEN b.population * nr.need_level
                         / nullif(sum(b.population * nr.need_level) OVER w, 0) END AS need_share,
               CASE WHEN b.population > 0
                    THEN b.events / nullif(sum(b.events) FILTER (WHERE b.population > 0) OVER w, 0)::double precision
               END AS event_share
        FROM base b
        LEFT JOIN need_rows nr ON nr.nid = b.id
        LEFT JOIN supply_rows sr ON sr.nid = b.id
        WINDOW w AS (ORDER BY b.id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ), need_cut AS (
        SELECT percentile_cont(v_quantile) WITHIN GROUP (ORDER BY s.need) AS cut
        FROM scored s WHERE s.need IS NOT NULL
    ), gi AS (
        -- Queen contiguity: neighborhoods that share a boundary point
        -- (neighborhood_links).
        SELECT g.id AS nid, g.z
        FROM parity_gi_star(
            ARRAY(SELECT ROW(s.id, s.gap)::parity_value FROM scored s WHERE s.gap IS NOT NULL
                  ORDER BY s.id),
            ARRAY(SELECT ROW(l.a, l.b)::parity_link FROM neighborhood_links l
                  ORDER BY l.a, l.b)) g
    ), ranked AS (
        SELECT b.id AS nid, b.incidents,
               count(*) FILTER (WHERE b.incidents < v_suppress) OVER () AS primary_count,
               row_number() OVER (ORDER BY b.incidents, b.id) AS position
        FROM base b
    ), hidden AS (
        SELECT r.nid,
               NOT privileged AND (r.incidents < v_suppress
                                   OR (r.primary_count = 1 AND r.position = 2)) AS hide
        FROM ranked r
    ), ind AS (
        SELECT i.neighborhood_id AS nid, jsonb_object_agg(i.name, i.value) AS indicators
        FROM indicators i GROUP BY 1
    )
    SELECT s.id, s.name, s.population, s.youth_population, s.area_km2,
           s.events, s.attendance, s.youth_attendance, s.sites, s.programs,
           s.last_event, s.days_since_last_event, s.events_per_1k,
           s.events_per_1k_youth, s.walk_coverage, s.access,
           CASE WHEN h.hide THEN NULL ELSE s.incidents END,
           CASE WHEN h.hide THEN NULL ELSE s.incident_rate_raw END,
           CASE WHEN h.hide THEN NULL ELSE s.incident_rate END,
           h.hide,
           s.need, s.supply, s.gap, s.need_share, s.event_share,
           s.event_share / nullif(s.need_share, 0),
           CASE WHEN s.gap IS NOT NULL AND s.need IS NOT NULL
                THEN s.gap >= v_gap AND s.need > c.cut END,
           gi.z,
           (sign(gi.z) * CASE WHEN abs(gi.z) > 2.576 THEN 3 WHEN abs(gi.z) > 1.96 THEN 2
                              WHEN abs(gi.z) > 1.645 THEN 1 ELSE 0 END)::integer,
           coalesce(ind.indicators, '{}'::jsonb)
    FROM scored s
    CROSS JOIN need_cut c
    LEFT JOIN gi ON gi.nid = s.id
    LEFT JOIN hidden h ON h.nid = s.id
    LEFT JOIN ind ON ind.nid = s.id
    ORDER BY s.id;
END
$$;
-- A plan this size would spend seconds in JIT compilation for 100 rows.
ALTER FUNCTION parity_coverage(date, date, text[], boolean) SET jit = off;

-- ---- answers ------------------------------------------------------------------

-- The significance bin of a Gi* z-score as words.
CREATE FUNCTION parity_gi_label(bin integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN bin IS NULL THEN NULL
                WHEN bin = 0 THEN 'not significant'
                ELSE (CASE WHEN bin > 0 THEN 'hot spot ' ELSE 'cold spot ' END)
                     || (ARRAY['90%', '95%', '99%'])[abs(bin)]
           END
$$;

-- The time of the data: when any of it (or an analysis setting) last
-- changed, ISO 8601 in UTC. API tokens are not data.
CREATE FUNCTION parity_as_of() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(max(changed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    FROM data_versions
    WHERE layer <> 'tokens'
$$;

-- The coverage document behind /api/coverage, its CSV and `parity report
-- coverage`: {as_of, window, settings, indicators, warnings, city,
-- neighborhoods: [row, ...]}. Each row has the keys of parity_coverage (the
-- id and name as "neighborhood": {id, name}), gi_label, and one key per
-- imported indicator (population and youth_population are the row's own).
CREATE FUNCTION parity_coverage_json(window_from date, window_to date,
                                     categories text[], privileged boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
    WITH r AS MATERIALIZED (
        SELECT * FROM parity_coverage(window_from, window_to, categories, privileged)
    ), ev AS MATERIALIZED (
        SELECT e.neighborhood_id, e.program_id
        FROM parity_window_events(window_from, window_to, categories) e
    ), programs_used AS (
        SELECT count(DISTINCT x.program_id) AS n
        FROM (SELECT ev.program_id FROM ev
              UNION ALL SELECT s.program_id
              FROM parity_window_sites(window_from, window_to, categories) s) x
    ), inc AS (
        SELECT count(*) AS n FROM parity_window_incidents(window_from, window_to) i
        WHERE i.neighborhood_id IS NOT NULL
    ), extra AS (
        -- Indicators other than the two the rows carry themselves.
        SELECT c.name FROM indicator_columns c
        WHERE c.name NOT IN ('population', 'youth_population')
    ), rows AS (
        SELECT r.id,
               json_build_object(
                   'neighborhood', json_build_object('id', r.id, 'name', r.name),
                   'population', r.population, 'youth_population', r.youth_population,
                   'area_km2', r.area_km2, 'events', r.events, 'attendance', r.attendance,
                   'youth_attendance', r.youth_attendance, 'sites', r.sites,
                   'programs', r.programs, 'last_event', r.last_event,
                   'days_since_last_event', r.days_since_last_event,
                   'events_per_1k', r.events_per_1k,
                   'events_per_1k_youth', r.events_per_1k_youth,
                   'walk_coverage', r.walk_coverage, 'access', r.access,
                   'incidents', r.incidents, 'incident_rate_raw', r.incident_rate_raw,
                   'incident_rate', r.incident_rate, 'suppressed', r.suppressed,
                   'need', r.need, 'supply', r.supply, 'gap', r.gap,
                   'need_share', r.need_share, 'event_share', r.event_share,
                   'parity_ratio', r.parity_ratio, 'underserved', r.underserved,
                   'gi_z', r.gi_z, 'gi_bin', r.gi_bin,
                   'gi_label', parity_gi_label(r.gi_bin)) AS fixed,
               (SELECT json_object_agg(extra.name, (r.indicators ->> extra.name)::double precision
                                       ORDER BY extra.name)
                FROM extra) AS flat
        FROM r
    ), measures AS (
        SELECT m.measure, m.numerator, m.denominator
        FROM parity_need_measures(parity_setting('need_measures')) m
    ), warnings AS (
        SELECT coalesce(json_agg(w.text ORDER BY w.ord), '[]'::json) AS list FROM (
            SELECT 1 AS ord, 'no neighborhoods yet: import boundaries first (parity import boundaries FILE)' AS text
            WHERE NOT EXISTS (SELECT 1 FROM r)
            UNION ALL
            SELECT 2, format('%s neighborhood(s) have no residents count (%s); their per-1,000 metrics, need, supply and gap are empty',
                             count(*), string_agg(r.id, ', ' ORDER BY r.id))
            FROM r WHERE coalesce(r.population, 0) <= 0 HAVING count(*) > 0
            UNION ALL
            SELECT 3, format('%s event(s) of the window lie in no neighborhood and are not counted', count(*))
            FROM ev WHERE ev.neighborhood_id IS NULL HAVING count(*) > 0
            UNION ALL
            SELECT 4, format('need measure %s has no values (is the indicator imported?); it is left out of need', m.measure)
            FROM measures m
            WHERE (m.numerator <> 'incident_rate'
                   AND NOT EXISTS (SELECT 1 FROM indicators i WHERE i.name = m.numerator))
               OR (m.denominator IS NOT NULL AND m.denominator <> 'incident_rate'
                   AND NOT EXISTS (SELECT 1 FROM indicators i WHERE i.name = m.denominator))
            UNION ALL
            SELECT 5, 'no incidents in the window: incident_rate is 0 everywhere and adds nothing to need'
            FROM inc WHERE inc.n = 0
              AND EXISTS (SELECT 1 FROM measures m WHERE 'incident_rate' IN (m.numerator, m.denominator))
        ) w
    ), city AS (
        SELECT json_build_object(
            'neighborhoods', count(*),
            'population', sum(r.population),
            'youth_population', sum(r.youth_population),
            'area_km2', sum(r.area_km2),
            'events', sum(r.events),
            'events_outside', (SELECT count(*) FROM ev WHERE ev.neighborhood_id IS NULL),
            'attendance', sum(r.attendance),
            'youth_attendance', sum(r.youth_attendance),
            'sites', sum(r.sites),
            'programs', (SELECT n FROM programs_used),
            'last_event', max(r.last_event),
            'days_since_last_event', min(r.days_since_last_event),
            'events_per_1k', sum(r.events) FILTER (WHERE r.population > 0) * 1000.0
                             / nullif(sum(r.population) FILTER (WHERE r.population > 0), 0),
            'events_per_1k_youth', sum(r.events) FILTER (WHERE r.youth_population > 0) * 1000.0
                                   / nullif(sum(r.youth_population) FILTER (WHERE r.youth_population > 0), 0),
            'walk_coverage', sum(r.walk_coverage * r.area_km2) / nullif(sum(r.area_km2), 0),
            'access', sum(r.access * r.population) / nullif(sum(r.population) FILTER (WHERE r.access IS NOT NULL), 0),
            'incidents', (SELECT n FROM inc),
            'incident_rate', (SELECT n FROM inc) * 1000.0
                             / nullif(sum(r.population) FILTER (WHERE r.population > 0), 0),
            'need_threshold', percentile_cont(parity_setting('underserved_need_quantile')::double precision)
                              WITHIN GROUP (ORDER BY r.need),
            'gap_threshold', parity_setting('underserved_gap')::double precision,
            'underserved', count(*) FILTER (WHERE r.underserved),
            'hot_spots', count(*) FILTER (WHERE r.gi_bin > 0),
            'cold_spots', count(*) FILTER (WHERE r.gi_bin < 0),
            'suppressed', count(*) FILTER (WHERE r.suppressed)) AS totals
        FROM r
    )
    SELECT json_build_object(
        'as_of', parity_as_of(),
        'window', json_build_object('from', window_from, 'to', window_to,
                                    'categories', categories,
                                    'time_zone', parity_setting('time_zone')),
        'settings', (SELECT json_object_agg(s.key, s.value ORDER BY s.key) FROM analysis_settings s),
        'indicators', (SELECT coalesce(json_agg(extra.name ORDER BY extra.name), '[]'::json) FROM extra),
        'warnings', (SELECT list FROM warnings),
        'city', (SELECT totals FROM city),
        'neighborhoods', coalesce((
            SELECT json_agg(CASE WHEN rows.flat IS NULL THEN rows.fixed
                                 ELSE (left(rows.fixed::text, -1) || ', '
                                       || substr(rows.flat::text, 2))::json END
                            ORDER BY rows.id)
            FROM rows), '[]'::json))
$$;

-- A neighborhood's profile: its row of the coverage document beside the
-- city's values and its rank (1 = highest of all neighborhoods) on the main
-- metrics, the mix of categories and the events per month of the window, its
-- sites (sensitive ones only for privileged callers; their number always) and
-- its ten most recent events. NULL when there is no such neighborhood.
-- coverage is the coverage document of the same window, categories and
-- privilege when the caller has it at hand (NULL: computed here).
CREATE FUNCTION parity_neighborhood_profile(nid text, window_from date,
                                            window_to date, categories text[],
                                            privileged boolean, coverage json)
RETURNS json
LANGUAGE sql STABLE AS $$
    WITH doc AS MATERIALIZED (
        SELECT coalesce(coverage, parity_coverage_json(window_from, window_to,
                                                       categories, privileged)) AS d
        WHERE EXISTS (SELECT 1 FROM neighborhoods n WHERE n.id = nid)
    ), all_rows AS MATERIALIZED (
        SELECT e AS row FROM doc, json_array_elements(doc.d -> 'neighborhoods') e
    ), me AS (
        SELECT all_rows.row FROM all_rows WHERE all_rows.row -> 'neighborhood' ->> 'id' = nid
    ), ranks AS (
        SELECT json_object_agg(m.metric, (
                   SELECT CASE WHEN (me.row ->> m.metric) IS NULL THEN NULL
                               ELSE 1 + count(*) FILTER (WHERE (a.row ->> m.metric)::double precision
                                                               > (me.row ->> m.metric)::double precision) END
                   FROM all_rows a) ORDER BY m.ord) AS ranks
        FROM me CROSS JOIN (VALUES (1, 'need'), (2, 'gap'), (3, 'events_per_1k'),
                                   (4, 'walk_coverage'), (5, 'access'), (6, 'incident_rate'),
                                   (7, 'parity_ratio')) AS m (ord, metric)
    ), ev AS MATERIALIZED (
        SELECT e.* FROM parity_window_events(window_from, window_to, categories) e
        WHERE e.neighborhood_id = nid
    ), mix AS (
        SELECT coalesce(json_agg(json_build_object('category', c.id, 'events', coalesce(x.events, 0),
                                                   'attendance', coalesce(x.attendance, 0))
                                 ORDER BY coalesce(x.events, 0) DESC, c.id), '[]'::json) AS list
        FROM categories c
        LEFT JOIN (SELECT ev.category, count(*) AS events, sum(ev.attendance) AS attendance
                   FROM ev GROUP BY ev.category) x ON x.category = c.id
        WHERE categories IS NULL OR c.id = ANY (categories)
    ), span AS (
        SELECT date_trunc('month', coalesce(window_from, min((e.starts_at AT TIME ZONE parity_setting('time_zone'))::date)))::date AS first,
               date_trunc('month', coalesce(window_to, max((e.starts_at AT TIME ZONE parity_setting('time_zone'))::date)))::date AS last
        FROM parity_window_events(window_from, window_to, categories) e
    ), months AS (
        SELECT coalesce(json_agg(json_build_object('month', to_char(m.month, 'YYYY-MM'),
                                                   'events', coalesce(x.events, 0),
                                                   'attendance', coalesce(x.attendance, 0))
                                 ORDER BY m.month), '[]'::json) AS list
        FROM span
        CROSS JOIN LATERAL generate_series(greatest(span.first, (span.last - interval '239 months')::date),
                                           span.last, interval '1 month') AS m (month)
        LEFT JOIN (SELECT date_trunc('month', ev.starts_at AT TIME ZONE parity_setting('time_zone')) AS month,
                          count(*) AS events, sum(ev.attendance) AS attendance
                   FROM ev GROUP BY 1) x ON x.month = m.month
    ), site_list AS (
        SELECT coalesce(json_agg(json_build_object(
                   'id', s.id, 'name', s.name, 'program', p.name, 'category', s.category,
                   'address', s.address, 'capacity', s.capacity, 'sensitive', s.sensitive)
                   ORDER BY s.name) FILTER (WHERE privileged OR NOT s.sensitive), '[]'::json) AS list,
               count(*) FILTER (WHERE s.sensitive) AS sensitive
        FROM parity_window_sites(window_from, window_to, categories) s
        LEFT JOIN programs p ON p.id = s.program_id
        WHERE s.neighborhood_id = nid
    ), recent AS (
        SELECT coalesce(json_agg(json_build_object(
                   'id', x.id, 'title', x.title,
                   'date', (x.starts_at AT TIME ZONE parity_setting('time_zone'))::date,
                   'starts_at', x.starts_at, 'category', x.category, 'program', x.program,
                   'partner', x.partner, 'attendance', x.attendance)
                   ORDER BY x.starts_at DESC, x.id DESC), '[]'::json) AS list
        FROM (SELECT ev.id, ev.title, ev.starts_at, ev.category, ev.attendance,
                     p.name AS program, pa.name AS partner
              FROM ev LEFT JOIN programs p ON p.id = ev.program_id
              LEFT JOIN partners pa ON pa.id = ev.partner_id
              ORDER BY ev.starts_at DESC, ev.id DESC LIMIT 10) x
    )
    SELECT json_build_object(
        'neighborhood', me.row -> 'neighborhood',
        'as_of', doc.d -> 'as_of',
        'window', doc.d -> 'window',
        'metrics', me.row,
        'city', doc.d -> 'city',
        'ranks', (SELECT ranks FROM ranks),
        'of', (SELECT count(*) FROM all_rows),
        'category_mix', (SELECT list FROM mix),
        'events_per_month', (SELECT list FROM months),
        'sites', (SELECT list FROM site_list),
        'sensitive_sites', (SELECT sensitive FROM site_list),
        'recent_events', (SELECT list FROM recent))
    FROM doc CROSS JOIN me
$$;
ALTER FUNCTION parity_coverage_json(date, date, text[], boolean) SET jit = off;
ALTER FUNCTION parity_neighborhood_profile(text, date, date, text[], boolean, json) SET jit = off;
