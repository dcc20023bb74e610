-- 0001_neighborhoods: neighborhood boundaries, the data version and its notices.
--
-- Boundaries arrive through `parity import boundaries` (GDAL reads the file,
-- PROJ reprojects to EPSG:4326). Each import stages its rows in
-- boundary_staging and swaps the whole set in one transaction, so a failed
-- or interrupted import leaves the previous set untouched.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE neighborhoods (
    id          text PRIMARY KEY CHECK (id <> ''),
    name        text NOT NULL,
    population  integer CHECK (population >= 0),
    attributes  jsonb NOT NULL DEFAULT '{}'::jsonb,   -- every source attribute
    geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    -- Web Mercator copy for tiles: the tile grid, clipping and
    -- simplification all work in EPSG:3857 meters.
    geom_3857   geometry(MultiPolygon, 3857)
                GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX neighborhoods_geom_idx ON neighborhoods USING gist (geom);
CREATE INDEX neighborhoods_geom_3857_idx ON neighborhoods USING gist (geom_3857);
CREATE INDEX neighborhoods_name_idx ON neighborhoods (lower(name));

-- Rows of an import in progress; never committed (the import deletes its
-- rows before COMMIT), so other sessions never see them.
CREATE UNLOGGED TABLE boundary_staging (
    fid         bigint NOT NULL,
    id          text NOT NULL,
    name        text NOT NULL,
    population  bigint,
    attributes  jsonb NOT NULL,
    geom        geometry NOT NULL
);

CREATE TABLE boundary_imports (
    id              bigserial PRIMARY KEY,
    source          text NOT NULL,
    layer           text NOT NULL,
    name_field      text,
    id_field        text,
    features_read   integer NOT NULL,
    stored          integer NOT NULL,
    repaired        integer NOT NULL,
    refused         integer NOT NULL,
    imported_at     timestamptz NOT NULL DEFAULT now()
);

-- One version per layer, bumped by the database itself whenever the layer's
-- data changes, and announced on channel parity_data (payload: the layer),
-- so every running server drops what it cached for that layer.
CREATE TABLE data_versions (
    layer       text PRIMARY KEY,
    version     bigint NOT NULL DEFAULT 1,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_versions (layer) VALUES ('neighborhoods');

CREATE FUNCTION parity_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed text;
BEGIN
    FOREACH changed IN ARRAY TG_ARGV LOOP
        INSERT INTO data_versions AS v (layer) VALUES (changed)
        ON CONFLICT ON CONSTRAINT data_versions_pkey DO UPDATE
            SET version = v.version + 1, changed_at = now();
        PERFORM pg_notify('parity_data', changed);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER neighborhoods_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON neighborhoods
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('neighborhoods');
