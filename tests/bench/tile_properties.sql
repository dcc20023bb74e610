-- bench_tile_properties: the properties parity's neighborhood tiles carry
-- for a request without filters or token, as typed columns, so MapServer
-- can serve the same layer (tests/bench/mapserver.map.in). They are taken
-- from the very rows the tiles read: parity_tile_metrics computes and keeps
-- them (migrations 0006, 0010) under the request key '||*|false' (no from,
-- no to, all categories, not privileged), as the first tile of a map view
-- does (id and name are joined from neighborhoods, so the script also runs
-- on databases from before migration 0010, whose kept rows lack them).
-- Numbers whose every value is whole become bigint, other numbers double
-- precision, booleans boolean, the rest text.
-- Output: the columns, comma-separated (MapServer's gml_include_items).
SET client_min_messages = warning;
SELECT count(*) AS computed
FROM parity_tile_metrics(NULL, NULL, NULL, false, ARRAY(SELECT id FROM neighborhoods)) \gset
DROP TABLE IF EXISTS bench_tile_properties;
CREATE TEMP VIEW kept AS
SELECT t.id, jsonb_build_object('id', t.id, 'name', n.name) || t.properties AS properties
FROM tile_metrics t JOIN neighborhoods n ON n.id = t.id
WHERE t.request = '||*|false';
SELECT format('CREATE TABLE bench_tile_properties AS SELECT %s FROM kept',
              string_agg(format('(properties ->> %L)::%s AS %I', key, type, key), ', '
                         ORDER BY key = 'id' DESC, key = 'name' DESC, key))
FROM (SELECT e.key,
             CASE WHEN bool_and(jsonb_typeof(e.value) = 'number')
                      THEN CASE WHEN bool_and(CASE WHEN jsonb_typeof(e.value) = 'number'
                                                   THEN (e.value #>> '{}')::numeric % 1 = 0 END)
                                THEN 'bigint' ELSE 'double precision' END
                  WHEN bool_and(jsonb_typeof(e.value) = 'boolean') THEN 'boolean'
                  ELSE 'text' END AS type
      FROM kept t, jsonb_each(t.properties) e
      GROUP BY e.key) k
\gexec
ALTER TABLE bench_tile_properties ADD PRIMARY KEY (id);
ANALYZE bench_tile_properties;
SELECT string_agg(attname, ',' ORDER BY attnum)
FROM pg_attribute
WHERE attrelid = 'bench_tile_properties'::regclass AND attnum > 0 AND NOT attisdropped;
