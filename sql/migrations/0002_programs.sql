-- 0002_programs: partners, programs, their fixed sites and outreach events,
-- and the API's write tokens.
--
-- Every site and event carries the neighborhood it lies in, kept by the
-- database: set on insert and whenever the point moves, and recomputed for
-- all points whenever the boundaries change. The rule when neighborhoods
-- overlap (or a point lies on a shared border): the smallest neighborhood
-- that covers the point wins, ties broken by the lowest id. A point in no
-- neighborhood keeps none (neighborhood_id NULL) and importers report it.

CREATE TABLE categories (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9 _-]{0,46}$'),
    name        text NOT NULL,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO categories (id, name, description) VALUES
    ('prevention', 'Prevention', 'Programs that keep violence from starting: youth programs, mentoring, recreation.'),
    ('intervention', 'Intervention', 'Work with people at high risk right now: violence interruption, crisis response.'),
    ('enforcement', 'Enforcement', 'Focused enforcement and police-community operations.'),
    ('reentry', 'Reentry', 'Support for people returning from incarceration: housing, jobs, services.'),
    ('community engagement', 'Community engagement', 'Clean-ups, community-police meetings, neighborhood events.');

CREATE TABLE partners (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    kind        text NOT NULL CHECK (kind IN ('law enforcement', 'government agency',
                                              'nonprofit', 'business', 'faith',
                                              'community')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE programs (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    partner_id  bigint REFERENCES partners (id) ON DELETE RESTRICT,
    category    text NOT NULL REFERENCES categories (id) ON UPDATE CASCADE,
    description text,
    start_date  date,
    end_date    date CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX programs_partner_idx ON programs (partner_id);

CREATE TABLE sites (
    id              bigserial PRIMARY KEY,
    program_id      bigint REFERENCES programs (id) ON DELETE RESTRICT,
    category        text REFERENCES categories (id) ON UPDATE CASCADE,  -- NULL: the program's
    name            text NOT NULL CHECK (name <> ''),
    address         text,
    capacity        integer CHECK (capacity >= 0),                     -- NULL: unknown
    sensitive       boolean NOT NULL DEFAULT false,
    geom            geometry(Point, 4326) NOT NULL,
    neighborhood_id text REFERENCES neighborhoods (id) ON DELETE SET NULL ON UPDATE CASCADE,
    source          text,
    external_id     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id)
);
CREATE INDEX sites_geom_idx ON sites USING gist (geom);
CREATE INDEX sites_neighborhood_idx ON sites (neighborhood_id);
CREATE INDEX sites_program_idx ON sites (program_id);

CREATE TABLE events (
    id               bigserial PRIMARY KEY,
    title            text NOT NULL CHECK (title <> ''),
    program_id       bigint REFERENCES programs (id) ON DELETE RESTRICT,
    partner_id       bigint REFERENCES partners (id) ON DELETE RESTRICT,
    category         text NOT NULL REFERENCES categories (id) ON UPDATE CASCADE,
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz CHECK (ends_at IS NULL OR ends_at >= starts_at),
    attendance       integer CHECK (attendance >= 0),
    youth_attendance integer CHECK (youth_attendance >= 0 AND
                                    (attendance IS NULL OR youth_attendance <= attendance)),
    hours            numeric(8, 2) CHECK (hours >= 0),
    geom             geometry(Point, 4326) NOT NULL,
    neighborhood_id  text REFERENCES neighborhoods (id) ON DELETE SET NULL ON UPDATE CASCADE,
    source           text,
    external_id      text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id)
);
CREATE INDEX events_geom_idx ON events USING gist (geom);
CREATE INDEX events_starts_at_idx ON events (starts_at);
CREATE INDEX events_neighborhood_idx ON events (neighborhood_id, starts_at);
CREATE INDEX events_category_idx ON events (category, starts_at);
CREATE INDEX events_program_idx ON events (program_id);
CREATE INDEX events_partner_idx ON events (partner_id);

-- The one rule that places a point in a neighborhood (see the top).
CREATE FUNCTION parity_neighborhood_of(point geometry) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT id FROM neighborhoods
    WHERE ST_Covers(geom, point)
    ORDER BY ST_Area(geom), id
    LIMIT 1
$$;

CREATE FUNCTION parity_place_point() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom THEN
        NEW.neighborhood_id := parity_neighborhood_of(NEW.geom);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER sites_place BEFORE INSERT OR UPDATE ON sites
    FOR EACH ROW EXECUTE FUNCTION parity_place_point();
CREATE TRIGGER events_place BEFORE INSERT OR UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION parity_place_point();

-- After any change to the boundaries, every point is placed again.
CREATE FUNCTION parity_replace_points() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sites SET neighborhood_id = parity_neighborhood_of(geom)
    WHERE neighborhood_id IS DISTINCT FROM parity_neighborhood_of(geom);
    UPDATE events SET neighborhood_id = parity_neighborhood_of(geom)
    WHERE neighborhood_id IS DISTINCT FROM parity_neighborhood_of(geom);
    RETURN NULL;
END
$$;

CREATE TRIGGER neighborhoods_replace_points
    AFTER INSERT OR UPDATE OR DELETE ON neighborhoods
    FOR EACH STATEMENT EXECUTE FUNCTION parity_replace_points();

CREATE FUNCTION parity_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER partners_touch BEFORE UPDATE ON partners
    FOR EACH ROW EXECUTE FUNCTION parity_touch();
CREATE TRIGGER programs_touch BEFORE UPDATE ON programs
    FOR EACH ROW EXECUTE FUNCTION parity_touch();

-- Data versions: a change to any of these bumps its layer and notifies.
INSERT INTO data_versions (layer) VALUES
    ('categories'), ('partners'), ('programs'), ('sites'), ('events');
CREATE TRIGGER categories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('categories');
CREATE TRIGGER partners_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partners
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('partners');
CREATE TRIGGER programs_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programs
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('programs');
CREATE TRIGGER sites_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sites
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('sites');
CREATE TRIGGER events_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('events');

-- Write tokens for the API: only a SHA-256 of each token is stored.
CREATE TABLE api_tokens (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$'),
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
INSERT INTO data_versions (layer) VALUES ('tokens');
CREATE TRIGGER api_tokens_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION parity_data_changed('tokens');
