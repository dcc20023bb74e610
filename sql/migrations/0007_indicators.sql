-- 0007_indicators: need indicators per neighborhood (population, youth,
-- households in poverty, ...), imported with `parity import indicators`.
--
-- A long table: one row per neighborhood and indicator, plus one row per
-- indicator in indicator_columns saying where it came from. Indicators are
-- keyed by the neighborhood id but carry no foreign key to neighborhoods, on
-- purpose: a boundary import replaces every neighborhood row, and a corrected
-- boundary file with the same ids must not wipe the indicators. Rows whose id
-- is no longer a neighborhood are simply not joined by the analysis.
--
-- Two names feed the analysis directly: `population` (when present it
-- replaces neighborhoods.population as the residents count of every per-1,000
-- metric) and `youth_population` (events per 1,000 youth). Any numeric
-- indicator can be chosen as a need measure (analysis setting need_measures).
-- Names are lower-case identifiers and may not be a coverage row key
-- (parity_reserved_name), so every indicator can sit beside the metrics as a
-- column of its own in the coverage table and its CSV.

CREATE FUNCTION parity_reserved_name(name text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT name = ANY (ARRAY[
        'neighborhood', 'id', 'name', 'events', 'attendance', 'youth_attendance',
        'sites', 'programs', 'events_per_1k', 'events_per_1k_youth',
        'last_event', 'days_since_last_event', 'walk_coverage', 'access',
        'incidents', 'incident_rate', 'incident_rate_raw', 'need', 'supply',
        'gap', 'need_share', 'event_share', 'parity_ratio', 'underserved',
        'gi_z', 'gi_bin', 'gi_label', 'suppressed', 'area_km2'])
$$;

CREATE TABLE indicator_columns (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'
                                        AND NOT parity_reserved_name(name)),
    source      text NOT NULL,          -- the file it was imported from
    source_field text NOT NULL,         -- the field's name in that file
    imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE indicators (
    neighborhood_id text NOT NULL,
    name            text NOT NULL REFERENCES indicator_columns (name)
                         ON DELETE CASCADE ON UPDATE CASCADE,
    value           double precision NOT NULL
                    CHECK (value > '-Infinity' AND value < 'Infinity'),
    PRIMARY KEY (neighborhood_id, name)
);
CREATE INDEX indicators_name_idx ON indicators (name);

INSERT INTO data_versions (layer) VALUES ('indicators');
CREATE TRIGGER indicators_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('indicators');
CREATE TRIGGER indicator_columns_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicator_columns
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('indicators');
