/* cache.c - the tile cache: byte-bounded LRU, single-flight (see cache.h). */
#include "parity/cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

#include "parity/deadline.h"
#include "parity/encoding.h"
#include "parity/respond.h"
#include "parity/text.h"

/* One allocation: the struct, then the key, the body and the gzip. */
struct cache_entry {
    atomic_uint refs;
    uint64_t hash, tags;
    size_t cost; /* counted against the bound */
    const char *key;
    const unsigned char *body, *gzip;
    size_t body_len, gzip_len;
    const char *content_type;
    char etag[48], etag_gzip[48];
    int64_t valid_until; /* seconds since the epoch; 0: until invalidated */
    char note[CACHE_NOTE_SIZE]; /* the filler's note, or "" */
    /* Guarded by the cache lock while stored: */
    bool stored;
    cache_entry *chain;         /* next in the hash bucket */
    cache_entry *newer, *older; /* the LRU list */
};

struct cache_flight {
    uint64_t hash, tags;
    char *key;
    bool store;  /* the result may be stored (no invalidation since) */
    bool stale;  /* an invalidation touched it while it ran */
    bool listed; /* still findable by new lookups */
    bool done;
    int64_t valid_until;        /* for the entry; set by the filler */
    char note[CACHE_NOTE_SIZE]; /* for the entry; set by the filler */
    int refs; /* the filler plus each waiter; guarded by the lock */
    parity_status status;
    char message[256];
    cache_entry *entry; /* the result (one reference held by the flight) */
    pthread_cond_t finished;
    cache_flight *next;
};

struct cache {
    pthread_mutex_t lock;
    size_t max_bytes;
    int wait_ms;
    cache_entry **buckets;
    size_t n_buckets; /* a power of two */
    cache_entry *newest, *oldest;
    cache_flight *flights;
    cache_counters counters;
};

#define INITIAL_BUCKETS 256

static uint64_t hash_key(const char *key)
{
    return XXH3_64bits(key, strlen(key));
}

