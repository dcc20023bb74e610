-- api_sites_list: one page of sites for GET /api/sites.
--
-- $1..$4 bbox west, south, east, north (float8, degrees; all NULL for none)
-- $5 from, $6 to (date or NULL): sites whose program runs at some time in
--    the window (sites without a program always match)
-- $7 categories (text[] or NULL): the site's category, else its program's
-- $8 neighborhood id (text or NULL), $9 partner id (bigint or NULL: the
--    program's partner), $10 program id (bigint or NULL)
-- $11 limit, $12 offset (bigint), $13 next page's path and query (text)
-- $14 privileged (bool): the request holds a valid token
-- Result: one row, one column (text): {"items": [site...], "total",
-- "limit", "offset", "next", "sensitive_sites": {"total": N,
-- "by_neighborhood": [{"neighborhood": {id, name} or null, "count": n}]}}.
--
-- Without privilege, sensitive sites are left out of items and total and
-- only counted per neighborhood. With a bbox they are counted for every
-- neighborhood the box touches, whole, so no box can narrow one down
-- further than its neighborhood (those in no neighborhood are then left
-- out of the count).
WITH env AS (
    SELECT CASE WHEN $1::float8 IS NULL THEN NULL
                ELSE ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)
           END AS box
), base AS (
    SELECT d.id, d.geom, d.sensitive, d.neighborhood_id
    FROM api_site_docs d
    WHERE ($7::text[] IS NULL OR d.category = ANY ($7::text[]))
      AND ($8::text IS NULL OR d.neighborhood_id = $8::text)
      AND ($9::bigint IS NULL OR d.partner_id = $9::bigint)
      AND ($10::bigint IS NULL OR d.program_id = $10::bigint)
      AND (d.active_from IS NULL OR $6::date IS NULL OR d.active_from <= $6::date)
      AND (d.active_to IS NULL OR $5::date IS NULL OR d.active_to >= $5::date)
), matching AS (
    SELECT b.id
    FROM base b, env
    WHERE (NOT b.sensitive OR $14::bool)
      AND (env.box IS NULL OR ST_Intersects(b.geom, env.box))
), page AS (
    SELECT id FROM matching ORDER BY id LIMIT $11::bigint OFFSET $12::bigint
), sensitive AS (
    SELECT b.neighborhood_id, count(*) AS n
    FROM base b, env
    WHERE b.sensitive
      AND (env.box IS NULL OR EXISTS (
          SELECT 1 FROM neighborhoods nb
          WHERE nb.id = b.neighborhood_id AND ST_Intersects(nb.geom, env.box)))
    GROUP BY b.neighborhood_id
), total AS (
    SELECT count(*) AS n FROM matching
)
SELECT json_build_object(
    'items', coalesce((SELECT json_agg(d.doc ORDER BY d.id)
                       FROM api_site_docs d JOIN page USING (id)), '[]'::json),
    'total', total.n, 'limit', $11::bigint, 'offset', $12::bigint,
    'next', CASE WHEN $12::bigint + $11::bigint < total.n THEN $13::text END,
    'sensitive_sites', json_build_object(
        'total', (SELECT coalesce(sum(n), 0) FROM sensitive),
        'by_neighborhood', coalesce(
            (SELECT json_agg(json_build_object('neighborhood', parity_ref(nb.id, nb.name),
                                               'count', s.n)
                             ORDER BY s.neighborhood_id NULLS LAST)
             FROM sensitive s LEFT JOIN neighborhoods nb ON nb.id = s.neighborhood_id),
            '[]'::json)))::text
FROM total;
