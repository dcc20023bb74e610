/* The tile cache (bound, LRU, single-flight, invalidation), Accept-Encoding
 * and gzip. Decompression uses zlib's inflate, independent of the
 * compressing code path's deflate settings. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "parity/cache.h"
#include "parity/encoding.h"
#include "parity/layers.h"
#include "parity/respond.h"
#include "parity/tiles.h"
#include "tests.h"

void test_accept_encoding(void)
{
    CHECK(encoding_accepts_gzip("gzip"));
    CHECK(encoding_accepts_gzip("gzip, deflate, br"));
    CHECK(encoding_accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
    CHECK(encoding_accepts_gzip("GZIP"));
    CHECK(encoding_accepts_gzip("x-gzip"));
    CHECK(encoding_accepts_gzip("*"));
    CHECK(encoding_accepts_gzip("deflate, *;q=0.5"));
    CHECK(encoding_accepts_gzip(" gzip ; q=0.001 "));
    CHECK(encoding_accepts_gzip("gzip;Q=1"));
    CHECK(encoding_accepts_gzip("gzip;q=1.000"));
    CHECK(encoding_accepts_gzip("identity, gzip;level=1"));
    /* Refusals: q=0 in any spelling, absent, or only other codings. */
    CHECK(!encoding_accepts_gzip(NULL));
    CHECK(!encoding_accepts_gzip(""));
    CHECK(!encoding_accepts_gzip("gzip;q=0"));
    CHECK(!encoding_accepts_gzip("gzip;q=0.0"));
    CHECK(!encoding_accepts_gzip("gzip; q=0.000"));
    CHECK(!encoding_accepts_gzip("identity"));
    CHECK(!encoding_accepts_gzip("deflate, br"));
    CHECK(!encoding_accepts_gzip("gzipped"));
    CHECK(!encoding_accepts_gzip("*;q=0"));
    /* A named gzip beats the wildcard, either way. */
    CHECK(!encoding_accepts_gzip("*, gzip;q=0"));
    CHECK(encoding_accepts_gzip("*;q=0, gzip"));
    /* Malformed q-values make the element void (identity stays safe). */
    CHECK(!encoding_accepts_gzip("gzip;q=2"));
    CHECK(!encoding_accepts_gzip("gzip;q=1.5"));
    CHECK(!encoding_accepts_gzip("gzip;q=0.0001"));
    CHECK(!encoding_accepts_gzip("gzip;q="));
    CHECK(!encoding_accepts_gzip("gzip;q=abc"));
    CHECK(!encoding_accepts_gzip("gzip;q"));
    CHECK(encoding_accepts_gzip("gzip;q=abc, *"));
}

/* Inflates a gzip member with zlib; returns the length or -1. */
static long gunzip(const void *in, size_t len, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return -1;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = inflate(&z, Z_FINISH);
    long n = rc == Z_STREAM_END ? (long)z.total_out : -1;
    inflateEnd(&z);
    return n;
}

