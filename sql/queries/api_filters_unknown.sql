-- api_filters_unknown: whether the neighborhood, partner and program an API
-- list filters on exist, so a wrong id is answered with 400.
--
-- $1 neighborhood id (text or NULL), $2 partner id (bigint or NULL),
-- $3 program id (bigint or NULL)
-- Result: one row: neighborhood, partner, program (bool: given and unknown).
SELECT ($1::text IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM neighborhoods WHERE id = $1::text)) AS neighborhood,
       ($2::bigint IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM partners WHERE id = $2::bigint)) AS partner,
       ($3::bigint IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM programs WHERE id = $3::bigint)) AS program;
