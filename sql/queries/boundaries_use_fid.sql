-- boundaries_use_fid: staged features take their feature id (unique within
-- the layer) as id, when the guessed id field turned out not to be unique.
--
-- No parameters. No result rows.
UPDATE boundary_staging SET id = fid::text;
