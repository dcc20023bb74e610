/*
 * handlers.h - what every request handler shares: the database pool, the
 * settings, and the common ways to answer.
 *
 * app.c routes a request to a handler with a handler_ctx. Tile layers are
 * described in layers.h; API collections register in the table below
 * (src/api.c), one row per collection, each handler in its own file
 * (src/api_<collection>.c). All functions are thread-safe.
 */
#ifndef PARITY_HANDLERS_H
#define PARITY_HANDLERS_H

#include <stdbool.h>

#include <stdatomic.h>

#include "parity/app.h"
#include "parity/cache.h"
#include "parity/coverage.h"
#include "parity/db.h"
#include "parity/http.h"
#include "parity/params.h"
#include "parity/routes.h"

typedef struct tiles_clock tiles_clock;

typedef struct handler_ctx {
    db_pool *pool;
    const app_config *cfg;
    cache *cache; /* the tile cache (tiles.h); cache_stats for /metrics */
    db_listener *listener; /* follows parity_data; the cache trusts stored
                              tiles only while it is connected ... */
    const atomic_bool *database_down; /* ... or while the database is
                              unreachable (app.c's health monitor): no
                              change can be made then, and a stored tile
                              beats a 503; may be NULL */
    coverage_cache *coverage; /* computed coverage answers (coverage.h) */
    tiles_clock *clock;       /* the city's next midnight (tiles.h) */
    db_async *async; /* sends tile queries without waiting (tiles_async);
                        may be NULL */
} handler_ctx;

/* Takes a pooled connection for work of the lane (db.h: DB_LANE_BULK for
 * reads, DB_LANE_PRIORITY for writes); on failure answers 503 and returns
 * the status. */
parity_status handler_acquire(const handler_ctx *ctx, db_lane lane,
                              db_conn **conn, http_response *res);

/* Answers the failure to get a connection (logged with err): 503, "busy"
 * when none came free in time, "not reachable" otherwise. */
void handler_pool_error(http_response *res, parity_status status,
                        const char *err);

/* Answers a failed query (logged with its name; the client gets no SQL). */
void handler_db_error(http_response *res, parity_status status,
                      const char *query, const char *err);

/* Gives the answer a strong ETag and the configured Cache-Control; for a
 * client that accepts gzip, compresses a compressible body of some size
 * (the gzip variant's ETag ends in -gz; Vary: Accept-Encoding); and turns
 * the answer into 304 when If-None-Match holds the ETag (borrowed bytes are
 * released then). */
void handler_cacheable(const handler_ctx *ctx, const http_request *req,
                       http_response *res);

/* Answers with a cached entry (cache.h): the variant this client takes
 * (gzip or identity) with its ETag, Vary: Accept-Encoding, cache_control
 * (a static string), and 304 when If-None-Match holds the ETag. The bytes
 * are borrowed, not copied; the caller's reference is taken over. */
void handler_answer_entry(const http_request *req, http_response *res,
                          cache_entry *entry, const char *cache_control);

/* Runs the named query, whose one row and one column is the whole answer
 * body (JSON built by PostgreSQL), and answers it with content_type. */
void handler_query_body(const handler_ctx *ctx, const http_request *req,
                        http_response *res, const char *query, int n_params,
                        const char *const *params, const char *content_type);

/*
 * Checks the request's bearer token on conn (token.h). When required, a
 * request without a valid token is answered 401; when not, a request
 * without an Authorization header passes unprivileged, but one with an
 * invalid token is still answered 401 (a client that sends a token wants to
 * know it does not work). 401s carry WWW-Authenticate: Bearer. *privileged
 * is true when the token is valid. Returns PARITY_OK or the status
 * answered.
 */
parity_status handler_authorize(db_conn *conn, const http_request *req,
                                bool required, bool *privileged,
                                http_response *res);

/* PARITY_OK when the filters name no category or only existing ones;
 * PARITY_ERR_INPUT with err naming the first unknown one (and those that
 * exist); or the query's status. Answers nothing. */
parity_status handler_categories_known(db_conn *conn,
                                       const params_filters *filters, char *err,
                                       size_t errlen);

/* Answers 400 naming the filters' categories that do not exist (and those
 * that do); PARITY_OK when there are none or all exist. */
parity_status handler_check_categories(db_conn *conn,
                                       const params_filters *filters,
                                       http_response *res);

typedef void (*api_handler_fn)(const handler_ctx *ctx, const http_request *req,
                               const route *r, http_response *res);

typedef struct api_collection {
    const char *name; /* "sites" answers /api/sites and /api/sites/{id} */
    api_handler_fn handle;
} api_collection;

/* The API's collections (src/api.c); ends with a row whose name is NULL. */
extern const api_collection API_COLLECTIONS[];

#endif
