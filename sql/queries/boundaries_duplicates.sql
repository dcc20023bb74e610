-- boundaries_duplicates: ids that more than one staged feature carries.
--
-- No parameters. Result: id (text), features (bigint); at most 5 rows.
SELECT id, count(*) AS features
FROM boundary_staging
GROUP BY id HAVING count(*) > 1
ORDER BY count(*) DESC, id
LIMIT 5;
