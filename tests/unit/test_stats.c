/* Class breaks (stats.c): quantiles against R's published definition,
 * equal intervals and Fisher-Jenks solved by hand, and Jenks against an
 * exhaustive search over every partition. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "parity/stats.h"
#include "tests.h"

void test_stats_quantile_breaks(void)
{
    /* R: quantile(1:10, c(.25, .5, .75)) gives 3.25 5.50 7.75 (type 7). */
    double v[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    double b[4];
    size_t c[4];
    char err[128];
    CHECK(stats_breaks(v, 10, STATS_QUANTILE, 4, b, c, err, sizeof err) ==
          PARITY_OK);
    CHECK_NEAR(b[0], 3.25, 1e-12);
    CHECK_NEAR(b[1], 5.5, 1e-12);
    CHECK_NEAR(b[2], 7.75, 1e-12);
    CHECK_NEAR(b[3], 10, 0);
    /* <= 3.25: 1 2 3; <= 5.5: 4 5; <= 7.75: 6 7; <= 10: 8 9 10. */
    CHECK(c[0] == 3 && c[1] == 2 && c[2] == 2 && c[3] == 3);

    /* Repeated values: both middle quantiles of {1,1,1,1,5,9} are 1 (h = 1.67
     * and 3.33 fall between equal order statistics), so class 2 is empty. */
    double r[] = {1, 1, 1, 1, 5, 9};
    CHECK(stats_breaks(r, 6, STATS_QUANTILE, 3, b, c, err, sizeof err) ==
          PARITY_OK);
    CHECK_NEAR(b[0], 1, 0);
    /* q = 2/3: h = 5 * 2/3 = 3.333, between sorted[3] = 1 and sorted[4] = 5:
     * 1 + 0.333 * 4 = 2.333. */
    CHECK_NEAR(b[1], 1 + 4.0 / 3.0, 1e-12);
    CHECK_NEAR(b[2], 9, 0);
    CHECK(c[0] == 4 && c[1] == 0 && c[2] == 2);
}

void test_stats_equal_breaks(void)
{
    /* min 0, max 10, k 5: widths of 2. */
    double v[] = {0, 1, 2, 2.5, 9, 10};
    double b[5];
    size_t c[5];
    char err[128];
    CHECK(stats_breaks(v, 6, STATS_EQUAL, 5, b, c, err, sizeof err) ==
          PARITY_OK);
    for (int i = 0; i < 5; i++)
        CHECK_NEAR(b[i], 2.0 * (i + 1), 1e-12);
    /* 0 1 2 | 2.5 | - | - | 9 10: a value on a bound belongs below it. */
    CHECK(c[0] == 3 && c[1] == 1 && c[2] == 0 && c[3] == 0 && c[4] == 2);
}

void test_stats_jenks_by_hand(void)
{
    /*
     * {1, 2, 4, 7, 8, 12}. Sum of squared deviations (SSD) of each 2-class
     * cut, by hand:
     *   {1} {2,4,7,8,12}: 0 + 59.2          = 59.2
     *   {1,2} {4,7,8,12}: 0.5 + 32.75       = 33.25
     *   {1,2,4} {7,8,12}: 4.667 + 14        = 18.667   <- least
     *   {1,2,4,7} {8,12}: 21 + 8            = 29
     *   {1,2,4,7,8} {12}: 37.2 + 0          = 37.2
     * 3 classes (the candidates; every other cut is worse):
     *   {1,2,4} {7,8} {12}: 4.667 + 0.5 + 0 = 5.167    <- least
     *   {1,2} {4,7,8} {12}: 0.5 + 8.667 + 0 = 9.167
     *   {1,2,4} {7} {8,12}: 4.667 + 0 + 8   = 12.667
     *   {1,2} {4} {7,8,12}: 0.5 + 0 + 14    = 14.5
     */
    double v[] = {8, 1, 12, 4, 2, 7};
    double b[3];
    size_t c[3];
    char err[128];
    CHECK(stats_breaks(v, 6, STATS_JENKS, 2, b, c, err, sizeof err) ==
          PARITY_OK);
    CHECK_NEAR(b[0], 4, 0);
    CHECK_NEAR(b[1], 12, 0);
    CHECK(c[0] == 3 && c[1] == 3);
    CHECK_NEAR(stats_within_ssd(v, 6, b, 2), 4.0 + 2.0 / 3.0 + 14, 1e-9);
    CHECK(stats_breaks(v, 6, STATS_JENKS, 3, b, c, err, sizeof err) ==
          PARITY_OK);
    CHECK_NEAR(b[0], 4, 0);
    CHECK_NEAR(b[1], 8, 0);
    CHECK_NEAR(b[2], 12, 0);
    CHECK(c[0] == 3 && c[1] == 2 && c[2] == 1);
    CHECK_NEAR(stats_within_ssd(v, 6, b, 3), 4.0 + 2.0 / 3.0 + 0.5, 1e-9);

    /* Ties never straddle classes: {1,1,1,2,2,9,9,9} in 3 classes is
     * {1,1,1} {2,2} {9,9,9} (SSD 0). */
    double t[] = {9, 1, 2, 1, 9, 2, 1, 9};
    CHECK(stats_breaks(t, 8, STATS_JENKS, 3, b, c, err, sizeof err) ==
          PARITY_OK);
    CHECK(b[0] == 1 && b[1] == 2 && b[2] == 9);
    CHECK(c[0] == 3 && c[1] == 2 && c[2] == 3);
}

