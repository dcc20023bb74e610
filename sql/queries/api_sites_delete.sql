-- api_sites_delete: DELETE /api/sites/{id}.
--
-- $1 id (bigint)
-- Result: one row: id (bigint), or no row when there is no such site.
DELETE FROM sites WHERE id = $1::bigint RETURNING id;
