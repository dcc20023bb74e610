/* tiles.c - serving tiles through the cache (see tiles.h). */
#include "parity/tiles.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parity/cache.h"
#include "parity/encoding.h"
#include "parity/layers.h"
#include "parity/log.h"
#include "parity/params.h"
#include "parity/respond.h"
#include "parity/text.h"

void tiles_cache_key(const char *layer, tile_id tile, const char *format,
                     const char *filters_key, bool privileged, char *out,
                     size_t outlen)
{
    /* Not snprintf: this runs for every tile request (see text.h). */
    size_t n = 0;
    text_put(out, outlen, &n, layer);
    text_put(out, outlen, &n, "/");
    text_put_uint(out, outlen, &n, (unsigned)tile.z, 0);
    text_put(out, outlen, &n, "/");
    text_put_uint(out, outlen, &n, tile.x, 0);
    text_put(out, outlen, &n, "/");
    text_put_uint(out, outlen, &n, tile.y, 0);
    text_put(out, outlen, &n, ".");
    text_put(out, outlen, &n, format);
    text_put(out, outlen, &n, "?");
    text_put(out, outlen, &n, filters_key);
    text_put(out, outlen, &n, privileged ? "#privileged" : "#public");
}

static const char *content_type_of(const char *format)
{
    return !strcmp(format, "mvt") ? "application/vnd.mapbox-vector-tile"
                                  : "application/geo+json";
}

/* The error a failed fill gives every request that shared it: a bad
 * request is told what to fix, a database failure only what happened. */
static void tile_error(http_response *res, parity_status status,
                       const char *message)
{
    respond_error(res, status,
                  status == PARITY_ERR_INPUT ? message
                  : status == PARITY_ERR_TIMEOUT
                      ? "the database took too long; try again shortly or a "
                        "higher zoom"
                  : status == PARITY_ERR_UNAVAILABLE
                      ? "the database is not reachable right now; try again "
                        "shortly"
                      : "the database could not make this tile",
                  NULL);
}

void tiles_clock_init(tiles_clock *clock)
{
    pthread_mutex_init(&clock->lock, NULL);
    clock->until = 0;
    clock->generation = 0;
}

void tiles_clock_destroy(tiles_clock *clock)
{
    pthread_mutex_destroy(&clock->lock);
}

void tiles_clock_forget(tiles_clock *clock)
{
    pthread_mutex_lock(&clock->lock);
    clock->until = 0;
    clock->generation++;
    pthread_mutex_unlock(&clock->lock);
}

/* The midnight known, while it is ahead; else 0. */
static int64_t tiles_clock_known(tiles_clock *clock)
{
    int64_t now = (int64_t)time(NULL);
    pthread_mutex_lock(&clock->lock);
    int64_t until = clock->until;
    pthread_mutex_unlock(&clock->lock);
    return until > now ? until : 0;
}

/* Until when a tile of a daily layer stays true (the city's next
 * midnight), or 0 when it cannot tell (then it is not limited, which is no
 * worse than before the layer counted days). Asks the database only when
 * the midnight known has passed or was forgotten. */
static int64_t valid_until(tiles_clock *clock, db_conn *conn)
{
    int64_t now = (int64_t)time(NULL);
    pthread_mutex_lock(&clock->lock);
    int64_t until = clock->until;
    uint64_t generation = clock->generation;
    pthread_mutex_unlock(&clock->lock);
    if (until > now)
        return until;
    db_result *rows = NULL;
    char err[256];
    until = 0;
    if (db_query(conn, "tile_valid_until", 0, NULL, &rows, err, sizeof err) ==
            PARITY_OK &&
        db_result_rows(rows) == 1 && !db_result_is_null(rows, 0, 0))
        until = strtoll(db_result_value(rows, 0, 0), NULL, 10);
    db_result_free(rows);
    pthread_mutex_lock(&clock->lock);
    if (clock->generation == generation && until > now)
        clock->until = until;
    pthread_mutex_unlock(&clock->lock);
    return until;
}

/* X-Parity-Truncated from the entry's note. Copied, not printf'd: this
 * runs for every answer (see text.h). */
