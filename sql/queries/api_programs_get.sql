-- api_programs_get: one program for GET /api/programs/{id}.
--
-- $1 id (bigint)
-- Result: one row, doc (text: the program's JSON, see 0004_api), or no row.
SELECT doc::text FROM api_program_docs WHERE id = $1::bigint;