void test_gzip(void)
{
    static char text[20000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "{\"type\":\"Feature\",\"geometry\":"[i % 29];
    parity_buf out;
    buf_init(&out, 1 << 20);
    CHECK(encoding_gzip(text, sizeof text, ENCODING_GZIP_LEVEL, &out) ==
          PARITY_OK);
    CHECK(out.len > 18 && out.len < sizeof text / 10);
    CHECK((unsigned char)out.data[0] == 0x1f &&
          (unsigned char)out.data[1] == 0x8b); /* RFC 1952 magic */
    static unsigned char back[30000];
    long n = gunzip(out.data, out.len, back, sizeof back);
    CHECK(n == (long)sizeof text);
    CHECK(n > 0 && !memcmp(back, text, sizeof text));
    CHECK(encoding_gzip_pays(sizeof text, out.len));
    CHECK(!encoding_gzip_pays(100, 20));   /* too small to bother */
    CHECK(!encoding_gzip_pays(1000, 950)); /* saves less than a tenth */
    /* The cap is respected. */
    parity_buf tiny;
    buf_init(&tiny, 10);
    CHECK(encoding_gzip(text, sizeof text, 6, &tiny) == PARITY_ERR_TOO_LARGE);
    CHECK(tiny.len == 0);
    buf_dispose(&tiny);
    buf_dispose(&out);
    char etag[48];
    encoding_gzip_etag("\"0123456789abcdef-10\"", etag);
    CHECK_STR(etag, "\"0123456789abcdef-10-gz\"");
}

/* Fills key with body as the single filler; returns the entry. */
static cache_entry *fill(cache *c, const char *key, uint64_t tags,
                         const char *body, size_t len)
{
    cache_outcome outcome;
    cache_entry *e = NULL;
    cache_flight *f = NULL;
    char err[128];
    CHECK(cache_lookup(c, key, tags, true, &outcome, &e, &f, err, sizeof err) ==
          PARITY_OK);
    CHECK(outcome == CACHE_MISS && f && !e);
    if (!f)
        return NULL;
    CHECK(cache_fill_done(c, f, body, len, "text/plain", true, &e, err,
                          sizeof err) == PARITY_OK);
    return e;
}

static cache_outcome lookup(cache *c, const char *key, cache_entry **e)
{
    cache_outcome outcome = CACHE_MISS;
    cache_flight *f = NULL;
    char err[128];
    *e = NULL;
    parity_status status =
        cache_lookup(c, key, 1, true, &outcome, e, &f, err, sizeof err);
    CHECK(status == PARITY_OK);
    if (f) /* not wanted here: give the key up again */
        cache_fill_failed(c, f, PARITY_ERR_INTERNAL, "test");
    return outcome;
}

void test_cache_hit_and_etags(void)
{
    cache *c = cache_new(1 << 20, 1000);
    static char body[4000];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (char)('a' + i % 7);
    cache_entry *e =
        fill(c, "neighborhoods/1/0/0.geojson", 1, body, sizeof body);
    cache_entry *hit = NULL;
    CHECK(lookup(c, "neighborhoods/1/0/0.geojson", &hit) == CACHE_HIT);
    CHECK(hit == e);
    size_t len;
    const void *bytes = cache_entry_body(hit, false, &len);
    CHECK(len == sizeof body && !memcmp(bytes, body, len));
    CHECK_STR(cache_entry_content_type(hit), "text/plain");
    /* The ETag is the one respond_etag gives for these bytes; the gzip
     * variant's differs from it. */
    char expected[48];
    respond_etag(body, sizeof body, expected);
    CHECK_STR(cache_entry_etag(hit, false), expected);
    CHECK(cache_entry_has_gzip(hit));
    CHECK(strcmp(cache_entry_etag(hit, true), expected) != 0);
    const void *gz = cache_entry_body(hit, true, &len);
    static unsigned char back[8000];
    CHECK(gunzip(gz, len, back, sizeof back) == (long)sizeof body);
    CHECK(!memcmp(back, body, sizeof body));
    /* An incompressible-size body keeps no gzip. */
    cache_entry *small = fill(c, "small", 1, "{}", 2);
    CHECK(!cache_entry_has_gzip(small));
    CHECK(cache_entry_body(small, true, &len) == NULL);
    cache_counters k;
    cache_stats(c, &k);
    CHECK(k.hits == 1 && k.fills == 2 && k.stores == 2 && k.entries == 2);
    cache_entry_release(small);
    cache_entry_release(hit);
    cache_entry_release(e);
    cache_free(c);
}

void test_cache_bound_and_lru(void)
{
    /* Room for about ten 1000-byte entries (plus bookkeeping). */
    size_t bound = 10 * 1200;
    cache *c = cache_new(bound, 1000);
    char body[1000];
    memset(body, 'x', sizeof body);
    char key[32];
    cache_counters k;
    cache_entry *first = NULL;
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        body[0] = (char)i;
        cache_entry *e = fill(c, key, 1, body, sizeof body);
        if (i == 0)
            first = e; /* kept borrowed across its eviction */
        else
            cache_entry_release(e);
        if (i == 2) { /* touch k0 so k1 is the least recently used */
            cache_entry *hit;
            CHECK(lookup(c, "k0", &hit) == CACHE_HIT);
            cache_entry_release(hit);
        }
        cache_stats(c, &k);
        CHECK(k.bytes <= bound);
    }
    cache_stats(c, &k);
    CHECK(k.entries >= 8 && k.entries <= 10);
    CHECK(k.evictions == 100 - k.entries);
    /* The newest are in, the oldest out. */
    cache_entry *e;
    CHECK(lookup(c, "k99", &e) == CACHE_HIT);
    cache_entry_release(e);
    CHECK(lookup(c, "k5", &e) == CACHE_MISS);
    /* The evicted but borrowed entry is intact. */
    size_t len;
    const unsigned char *bytes = cache_entry_body(first, false, &len);
    CHECK(len == sizeof body && bytes[0] == 0 && bytes[999] == 'x');
    cache_entry_release(first);
    cache_free(c);

    /* LRU order: measure one entry's cost, make room for eight. */
    c = cache_new(1 << 20, 1000);
    cache_entry_release(fill(c, "k0", 1, body, sizeof body));
    cache_stats(c, &k);
    size_t cost = (size_t)k.bytes;
    cache_free(c);
    c = cache_new(8 * cost + cost / 2, 1000);
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "k%d", i);
        cache_entry_release(fill(c, key, 1, body, sizeof body));
    }
    CHECK(lookup(c, "k0", &e) == CACHE_HIT); /* k1 is now the oldest */
    cache_entry_release(e);
    cache_entry_release(fill(c, "k8", 1, body, sizeof body));
    CHECK(lookup(c, "k0", &e) == CACHE_HIT);
    cache_entry_release(e);
    CHECK(lookup(c, "k1", &e) == CACHE_MISS);
    CHECK(lookup(c, "k2", &e) == CACHE_HIT);
    cache_entry_release(e);
    cache_stats(c, &k);
    CHECK(k.evictions == 1 && k.entries == 8);
    /* An entry over an eighth of the bound is served but not stored. */
    static char big[4000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7919 % 251); /* gzip does not pay */
    cache_entry_release(fill(c, "big", 1, big, sizeof big));
    CHECK(lookup(c, "big", &e) == CACHE_MISS);
    cache_stats(c, &k);
    CHECK(k.oversize == 1);
    cache_free(c);
}