static void set_truncated(http_response *res, const cache_entry *entry)
{
    const char *truncated = cache_entry_note(entry);
    size_t truncated_len = strnlen(truncated, sizeof res->truncated - 1);
    memcpy(res->truncated, truncated, truncated_len);
    res->truncated[truncated_len] = '\0';
}

/* Stored tiles are trusted while the listener hears every change. When it
 * is away because the database is (stopped, restarting, cut off), they are
 * still served: a fill would only answer 503, and everything is dropped
 * when the listener reconnects, so a tile is stale at most by the outage. */
static bool stored_trusted(const handler_ctx *ctx)
{
    return (ctx->listener && db_listener_connected(ctx->listener)) ||
           (ctx->database_down && atomic_load(ctx->database_down));
}

/* The cache key of this request for layer into key (keylen bytes). */
static void request_key(const layer_def *layer, const route *r,
                        const params_filters *filters, bool privileged,
                        char *key, size_t keylen)
{
    char filters_key[1024] = "";
    if (layer->n_params > 5)
        params_filters_key(filters, filters_key, sizeof filters_key);
    tiles_cache_key(layer->name, r->tile, r->format, filters_key, privileged,
                    key, keylen);
}

/* Answers with the entry (its reference is taken over): a hit, a wait
 * or a miss as state says; what a token unlocks is for that client only. */
static void answer_tile(const handler_ctx *ctx, const http_request *req,
                        http_response *res, cache_entry *entry,
                        const char *state, bool privileged)
{
    res->cache_state = state;
    set_truncated(res, entry);
    handler_answer_entry(req, res, entry,
                         privileged ? "private, no-store"
                                    : ctx->cfg->cache_control);
}

/* What a fill needs once its query is answered, whichever thread ran it. */
typedef struct tile_fill {
    const handler_ctx *ctx;
    const http_request *req;
    http_response *res;
    cache_flight *flight;
    const char *content_type; /* static (the route it came from is on the
                                 event thread's stack, gone by the answer) */
    bool privileged;
    bool daily;            /* a daily layer: the tile holds until ... */
    int64_t daily_until;   /* ... the city's next midnight (0: unknown) */
    http_pending *pending; /* an asynchronous fill's request */
    bool no_connection;    /* failed for want of a connection */
    layers_tile_query q;
} tile_fill;

/*
 * Finishes the fill of a miss with its query's outcome (rows on success,
 * freed here) and answers the request: notes "<kept> of <total>" on the
 * entry when --max-features left features out (X-Parity-Truncated); a
 * stale tile (made while its metrics are recomputed) is good for this
 * request and those sharing its fill, never kept; a daily layer's holds
 * until the city's next midnight. A failed fill hands its error to the
 * requests sharing it, and is never stored.
 */
static void fill_finish(const tile_fill *f, parity_status status,
                        db_result *rows, char *err, size_t errlen)
{
    const void *body = "";
    size_t len = 0;
    layers_counts counts = {0, 0, false};
    if (status == PARITY_OK)
        status =
            layers_tile_read(&f->q, rows, &body, &len, &counts, err, errlen);
    if (status == PARITY_OK && counts.total > counts.kept) {
        char note[48];
        size_t n = 0;
        text_put_int(note, sizeof note, &n, counts.kept);
        text_put(note, sizeof note, &n, " of ");
        text_put_int(note, sizeof note, &n, counts.total);
        cache_flight_set_note(f->flight, note);
    }
    if (status == PARITY_OK && counts.stale)
        cache_flight_set_valid_until(f->flight, (int64_t)time(NULL));
    else if (status == PARITY_OK && f->daily)
        cache_flight_set_valid_until(f->flight, f->daily_until);
    cache_entry *entry = NULL;
    if (status == PARITY_OK)
        status = cache_fill_done(f->ctx->cache, f->flight, body, len,
                                 f->content_type,
                                 encoding_accepts_gzip(f->req->accept_encoding),
                                 &entry, err, errlen);
    else
        cache_fill_failed(f->ctx->cache, f->flight, status, err);
    db_result_free(rows);
    if (status != PARITY_OK) {
        if (status == PARITY_ERR_INPUT)
            respond_error(f->res, status, err, NULL);
        else if (f->no_connection)
            handler_pool_error(f->res, status, err);
        else
            handler_db_error(f->res, status, f->q.name, err);
        f->res->cache_state = "miss";
        return;
    }
    answer_tile(f->ctx, f->req, f->res, entry, "miss", f->privileged);
}