/* The least SSD over every way to cut the distinct sorted values into k
 * runs: cuts are chosen as a bit mask over the m-1 gaps. */
static double brute_force_ssd(const double *v, size_t n, int k,
                              double *best_breaks)
{
    double d[16];
    size_t m = 0;
    double s[16];
    for (size_t i = 0; i < n; i++)
        s[i] = v[i];
    for (size_t i = 1; i < n; i++) /* insertion sort */
        for (size_t j = i; j > 0 && s[j - 1] > s[j]; j--) {
            double x = s[j];
            s[j] = s[j - 1];
            s[j - 1] = x;
        }
    for (size_t i = 0; i < n; i++)
        if (m == 0 || s[i] != d[m - 1])
            d[m++] = s[i];
    double best = INFINITY;
    for (uint32_t mask = 0; mask < (1u << (m - 1)); mask++) {
        if (__builtin_popcount(mask) != k - 1)
            continue;
        double b[STATS_MAX_CLASSES];
        int c = 0;
        for (size_t g = 0; g + 1 < m; g++)
            if (mask & (1u << g))
                b[c++] = d[g];
        b[c] = d[m - 1];
        double ssd = stats_within_ssd(v, n, b, k);
        if (ssd < best - 1e-12) {
            best = ssd;
            for (int i = 0; i < k; i++)
                best_breaks[i] = b[i];
        }
    }
    return best;
}

void test_stats_jenks_exhaustive(void)
{
    uint32_t seed = 12345;
    char err[128];
    for (int round = 0; round < 300; round++) {
        size_t n = 4 + (size_t)(round % 9); /* 4..12 values */
        double v[16];
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            /* Some rounds draw from few values, so ties occur. */
            v[i] = round % 3 == 0 ? (double)(seed >> 29)
                                  : (double)(seed >> 8) / 65536.0;
        }
        int k = 2 + round % 4; /* 2..5 */
        double b[STATS_MAX_CLASSES], expected[STATS_MAX_CLASSES];
        size_t c[STATS_MAX_CLASSES];
        parity_status status =
            stats_breaks(v, n, STATS_JENKS, k, b, c, err, sizeof err);
        double best = brute_force_ssd(v, n, k, expected);
        if (isinf(best)) { /* fewer distinct values than k */
            CHECK(status == PARITY_ERR_INPUT);
            continue;
        }
        CHECK(status == PARITY_OK);
        CHECK_NEAR(stats_within_ssd(v, n, b, k), best, 1e-9 * (1 + best));
        size_t total = 0;
        for (int i = 0; i < k; i++)
            total += c[i];
        CHECK(total == n);
    }
}

void test_stats_errors(void)
{
    double v[] = {1, 2, 3}, b[9];
    size_t c[9];
    char err[128];
    stats_method m;
    CHECK(stats_breaks(v, 3, STATS_QUANTILE, 1, b, c, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(stats_breaks(v, 3, STATS_QUANTILE, 10, b, c, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(stats_breaks(v, 0, STATS_EQUAL, 3, b, c, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(stats_breaks(v, 3, STATS_JENKS, 4, b, c, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(strstr(err, "k <= 3") != NULL);
    double bad[] = {1, NAN, 3};
    CHECK(stats_breaks(bad, 3, STATS_EQUAL, 2, b, c, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(stats_method_parse("jenks", &m) == PARITY_OK && m == STATS_JENKS);
    CHECK(stats_method_parse("quantile", &m) == PARITY_OK &&
          m == STATS_QUANTILE);
    CHECK(stats_method_parse("natural", &m) == PARITY_ERR_INPUT);
    CHECK_STR(stats_method_name(STATS_EQUAL), "equal");
}