void test_cache_disabled(void)
{
    cache *c = cache_new(0, 1000);
    cache_entry *e = fill(c, "a", 1, "hello", 5);
    size_t len;
    CHECK(e && !memcmp(cache_entry_body(e, false, &len), "hello", 5));
    cache_entry_release(e);
    CHECK(lookup(c, "a", &e) == CACHE_MISS);
    cache_counters k;
    cache_stats(c, &k);
    CHECK(k.entries == 0 && k.bytes == 0 && k.stores == 0);
    /* Nothing stored, so gzip only for a filler whose client takes it. */
    static char text[2000];
    memset(text, 'z', sizeof text);
    cache_outcome outcome;
    cache_flight *f;
    char err[64];
    for (int want = 0; want < 2; want++) {
        CHECK(cache_lookup(c, "t", 1, true, &outcome, &e, &f, err,
                           sizeof err) == PARITY_OK);
        CHECK(cache_fill_done(c, f, text, sizeof text, "text/plain", want, &e,
                              err, sizeof err) == PARITY_OK);
        CHECK(cache_entry_has_gzip(e) == (want == 1));
        cache_entry_release(e);
    }
    cache_free(c);
}

typedef struct waiter {
    cache *c;
    const char *key;
    cache_outcome outcome;
    cache_entry *entry;
    parity_status status;
    char err[128];
} waiter;

