/* stats.c - class breaks: quantile, equal interval, exact Fisher-Jenks
 * (see stats.h). */
#include "parity/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

parity_status stats_method_parse(const char *name, stats_method *out)
{
    if (name && !strcmp(name, "quantile"))
        *out = STATS_QUANTILE;
    else if (name && !strcmp(name, "equal"))
        *out = STATS_EQUAL;
    else if (name && !strcmp(name, "jenks"))
        *out = STATS_JENKS;
    else
        return PARITY_ERR_INPUT;
    return PARITY_OK;
}

const char *stats_method_name(stats_method method)
{
    switch (method) {
    case STATS_QUANTILE: return "quantile";
    case STATS_EQUAL: return "equal";
    case STATS_JENKS: return "jenks";
    }
    return "unknown";
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The class of v: the first whose upper bound is >= v (the last otherwise,
 * which only float noise could reach). */
static int class_of(double v, const double *breaks, int k)
{
    for (int c = 0; c < k; c++)
        if (v <= breaks[c])
            return c;
    return k - 1;
}

static void count_classes(const double *sorted, size_t n, const double *breaks,
                          int k, size_t *counts)
{
    for (int c = 0; c < k; c++)
        counts[c] = 0;
    for (size_t i = 0; i < n; i++)
        counts[class_of(sorted[i], breaks, k)]++;
}

/* The q-quantile of sorted values by linear interpolation between order
 * statistics (Hyndman & Fan's type 7, the default of R and NumPy). */
static double quantile(const double *sorted, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/*
 * Fisher's exact optimal partition, over the m distinct values v (ascending)
 * with multiplicities w. cost[c][j] is the least within-class sum of squares
 * of v[0..j] in c+1 classes; the last class of that optimum starts at
 * start[c][j]. The sum of squares of a run comes from prefix sums of w,
 * w v and w v^2 of values centred on their mean (which keeps the
 * subtraction S2 - S1^2/W accurate).
 */
static parity_status jenks(const double *v, const double *w, size_t m, int k,
                           double *breaks, char *err, size_t errlen)
{
    double *prefix = calloc(3 * (m + 1), sizeof *prefix);
    double *cost = malloc((size_t)k * m * sizeof *cost);
    size_t *start = malloc((size_t)k * m * sizeof *start);
    if (!prefix || !cost || !start) {
        free(prefix);
        free(cost);
        free(start);
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    }
    double total = 0, weight = 0;
    for (size_t i = 0; i < m; i++) {
        total += w[i] * v[i];
        weight += w[i];
    }
    double centre = total / weight;
    double *pw = prefix, *p1 = prefix + m + 1, *p2 = prefix + 2 * (m + 1);
    for (size_t i = 0; i < m; i++) {
        double d = v[i] - centre;
        pw[i + 1] = pw[i] + w[i];
        p1[i + 1] = p1[i] + w[i] * d;
        p2[i + 1] = p2[i] + w[i] * d * d;
    }
#define SSD(a, b) /* values a..b inclusive */                                  \
    (p2[(b) + 1] - p2[a] -                                                     \
     (p1[(b) + 1] - p1[a]) * (p1[(b) + 1] - p1[a]) / (pw[(b) + 1] - pw[a]))
    for (size_t j = 0; j < m; j++) {
        cost[j] = SSD(0, j);
        start[j] = 0;
    }
    for (int c = 1; c < k; c++) {
        double *row = cost + (size_t)c * m, *prev = cost + (size_t)(c - 1) * m;
        size_t *from = start + (size_t)c * m;
        for (size_t j = (size_t)c; j < m; j++) {
            double best = INFINITY;
            size_t best_i = j;
            /* The last class is v[i..j]; the c classes before end at i-1. */
            for (size_t i = (size_t)c; i <= j; i++) {
                double here = prev[i - 1] + SSD(i, j);
                if (here < best) {
                    best = here;
                    best_i = i;
                }
            }
            row[j] = best;
            from[j] = best_i;
        }
    }
#undef SSD
    size_t end = m - 1;
    for (int c = k - 1; c >= 0; c--) {
        breaks[c] = v[end];
        if (c > 0)
            end = start[(size_t)c * m + end] - 1;
    }
    free(prefix);
    free(cost);
    free(start);
    return PARITY_OK;
}

parity_status stats_breaks(const double *values, size_t n, stats_method method,
                           int k, double *breaks, size_t *counts, char *err,
                           size_t errlen)
{
    if (k < 2 || k > STATS_MAX_CLASSES)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "k: from 2 to %d classes", STATS_MAX_CLASSES);
    if (n == 0)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "no values to classify");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(values[i]))
            return parity_fail(err, errlen, PARITY_ERR_INPUT,
                               "value %zu is not a finite number", i);
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    memcpy(sorted, values, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    double lo = sorted[0], hi = sorted[n - 1];
    parity_status status = PARITY_OK;
    switch (method) {
    case STATS_QUANTILE:
        for (int c = 0; c < k - 1; c++)
            breaks[c] = quantile(sorted, n, (double)(c + 1) / k);
        breaks[k - 1] = hi;
        break;
    case STATS_EQUAL:
        for (int c = 0; c < k - 1; c++)
            breaks[c] = lo + (hi - lo) * (double)(c + 1) / k;
        breaks[k - 1] = hi;
        break;
    case STATS_JENKS: {
        /* Distinct values and their multiplicities, in place. */
        double *weights = malloc(n * sizeof *weights);
        if (!weights) {
            status =
                parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
            break;
        }
        double *distinct = malloc(n * sizeof *distinct);
        if (!distinct) {
            free(weights);
            status =
                parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
            break;
        }
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (m > 0 && sorted[i] == distinct[m - 1]) {
                weights[m - 1] += 1;
            } else {
                distinct[m] = sorted[i];
                weights[m++] = 1;
            }
        }
        if (m < (size_t)k)
            status =
                parity_fail(err, errlen, PARITY_ERR_INPUT,
                            "jenks needs at least k distinct values; there "
                            "are %zu, so use k <= %zu",
                            m, m);
        else if (m > STATS_MAX_JENKS_VALUES)
            status = parity_fail(err, errlen, PARITY_ERR_TOO_LARGE,
                                 "jenks classifies at most %d distinct values "
                                 "(there are %zu); use quantile or equal",
                                 STATS_MAX_JENKS_VALUES, m);
        else
            status = jenks(distinct, weights, m, k, breaks, err, errlen);
        free(distinct);
        free(weights);
        break;
    }
    default:
        status = parity_fail(err, errlen, PARITY_ERR_INPUT, "unknown method");
    }
    if (status == PARITY_OK)
        count_classes(sorted, n, breaks, k, counts);
    free(sorted);
    return status;
}

double stats_within_ssd(const double *values, size_t n, const double *breaks,
                        int k)
{
    double sum[STATS_MAX_CLASSES] = {0}, count[STATS_MAX_CLASSES] = {0};
    if (k < 1 || k > STATS_MAX_CLASSES)
        return NAN;
    for (size_t i = 0; i < n; i++) {
        int c = class_of(values[i], breaks, k);
        sum[c] += values[i];
        count[c] += 1;
    }
    double ssd = 0;
    for (size_t i = 0; i < n; i++) {
        int c = class_of(values[i], breaks, k);
        double d = values[i] - sum[c] / count[c];
        ssd += d * d;
    }
    return ssd;
}
