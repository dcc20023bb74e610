-- api_events_get: one event for GET /api/events/{id}.
--
-- $1 id (bigint)
-- Result: one row, doc (text: the event's JSON, see 0004_api), or no row.
SELECT doc::text FROM api_event_docs WHERE id = $1::bigint;