static void *wait_thread(void *arg)
{
    waiter *w = arg;
    cache_flight *f = NULL;
    w->status = cache_lookup(w->c, w->key, 1, true, &w->outcome, &w->entry, &f,
                             w->err, sizeof w->err);
    if (f) { /* must not happen: the test's own filler holds the key */
        w->outcome = CACHE_MISS;
        cache_fill_failed(w->c, f, PARITY_ERR_INTERNAL, "second filler");
    }
    return NULL;
}

/* Starts n waiters on key and returns once all of them are waiting. */
static void start_waiters(cache *c, const char *key, waiter *w,
                          pthread_t *threads, int n, uint64_t waits_before)
{
    for (int i = 0; i < n; i++) {
        w[i] = (waiter){.c = c, .key = key};
        pthread_create(&threads[i], NULL, wait_thread, &w[i]);
    }
    cache_counters k;
    for (int spins = 0; spins < 5000; spins++) {
        cache_stats(c, &k);
        if (k.waits >= waits_before + (uint64_t)n)
            break;
        usleep(1000);
    }
}

#define N_WAITERS 50

void test_cache_single_flight(void)
{
    cache *c = cache_new(1 << 20, 5000);
    cache_outcome outcome;
    cache_entry *e;
    cache_flight *f;
    char err[128];
    CHECK(cache_lookup(c, "hot", 1, true, &outcome, &e, &f, err, sizeof err) ==
          PARITY_OK);
    CHECK(outcome == CACHE_MISS);
    static waiter w[N_WAITERS];
    pthread_t threads[N_WAITERS];
    start_waiters(c, "hot", w, threads, N_WAITERS, 0);
    cache_counters k;
    cache_stats(c, &k);
    CHECK(k.waits == N_WAITERS && k.fills == 1);
    /* The lookup that must not wait only says a fill is in flight: nothing
     * taken, nothing counted, and it returns at once. */
    cache_entry *none = (cache_entry *)&k;
    cache_flight *no_flight = (cache_flight *)&k;
    CHECK(cache_lookup_nowait(c, "hot", 1, true, &outcome, &none, &no_flight,
                              err, sizeof err) == PARITY_OK);
    CHECK(outcome == CACHE_WAIT && !none && !no_flight);
    cache_stats(c, &k);
    CHECK(k.waits == N_WAITERS && k.fills == 1 && k.hits == 0);
    CHECK(cache_fill_done(c, f, "the tile", 8, "text/plain", true, &e, err,
                          sizeof err) == PARITY_OK);
    for (int i = 0; i < N_WAITERS; i++) {
        pthread_join(threads[i], NULL);
        CHECK(w[i].status == PARITY_OK && w[i].outcome == CACHE_WAIT);
        CHECK(w[i].entry == e);
        cache_entry_release(w[i].entry);
    }
    cache_stats(c, &k);
    CHECK(k.fills == 1 && k.stores == 1);
    cache_entry_release(e);
    /* Stored now: a hit; another key: a miss that starts its fill. */
    CHECK(cache_lookup_nowait(c, "hot", 1, true, &outcome, &e, &f, err,
                              sizeof err) == PARITY_OK);
    CHECK(outcome == CACHE_HIT && e && !f);
    cache_entry_release(e);
    CHECK(cache_lookup_nowait(c, "cold", 1, true, &outcome, &e, &f, err,
                              sizeof err) == PARITY_OK);
    CHECK(outcome == CACHE_MISS && !e && f);
    cache_fill_failed(c, f, PARITY_ERR_UNAVAILABLE, "not sent");
    cache_stats(c, &k);
    CHECK(k.fills == 2 && k.hits == 1);

    /* A failed fill: every waiter gets its error, and nothing is stored. */
    CHECK(cache_lookup(c, "bad", 1, true, &outcome, &e, &f, err, sizeof err) ==
          PARITY_OK);
    start_waiters(c, "bad", w, threads, 5, k.waits);
    cache_fill_failed(c, f, PARITY_ERR_TIMEOUT, "statement timeout");
    for (int i = 0; i < 5; i++) {
        pthread_join(threads[i], NULL);
        CHECK(w[i].status == PARITY_ERR_TIMEOUT && !w[i].entry);
        CHECK_STR(w[i].err, "statement timeout");
    }
    CHECK(lookup(c, "bad", &e) == CACHE_MISS);
    cache_stats(c, &k);
    CHECK(k.fill_errors ==
          3); /* "cold", "bad" and the test's own give-up in lookup() */
    cache_free(c);

    /* A waiter gives up after wait_ms. */
    c = cache_new(1 << 20, 50);
    CHECK(cache_lookup(c, "slow", 1, true, &outcome, &e, &f, err, sizeof err) ==
          PARITY_OK);
    waiter one = {.c = c, .key = "slow"};
    wait_thread(&one);
    CHECK(one.status == PARITY_ERR_TIMEOUT && one.outcome == CACHE_WAIT);
    CHECK(cache_fill_done(c, f, "late", 4, "text/plain", true, &e, err,
                          sizeof err) == PARITY_OK);
    cache_entry_release(e);
    CHECK(lookup(c, "slow", &e) == CACHE_HIT);
    cache_entry_release(e);
    cache_free(c);
}

