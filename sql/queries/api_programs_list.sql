-- api_programs_list: one page of programs for GET /api/programs, by id.
--
-- $1 from, $2 to (date or NULL): programs running at some time in the
--    window (open start or end dates run forever that way)
-- $3 categories (text[] or NULL)
-- $4 neighborhood id (text or NULL): programs with a site or an event there
-- $5 partner id (bigint or NULL)
-- $6 limit, $7 offset (bigint), $8 next page's path and query (text)
-- Result: one row, one column (text): {"items": [program...], "total",
-- "limit", "offset", "next"}.
WITH matching AS (
    SELECT d.id
    FROM api_program_docs d
    WHERE (d.active_from IS NULL OR $2::date IS NULL OR d.active_from <= $2::date)
      AND (d.active_to IS NULL OR $1::date IS NULL OR d.active_to >= $1::date)
      AND ($3::text[] IS NULL OR d.category = ANY ($3::text[]))
      AND ($4::text IS NULL
           OR EXISTS (SELECT 1 FROM sites s WHERE s.program_id = d.id
                                              AND s.neighborhood_id = $4::text)
           OR EXISTS (SELECT 1 FROM events e WHERE e.program_id = d.id
                                               AND e.neighborhood_id = $4::text))
      AND ($5::bigint IS NULL OR d.partner_id = $5::bigint)
), page AS (
    SELECT id FROM matching ORDER BY id LIMIT $6::bigint OFFSET $7::bigint
)
SELECT parity_api_page(
           (SELECT json_agg(d.doc ORDER BY d.id) FROM api_program_docs d JOIN page USING (id)),
           (SELECT count(*) FROM matching), $6::bigint, $7::bigint, $8::text)::text;
