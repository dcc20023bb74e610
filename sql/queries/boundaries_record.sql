-- boundaries_record: remembers one finished boundary import.
--
-- $1 source file (text), $2 layer (text), $3 name field (text or NULL),
-- $4 id field (text or NULL), $5 features read, $6 stored, $7 repaired,
-- $8 refused (int). No result rows.
INSERT INTO boundary_imports (source, layer, name_field, id_field,
                              features_read, stored, repaired, refused)
VALUES ($1, $2, $3, $4, $5::int, $6::int, $7::int, $8::int);