void test_cache_invalidation(void)
{
    cache *c = cache_new(1 << 20, 5000);
    const uint64_t A = 1, B = 2;
    cache_entry_release(fill(c, "a1", A, "a", 1));
    cache_entry_release(fill(c, "a2", A, "a", 1));
    cache_entry_release(fill(c, "b1", B, "b", 1));
    cache_entry_release(fill(c, "ab", A | B, "ab", 2));
    cache_invalidate(c, A);
    cache_entry *e;
    CHECK(lookup(c, "a1", &e) == CACHE_MISS);
    CHECK(lookup(c, "a2", &e) == CACHE_MISS);
    CHECK(lookup(c, "ab", &e) == CACHE_MISS);
    CHECK(lookup(c, "b1", &e) == CACHE_HIT);
    cache_entry_release(e);
    cache_counters k;
    cache_stats(c, &k);
    CHECK(k.invalidated == 3 && k.entries == 1);

    /* The race: a fill begins, the data changes (invalidation), a new
     * request arrives, then the old fill finishes. The old result answers
     * its own waiters but is not stored; the new request runs a new fill. */
    cache_outcome outcome;
    cache_flight *old_fill, *new_fill;
    char err[128];
    CHECK(cache_lookup(c, "t", A, true, &outcome, &e, &old_fill, err,
                       sizeof err) == PARITY_OK &&
          outcome == CACHE_MISS);
    static waiter w[3];
    pthread_t threads[3];
    start_waiters(c, "t", w, threads, 3, k.waits);
    cache_invalidate(c, A);
    CHECK(cache_lookup(c, "t", A, true, &outcome, &e, &new_fill, err,
                       sizeof err) == PARITY_OK);
    CHECK(outcome == CACHE_MISS && new_fill && new_fill != old_fill);
    cache_entry *old_entry;
    CHECK(cache_fill_done(c, old_fill, "old", 3, "text/plain", true, &old_entry,
                          err, sizeof err) == PARITY_OK);
    for (int i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        CHECK(w[i].entry == old_entry);
        cache_entry_release(w[i].entry);
    }
    cache_entry_release(old_entry);
    /* Not stored: a lookup now joins the new fill rather than hitting. */
    waiter late;
    pthread_t late_thread;
    cache_stats(c, &k);
    start_waiters(c, "t", &late, &late_thread, 1, k.waits);
    CHECK(cache_fill_done(c, new_fill, "new", 3, "text/plain", true, &e, err,
                          sizeof err) == PARITY_OK);
    pthread_join(late_thread, NULL);
    size_t len;
    CHECK(late.outcome == CACHE_WAIT && late.entry == e);
    CHECK(!memcmp(cache_entry_body(e, false, &len), "new", 3));
    cache_entry_release(late.entry);
    cache_entry_release(e);
    CHECK(lookup(c, "t", &e) == CACHE_HIT);
    CHECK(!memcmp(cache_entry_body(e, false, &len), "new", 3));
    cache_entry_release(e);
    cache_stats(c, &k);
    CHECK(k.stale_fills == 1);

    /* use_stored false neither reads nor writes stored entries. */
    CHECK(cache_lookup(c, "t", A, false, &outcome, &e, &new_fill, err,
                       sizeof err) == PARITY_OK);
    CHECK(outcome == CACHE_MISS);
    CHECK(cache_fill_done(c, new_fill, "newer", 5, "text/plain", true, &e, err,
                          sizeof err) == PARITY_OK);
    cache_entry_release(e);
    CHECK(lookup(c, "t", &e) == CACHE_HIT);
    CHECK(!memcmp(cache_entry_body(e, false, &len), "new", 3));
    cache_entry_release(e);

    cache_invalidate(c, CACHE_ALL_TAGS);
    cache_stats(c, &k);
    CHECK(k.entries == 0 && k.bytes == 0);
    parity_buf text;
    buf_init(&text, 1 << 16);
    CHECK(cache_metrics_write(&k, &text) == PARITY_OK);
    CHECK(strstr(text.data, "# TYPE parity_cache_fills_total counter\n"
                            "parity_cache_fills_total ") != NULL);
    CHECK(strstr(text.data, "\nparity_cache_max_bytes 1048576\n") != NULL);
    buf_dispose(&text);
    cache_free(c);
}

