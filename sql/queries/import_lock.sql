-- import_lock: one import at a time; held until the transaction ends.
--
-- No parameters. No useful result.
SELECT pg_advisory_xact_lock(7412002);
