/* The coverage document's pure parts (coverage.c): CSV conversion, breaks
 * of a metric, the answer cache. No database: a small document is written
 * here by hand. */
#include <stdlib.h>

#include "check.h"
#include "parity/coverage.h"
#include "tests.h"

static const char DOC[] =
    "{\"as_of\":\"2026-11-28T10:00:00Z\",\"window\":{\"from\":null},"
    "\"indicators\":[\"median_income\"],\"city\":{},\"neighborhoods\":["
    "{\"neighborhood\":{\"id\":\"A\",\"name\":\"=Sum(1,2)\"},\"population\":"
    "1000,"
    "\"gap\":1.5,\"incidents\":null,\"suppressed\":true,\"gi_label\":\"hot "
    "spot 99%\","
    "\"median_income\":30100},"
    "{\"neighborhood\":{\"id\":\"B\",\"name\":\"Miller's \\\"Bend\\\", East\"},"
    "\"population\":2000,\"gap\":-0.25,\"incidents\":12,\"suppressed\":false,"
    "\"gi_label\":\"not significant\",\"median_income\":null},"
    "{\"neighborhood\":{\"id\":\"C\",\"name\":\"Plain\"},\"population\":500,"
    "\"gap\":0.1,\"incidents\":3,\"suppressed\":false,\"gi_label\":null,"
    "\"median_income\":45000}]}";

/* The n-th line of text (0-based, CRLF-separated) into out. */
static void line_of(const char *text, int n, char *out, size_t outlen)
{
    const char *p = text;
    for (int i = 0; i < n && p; i++) {
        p = strstr(p, "\r\n");
        if (p)
            p += 2;
    }
    size_t len = p ? strcspn(p, "\r") : 0;
    if (len >= outlen)
        len = outlen - 1;
    memcpy(out, p ? p : "", len);
    out[len] = '\0';
}

void test_coverage_csv(void)
{
    parity_buf out;
    buf_init(&out, 1 << 20);
    char err[256], line[1024];
    CHECK(coverage_csv(DOC, sizeof DOC - 1, &out, err, sizeof err) ==
          PARITY_OK);
    line_of(out.data, 0, line, sizeof line);
    CHECK(!strncmp(line, "neighborhood_id,neighborhood_name,population,", 45));
    /* The indicator is the last column. */
    CHECK(strlen(line) > 14 &&
          !strcmp(line + strlen(line) - 14, ",median_income"));
    /* Row A: the formula-looking name is quoted and guarded; a missing key
     * and a null are empty; booleans as words; the cell with % is plain. */
    line_of(out.data, 1, line, sizeof line);
    CHECK(!strncmp(line, "A,\"'=Sum(1,2)\",1000,", 20));
    CHECK(strstr(line, ",1.5,") != NULL);
    CHECK(strstr(line, ",true,") != NULL);
    CHECK(strstr(line, ",hot spot 99%,30100") != NULL);
    /* Row B: quotes doubled, the comma quoted, a negative number unguarded. */
    line_of(out.data, 2, line, sizeof line);
    CHECK(!strncmp(line, "B,\"Miller's \"\"Bend\"\", East\",2000,", 33));
    CHECK(strstr(line, ",-0.25,") != NULL);
    CHECK(line[strlen(line) - 1] == ','); /* median_income null */
    /* Three rows and a header, each ending in CRLF. */
    int crlf = 0;
    for (const char *p = out.data; (p = strstr(p, "\r\n")); p += 2)
        crlf++;
    CHECK(crlf == 4);
    /* Not a document. */
    CHECK(coverage_csv("{\"x\":1}", 7, &out, err, sizeof err) ==
          PARITY_ERR_INPUT);
    /* A cap too small for the answer. */
    parity_buf small;
    buf_init(&small, 64);
    CHECK(coverage_csv(DOC, sizeof DOC - 1, &small, err, sizeof err) ==
          PARITY_ERR_TOO_LARGE);
    buf_dispose(&small);
    buf_dispose(&out);
}

