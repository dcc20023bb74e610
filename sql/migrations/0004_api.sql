-- 0004_api: what the JSON API and the point tile layers read.
--
-- Sites and events keep their point in Web Mercator too (a generated
-- column, like neighborhoods.geom_3857), so tiles select and cluster them
-- with an index in the tile's own units.
--
-- One view per API collection builds each record's JSON document once
-- (api_*_docs.doc); the list, get and write queries of sql/queries read it,
-- so every answer about a record has the same shape. Beside doc, each view
-- carries the columns the list filters use. Documents:
--   site:     id, name, category (the site's, else its program's), program
--             {id,name}, partner {id,name} (the program's), address,
--             capacity, sensitive, location (GeoJSON Point, lon/lat),
--             neighborhood {id,name}, source, external_id, created_at,
--             updated_at
--   event:    id, title, category, program {id,name}, partner {id,name}
--             (the event's own), starts_at, ends_at, attendance,
--             youth_attendance, hours, location, neighborhood, source,
--             external_id, created_at, updated_at
--   program:  id, name, category, partner {id,name}, description,
--             start_date, end_date, created_at, updated_at
--   partner:  id, name, kind, created_at, updated_at
--   category: id, name, description, created_at
-- References are null when unset, timestamps ISO 8601 in UTC.

-- The API names the field a violated constraint is about from the
-- constraint's name (<table>_<column>_check); the rules over two columns got
-- numbered names from PostgreSQL, so they are named here.
ALTER TABLE events RENAME CONSTRAINT events_check TO events_ends_at_check;
ALTER TABLE events RENAME CONSTRAINT events_check1 TO events_youth_attendance_check;
ALTER TABLE programs RENAME CONSTRAINT programs_check TO programs_end_date_check;

ALTER TABLE sites ADD COLUMN geom_3857 geometry(Point, 3857)
    GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX sites_geom_3857_idx ON sites USING gist (geom_3857);
ALTER TABLE events ADD COLUMN geom_3857 geometry(Point, 3857)
    GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX events_geom_3857_idx ON events USING gist (geom_3857);

-- The answer of every API list: {"items": [...], "total": N, "limit": L,
-- "offset": O, "next": "/api/...?...&offset=O+L" or null on the last page}.
CREATE FUNCTION parity_api_page(items json, total bigint, page_limit bigint,
                                page_offset bigint, next text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'items', coalesce(items, '[]'::json), 'total', total,
        'limit', page_limit, 'offset', page_offset,
        'next', CASE WHEN page_offset + page_limit < total THEN next END)
$$;

-- {"id": ..., "name": ...}, or null when id is null.
CREATE FUNCTION parity_ref(id anyelement, name text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN id IS NULL THEN NULL
                ELSE json_build_object('id', id, 'name', name) END
$$;

CREATE VIEW api_site_docs AS
SELECT s.id, s.geom, s.neighborhood_id, s.program_id, p.partner_id,
       coalesce(s.category, p.category) AS category, s.sensitive,
       p.start_date AS active_from, p.end_date AS active_to,
       json_build_object(
           'id', s.id, 'name', s.name,
           'category', coalesce(s.category, p.category),
           'program', parity_ref(p.id, p.name),
           'partner', parity_ref(pa.id, pa.name),
           'address', s.address, 'capacity', s.capacity, 'sensitive', s.sensitive,
           'location', ST_AsGeoJSON(s.geom, 7)::json,
           'neighborhood', parity_ref(n.id, n.name),
           'source', s.source, 'external_id', s.external_id,
           'created_at', s.created_at, 'updated_at', s.updated_at) AS doc
FROM sites s
LEFT JOIN programs p ON p.id = s.program_id
LEFT JOIN partners pa ON pa.id = p.partner_id
LEFT JOIN neighborhoods n ON n.id = s.neighborhood_id;

CREATE VIEW api_event_docs AS
SELECT e.id, e.geom, e.neighborhood_id, e.program_id, e.partner_id,
       p.partner_id AS program_partner_id, e.category, e.starts_at,
       json_build_object(
           'id', e.id, 'title', e.title, 'category', e.category,
           'program', parity_ref(p.id, p.name),
           'partner', parity_ref(pa.id, pa.name),
           'starts_at', e.starts_at, 'ends_at', e.ends_at,
           'attendance', e.attendance, 'youth_attendance', e.youth_attendance,
           'hours', e.hours,
           'location', ST_AsGeoJSON(e.geom, 7)::json,
           'neighborhood', parity_ref(n.id, n.name),
           'source', e.source, 'external_id', e.external_id,
           'created_at', e.created_at, 'updated_at', e.updated_at) AS doc
FROM events e
LEFT JOIN programs p ON p.id = e.program_id
LEFT JOIN partners pa ON pa.id = e.partner_id
LEFT JOIN neighborhoods n ON n.id = e.neighborhood_id;

CREATE VIEW api_program_docs AS
SELECT p.id, p.partner_id, p.category, p.start_date AS active_from,
       p.end_date AS active_to,
       json_build_object(
           'id', p.id, 'name', p.name, 'category', p.category,
           'partner', parity_ref(pa.id, pa.name),
           'description', p.description,
           'start_date', p.start_date, 'end_date', p.end_date,
           'created_at', p.created_at, 'updated_at', p.updated_at) AS doc
FROM programs p
LEFT JOIN partners pa ON pa.id = p.partner_id;

CREATE VIEW api_partner_docs AS
SELECT pa.id, pa.kind,
       json_build_object(
           'id', pa.id, 'name', pa.name, 'kind', pa.kind,
           'created_at', pa.created_at, 'updated_at', pa.updated_at) AS doc
FROM partners pa;

CREATE VIEW api_category_docs AS
SELECT c.id,
       json_build_object(
           'id', c.id, 'name', c.name, 'description', c.description,
           'created_at', c.created_at) AS doc
FROM categories c;
