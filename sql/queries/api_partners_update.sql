-- api_partners_update: changes a partner (PUT or PATCH /api/partners/{id}).
--
-- $1 id (bigint), $2 fields to change (text[] of body field names),
-- $3 name, $4 kind
-- Result: one row: id (bigint), or no row when there is no such partner.
UPDATE partners SET
    name = CASE WHEN 'name' = ANY ($2::text[]) THEN $3::text ELSE name END,
    kind = CASE WHEN 'kind' = ANY ($2::text[]) THEN $4::text ELSE kind END
WHERE id = $1::bigint
RETURNING id;
