-- 0010_tile_properties: neighborhood tiles read their properties ready to
-- use, rounded for the map, and the steady state takes no lock.
--
-- 0006 kept, per request (window, categories, privileged), the metrics of
-- every neighborhood as jsonb without id and name, and each tile merged
-- jsonb_build_object('id', ..., 'name', ...) || properties and printed it,
-- feature by feature (0.6 ms of a 35-feature tile, more than selecting the
-- features). Every tile also took an advisory lock and checked the state
-- under it, so under writes every pooled connection queued on that lock
-- (docs/soak.md). Now:
--   * tile_metrics keeps each neighborhood's complete properties (id and
--     name included) twice: as jsonb (for ST_AsMVT) and as compact JSON
--     text (for GeoJSON tiles, pasted as is);
--   * numbers are rounded to what the map needs (docs/metrics.md, "In
--     tiles"): the metrics the page colours by (compared there with the
--     class breaks of /api/breaks, computed from full values) keep 10
--     significant digits, every other non-integer number 4, and a number's
--     whole part is never rounded; /api/coverage keeps full precision;
--   * parity_tile_metrics reads without a lock when the kept rows are of
--     the current data state (one statement checks the state and reads),
--     and locks only to recompute, checking again under the lock;
--   * while another session recomputes a request, the others answer at
--     once with the rows it is replacing, marked stale (the server then
--     answers that tile without keeping it in its cache), instead of
--     queueing behind it: under a stream of writes every write makes the
--     metrics stale, and each tile used to wait for a recompute of its own
--     (docs/soak.md). Only a request with no rows kept at all waits.

DROP FUNCTION parity_tile_metrics(date, date, text[], boolean, text[]);
DROP FUNCTION parity_tile_properties(date, date, text[], boolean);
DROP TABLE tile_metrics;
DROP TABLE tile_metrics_state;

