-- boundaries_clear: removes the current neighborhoods inside an import's
-- transaction (the old set stays visible to everyone else until COMMIT).
--
-- No parameters. No result rows.
DELETE FROM neighborhoods;
