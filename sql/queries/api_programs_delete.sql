-- api_programs_delete: DELETE /api/programs/{id} (refused by the database
-- while sites or events refer to it).
--
-- $1 id (bigint)
-- Result: one row: id (bigint), or no row when there is no such program.
DELETE FROM programs WHERE id = $1::bigint RETURNING id;
