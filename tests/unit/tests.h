/* The unit tests, one list: add a test's prototype and its TEST() entry. */
#ifndef PARITY_UNIT_TESTS_H
#define PARITY_UNIT_TESTS_H

void test_tile_bounds_published(void);
void test_tile_from_lonlat(void);
void test_tile_antimeridian(void);
void test_tile_valid_and_decimals(void);
void test_routes_tiles(void);
void test_routes_errors(void);
void test_routes_api_and_static(void);
void test_options_parse(void);
void test_options_errors(void);
void test_buf_cap(void);
void test_etag_matching(void);
void test_stats_quantile_breaks(void);
void test_stats_equal_breaks(void);
void test_stats_jenks_by_hand(void);
void test_stats_jenks_exhaustive(void);
void test_stats_errors(void);
void test_coverage_csv(void);
void test_coverage_breaks(void);
void test_coverage_cache(void);
void test_validate_good_body(void);
void test_validate_each_bad_field_named(void);
void test_validate_cross_fields(void);
void test_validate_json_errors(void);
void test_validate_timestamps(void);
void test_token_hash_vectors(void);
void test_token_generate_and_parse(void);
void test_token_hash_in(void);
void test_field_iso8601(void);
void test_field_format(void);
void test_field_compare(void);
void test_field_numbers(void);
void test_field_text(void);

#define UNIT_TESTS                          \
    TEST(test_tile_bounds_published),       \
    TEST(test_tile_from_lonlat),            \
    TEST(test_tile_antimeridian),           \
    TEST(test_tile_valid_and_decimals),     \
    TEST(test_routes_tiles),                \
    TEST(test_routes_errors),               \
    TEST(test_routes_api_and_static),       \
    TEST(test_options_parse),               \
    TEST(test_options_errors),              \
    TEST(test_buf_cap),                     \
    TEST(test_etag_matching),               \
    TEST(test_stats_quantile_breaks),       \
    TEST(test_stats_equal_breaks),          \
    TEST(test_stats_jenks_by_hand),         \
    TEST(test_stats_jenks_exhaustive),      \
    TEST(test_stats_errors),                \
    TEST(test_coverage_csv),                \
    TEST(test_coverage_breaks),             \
    TEST(test_coverage_cache),              \
    TEST(test_validate_good_body),          \
    TEST(test_validate_each_bad_field_named), \
    TEST(test_validate_cross_fields),       \
    TEST(test_validate_json_errors),        \
    TEST(test_validate_timestamps),         \
    TEST(test_token_hash_vectors),          \
    TEST(test_token_generate_and_parse),    \
    TEST(test_token_hash_in),               \
    TEST(test_field_iso8601),               \
    TEST(test_field_format),                \
    TEST(test_field_compare),               \
    TEST(test_field_numbers),               \
    TEST(test_field_text),

#endif
