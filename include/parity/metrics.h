/*
 * metrics.h - counters of what the server did, in Prometheus text format.
 *
 * The server counts every answered request by route kind and status code,
 * the time each took (a histogram), and whether a tile came from the cache.
 * Counting is lock-free (relaxed atomics): a request pays a few atomic
 * increments. /metrics renders the counters with metrics_render and then
 * whatever gauges its owner adds with metrics_family/metrics_value (pool,
 * connections, data versions, cache statistics): adding one is one line.
 *
 * Format: https://prometheus.io/docs/instrumenting/exposition_formats/
 * (text format 0.0.4). metrics_observe and metrics_render are thread-safe;
 * the buffer helpers are pure.
 */
#ifndef PARITY_METRICS_H
#define PARITY_METRICS_H

#include <stddef.h>

#include "parity/buf.h"
#include "parity/status.h"

typedef struct metrics metrics;

/* Counters for requests of the given route kinds (static strings such as
 * "tile"; the label values of route="..."). A request of no known route is
 * counted under "other". NULL when out of memory. */
metrics *metrics_new(const char *const *routes, size_t n_routes);
void metrics_free(metrics *m);

/* Counts one answered request: route is an index into the routes given to
 * metrics_new (anything else counts as "other"), status its HTTP status
 * (100..599), seconds how long it took, cache_state "hit", "miss", "wait" or
 * NULL. */
void metrics_observe(metrics *m, size_t route, int status, double seconds,
                     const char *cache_state);

/* Appends the request counters, the latency histogram and the answers by
 * cache state (parity_http_cache_answers_total{cache="hit"|"miss"|"wait"}) to
 * out. PARITY_ERR_TOO_LARGE when out's cap is hit. */
parity_status metrics_render(metrics *m, parity_buf *out);

/* Appends "# HELP name help" and "# TYPE name type" (type "counter" or
 * "gauge"); call once per metric, before its values. */
parity_status metrics_family(parity_buf *out, const char *name,
                             const char *type, const char *help);

/* Appends one sample: name{label="value"} value. label may be NULL for a
 * sample without labels; label_value is escaped as the format requires. */
parity_status metrics_value(parity_buf *out, const char *name,
                            const char *label, const char *label_value,
                            double value);

/* metrics_family and one unlabelled metrics_value. */
parity_status metrics_sample(parity_buf *out, const char *name,
                             const char *type, const char *help, double value);

#endif