void test_tile_cache_keys_and_tags(void)
{
    char k1[256], k2[256];
    tile_id t = {12, 1069, 1631};
    tiles_cache_key("neighborhoods", t, "geojson", "", false, k1, sizeof k1);
    tiles_cache_key("neighborhoods", t, "geojson", "", false, k2, sizeof k2);
    CHECK_STR(k1, k2);
    const char *variants[][3] = {
        {"sites", "geojson", ""},
        {"neighborhoods", "mvt", ""},
        {"neighborhoods", "geojson", "from=2026-01-01&to=&category="}};
    for (size_t i = 0; i < 3; i++) {
        tiles_cache_key(variants[i][0], t, variants[i][1], variants[i][2],
                        false, k2, sizeof k2);
        CHECK(strcmp(k1, k2) != 0);
    }
    tiles_cache_key("neighborhoods", t, "geojson", "", true, k2, sizeof k2);
    CHECK(strcmp(k1, k2) != 0);
    tile_id other = {12, 1069, 1632};
    tiles_cache_key("neighborhoods", other, "geojson", "", false, k2,
                    sizeof k2);
    CHECK(strcmp(k1, k2) != 0);
    /* x=1, y=11 must not collide with x=11, y=1. */
    tile_id a = {5, 1, 11}, b = {5, 11, 1};
    tiles_cache_key("n", a, "mvt", "", false, k1, sizeof k1);
    tiles_cache_key("n", b, "mvt", "", false, k2, sizeof k2);
    CHECK(strcmp(k1, k2) != 0);

    /* Neighborhood tiles depend on boundaries and on what metrics read,
     * but not on API tokens. */
    const layer_def *n = layers_find("neighborhoods");
    CHECK(n != NULL);
    if (!n)
        return;
    uint64_t tag = layers_tag(n);
    CHECK(tag != 0 && (tag & (tag - 1)) == 0); /* one bit */
    CHECK(layers_tags_for_data("neighborhoods") & tag);
    CHECK(layers_tags_for_data("events") & tag);
    CHECK(layers_tags_for_data("sites") & tag);
    CHECK(!(layers_tags_for_data("tokens") & tag));
    CHECK(layers_tags_for_data("analysis") & tag);   /* settings */
    CHECK(layers_tags_for_data("indicators") & tag); /* metrics */
    CHECK(n->daily); /* days since the last event count to today */
    /* Every layer has its own bit, and every format has a query or none. */
    uint64_t seen = 0;
    for (const layer_def *l = LAYERS; l->name; l++) {
        CHECK(!(seen & layers_tag(l)));
        seen |= layers_tag(l);
        CHECK(layers_query(l, "geojson") == l->geojson_query);
        CHECK(layers_query(l, "mvt") == l->mvt_query);
        CHECK(layers_query(l, "png") == NULL);
    }
}

