-- coverage_json: the coverage document of a window and set of categories
-- (parity_coverage_json in sql/migrations/0009_analysis.sql; every metric is
-- defined in docs/metrics.md).
--
-- $1 from (date, inclusive; NULL: open), $2 to (date, inclusive; NULL: open),
-- $3 categories (text[]; NULL: every category),
-- $4 privileged (bool: the caller holds a token, so small incident counts
--    are shown instead of suppressed).
-- Result: one row, column coverage (text, JSON).
SELECT parity_coverage_json($1::date, $2::date, $3::text[], $4::boolean)::text AS coverage;
