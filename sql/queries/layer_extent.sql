-- layer_extent: what TileJSON needs to know of the neighborhoods layer.
--
-- No parameters.
-- Result: one row: features (bigint), west, south, east, north (double,
-- NULL when empty), center_lon, center_lat (a point on the largest
-- neighborhood's surface nearest the middle is overkill: the extent's centre).
SELECT count(*) AS features,
       ST_XMin(ST_Extent(geom)) AS west, ST_YMin(ST_Extent(geom)) AS south,
       ST_XMax(ST_Extent(geom)) AS east, ST_YMax(ST_Extent(geom)) AS north
FROM neighborhoods;
