/*
 * coverage.h - the coverage analysis as answers: the coverage document, its
 * CSV form, class breaks of any of its metrics, a neighborhood's profile,
 * and a cache of computed documents.
 *
 * PostgreSQL computes every metric (parity_coverage in
 * sql/migrations/0009_analysis.sql, defined in docs/metrics.md) and builds
 * the JSON; this module runs the queries, keeps computed answers in memory
 * keyed by their request and the state of the data (every layer's version
 * and today's date), and turns the document into what a caller asked for.
 * /api/coverage, /api/breaks, /api/neighborhoods/{id} and
 * `parity report coverage` all go through it, so they cannot disagree.
 *
 * The cache is thread-safe; the other functions are thread-safe as long as
 * each thread uses its own db_conn.
 */
#ifndef PARITY_COVERAGE_H
#define PARITY_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/buf.h"
#include "parity/db.h"
#include "parity/params.h"
#include "parity/stats.h"
#include "parity/status.h"

/* Largest coverage document or profile, in bytes (about 1 kB a neighborhood).
 */
#define COVERAGE_MAX_BYTES ((size_t)64 << 20)

typedef struct coverage_cache coverage_cache;

/* A cache of at most max_entries answers and max_bytes bytes, least recently
 * used first out. NULL when out of memory. */
coverage_cache *coverage_cache_new(size_t max_entries, size_t max_bytes);
void coverage_cache_free(coverage_cache *cache);

/* Copies the answer stored under key into out (replacing its contents);
 * false when there is none (or out's cap is too small). */
bool coverage_cache_get(coverage_cache *cache, const char *key,
                        parity_buf *out);

/* Stores a copy of len bytes under key (replacing an older one); answers
 * larger than a quarter of the cache are not kept. */
void coverage_cache_put(coverage_cache *cache, const char *key,
                        const void *data, size_t len);

/* Entries and hits/misses so far (any pointer may be NULL). */
void coverage_cache_stats(coverage_cache *cache, size_t *entries, size_t *bytes,
                          unsigned long *hits, unsigned long *misses);

/*
 * The coverage document for the filters into out (compact JSON:
 * {as_of, window, settings, indicators, warnings, city, neighborhoods}).
 * privileged shows small incident counts. cache may be NULL. *hit (may be
 * NULL) says whether it came from the cache. Errors: the query's status
 * with err.
 */
parity_status coverage_document(db_conn *conn, coverage_cache *cache,
                                const params_filters *filters, bool privileged,
                                parity_buf *out, bool *hit, char *err,
                                size_t errlen);

/* A neighborhood's profile (compact JSON) into out; PARITY_ERR_NOT_FOUND
 * when there is no neighborhood with that id. */
parity_status coverage_profile(db_conn *conn, coverage_cache *cache,
                               const char *id, const params_filters *filters,
                               bool privileged, parity_buf *out, bool *hit,
                               char *err, size_t errlen);

/*
 * The document's neighborhoods as CSV (RFC 4180, CRLF line ends, UTF-8):
 * a header row neighborhood_id, neighborhood_name, then every key of a
 * coverage row in document order, then each indicator. Empty = no value;
 * booleans true/false; numbers as in the JSON. A text cell that a
 * spreadsheet would run as a formula (starts with = + - @ or a control
 * character) gets a leading apostrophe. Errors: PARITY_ERR_INPUT when doc is
 * not a coverage document; PARITY_ERR_TOO_LARGE past out's cap.
 */
parity_status coverage_csv(const char *doc, size_t len, parity_buf *out,
                           char *err, size_t errlen);

/* True when metric names a numeric key of the document's rows (a metric or
 * an imported indicator) that breaks can be computed for. */
bool coverage_metric_known(const char *doc, size_t len, const char *metric);

/*
 * Class breaks of metric over the neighborhoods with a value:
 * {"metric", "method", "k", "breaks": [upper bound of each class],
 *  "counts": [...], "n", "missing", "min", "max", "as_of", "window"}
 * into out. Errors: PARITY_ERR_INPUT (unknown metric, naming the known ones;
 * no values; see stats_breaks), PARITY_ERR_TOO_LARGE.
 */
parity_status coverage_breaks(const char *doc, size_t len, const char *metric,
                              stats_method method, int k, parity_buf *out,
                              char *err, size_t errlen);

#endif
