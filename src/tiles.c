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

/* Largest tile body accepted from the database. */
#define TILE_BODY_CAP ((size_t)256 << 20)

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

/* The fill of a cache miss: checks the categories a filtered layer is
 * asked for (unknown ones are PARITY_ERR_INPUT), runs the layer's query for
 * this tile, notes "<kept> of <total>" on the entry when --max-features
 * left features out (X-Parity-Truncated), and for a daily layer notes until
 * when the tile holds (a stale one: until now, so it is not kept). */
static parity_status make_tile(const handler_ctx *ctx, const layer_def *layer,
                               const route *r, const params_filters *filters,
                               bool privileged, cache_flight *flight,
                               parity_buf *body, char *err, size_t errlen)
{
    db_conn *conn;
    parity_status status =
        db_pool_acquire(ctx->pool, DB_LANE_BULK, &conn, err, errlen);
    if (status != PARITY_OK)
        return status;
    if (filters)
        status = handler_categories_known(conn, filters, err, errlen);
    layers_counts counts = {0, 0, false};
    if (status == PARITY_OK)
        status =
            layers_render_tile(conn, ctx->cfg, layer, r->tile, r->format,
                               filters, privileged, body, &counts, err, errlen);
    if (status == PARITY_OK && counts.total > counts.kept) {
        char note[48];
        size_t n = 0;
        text_put_int(note, sizeof note, &n, counts.kept);
        text_put(note, sizeof note, &n, " of ");
        text_put_int(note, sizeof note, &n, counts.total);
        cache_flight_set_note(flight, note);
    }
    if (status == PARITY_OK && counts.stale)
        /* Made while its metrics are recomputed: good for this request
         * and the ones sharing its fill, never kept. */
        cache_flight_set_valid_until(flight, (int64_t)time(NULL));
    else if (status == PARITY_OK && layer->daily)
        cache_flight_set_valid_until(flight, valid_until(ctx->clock, conn));
    db_pool_release(ctx->pool, conn);
    return status;
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
    cache_flight *flight = NULL;
    status =
        cache_lookup(ctx->cache, key, layers_tag(layer), stored_trusted(ctx),
                     &outcome, &entry, &flight, err, sizeof err);
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
    if (outcome == CACHE_MISS) {
        parity_buf body;
        buf_init(&body, TILE_BODY_CAP);
        status = make_tile(ctx, layer, r, filtered ? &filters : NULL,
                           privileged, flight, &body, err, sizeof err);
        if (status == PARITY_OK)
            status =
                cache_fill_done(ctx->cache, flight, body.data ? body.data : "",
                                body.len, content_type_of(r->format),
                                encoding_accepts_gzip(req->accept_encoding),
                                &entry, err, sizeof err);
        else
            cache_fill_failed(ctx->cache, flight, status, err);
        buf_dispose(&body);
        if (status != PARITY_OK) {
            if (status == PARITY_ERR_INPUT)
                respond_error(res, status, err, NULL);
            else
                handler_db_error(res, status, query, err);
            res->cache_state = "miss";
            return;
        }
    }
    res->cache_state = outcome == CACHE_HIT    ? "hit"
                       : outcome == CACHE_MISS ? "miss"
                                               : "wait";
    set_truncated(res, entry);
    /* What a token unlocks is for that client only. */
    handler_answer_entry(req, res, entry,
                         privileged ? "private, no-store"
                                    : ctx->cfg->cache_control);
}
