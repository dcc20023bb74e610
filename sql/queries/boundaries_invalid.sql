-- boundaries_invalid: staged features whose geometry is not valid (they are
-- repaired with ST_MakeValid on the way in), with the reason PostGIS gives.
--
-- No parameters. Result: fid (bigint), id (text), name (text), reason (text).
SELECT fid, id, name, ST_IsValidReason(geom) AS reason
FROM boundary_staging
WHERE NOT ST_IsValid(geom)
ORDER BY fid;