/* The fill of a miss on this thread: checks the categories a filtered
 * layer is asked for (unknown ones are PARITY_ERR_INPUT), runs the tile's
 * query, and finishes the fill. */
static void fill_here(tile_fill *f, const params_filters *filters)
{
    char err[1024];
    db_conn *conn;
    parity_status status =
        db_pool_acquire(f->ctx->pool, DB_LANE_BULK, &conn, err, sizeof err);
    f->no_connection = status != PARITY_OK;
    db_result *rows = NULL;
    if (status == PARITY_OK && filters)
        status = handler_categories_known(conn, filters, err, sizeof err);
    if (status == PARITY_OK)
        status = f->q.binary
                     ? db_query_binary(conn, f->q.name, f->q.n_params,
                                       f->q.params, &rows, err, sizeof err)
                     : db_query(conn, f->q.name, f->q.n_params, f->q.params,
                                &rows, err, sizeof err);
    if (status == PARITY_OK && f->daily)
        f->daily_until = valid_until(f->ctx->clock, conn);
    db_pool_release(f->ctx->pool, conn);
    fill_finish(f, status, rows, err, sizeof err);
}

/* The answer to an asynchronous fill's query, on the database's thread
 * (or on the thread that found no connection for it in time). */
static void fill_answered(void *arg, db_conn *conn, parity_status status,
                          db_result *rows, const char *message)
{
    tile_fill *f = arg;
    f->no_connection = !conn;
    db_pool_release(f->ctx->pool, conn);
    char err[1024];
    size_t n = 0;
    text_put(err, sizeof err, &n, message);
    fill_finish(f, status, rows, err, sizeof err);
    http_pending_done(f->pending);
    free(f);
}

bool tiles_fast(const handler_ctx *ctx, const http_request *req, const route *r,
                http_response *res)
{
    const layer_def *layer = layers_find(r->name);
    if (!layer || !layers_query(layer, r->format))
        return false;
    /* A token is checked against the database on every request. */
    bool filtered = layer->n_params > 5;
    if (filtered && req->authorization)
        return false;
    if (!stored_trusted(ctx))
        return false;
    params_filters filters;
    char err[256];
    if (params_parse_filters(req, &filters, err, sizeof err) != PARITY_OK)
        return false; /* tiles_handle says what is wrong */
    char key[1400];
    request_key(layer, r, &filters, false, key, sizeof key);
    cache_entry *entry;
    if (!cache_lookup_stored(ctx->cache, key, &entry))
        return false;
    res->cache_state = "hit";
    set_truncated(res, entry);
    handler_answer_entry(req, res, entry, ctx->cfg->cache_control);
    return true;
}

void tiles_handle(const handler_ctx *ctx, const http_request *req,
                  const route *r, http_response *res)
{
    const layer_def *layer = layers_find(r->name);
    if (!layer) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such tile layer", NULL);
        return;
    }
    const char *query = layers_query(layer, r->format);
    if (!query) {
        char msg[128];
        snprintf(msg, sizeof msg, "layer %s has no %s tiles", layer->name,
                 r->format);
        respond_error(res, PARITY_ERR_NOT_FOUND, msg, NULL);
        return;
    }
    params_filters filters;
    char err[1024];
    parity_status status = params_parse_filters(req, &filters, err, sizeof err);
    if (status != PARITY_OK) {
        respond_error(res, status, err, NULL);
        return;
    }
    /* Filtered layers answer more to a valid token (sensitive sites where
     * they are); an invalid token is refused. The token is checked on every
     * request, cached tile or not, so revoking it takes effect at once. */
    bool filtered = layer->n_params > 5;
    bool privileged = false;
    if (filtered && req->authorization) {
        db_conn *conn;
        if (handler_acquire(ctx, DB_LANE_BULK, &conn, res) != PARITY_OK)
            return;
        status = handler_authorize(conn, req, false, &privileged, res);
        db_pool_release(ctx->pool, conn);
        if (status != PARITY_OK)
            return;
    }
    char key[1400];
    request_key(layer, r, &filters, privileged, key, sizeof key);
    cache_outcome outcome;
    cache_entry *entry = NULL;
    tile_fill f = {.ctx = ctx,
                   .req = req,
                   .res = res,
                   .content_type = content_type_of(r->format),
                   .privileged = privileged,
                   .daily = layer->daily};
    status =
        cache_lookup(ctx->cache, key, layers_tag(layer), stored_trusted(ctx),
                     &outcome, &entry, &f.flight, err, sizeof err);
    if (status != PARITY_OK) {
        if (status != PARITY_ERR_INPUT) {
            char quoted[600];
            log_event("warn", "tile.shared_fill_failed",
                      "query=%s status=%s error=%s", query,
                      parity_status_name(status),
                      log_quote(err, quoted, sizeof quoted));
        }
        tile_error(res, status, err);
        res->cache_state = "wait";
        return;
    }
    if (outcome != CACHE_MISS) {
        answer_tile(ctx, req, res, entry, outcome == CACHE_HIT ? "hit" : "wait",
                    privileged);
        return;
    }
    status = layers_tile_query_make(ctx->cfg, layer, r->tile, r->format,
                                    filtered ? &filters : NULL, privileged,
                                    &f.q, err, sizeof err);
    if (status != PARITY_OK) {
        cache_fill_failed(ctx->cache, f.flight, status, err);
        respond_error(res, status, err, NULL);
        return;
    }
    fill_here(&f, filtered ? &filters : NULL);
}

