-- api_events_delete: DELETE /api/events/{id}.
--
-- $1 id (bigint)
-- Result: one row: id (bigint), or no row when there is no such event.
DELETE FROM events WHERE id = $1::bigint RETURNING id;
