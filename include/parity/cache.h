/*
 * cache.h - the tile cache: bounded in bytes, least recently used,
 * single-flight, and never stale.
 *
 * An entry is the answer to one key (the caller builds keys from the layer,
 * z/x/y, format, normalized filters and privileged flag): the body, its
 * gzip when that pays (compressed once, when the entry is made), a strong
 * ETag for each of the two, and the content type. Entries are immutable and
 * reference-counted: a response borrows an entry and releases it once the
 * bytes are sent, so eviction or invalidation never frees bytes in use.
 * The bound counts the bytes of stored entries (bodies, gzip, key and
 * bookkeeping); an entry evicted while borrowed lives on, outside the bound,
 * until its last borrower lets go.
 *
 * Single-flight: the first caller to miss a key becomes its filler
 * (CACHE_MISS, with a flight it must finish with cache_fill_done or
 * cache_fill_failed); callers that miss the same key while the fill runs
 * wait for it (CACHE_WAIT) and get its entry or its error. A failed fill is
 * never stored.
 *
 * Never stale: each key carries tags, a bit mask of what its answer depends
 * on (parity uses one bit per tile layer). cache_invalidate drops every
 * stored entry that shares a bit with the mask and marks fills in flight
 * that share one as stale: a stale fill still answers the requests already
 * waiting on it (they began before the change was announced), but it is not
 * stored, and later requests start a new fill. So a fill that began before
 * a change can never be stored after the change's invalidation.
 *
 * A cache of max_bytes 0 stores nothing (every request fills) but still
 * coalesces concurrent misses. Thread-safe: one mutex guards the tables;
 * entries are read without it.
 */
#ifndef PARITY_CACHE_H
#define PARITY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parity/buf.h"
#include "parity/status.h"

#define CACHE_ALL_TAGS  UINT64_MAX
#define CACHE_NOTE_SIZE 48 /* a note's bytes, NUL included */

typedef struct cache cache;
typedef struct cache_entry cache_entry;
typedef struct cache_flight cache_flight;

typedef enum cache_outcome {
    CACHE_HIT,  /* answered from a stored entry */
    CACHE_MISS, /* the caller fills the key (and must finish the flight) */
    CACHE_WAIT  /* answered by another request's fill */
} cache_outcome;

/* Counters since start (the _total ones only grow) and current sizes. */
typedef struct cache_counters {
    uint64_t hits;        /* lookups answered from a stored entry */
    uint64_t fills;       /* lookups that ran a fill: one query each */
    uint64_t waits;       /* lookups that waited for another's fill */
    uint64_t fill_errors; /* fills that failed (never stored) */
    uint64_t stores;      /* entries stored */
    uint64_t evictions;   /* entries dropped to stay within the bound */
    uint64_t invalidated; /* entries dropped because their data changed */
    uint64_t stale_fills; /* fills not stored: data changed meanwhile */
    uint64_t expired;     /* entries dropped: past their valid_until */
    uint64_t oversize;    /* fills not stored: over an eighth of the bound */
    uint64_t entries;     /* stored now */
    uint64_t bytes;       /* stored now, as counted against the bound */
    uint64_t max_bytes;   /* the bound */
} cache_counters;

/* A cache holding at most max_bytes of entries (0: store nothing); waiters
 * give up after wait_ms. NULL when out of memory. */
cache *cache_new(size_t max_bytes, int wait_ms);

/* Frees the cache and drops its references to entries; entries still
 * borrowed stay valid until released. No fill may be in flight. NULL is
 * fine. */
void cache_free(cache *c);

/*
 * Looks up key (any NUL-terminated string) whose answer depends on tags.
 * With use_stored false the stored entries are neither read nor written
 * (the caller cannot vouch for their freshness right now), but concurrent
 * misses still share one fill.
 *   CACHE_HIT:  *entry holds a reference (release it).
 *   CACHE_MISS: *flight is set; the caller makes the answer and calls
 *               cache_fill_done or cache_fill_failed exactly once.
 *   CACHE_WAIT: *entry holds a reference to the filler's entry, or the
 *               filler's error is returned with its message in err.
 * Errors: the fill's own status; PARITY_ERR_TIMEOUT when the fill took
 * longer than wait_ms; PARITY_ERR_NOMEM. Thread-safe; blocks only while
 * waiting for another request's fill.
 */
