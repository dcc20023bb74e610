/*
 * app.h - what `parity serve` answers: routes to handlers.
 *
 * The app owns the database pool and the LISTEN/NOTIFY listener, and turns
 * each http_request into an answer: health, TileJSON, tiles, the JSON API
 * and the page's static files. Created once, shared by every event and
 * worker thread of the server (all of its functions are thread-safe).
 */
#ifndef PARITY_APP_H
#define PARITY_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/http.h"
#include "parity/status.h"

typedef struct app_config {
    const char *db;       /* libpq conninfo ("" for PG* variables) */
    const char *web_root; /* directory of the page's files */
    int pool_size;
    int pool_reserve; /* connections kept for API writes and probes */
    int statement_timeout_ms;
    int pool_wait_ms;
    int max_zoom;
    int max_features;          /* per tile */
    const char *cache_control; /* for tiles and API reads */
    const char *cors_origins;  /* --cors-origins list, NULL/"" for none */
    int page_size;             /* API lists: items when no limit is given */
    int max_page_size;         /* API lists: largest limit accepted */
    size_t cache_size;         /* tile cache bound in bytes (0: off) */
    int db_threads; /* threads answering asynchronous tile queries (0: one
                       per online CPU, as the event threads) */
} app_config;

typedef struct app app;

/* Creates the app; the database may be down (it is connected lazily and
 * reconnected on its own; a monitor thread probes it twice a second for
 * /healthz, /readyz and /metrics). NULL with err on failure (a bad
 * --cors-origins or --web-root says which). */
app *app_new(const app_config *cfg, char *err, size_t errlen);
void app_free(app *a);

/* The full http_handler_fn for the server (ctx is the app): answers every
 * request; may block on the database and files (run it on a worker). */
void app_handle(void *ctx, const http_request *req, http_response *res);

/* The fast http_fast_fn for the server (ctx is the app): never blocks.
 * Answers a GET/HEAD of a tile stored in the cache (200 or 304) when no
 * token needs checking, /healthz and /readyz from the health monitor's
 * last probe, /metrics (counters under short locks) and CORS preflights;
 * declines everything else (a cache miss, a fill in flight, the first probe not
 * yet done, anything touching the database or files), which app_handle then
 * answers. A declined request leaves no trace (no counter moves). */
bool app_fast(void *ctx, const http_request *req, http_response *res);

/* The http_async_fn for the server (ctx is the app): never blocks. Takes
 * a GET/HEAD of a tile that missed the cache when its fill needs only the
 * tile's query (tiles_async): the query is sent, at once or when a
 * connection comes free, and the answer made on the database's thread;
 * declines everything else, leaving res untouched. */
bool app_async(void *ctx, const http_request *req, http_response *res,
               http_pending *pending);

/* The http_observe_fn for the server (ctx is the app): counts each answer
 * for /metrics. */
void app_observe(void *ctx, const http_response *res, double seconds);

/* Lets /metrics report the server's connection counters; server must
 * outlive the app's use of it (stop the server before app_free). */
void app_attach_server(app *a, http_server *server);

#endif
