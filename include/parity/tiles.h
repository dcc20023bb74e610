/*
 * tiles.h - serving tiles: the cache in front of the layer queries.
 *
 * For /tiles/{layer}/{z}/{x}/{y}.{geojson|mvt} of any layer in LAYERS
 * (layers.h), with no per-layer code: the request's filters are validated
 * and normalized (params.h), the tile is looked up in the cache under
 * layer, z/x/y, format, filters (for layers that take them) and the
 * privileged flag; concurrent misses share one query (single-flight); the
 * answer is the cached bytes, borrowed (never copied), gzip-compressed
 * for clients that accept it (compressed once, when cached), with a strong
 * ETag per variant (the gzip one ends in -gz), Vary: Accept-Encoding, the
 * configured Cache-Control, 304 on a matching If-None-Match, and an
 * X-Parity-Cache header: hit, miss (this request ran the query) or wait
 * (it shared another request's query).
 *
 * Stored tiles are trusted only while the data listener is connected: a
 * tile is dropped when a parity_data notice names data its layer depends on
 * (layers_tags_for_data), everything is dropped when the listener
 * reconnects (notices may have been missed), and while it is disconnected
 * the cache is bypassed, unless the database itself is unreachable: then
 * stored tiles are still served (a fill could only fail) and the rest get
 * 503. A tile of a daily layer (whose metrics count days
 * to today) is kept only until the city's next midnight.
 *
 * For filtered layers a token is verified on every request (cached tile or
 * not; 401 for a bad one) and keys its own entries, answered "private,
 * no-store"; the categories asked for are checked when the tile is made
 * (400 for an unknown one, never cached). Thread-safe.
 */
#ifndef PARITY_TILES_H
#define PARITY_TILES_H

#include <pthread.h>
#include <stdint.h>

#include "parity/handlers.h"

/* The city's next midnight, until when a tile of a daily layer holds. It
 * is asked of the database once a day, and again after a change to the
 * analysis settings (they hold the time zone), not once per tile. */
struct tiles_clock {
    pthread_mutex_t lock;
    int64_t until;       /* seconds since the epoch; 0: not known */
    uint64_t generation; /* bumped by tiles_clock_forget */
};

void tiles_clock_init(tiles_clock *clock);
void tiles_clock_destroy(tiles_clock *clock);

/* Forgets the midnight known: the analysis settings changed, or notices
 * may have been missed. A lookup that was running keeps its answer for its
 * own tile but does not store it. */
void tiles_clock_forget(tiles_clock *clock);

/* Answers a ROUTE_TILE request. */
void tiles_handle(const handler_ctx *ctx, const http_request *req,
                  const route *r, http_response *res);

/* The non-blocking part of tiles_handle, for an event thread: answers the
 * request (true) when its tile is stored in the cache and no token needs
 * checking; otherwise (a miss, a fill in flight, a token, filters that do
 * not parse, the cache not trusted now) returns false with res untouched,
 * and tiles_handle must answer it. Takes the cache's mutex briefly. */
bool tiles_fast(const handler_ctx *ctx, const http_request *req, const route *r,
                http_response *res);

/* The asynchronous part, for an event thread (an http_async_fn's): takes
 * a miss whose fill needs only the tile's own query (no token, no
 * categories to check, the city's midnight known, no fill of the same tile
 * in flight) and sends that query with db_async_pooled_query (true): on a
 * free connection at once, else in line for the next one, holding no
 * thread; the answer is made and sent on the database's thread when it
 * comes (a 503 past the pool's wait). A tile stored since tiles_fast
 * looked is answered at once (true). Otherwise (or when a connection
 * would have to be opened first, which blocks) false with res untouched,
 * and tiles_handle answers on a worker. */
bool tiles_async(const handler_ctx *ctx, const http_request *req,
                 const route *r, http_response *res, http_pending *pending);

/* The cache key of a tile request into out (at most outlen bytes). Two
 * requests that must get the same bytes give the same key; filters count
 * only for layers that take them. Pure. */
void tiles_cache_key(const char *layer, tile_id tile, const char *format,
                     const char *filters_key, bool privileged, char *out,
                     size_t outlen);

#endif
