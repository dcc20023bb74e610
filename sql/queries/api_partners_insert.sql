-- api_partners_insert: a new partner (POST /api/partners).
--
-- $1 name, $2 kind (text)
-- Result: one row: id (bigint).
INSERT INTO partners (name, kind) VALUES ($1::text, $2::text) RETURNING id;
