-- api_programs_update: changes a program (PUT or PATCH /api/programs/{id}).
--
-- $1 id (bigint), $2 fields to change (text[] of body field names), then
-- $3 name, $4 partner_id, $5 category, $6 description, $7 start_date,
-- $8 end_date
-- Result: one row: id (bigint), or no row when there is no such program.
UPDATE programs SET
    name = CASE WHEN 'name' = ANY ($2::text[]) THEN $3::text ELSE name END,
    partner_id = CASE WHEN 'partner_id' = ANY ($2::text[]) THEN $4::bigint ELSE partner_id END,
    category = CASE WHEN 'category' = ANY ($2::text[]) THEN $5::text ELSE category END,
    description = CASE WHEN 'description' = ANY ($2::text[]) THEN $6::text ELSE description END,
    start_date = CASE WHEN 'start_date' = ANY ($2::text[]) THEN $7::date ELSE start_date END,
    end_date = CASE WHEN 'end_date' = ANY ($2::text[]) THEN $8::date ELSE end_date END
WHERE id = $1::bigint
RETURNING id;
