-- tile_valid_until: until when a tile that counts days to today stays true:
-- the next midnight in the city's time zone (analysis setting time_zone).
--
-- No parameters.
-- Result: one row, column valid_until (bigint, seconds since 1970-01-01 UTC).
SELECT floor(extract(epoch FROM
           (((now() AT TIME ZONE parity_setting('time_zone'))::date + 1)::timestamp
            AT TIME ZONE parity_setting('time_zone'))))::bigint AS valid_until;
