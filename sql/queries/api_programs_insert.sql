-- api_programs_insert: a new program (POST /api/programs).
--
-- $1 name, $2 partner_id (bigint), $3 category, $4 description,
-- $5 start_date, $6 end_date (date); NULL where not given
-- Result: one row: id (bigint).
INSERT INTO programs (name, partner_id, category, description, start_date, end_date)
VALUES ($1::text, $2::bigint, $3::text, $4::text, $5::date, $6::date)
RETURNING id;
