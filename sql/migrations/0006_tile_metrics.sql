-- 0006_tile_metrics: neighborhood tiles share one computation of the
-- coverage metrics per request.
--
-- A neighborhood tile carries the coverage metrics of its neighborhoods
-- (parity_coverage, 0009_analysis), and they are computed for the whole
-- city at once: a third of a second for the demo city's hundred
-- neighborhoods, more than a second for 3,000 counties. Every tile of a map
-- view used to pay that again. parity_tile_metrics keeps the rows of the
-- last computation for each request (window, categories, privileged) in an
-- unlogged table, valid while the data state is the one they were computed
-- under: every layer's version and today's date in the city, exactly what
-- the coverage answers' own cache keys on (sql/queries/coverage_state.sql).
-- The first tile of a view computes; the others wait for it and read.
-- In a read-only transaction (a replica) it computes without keeping.

-- The tile properties of each neighborhood (all but id and name), per
-- request; unlogged: a cache, lost harmlessly in a crash.
CREATE UNLOGGED TABLE tile_metrics (
    request     text NOT NULL,
    id          text NOT NULL,
    properties  jsonb NOT NULL,
    PRIMARY KEY (request, id)
);
CREATE UNLOGGED TABLE tile_metrics_state (
    request     text PRIMARY KEY,
    state       text NOT NULL,
    made_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The functions are PL/pgSQL so that this migration does not need
-- 0009_analysis's functions to exist yet (a fresh database applies it
-- first): their bodies are resolved when first run.

-- What any coverage answer depends on besides its request (the same text
-- as coverage_state.sql).
CREATE FUNCTION parity_data_state() RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT string_agg(layer || ':' || version, ',' ORDER BY layer)
                   || '@' || (now() AT TIME ZONE parity_setting('time_zone'))::date
            FROM data_versions);
END
$$;

-- The tile properties of every neighborhood for a request, computed: the
-- keys of its coverage row without the NULL ones, gi_label, and each
-- imported indicator (what tile_neighborhoods used to build inline).
CREATE FUNCTION parity_tile_properties(window_from date, window_to date,
                                       categories text[], privileged boolean)
RETURNS TABLE (id text, properties jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT m.id, jsonb_strip_nulls(jsonb_build_object(
               'population', m.population,
               'youth_population', m.youth_population, 'area_km2', m.area_km2,
               'events', m.events, 'attendance', m.attendance,
               'youth_attendance', m.youth_attendance, 'sites', m.sites,
               'programs', m.programs, 'last_event', m.last_event,
               'days_since_last_event', m.days_since_last_event,
               'events_per_1k', m.events_per_1k,
               'events_per_1k_youth', m.events_per_1k_youth,
               'walk_coverage', m.walk_coverage, 'access', m.access,
               'incidents', m.incidents, 'incident_rate_raw', m.incident_rate_raw,
               'incident_rate', m.incident_rate, 'suppressed', m.suppressed,
               'need', m.need, 'supply', m.supply, 'gap', m.gap,
               'need_share', m.need_share, 'event_share', m.event_share,
               'parity_ratio', m.parity_ratio, 'underserved', m.underserved,
               'gi_z', m.gi_z, 'gi_bin', m.gi_bin,
               'gi_label', parity_gi_label(m.gi_bin))
               || (coalesce(m.indicators, '{}'::jsonb)
                   - 'population' - 'youth_population'))
    FROM parity_coverage(window_from, window_to, categories, privileged) m;
END
$$;

-- The tile properties of the neighborhoods ids for a request, kept for all
-- neighborhoods (see the top).
CREATE FUNCTION parity_tile_metrics(window_from date, window_to date,
                                    categories text[], privileged boolean,
                                    ids text[])
RETURNS TABLE (id text, properties jsonb)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    v_request text := coalesce(window_from::text, '') || '|'
                      || coalesce(window_to::text, '') || '|'
                      || coalesce(array_to_string(categories, ','), '*') || '|'
                      || privileged::text;
    v_state text := parity_data_state();
    v_stale record;
BEGIN
    IF current_setting('transaction_read_only')::boolean THEN
        RETURN QUERY
        SELECT p.id, p.properties
        FROM parity_tile_properties(window_from, window_to, categories, privileged) p
        WHERE p.id = ANY (ids);
        RETURN;
    END IF;
    -- One computation per request at a time: the others wait here, then
    -- find it done.
    PERFORM pg_advisory_xact_lock(hashtext('parity_tile_metrics'), hashtext(v_request));
    IF NOT EXISTS (SELECT 1 FROM tile_metrics_state s
                   WHERE s.request = v_request AND s.state = v_state) THEN
        DELETE FROM tile_metrics t WHERE t.request = v_request;
        INSERT INTO tile_metrics (request, id, properties)
        SELECT v_request, p.id, p.properties
        FROM parity_tile_properties(window_from, window_to, categories, privileged) p;
        INSERT INTO tile_metrics_state (request, state) VALUES (v_request, v_state)
        ON CONFLICT (request) DO UPDATE SET state = EXCLUDED.state,
                                            made_at = clock_timestamp();
        -- Forget requests computed under an older state, and all but the 32
        -- most recent; skip any another session is working on right now.
        FOR v_stale IN
            SELECT s.request FROM tile_metrics_state s
            WHERE s.request <> v_request
              AND (s.state <> v_state
                   OR s.request NOT IN (SELECT r.request FROM tile_metrics_state r
                                        ORDER BY r.made_at DESC LIMIT 32))
        LOOP
            IF pg_try_advisory_xact_lock(hashtext('parity_tile_metrics'),
                                         hashtext(v_stale.request)) THEN
                DELETE FROM tile_metrics t WHERE t.request = v_stale.request;
                DELETE FROM tile_metrics_state s WHERE s.request = v_stale.request;
            END IF;
        END LOOP;
    END IF;
    RETURN QUERY SELECT t.id, t.properties FROM tile_metrics t
                 WHERE t.request = v_request AND t.id = ANY (ids);
END
$$;