parity_status cache_lookup(cache *c, const char *key, uint64_t tags,
                           bool use_stored, cache_outcome *outcome,
                           cache_entry **entry, cache_flight **flight,
                           char *err, size_t errlen);

/* cache_lookup for a thread that must not wait: the same, except that
 * when another request is filling key it only says so (CACHE_WAIT, with
 * no entry and nothing counted or changed); cache_lookup then waits. */
parity_status cache_lookup_nowait(cache *c, const char *key, uint64_t tags,
                                  bool use_stored, cache_outcome *outcome,
                                  cache_entry **entry, cache_flight **flight,
                                  char *err, size_t errlen);

/* The non-blocking lookup: a stored, still valid entry for key (a
 * reference in *entry: release it; counted as a hit) and true; otherwise
 * false with *entry NULL, nothing counted and nothing changed (no fill is
 * started or waited for; an expired entry is left for cache_lookup to
 * drop). Thread-safe; takes the lock briefly, never waits. */
bool cache_lookup_stored(cache *c, const char *key, cache_entry **entry);

/* Limits the entry the fill will make to valid_until (seconds since the
 * epoch; 0, the default, means until invalidated): a lookup after that time
 * drops it and fills again. For answers that change with the date. Called
 * by the filler only, before cache_fill_done. */
void cache_flight_set_valid_until(cache_flight *flight, int64_t valid_until);

/* Attaches a short text to the entry the fill will make (copied; cut at
 * CACHE_NOTE_SIZE - 1 bytes), which its waiters and later hits read with
 * cache_entry_note: for what the answer says besides its body (the tiles
 * use it for X-Parity-Truncated). Called by the filler only, before
 * cache_fill_done. */
void cache_flight_set_note(cache_flight *flight, const char *note);

/*
 * Finishes a fill with its answer: makes the entry (ETag, and gzip when it
 * pays, compressed here, outside the lock), hands it to the waiters, and
 * stores it unless the fill went stale, the cache stores nothing, or the
 * entry is larger than an eighth of the bound. The gzip is made when the
 * cache stores entries (once, for every later client) or when want_gzip
 * (the filler's client takes gzip); a cache that stores nothing does not
 * compress for clients that never asked. *entry receives the filler's
 * reference. On PARITY_ERR_NOMEM the waiters get that error. content_type
 * must be a static string. The flight is freed.
 */
parity_status cache_fill_done(cache *c, cache_flight *flight, const void *body,
                              size_t len, const char *content_type,
                              bool want_gzip, cache_entry **entry, char *err,
                              size_t errlen);

/* Finishes a fill that failed: the waiters get status and message (copied);
 * nothing is stored. The flight is freed. */
void cache_fill_failed(cache *c, cache_flight *flight, parity_status status,
                       const char *message);

/* Drops every stored entry whose tags share a bit with tags, and marks the
 * fills in flight that share one stale (see the top). CACHE_ALL_TAGS drops
 * everything. Thread-safe. */
void cache_invalidate(cache *c, uint64_t tags);

/* The body (gzip false) or its gzip (true; NULL when gzip did not pay),
 * with its length in *len. Valid while the reference is held. */
const void *cache_entry_body(const cache_entry *e, bool gzip, size_t *len);
bool cache_entry_has_gzip(const cache_entry *e);

/* The quoted strong ETag of the body or of its gzip ("...-gz"). */
const char *cache_entry_etag(const cache_entry *e, bool gzip);
const char *cache_entry_content_type(const cache_entry *e);

/* The note its filler attached (cache_flight_set_note), or "". Valid while
 * the reference is held. */
const char *cache_entry_note(const cache_entry *e);

/* Drops one reference; the last one frees the entry. NULL is fine.
 * Thread-safe (any thread may release). */
void cache_entry_release(cache_entry *e);

/* The counters now (consistent with each other). Thread-safe. */
void cache_stats(cache *c, cache_counters *out);

/* Writes the counters in the Prometheus text format (parity_cache_*
 * lines with HELP and TYPE) to out; PARITY_ERR_TOO_LARGE at out's cap. */
parity_status cache_metrics_write(const cache_counters *counters,
                                  parity_buf *out);

#endif
