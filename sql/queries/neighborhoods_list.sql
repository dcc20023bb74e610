-- neighborhoods_list: every neighborhood's id, name and residents count (the
-- indicator `population` when imported, else the boundary file's), for
-- /api/neighborhoods.
--
-- No parameters. Result: one row, column neighborhoods (text, JSON
-- {"neighborhoods": [{id, name, population}, ...]}).
SELECT json_build_object('neighborhoods', coalesce(json_agg(json_build_object(
           'id', n.id, 'name', n.name,
           'population', coalesce(i.value, n.population::double precision))
           ORDER BY n.id), '[]'::json))::text AS neighborhoods
FROM neighborhoods n
LEFT JOIN indicators i ON i.neighborhood_id = n.id AND i.name = 'population';