cache *cache_new(size_t max_bytes, int wait_ms)
{
    cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->buckets = calloc(INITIAL_BUCKETS, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    c->n_buckets = INITIAL_BUCKETS;
    c->max_bytes = max_bytes;
    c->wait_ms = wait_ms;
    c->counters.max_bytes = max_bytes;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

/* ---- entries ------------------------------------------------------------ */

void cache_entry_release(cache_entry *e)
{
    if (e && atomic_fetch_sub(&e->refs, 1) == 1)
        free(e);
}

static cache_entry *entry_retain(cache_entry *e)
{
    atomic_fetch_add(&e->refs, 1);
    return e;
}

const void *cache_entry_body(const cache_entry *e, bool gzip, size_t *len)
{
    if (gzip && !e->gzip) {
        *len = 0;
        return NULL;
    }
    *len = gzip ? e->gzip_len : e->body_len;
    return gzip ? e->gzip : e->body;
}

bool cache_entry_has_gzip(const cache_entry *e)
{
    return e->gzip != NULL;
}

const char *cache_entry_etag(const cache_entry *e, bool gzip)
{
    return gzip ? e->etag_gzip : e->etag;
}

const char *cache_entry_content_type(const cache_entry *e)
{
    return e->content_type;
}

/* Makes an entry with one reference; NULL when out of memory. */
static cache_entry *entry_new(const cache_flight *f, const void *body,
                              size_t len, const char *content_type,
                              bool compress)
{
    parity_buf gz;
    buf_init(&gz, len);
    bool with_gzip =
        compress && len >= 256 &&
        encoding_gzip(body, len, ENCODING_GZIP_LEVEL, &gz) == PARITY_OK &&
        encoding_gzip_pays(len, gz.len);
    size_t key_len = strlen(f->key) + 1;
    size_t gz_len = with_gzip ? gz.len : 0;
    size_t total = sizeof(cache_entry) + key_len + len + 1 + gz_len;
    cache_entry *e = malloc(total);
    if (!e) {
        buf_dispose(&gz);
        return NULL;
    }
    memset(e, 0, sizeof *e);
    atomic_init(&e->refs, 1);
    char *p = (char *)(e + 1);
    memcpy(p, f->key, key_len);
    e->key = p;
    p += key_len;
    if (len)
        memcpy(p, body, len);
    p[len] = '\0'; /* text bodies stay usable as C strings */
    e->body = (const unsigned char *)p;
    e->body_len = len;
    p += len + 1;
    if (with_gzip) {
        memcpy(p, gz.data, gz_len);
        e->gzip = (const unsigned char *)p;
        e->gzip_len = gz_len;
    }
    buf_dispose(&gz);
    e->hash = f->hash;
    e->tags = f->tags;
    e->valid_until = f->valid_until;
    memcpy(e->note, f->note, sizeof e->note);
    e->cost = total;
    e->content_type = content_type;
    respond_etag(e->body, len, e->etag);
    encoding_gzip_etag(e->etag, e->etag_gzip);
    return e;
}

/* ---- the table and the LRU list (lock held) ----------------------------- */

static void lru_unlink(cache *c, cache_entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push(cache *c, cache_entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

static cache_entry **bucket_of(cache *c, uint64_t hash)
{
    return &c->buckets[hash & (c->n_buckets - 1)];
}

static cache_entry *table_find(cache *c, const char *key, uint64_t hash)
{
    for (cache_entry *e = *bucket_of(c, hash); e; e = e->chain)
        if (e->hash == hash && !strcmp(e->key, key))
            return e;
    return NULL;
}

/* Unlinks e from the table and the list and drops the table's reference. */
static void table_remove(cache *c, cache_entry *e)
{
    for (cache_entry **p = bucket_of(c, e->hash); *p; p = &(*p)->chain)
        if (*p == e) {
            *p = e->chain;
            break;
        }
    lru_unlink(c, e);
    e->stored = false;
    e->chain = NULL;
    c->counters.entries--;
    c->counters.bytes -= e->cost;
    cache_entry_release(e);
}

/* Doubles the buckets when entries outnumber them (best effort). */
static void table_grow(cache *c)
{
    if (c->counters.entries < c->n_buckets || c->n_buckets > (SIZE_MAX >> 2))
        return;
    size_t n = c->n_buckets * 2;
    cache_entry **buckets = calloc(n, sizeof *buckets);
    if (!buckets)
        return;
    for (size_t i = 0; i < c->n_buckets; i++) {
        cache_entry *e = c->buckets[i];
        while (e) {
            cache_entry *next = e->chain;
            cache_entry **b = &buckets[e->hash & (n - 1)];
            e->chain = *b;
            *b = e;
            e = next;
        }
    }
    free(c->buckets);
    c->buckets = buckets;
    c->n_buckets = n;
}

/* Stores e (taking a new reference), evicting the oldest entries to make
 * room; replaces an entry of the same key. */
static void table_store(cache *c, cache_entry *e)
{
    if (e->cost > c->max_bytes / 8) {
        c->counters.oversize++;
        return;
    }
    cache_entry *old = table_find(c, e->key, e->hash);
    if (old)
        table_remove(c, old);
    while (c->oldest && c->counters.bytes + e->cost > c->max_bytes) {
        table_remove(c, c->oldest);
        c->counters.evictions++;
    }
    cache_entry **b = bucket_of(c, e->hash);
    e->chain = *b;
    *b = entry_retain(e);
    e->stored = true;
    lru_push(c, e);
    c->counters.entries++;
    c->counters.bytes += e->cost;
    c->counters.stores++;
    table_grow(c);
}

/* ---- flights (lock held) ------------------------------------------------ */

static cache_flight *flight_find(cache *c, const char *key, uint64_t hash)
{
    for (cache_flight *f = c->flights; f; f = f->next)
        if (f->hash == hash && !strcmp(f->key, key))
            return f;
    return NULL;
}

static void flight_unlist(cache *c, cache_flight *f)
{
    if (!f->listed)
        return;
    for (cache_flight **p = &c->flights; *p; p = &(*p)->next)
        if (*p == f) {
            *p = f->next;
            break;
        }
    f->listed = false;
    f->next = NULL;
}

static void flight_put(cache_flight *f)
{
    if (--f->refs > 0)
        return;
    cache_entry_release(f->entry);
    pthread_cond_destroy(&f->finished);
    free(f->key);
    free(f);
}

/* Publishes the outcome to the waiters and drops the filler's reference. */
static void flight_finish(cache *c, cache_flight *f, parity_status status,
                          const char *message, cache_entry *e)
{
    flight_unlist(c, f);
    f->done = true;
    f->status = status;
    size_t n = 0; /* not snprintf: every fill (see text.h) */
    text_put(f->message, sizeof f->message, &n, message);
    f->entry = e ? entry_retain(e) : NULL;
    pthread_cond_broadcast(&f->finished);
    flight_put(f);
}

/* ---- the contract ------------------------------------------------------- */

/* The stored entry of key, retained for the caller and made the newest, or
 * NULL when there is none or it is past its valid_until (then dropped when
 * drop_expired, else left for a fill to replace). Call with the lock. */
static cache_entry *stored_hit(cache *c, const char *key, uint64_t hash,
                               bool drop_expired)
{
    cache_entry *e = table_find(c, key, hash);
    if (e && e->valid_until && (int64_t)time(NULL) >= e->valid_until) {
        if (drop_expired) {
            table_remove(c, e); /* out of date: made again */
            c->counters.expired++;
        }
        return NULL;
    }
    if (!e)
        return NULL;
    lru_unlink(c, e);
    lru_push(c, e);
    c->counters.hits++;
    return entry_retain(e);
}

/* cache_lookup, and cache_lookup_nowait when wait is false. */
static parity_status lookup(cache *c, const char *key, uint64_t tags,
                            bool use_stored, bool wait, cache_outcome *outcome,
                            cache_entry **entry, cache_flight **flight,
                            char *err, size_t errlen)
{
    *entry = NULL;
    *flight = NULL;
    uint64_t hash = hash_key(key);
    pthread_mutex_lock(&c->lock);
    if (use_stored && (*entry = stored_hit(c, key, hash, true))) {
        *outcome = CACHE_HIT;
        pthread_mutex_unlock(&c->lock);
        return PARITY_OK;
    }
    cache_flight *f = flight_find(c, key, hash);
    if (!f) {
        f = calloc(1, sizeof *f);
        char *copy = f ? strdup(key) : NULL;
        if (!copy) {
            pthread_mutex_unlock(&c->lock);
            free(f);
            return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        }
        f->key = copy;
        f->hash = hash;
        f->tags = tags;
        f->store = use_stored && c->max_bytes > 0;
        f->listed = true;
        f->refs = 1;
        pthread_cond_init(&f->finished, NULL);
        f->next = c->flights;
        c->flights = f;
        c->counters.fills++;
        *flight = f;
        *outcome = CACHE_MISS;
        pthread_mutex_unlock(&c->lock);
        return PARITY_OK;
    }
    /* Someone is filling this key: wait for it. */
    *outcome = CACHE_WAIT;
    if (!wait) {
        pthread_mutex_unlock(&c->lock);
        return PARITY_OK;
    }
    f->refs++;
    c->counters.waits++;
    struct timespec deadline = deadline_after(CLOCK_REALTIME, c->wait_ms);
    int rc = 0;
    while (!f->done && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&f->finished, &c->lock, &deadline);
    parity_status status;
    if (!f->done) {
        status = parity_fail(err, errlen, PARITY_ERR_TIMEOUT,
                             "the answer is still being made after %d ms",
                             c->wait_ms);
    } else if (f->status != PARITY_OK) {
        status = parity_fail(err, errlen, f->status, "%s", f->message);
    } else {
        *entry = entry_retain(f->entry);
        status = PARITY_OK;
    }
    flight_put(f);
    pthread_mutex_unlock(&c->lock);
    return status;
}

parity_status cache_lookup(cache *c, const char *key, uint64_t tags,
                           bool use_stored, cache_outcome *outcome,
                           cache_entry **entry, cache_flight **flight,
                           char *err, size_t errlen)
{
    return lookup(c, key, tags, use_stored, true, outcome, entry, flight, err,
                  errlen);
}

parity_status cache_lookup_nowait(cache *c, const char *key, uint64_t tags,
                                  bool use_stored, cache_outcome *outcome,
                                  cache_entry **entry, cache_flight **flight,
                                  char *err, size_t errlen)
{
    return lookup(c, key, tags, use_stored, false, outcome, entry, flight, err,
                  errlen);
}

bool cache_lookup_stored(cache *c, const char *key, cache_entry **entry)
{
    pthread_mutex_lock(&c->lock);
    *entry = stored_hit(c, key, hash_key(key), false);
    pthread_mutex_unlock(&c->lock);
    return *entry != NULL;
}

void cache_flight_set_valid_until(cache_flight *flight, int64_t valid_until)
{
    flight->valid_until = valid_until;
}

void cache_flight_set_note(cache_flight *flight, const char *note)
{
    size_t n = strnlen(note, sizeof flight->note - 1);
    memcpy(flight->note, note, n);
    flight->note[n] = '\0';
}

const char *cache_entry_note(const cache_entry *e)
{
    return e->note;
}

parity_status cache_fill_done(cache *c, cache_flight *flight, const void *body,
                              size_t len, const char *content_type,
                              bool want_gzip, cache_entry **entry, char *err,
                              size_t errlen)
{
    *entry = NULL;
    cache_entry *e = entry_new(flight, body, len, content_type,
                               want_gzip || c->max_bytes > 0);
    if (!e) {
        cache_fill_failed(c, flight, PARITY_ERR_NOMEM, "out of memory");
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_lock(&c->lock);
    if (flight->store)
        table_store(c, e);
    else if (flight->stale && c->max_bytes > 0)
        c->counters.stale_fills++;
    flight_finish(c, flight, PARITY_OK, NULL, e);
    pthread_mutex_unlock(&c->lock);
    *entry = e;
    return PARITY_OK;
}

void cache_fill_failed(cache *c, cache_flight *flight, parity_status status,
                       const char *message)
{
    pthread_mutex_lock(&c->lock);
    c->counters.fill_errors++;
    flight_finish(c, flight, status == PARITY_OK ? PARITY_ERR_INTERNAL : status,
                  message, NULL);
    pthread_mutex_unlock(&c->lock);
}

void cache_invalidate(cache *c, uint64_t tags)
{
    pthread_mutex_lock(&c->lock);
    for (cache_entry *e = c->oldest; e;) {
        cache_entry *next = e->newer;
        if (e->tags & tags) {
            table_remove(c, e);
            c->counters.invalidated++;
        }
        e = next;
    }
    /* Fills in flight may have read the old data: they answer their
     * waiters but are not stored, and new lookups start afresh. */
    for (cache_flight *f = c->flights; f;) {
        cache_flight *next = f->next;
        if (f->tags & tags) {
            f->store = false;
            f->stale = true;
            flight_unlist(c, f);
        }
        f = next;
    }
    pthread_mutex_unlock(&c->lock);
}

void cache_stats(cache *c, cache_counters *out)
{
    pthread_mutex_lock(&c->lock);
    *out = c->counters;
    pthread_mutex_unlock(&c->lock);
}

parity_status cache_metrics_write(const cache_counters *k, parity_buf *out)
{
    static const struct {
        const char *name, *type, *help;
        size_t offset;
    } ROWS[] = {
#define ROW(name, type, field, help)                                           \
    {name, type, help, offsetof(cache_counters, field)}
        ROW("parity_cache_hits_total", "counter", hits,
            "Tile requests answered from the cache."),
        ROW("parity_cache_fills_total", "counter", fills,
            "Tile requests that ran the tile query (cache misses)."),
        ROW("parity_cache_waits_total", "counter", waits,
            "Tile requests answered by another request's concurrent fill."),
        ROW("parity_cache_fill_errors_total", "counter", fill_errors,
            "Fills that failed (never cached)."),
        ROW("parity_cache_stores_total", "counter", stores,
            "Tiles stored in the cache."),
        ROW("parity_cache_evictions_total", "counter", evictions,
            "Tiles dropped to stay within the byte bound."),
        ROW("parity_cache_invalidations_total", "counter", invalidated,
            "Tiles dropped because their data changed."),
        ROW("parity_cache_stale_fills_total", "counter", stale_fills,
            "Fills not stored because their data changed while they ran."),
        ROW("parity_cache_expired_total", "counter", expired,
            "Tiles dropped because their day was over (metrics to today)."),
        ROW("parity_cache_oversize_total", "counter", oversize,
            "Fills not stored because they exceed an eighth of the bound."),
        ROW("parity_cache_entries", "gauge", entries, "Tiles in the cache."),
        ROW("parity_cache_bytes", "gauge", bytes,
            "Bytes the cached tiles take."),
        ROW("parity_cache_max_bytes", "gauge", max_bytes,
            "The cache's byte bound (--cache-size)."),
#undef ROW
    };
    parity_status status = PARITY_OK;
    for (size_t i = 0; status == PARITY_OK && i < sizeof ROWS / sizeof ROWS[0];
         i++) {
        uint64_t value;
        memcpy(&value, (const char *)k + ROWS[i].offset, sizeof value);
        status =
            buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n",
                       ROWS[i].name, ROWS[i].help, ROWS[i].name, ROWS[i].type,
                       ROWS[i].name, (unsigned long long)value);
    }
    return status;
}

void cache_free(cache *c)
{
    if (!c)
        return;
    while (c->oldest)
        table_remove(c, c->oldest);
    pthread_mutex_destroy(&c->lock);
    free(c->buckets);
    free(c);
}
