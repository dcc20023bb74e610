-- 0008_incidents: incident points (shootings, violent crime, ...) that
-- measure need. Imported with `parity import incidents`; counted per
-- neighborhood and date window by the analysis. Their points are never
-- published: no tile layer and no API answer reads this table's geometry,
-- and public answers suppress small counts (analysis setting suppress_below).
--
-- Each incident carries the neighborhood it lies in, placed by the same rule
-- as sites and events (parity_neighborhood_of), set on insert and whenever
-- the point moves, and placed again after every boundary change.

CREATE TABLE incidents (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind ~ '^[a-z0-9][a-z0-9 _/-]{0,62}$'),
    occurred_on     date NOT NULL,
    geom            geometry(Point, 4326) NOT NULL,
    neighborhood_id text REFERENCES neighborhoods (id) ON DELETE SET NULL ON UPDATE CASCADE,
    source          text,
    external_id     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id)
);
CREATE INDEX incidents_neighborhood_idx ON incidents (neighborhood_id, occurred_on);
CREATE INDEX incidents_occurred_idx ON incidents (occurred_on);
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);

CREATE TRIGGER incidents_place BEFORE INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION parity_place_point();

CREATE FUNCTION parity_replace_incidents() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE incidents SET neighborhood_id = parity_neighborhood_of(geom)
    WHERE neighborhood_id IS DISTINCT FROM parity_neighborhood_of(geom);
    RETURN NULL;
END
$$;
CREATE TRIGGER neighborhoods_replace_incidents
    AFTER INSERT OR UPDATE OR DELETE ON neighborhoods
    FOR EACH STATEMENT EXECUTE FUNCTION parity_replace_incidents();

INSERT INTO data_versions (layer) VALUES ('incidents');
CREATE TRIGGER incidents_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('incidents');
