-- api_partners_delete: DELETE /api/partners/{id} (refused by the database
-- while programs or events refer to it).
--
-- $1 id (bigint)
-- Result: one row: id (bigint), or no row when there is no such partner.
DELETE FROM partners WHERE id = $1::bigint RETURNING id;
