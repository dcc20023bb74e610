-- boundaries_replace: swaps the staged features in as the neighborhoods,
-- repairing invalid geometries and keeping only their polygon parts. Runs
-- inside the import's transaction, after the old set was deleted
-- (boundaries_clear), and empties the staging table.
--
-- No parameters. Result: one row per staged feature: fid (bigint), id (text),
-- name (text), stored (bool: false when nothing polygonal survived repair).
WITH staged AS (
    SELECT fid, id, name, population, attributes,
           ST_Multi(ST_CollectionExtract(
               CASE WHEN ST_IsValid(geom) THEN geom ELSE ST_MakeValid(geom) END,
               3)) AS geom
    FROM boundary_staging
), stored AS (
    INSERT INTO neighborhoods (id, name, population, attributes, geom)
    SELECT id, name, population::integer, attributes, geom
    FROM staged
    WHERE NOT ST_IsEmpty(geom)
    RETURNING id
), cleared AS (
    DELETE FROM boundary_staging
)
SELECT s.fid, s.id, s.name, st.id IS NOT NULL AS stored
FROM staged s LEFT JOIN stored st ON st.id = s.id
ORDER BY s.fid;