void test_cache_valid_until(void)
{
    cache *c = cache_new(1 << 20, 1000);
    cache_outcome outcome;
    cache_entry *e;
    cache_flight *f;
    char err[64];
    /* One entry good until the far future, one whose day is already over. */
    const char *keys[] = {"tomorrow", "yesterday"};
    int64_t until[] = {(int64_t)time(NULL) + 86400, (int64_t)time(NULL) - 1};
    for (int i = 0; i < 2; i++) {
        CHECK(cache_lookup(c, keys[i], 1, true, &outcome, &e, &f, err,
                           sizeof err) == PARITY_OK &&
              outcome == CACHE_MISS);
        cache_flight_set_valid_until(f, until[i]);
        CHECK(cache_fill_done(c, f, "x", 1, "text/plain", false, &e, err,
                              sizeof err) == PARITY_OK);
        cache_entry_release(e);
    }
    CHECK(lookup(c, "tomorrow", &e) == CACHE_HIT);
    cache_entry_release(e);
    CHECK(lookup(c, "yesterday", &e) == CACHE_MISS);
    cache_counters k;
    cache_stats(c, &k);
    CHECK(k.expired == 1 && k.entries == 1);
    cache_free(c);
}

void test_cache_note(void)
{
    cache *c = cache_new(1 << 20, 1000);
    cache_outcome outcome;
    cache_entry *e;
    cache_flight *f;
    char err[64];
    /* A filler's note rides with the entry: its own answer and later hits;
     * an entry without one reads "", and a long note is cut, not spilled. */
    CHECK(cache_lookup(c, "noted", 1, true, &outcome, &e, &f, err,
                       sizeof err) == PARITY_OK &&
          outcome == CACHE_MISS);
    cache_flight_set_note(f, "3 of 17");
    CHECK(cache_fill_done(c, f, "x", 1, "text/plain", false, &e, err,
                          sizeof err) == PARITY_OK);
    CHECK_STR(cache_entry_note(e), "3 of 17");
    cache_entry_release(e);
    CHECK(lookup(c, "noted", &e) == CACHE_HIT);
    CHECK_STR(cache_entry_note(e), "3 of 17");
    cache_entry_release(e);

    CHECK(cache_lookup(c, "plain", 1, true, &outcome, &e, &f, err,
                       sizeof err) == PARITY_OK &&
          outcome == CACHE_MISS);
    CHECK(cache_fill_done(c, f, "y", 1, "text/plain", false, &e, err,
                          sizeof err) == PARITY_OK);
    CHECK_STR(cache_entry_note(e), "");
    cache_entry_release(e);

    char long_note[100];
    memset(long_note, 'n', sizeof long_note - 1);
    long_note[sizeof long_note - 1] = '\0';
    CHECK(cache_lookup(c, "long", 1, true, &outcome, &e, &f, err, sizeof err) ==
              PARITY_OK &&
          outcome == CACHE_MISS);
    cache_flight_set_note(f, long_note);
    CHECK(cache_fill_done(c, f, "z", 1, "text/plain", false, &e, err,
                          sizeof err) == PARITY_OK);
    CHECK(strlen(cache_entry_note(e)) == CACHE_NOTE_SIZE - 1);
    cache_entry_release(e);
    cache_free(c);
}