-- Unlogged: a cache, lost harmlessly in a crash.
CREATE UNLOGGED TABLE tile_metrics (
    request          text NOT NULL,
    id               text NOT NULL,
    properties       jsonb NOT NULL, -- id, name and the metrics
    properties_json  text NOT NULL,  -- the same as compact JSON text
    PRIMARY KEY (request, id)
);
CREATE UNLOGGED TABLE tile_metrics_state (
    request     text PRIMARY KEY,
    state       text NOT NULL,
    made_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- value with digits significant digits, its whole part never rounded
-- (123456.7 with 4 digits is 123457), trailing zeros dropped; NULL stays
-- NULL, and 0 and non-finite values are returned as they are.
CREATE FUNCTION parity_tile_number(value double precision, digits integer)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value = 0 OR value IN ('Infinity', '-Infinity', 'NaN')
                THEN value::numeric
                ELSE trim_scale(round(value::numeric,
                                      greatest(0, digits - 1
                                                  - floor(log(abs(value)))::integer)))
           END
$$;

-- The tile properties of every neighborhood for a request: id, name, the
-- keys of its coverage row without the NULL ones (rounded, see the top),
-- gi_label, and each imported indicator but population and
-- youth_population (rounded to 4 significant digits); as jsonb and as
-- compact JSON text with the keys in the same order.
CREATE FUNCTION parity_tile_properties(window_from date, window_to date,
                                       categories text[], privileged boolean)
RETURNS TABLE (id text, properties jsonb, properties_json text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    WITH props AS (
        SELECT m.id, jsonb_strip_nulls(jsonb_build_object(
                   'id', m.id, 'name', m.name,
                   'population', parity_tile_number(m.population, 4),
                   'youth_population', parity_tile_number(m.youth_population, 4),
                   'area_km2', parity_tile_number(m.area_km2, 4),
                   'events', m.events, 'attendance', m.attendance,
                   'youth_attendance', m.youth_attendance, 'sites', m.sites,
                   'programs', m.programs, 'last_event', m.last_event,
                   'days_since_last_event', m.days_since_last_event,
                   'events_per_1k', parity_tile_number(m.events_per_1k, 10),
                   'events_per_1k_youth', parity_tile_number(m.events_per_1k_youth, 4),
                   'walk_coverage', parity_tile_number(m.walk_coverage, 10),
                   'access', parity_tile_number(m.access, 10),
                   'incidents', m.incidents,
                   'incident_rate_raw', parity_tile_number(m.incident_rate_raw, 4),
                   'incident_rate', parity_tile_number(m.incident_rate, 4),
                   'suppressed', m.suppressed,
                   'need', parity_tile_number(m.need, 10),
                   'supply', parity_tile_number(m.supply, 4),
                   'gap', parity_tile_number(m.gap, 10),
                   'need_share', parity_tile_number(m.need_share, 4),
                   'event_share', parity_tile_number(m.event_share, 4),
                   'parity_ratio', parity_tile_number(m.parity_ratio, 10),
                   'underserved', m.underserved,
                   'gi_z', parity_tile_number(m.gi_z, 4), 'gi_bin', m.gi_bin,
                   'gi_label', parity_gi_label(m.gi_bin))
                   || coalesce((SELECT jsonb_object_agg(i.key,
                                    CASE WHEN jsonb_typeof(i.value) = 'number'
                                         THEN to_jsonb(parity_tile_number(
                                                  (i.value #>> '{}')::double precision, 4))
                                         ELSE i.value END)
                                FROM jsonb_each(m.indicators - 'population'
                                                - 'youth_population') i),
                               '{}'::jsonb)) AS properties
        FROM parity_coverage(window_from, window_to, categories, privileged) m
    )
    SELECT p.id, p.properties,
           (SELECT '{' || string_agg(to_json(e.key)::text || ':' || e.value::text, ','
                                     ORDER BY e.n) || '}'
            FROM jsonb_each(p.properties) WITH ORDINALITY e(key, value, n))
    FROM props p;
END
$$;

-- The tile properties of the neighborhoods ids for a request, kept for all
-- neighborhoods while the data state is unchanged (see the top and 0006).
-- In a read-only transaction (a replica) it computes without keeping.
CREATE FUNCTION parity_tile_metrics(window_from date, window_to date,
                                    categories text[], privileged boolean,
                                    ids text[])
RETURNS TABLE (id text, properties jsonb, properties_json text, stale boolean)
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
    -- The steady state: kept rows of the current state, read in the same
    -- statement that checks the state; no lock, no write.
    RETURN QUERY
    SELECT t.id, t.properties, t.properties_json, false
    FROM tile_metrics_state s
    JOIN tile_metrics t ON t.request = s.request
    WHERE s.request = v_request AND s.state = v_state AND t.id = ANY (ids);
    IF FOUND OR coalesce(cardinality(ids), 0) = 0 THEN
        RETURN;
    END IF;
    IF current_setting('transaction_read_only')::boolean THEN
        RETURN QUERY
        SELECT p.id, p.properties, p.properties_json, false
        FROM parity_tile_properties(window_from, window_to, categories, privileged) p
        WHERE p.id = ANY (ids);
        RETURN;
    END IF;
    -- One computation per request at a time. While another session holds
    -- it, answer with the rows it is replacing (still the committed ones
    -- here), marked stale; with none kept yet, wait for it and find it done.
    IF NOT pg_try_advisory_xact_lock(hashtext('parity_tile_metrics'),
                                     hashtext(v_request)) THEN
        RETURN QUERY
        SELECT t.id, t.properties, t.properties_json, true
        FROM tile_metrics t
        WHERE t.request = v_request AND t.id = ANY (ids);
        IF FOUND THEN
            RETURN;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('parity_tile_metrics'),
                                      hashtext(v_request));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM tile_metrics_state s
                   WHERE s.request = v_request AND s.state = v_state) THEN
        DELETE FROM tile_metrics t WHERE t.request = v_request;
        INSERT INTO tile_metrics (request, id, properties, properties_json)
        SELECT v_request, p.id, p.properties, p.properties_json
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
    RETURN QUERY SELECT t.id, t.properties, t.properties_json, false
                 FROM tile_metrics t
                 WHERE t.request = v_request AND t.id = ANY (ids);
END
$$;
