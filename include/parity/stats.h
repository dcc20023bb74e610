/*
 * stats.h - class breaks for choropleth maps: quantiles, equal intervals and
 * exact Fisher-Jenks natural breaks.
 *
 * The per-neighborhood statistics of the coverage analysis (empirical Bayes
 * rates, E2SFCA access, z-scores, Getis-Ord Gi*) are SQL functions in
 * sql/migrations/0009_analysis.sql, so the server, the tiles and the report
 * share one implementation; this module classifies a metric's values once
 * they are computed. Every method gives k classes as their upper bounds
 * (the last is the maximum) and the number of values in each; a value v
 * belongs to the first class whose upper bound is >= v. Pure, thread-safe,
 * no allocation beyond what a call frees before it returns.
 */
#ifndef PARITY_STATS_H
#define PARITY_STATS_H

#include <stddef.h>

#include "parity/status.h"

#define STATS_MAX_CLASSES 9
#define STATS_MAX_JENKS_VALUES                                                 \
    5000 /* distinct values; the method is O(k m^2) */

typedef enum stats_method {
    STATS_QUANTILE, /* equal counts: the c/k quantiles (linear interpolation) */
    STATS_EQUAL,    /* equal widths between the minimum and the maximum */
    STATS_JENKS /* Fisher (1958) exact optimum: least within-class squares */
} stats_method;

/* Parses "quantile", "equal" or "jenks"; PARITY_ERR_INPUT otherwise. */
parity_status stats_method_parse(const char *name, stats_method *out);

/* The method's name (static storage). */
const char *stats_method_name(stats_method method);

/*
 * Computes k classes (2 <= k <= STATS_MAX_CLASSES) of the n finite values
 * (any order; not modified): breaks[0..k) receives each class's upper bound
 * and counts[0..k) how many values fall in it.
 *   quantile: breaks[c] = the (c+1)/k quantile of the values (the "type 7"
 *             definition: linear interpolation between order statistics),
 *             classes may be empty when values repeat;
 *   equal:    breaks[c] = min + (c+1) (max - min) / k;
 *   jenks:    the partition of the sorted values into k runs that
 *             minimizes the sum of squared deviations from the class means,
 *             found exactly by dynamic programming over the distinct values
 *             (equal values never straddle two classes); breaks are the
 *             largest value of each class.
 * Errors (PARITY_ERR_INPUT, with err): k out of range, no values, a
 * non-finite value, jenks with fewer distinct values than k;
 * PARITY_ERR_TOO_LARGE: jenks over more than STATS_MAX_JENKS_VALUES distinct
 * values; PARITY_ERR_NOMEM.
 */
parity_status stats_breaks(const double *values, size_t n, stats_method method,
                           int k, double *breaks, size_t *counts, char *err,
                           size_t errlen);

/* The sum of squared deviations from their class means of the n values
 * classified by breaks (k upper bounds, as above): what jenks minimizes.
 * For tests and for reporting the goodness of a classification. */
double stats_within_ssd(const double *values, size_t n, const double *breaks,
                        int k);

#endif
