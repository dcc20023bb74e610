-- neighborhood_profile: one neighborhood's profile for a window and set of
-- categories (parity_neighborhood_profile in 0009_analysis.sql): its metrics
-- beside the city's, ranks, category mix, events per month, sites, recent
-- events.
--
-- $1 neighborhood id (text), $2 from (date or NULL), $3 to (date or NULL),
-- $4 categories (text[] or NULL: all), $5 privileged (bool),
-- $6 the coverage document of the same $2..$5 (json text), or NULL to
--    compute it here.
-- Result: one row, column profile (text, JSON; NULL when no such neighborhood).
SELECT parity_neighborhood_profile($1::text, $2::date, $3::date, $4::text[],
                                   $5::boolean, $6::json)::text AS profile;