void test_coverage_breaks(void)
{
    parity_buf out;
    buf_init(&out, 1 << 16);
    char err[2048];
    /* gap over A 1.5, B -0.25, C 0.1: equal intervals of (1.75/3). */
    CHECK(coverage_breaks(DOC, sizeof DOC - 1, "gap", STATS_EQUAL, 3, &out, err,
                          sizeof err) == PARITY_OK);
    CHECK(strstr(out.data, "\"metric\":\"gap\"") != NULL);
    CHECK(strstr(out.data, "\"method\":\"equal\"") != NULL);
    CHECK(strstr(out.data, "\"counts\":[2,0,1]") != NULL);
    CHECK(strstr(out.data, "\"n\":3,\"missing\":0") != NULL);
    CHECK(strstr(out.data, "\"min\":-0.25,\"max\":1.5") != NULL);
    CHECK(strstr(out.data, "\"as_of\":\"2026-11-28T10:00:00Z\"") != NULL);
    /* An indicator with a null: classified over the two values; the 1/3
     * and 2/3 quantiles of {30100, 45000} are 35066.67 and 40033.33. */
    CHECK(coverage_breaks(DOC, sizeof DOC - 1, "median_income", STATS_QUANTILE,
                          3, &out, err, sizeof err) == PARITY_OK);
    CHECK(strstr(out.data, "\"counts\":[1,0,1]") != NULL);
    CHECK(strstr(out.data, "\"n\":2,\"missing\":1") != NULL);
    CHECK(coverage_breaks(DOC, sizeof DOC - 1, "incidents", STATS_QUANTILE, 2,
                          &out, err, sizeof err) == PARITY_OK);
    CHECK(strstr(out.data, "\"n\":2,\"missing\":1") != NULL);
    /* Exact bounds: quantile 1/2 of {3, 12} is 7.5, the max 12. */
    CHECK(strstr(out.data, "\"breaks\":[7.5,12]") != NULL);
    /* Not numeric, unknown. */
    CHECK(coverage_breaks(DOC, sizeof DOC - 1, "gi_label", STATS_EQUAL, 3, &out,
                          err, sizeof err) == PARITY_ERR_INPUT);
    CHECK(strstr(err, "use one of: population") != NULL);
    CHECK(strstr(err, "median_income") != NULL);
    CHECK(coverage_breaks(DOC, sizeof DOC - 1, "nope", STATS_EQUAL, 3, &out,
                          err, sizeof err) == PARITY_ERR_INPUT);
    CHECK(coverage_metric_known(DOC, sizeof DOC - 1, "median_income"));
    CHECK(!coverage_metric_known(DOC, sizeof DOC - 1, "suppressed"));
    buf_dispose(&out);
}

void test_coverage_cache(void)
{
    coverage_cache *c = coverage_cache_new(2, 1000);
    parity_buf out;
    buf_init(&out, 1000);
    CHECK(!coverage_cache_get(c, "a", &out));
    coverage_cache_put(c, "a", "alpha", 5);
    coverage_cache_put(c, "b", "beta", 4);
    CHECK(coverage_cache_get(c, "a", &out) && out.len == 5 &&
          !memcmp(out.data, "alpha", 5));
    /* A third entry evicts the least recently used: b (a was just read). */
    coverage_cache_put(c, "c", "gamma", 5);
    CHECK(!coverage_cache_get(c, "b", &out));
    CHECK(coverage_cache_get(c, "a", &out));
    CHECK(coverage_cache_get(c, "c", &out));
    /* Replacing keeps one entry per key. */
    coverage_cache_put(c, "c", "GAMMA!", 6);
    CHECK(coverage_cache_get(c, "c", &out) && out.len == 6);
    /* Too large for the cache (over a quarter of its bytes): not kept. */
    char big[400];
    memset(big, 'x', sizeof big);
    coverage_cache_put(c, "big", big, sizeof big);
    CHECK(!coverage_cache_get(c, "big", &out));
    size_t entries, bytes;
    unsigned long hits, misses;
    coverage_cache_stats(c, &entries, &bytes, &hits, &misses);
    CHECK(entries == 2 && bytes == 11);
    CHECK(hits == 4 && misses == 3);
    coverage_cache_free(c);
    coverage_cache_free(NULL);
    buf_dispose(&out);
}
