/* metrics.c - lock-free request counters in Prometheus text format (see
 * metrics.h). */
#include "parity/metrics.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_MIN 100
#define STATUS_MAX 599
#define N_STATUS   (STATUS_MAX - STATUS_MIN + 1)

/* Upper bounds of the latency buckets, in seconds (+Inf is implied). */
static const double BUCKETS[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                 0.25,  0.5,    1,     2.5,  5,     10};
#define N_BUCKETS (sizeof BUCKETS / sizeof BUCKETS[0])

typedef struct route_counters {
    atomic_ullong status[N_STATUS];
    atomic_ullong bucket[N_BUCKETS + 1]; /* the last one is +Inf */
    atomic_ullong micros;                /* sum of durations */
    atomic_ullong count;
} route_counters;

struct metrics {
    const char *const *routes;
    size_t n_routes;           /* plus one "other" at index n_routes */
    route_counters *per_route; /* n_routes + 1 */
    atomic_ullong cache_hits, cache_misses, cache_waits;
};

metrics *metrics_new(const char *const *routes, size_t n_routes)
{
    metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->per_route = calloc(n_routes + 1, sizeof *m->per_route);
    if (!m->per_route) {
        free(m);
        return NULL;
    }
    /* calloc's zero bytes are valid zero atomics on every platform parity
     * builds on (lock-free integers); atomic_init would be the pedantic
     * spelling. */
    m->routes = routes;
    m->n_routes = n_routes;
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    free(m->per_route);
    free(m);
}

void metrics_observe(metrics *m, size_t route, int status, double seconds,
                     const char *cache_state)
{
    if (route > m->n_routes)
        route = m->n_routes;
    route_counters *c = &m->per_route[route];
    if (status < STATUS_MIN || status > STATUS_MAX)
        status = 500;
    atomic_fetch_add_explicit(&c->status[status - STATUS_MIN], 1,
                              memory_order_relaxed);
    if (!(seconds >= 0)) /* also NaN */
        seconds = 0;
    size_t b = 0;
    while (b < N_BUCKETS && seconds > BUCKETS[b])
        b++;
    atomic_fetch_add_explicit(&c->bucket[b], 1, memory_order_relaxed);
    double micros = seconds * 1e6;
    atomic_fetch_add_explicit(
        &c->micros, micros < 1e15 ? (unsigned long long)llround(micros) : 0,
        memory_order_relaxed);
    atomic_fetch_add_explicit(&c->count, 1, memory_order_relaxed);
    if (cache_state && !strcmp(cache_state, "hit"))
        atomic_fetch_add_explicit(&m->cache_hits, 1, memory_order_relaxed);
    else if (cache_state && !strcmp(cache_state, "miss"))
        atomic_fetch_add_explicit(&m->cache_misses, 1, memory_order_relaxed);
    else if (cache_state && !strcmp(cache_state, "wait"))
        atomic_fetch_add_explicit(&m->cache_waits, 1, memory_order_relaxed);
}

static unsigned long long load(atomic_ullong *v)
{
    return atomic_load_explicit(v, memory_order_relaxed);
}

parity_status metrics_family(parity_buf *out, const char *name,
                             const char *type, const char *help)
{
    return buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
                      type);
}

parity_status metrics_value(parity_buf *out, const char *name,
                            const char *label, const char *label_value,
                            double value)
{
    parity_status status = buf_append_str(out, name);
    if (status == PARITY_OK && label) {
        status = buf_printf(out, "{%s=\"", label);
        for (const char *p = label_value ? label_value : "";
             *p && status == PARITY_OK; p++)
            status = *p == '\\'   ? buf_append_str(out, "\\\\")
                     : *p == '"'  ? buf_append_str(out, "\\\"")
                     : *p == '\n' ? buf_append_str(out, "\\n")
                                  : buf_append(out, p, 1);
        if (status == PARITY_OK)
            status = buf_append_str(out, "\"}");
    }
    if (status != PARITY_OK)
        return status;
    /* Integers print as integers; %.17g keeps any double exact. */
    if (value == floor(value) && fabs(value) < 9e15)
        return buf_printf(out, " %.0f\n", value);
    return buf_printf(out, " %.17g\n", value);
}

parity_status metrics_sample(parity_buf *out, const char *name,
                             const char *type, const char *help, double value)
{
    parity_status status = metrics_family(out, name, type, help);
    return status == PARITY_OK ? metrics_value(out, name, NULL, NULL, value)
                               : status;
}

parity_status metrics_render(metrics *m, parity_buf *out)
{
    parity_status st =
        metrics_family(out, "parity_http_requests_total", "counter",
                       "Requests answered, by route kind and HTTP status.");
    for (size_t r = 0; r <= m->n_routes && st == PARITY_OK; r++) {
        const char *route = r < m->n_routes ? m->routes[r] : "other";
        for (int s = 0; s < N_STATUS && st == PARITY_OK; s++) {
            unsigned long long n = load(&m->per_route[r].status[s]);
            if (n)
                st = buf_printf(out,
                                "parity_http_requests_total{route=\"%s\","
                                "status=\"%d\"} %llu\n",
                                route, s + STATUS_MIN, n);
        }
    }
    if (st == PARITY_OK)
        st = metrics_family(out, "parity_http_request_duration_seconds",
                            "histogram",
                            "Time from a request's headers to its answer, by "
                            "route kind.");
    for (size_t r = 0; r <= m->n_routes && st == PARITY_OK; r++) {
        const char *route = r < m->n_routes ? m->routes[r] : "other";
        route_counters *c = &m->per_route[r];
        unsigned long long count = load(&c->count);
        if (!count)
            continue;
        /* Buckets are cumulative in the format; they are read once each, so
         * concurrent requests may make +Inf differ from _count by the few
         * requests that finished while rendering. */
        unsigned long long running = 0;
        for (size_t b = 0; b <= N_BUCKETS && st == PARITY_OK; b++) {
            running += load(&c->bucket[b]);
            if (b < N_BUCKETS)
                st = buf_printf(out,
                                "parity_http_request_duration_seconds_bucket{"
                                "route=\"%s\",le=\"%g\"} %llu\n",
                                route, BUCKETS[b], running);
            else
                st = buf_printf(out,
                                "parity_http_request_duration_seconds_bucket{"
                                "route=\"%s\",le=\"+Inf\"} %llu\n",
                                route, running);
        }
        if (st == PARITY_OK)
            st = buf_printf(out,
                            "parity_http_request_duration_seconds_sum{route="
                            "\"%s\"} %.6f\n"
                            "parity_http_request_duration_seconds_count{route="
                            "\"%s\"} %llu\n",
                            route, (double)load(&c->micros) / 1e6, route,
                            running);
    }
    if (st == PARITY_OK)
        st = metrics_family(out, "parity_http_cache_answers_total", "counter",
                            "Answers that could come from a cache (tiles, "
                            "coverage, the page), by whether they did (wait: "
                            "shared another request's fill).");
    if (st == PARITY_OK)
        st = metrics_value(out, "parity_http_cache_answers_total", "cache",
                           "hit", (double)load(&m->cache_hits));
    if (st == PARITY_OK)
        st = metrics_value(out, "parity_http_cache_answers_total", "cache",
                           "miss", (double)load(&m->cache_misses));
    if (st == PARITY_OK)
        st = metrics_value(out, "parity_http_cache_answers_total", "cache",
                           "wait", (double)load(&m->cache_waits));
    return st;
}