bool tiles_async(const handler_ctx *ctx, const http_request *req,
                 const route *r, http_response *res, http_pending *pending)
{
    const layer_def *layer = layers_find(r->name);
    if (!ctx->async || !layer || !layers_query(layer, r->format))
        return false;
    /* What needs a query before the tile's (a token, the categories asked
     * for, the city's midnight when it is not known) is left to a worker,
     * and so is a request that would wait for another's fill or for a
     * connection. */
    bool filtered = layer->n_params > 5;
    if (filtered && req->authorization)
        return false;
    params_filters filters;
    char err[1024];
    if (params_parse_filters(req, &filters, err, sizeof err) != PARITY_OK ||
        (filtered && filters.n_categories > 0))
        return false;
    int64_t daily_until = layer->daily ? tiles_clock_known(ctx->clock) : 0;
    if (layer->daily && !daily_until)
        return false;
    /* Opening a connection blocks: that is a worker's job. */
    if (db_pool_must_connect(ctx->pool, DB_LANE_BULK))
        return false;
    char key[1400];
    request_key(layer, r, &filters, false, key, sizeof key);
    cache_outcome outcome = CACHE_WAIT;
    cache_entry *entry = NULL;
    cache_flight *flight = NULL;
    if (cache_lookup_nowait(ctx->cache, key, layers_tag(layer),
                            stored_trusted(ctx), &outcome, &entry, &flight, err,
                            sizeof err) != PARITY_OK ||
        outcome != CACHE_MISS) {
        if (outcome != CACHE_HIT || !entry)
            return false; /* a fill in flight: a worker waits for it */
        /* Stored since the fast handler looked (counted as a hit once). */
        answer_tile(ctx, req, res, entry, "hit", false);
        http_pending_done(pending);
        return true;
    }
    tile_fill *f = malloc(sizeof *f);
    parity_status status = PARITY_ERR_NOMEM;
    if (f) {
        *f = (tile_fill){.ctx = ctx,
                         .req = req,
                         .res = res,
                         .flight = flight,
                         .content_type = content_type_of(r->format),
                         .daily = layer->daily,
                         .daily_until = daily_until,
                         .pending = pending};
        status = layers_tile_query_make(ctx->cfg, layer, r->tile, r->format,
                                        filtered ? &filters : NULL, false,
                                        &f->q, err, sizeof err);
    }
    /* Sent on a free connection, or in line for the next one released;
     * from here on fill_answered answers (it may have already). */
    if (status == PARITY_OK)
        status = db_async_pooled_query(ctx->async, DB_LANE_BULK, f->q.name,
                                       f->q.n_params, f->q.params, f->q.binary,
                                       fill_answered, f, err, sizeof err);
    if (status != PARITY_OK) {
        /* Not taken (out of memory, a query that cannot be made): a worker
         * tries. */
        cache_fill_failed(ctx->cache, flight, status, err);
        free(f);
        return false;
    }
    return true;
}
