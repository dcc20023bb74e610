/* app.c - routes to handlers (see app.h). */
#include "parity/app.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "parity/cache.h"
#include "parity/cors.h"
#include "parity/coverage.h"
#include "parity/db.h"
#include "parity/deadline.h"
#include "parity/encoding.h"
#include "parity/handlers.h"
#include "parity/layers.h"
#include "parity/log.h"
#include "parity/metrics.h"
#include "parity/params.h"
#include "parity/respond.h"
#include "parity/routes.h"
#include "parity/tile.h"
#include "parity/tiles.h"
#include "parity/utf8.h"

/* Route kinds as metrics and the access log name them, indexed by
 * route_kind; requests refused before routing count as "other". */
static const char *const ROUTE_NAMES[] = {
    [ROUTE_HEALTHZ] = "healthz", [ROUTE_READYZ] = "readyz",
    [ROUTE_METRICS] = "metrics", [ROUTE_TILEJSON] = "tilejson",
    [ROUTE_TILE] = "tile",       [ROUTE_API] = "api",
    [ROUTE_STATIC] = "static",
};
#define N_ROUTE_NAMES (sizeof ROUTE_NAMES / sizeof ROUTE_NAMES[0])

/* What the health monitor last saw of the database. */
typedef enum db_state {
    DB_UNKNOWN, /* no probe has finished yet */
    DB_UP,
    DB_DOWN,
    DB_NO_SCHEMA /* reachable, but `parity db migrate` has not run */
} db_state;

#define HEALTH_PERIOD_MS 500
#define MAX_VERSIONS     32

typedef struct layer_version {
    char layer[64];
    long long version;
} layer_version;

struct app {
    app_config cfg;
    db_pool *pool;
    cache *tiles;
    tiles_clock clock;
    db_listener *listener;
    handler_ctx ctx;
    char web_root[PATH_MAX];
    int web_fd; /* the web root, opened once; files are opened beneath it */
    cors_policy cors;
    metrics *metrics;
    http_server *server; /* for its connection counters; may be NULL */
    /* The health monitor: a thread that probes the database every
     * HEALTH_PERIOD_MS, so /healthz and /readyz answer at once and never
     * wait on a database that is down or stuck. */
    pthread_t monitor;
    bool monitor_running, stopping;
    pthread_mutex_t health_lock;
    pthread_cond_t health_changed;
    db_state db;
    atomic_bool db_down; /* db == DB_DOWN, read without the lock by tiles */
    char db_error[256];
    layer_version versions[MAX_VERSIONS];
    int n_versions;
};

/* ---- health ------------------------------------------------------------- */

/* One probe: the data versions (which /metrics reports) from a pooled
 * connection. A busy pool says nothing about the database: the state is
 * kept. */
static void health_probe(app *a)
{
    db_conn *conn = NULL;
    db_result *rows = NULL;
    char err[256];
    parity_status status =
        db_pool_acquire(a->pool, DB_LANE_PRIORITY, &conn, err, sizeof err);
    if (status == PARITY_ERR_TIMEOUT && !conn)
        return;
    if (status == PARITY_OK)
        status =
            db_query(conn, "data_versions", 0, NULL, &rows, err, sizeof err);
    db_pool_release(a->pool, conn);
    db_state next =
        status == PARITY_OK ? DB_UP
        : status == PARITY_ERR_UNAVAILABLE || status == PARITY_ERR_TIMEOUT
            ? DB_DOWN
            : DB_NO_SCHEMA;
    pthread_mutex_lock(&a->health_lock);
    db_state before = a->db;
    a->db = next;
    atomic_store(&a->db_down, next == DB_DOWN);
    snprintf(a->db_error, sizeof a->db_error, "%s",
             status == PARITY_OK ? "" : err);
    if (rows) {
        int n = db_result_rows(rows);
        a->n_versions = n < MAX_VERSIONS ? n : MAX_VERSIONS;
        for (int i = 0; i < a->n_versions; i++) {
            snprintf(a->versions[i].layer, sizeof a->versions[i].layer, "%s",
                     db_result_value(rows, i, 0));
            a->versions[i].version =
                strtoll(db_result_value(rows, i, 1), NULL, 10);
        }
    }
    pthread_cond_broadcast(&a->health_changed);
    pthread_mutex_unlock(&a->health_lock);
    db_result_free(rows);
    if (before != next) {
        char quoted[300];
        log_event(
            next == DB_UP ? "info" : "warn", "db.state", "state=%s error=%s",
            next == DB_UP     ? "up"
            : next == DB_DOWN ? "down"
                              : "no_schema",
            log_quote(status == PARITY_OK ? "" : err, quoted, sizeof quoted));
    }
}

static void *monitor_main(void *arg)
{
    app *a = arg;
    pthread_mutex_lock(&a->health_lock);
    while (!a->stopping) {
        pthread_mutex_unlock(&a->health_lock);
        health_probe(a);
        /* The access lines of the last half second reach the log. */
        log_flush();
        pthread_mutex_lock(&a->health_lock);
        struct timespec until =
            deadline_after(CLOCK_REALTIME, HEALTH_PERIOD_MS);
        while (!a->stopping &&
               pthread_cond_timedwait(&a->health_changed, &a->health_lock,
                                      &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&a->health_lock);
    return NULL;
}

/* The database's state; waits (bounded) for the first probe to finish. */
static db_state database_state(app *a, char *err, size_t errlen)
{
    pthread_mutex_lock(&a->health_lock);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    while (a->db == DB_UNKNOWN &&
           pthread_cond_timedwait(&a->health_changed, &a->health_lock,
                                  &until) != ETIMEDOUT)
        ;
    db_state state = a->db;
    if (err)
        snprintf(err, errlen, "%s", a->db_error);
    pthread_mutex_unlock(&a->health_lock);
    return state;
}

static void handle_healthz(http_response *res, db_state state)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ok"));
    json_object_object_add(
        o, "database",
        json_object_new_string(state == DB_UP          ? "up"
                               : state == DB_NO_SCHEMA ? "no_schema"
                               : state == DB_DOWN      ? "down"
                                                       : "unknown"));
    respond_json(res, 200, o);
    res->cache_control = "no-store";
}

static void handle_readyz(http_response *res, db_state state)
{
    if (state != DB_UP) {
        respond_error(res, PARITY_ERR_UNAVAILABLE,
                      state == DB_NO_SCHEMA
                          ? "the database has no parity schema; run `parity db "
                            "migrate`"
                          : "the database is not reachable",
                      NULL);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ready"));
    respond_json(res, 200, o);
    res->cache_control = "no-store";
}

/* ---- metrics ------------------------------------------------------------ */

static long long resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long long pages = 0, resident = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lld %lld", &pages, &resident) != 2)
        resident = 0;
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static void handle_metrics(app *a, http_response *res)
{
    parity_buf *out = &res->body;
    buf_reset(out);
    parity_status st = metrics_render(a->metrics, out);
    db_pool_counts pool;
    db_pool_stats(a->pool, &pool);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_db_pool_size", "gauge",
                            "Database connections the pool may open.",
                            pool.size);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_db_pool_reserved", "gauge",
                            "Connections kept for API writes and probes.",
                            pool.reserve);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_db_pool_in_use", "gauge",
                            "Database connections handed out to requests.",
                            pool.in_use);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_db_pool_in_use_bulk", "gauge",
                            "Of those, held by tiles, coverage and reads.",
                            pool.in_use_bulk);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_db_pool_waiting", "gauge",
                            "Requests waiting for a database connection (on a "
                            "worker, or in line holding no thread).",
                            pool.waiting);
    pthread_mutex_lock(&a->health_lock);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_database_up", "gauge",
                            "1 when the last probe reached the database.",
                            a->db == DB_UP);
    if (st == PARITY_OK)
        st = metrics_family(out, "parity_data_version", "gauge",
                            "Version of each layer's data (bumped by the "
                            "database on every change).");
    for (int i = 0; i < a->n_versions && st == PARITY_OK; i++)
        st =
            metrics_value(out, "parity_data_version", "layer",
                          a->versions[i].layer, (double)a->versions[i].version);
    pthread_mutex_unlock(&a->health_lock);
    if (a->server) {
        http_server_stats hs;
        http_server_get_stats(a->server, &hs);
        if (st == PARITY_OK)
            st = metrics_sample(out, "parity_http_connections_open", "gauge",
                                "Client connections open now.",
                                (double)hs.open_connections);
        if (st == PARITY_OK)
            st = metrics_family(out, "parity_http_connections_refused_total",
                                "counter",
                                "Connections answered 503/429 and closed "
                                "because a limit was reached.");
        if (st == PARITY_OK)
            st = metrics_value(out, "parity_http_connections_refused_total",
                               "limit", "connections",
                               (double)hs.refused_connection_limit);
        if (st == PARITY_OK)
            st = metrics_value(out, "parity_http_connections_refused_total",
                               "limit", "per_client",
                               (double)hs.refused_per_client_limit);
        if (st == PARITY_OK)
            st = metrics_sample(out, "parity_http_request_timeouts_total",
                                "counter",
                                "Requests closed because they took longer "
                                "than --request-timeout to arrive.",
                                (double)hs.request_timeouts);
        if (st == PARITY_OK)
            st = metrics_family(out, "parity_http_answers_total", "counter",
                                "Answers by where they were made: on an "
                                "event thread (the fast path: cached tiles, "
                                "health), on the database's thread (tiles "
                                "made by an asynchronous query) or by a "
                                "worker thread.");
        if (st == PARITY_OK)
            st = metrics_value(out, "parity_http_answers_total", "thread",
                               "event", (double)hs.fast_answers);
        if (st == PARITY_OK)
            st = metrics_value(out, "parity_http_answers_total", "thread",
                               "worker", (double)hs.worker_answers);
        if (st == PARITY_OK)
            st = metrics_value(out, "parity_http_answers_total", "thread",
                               "database", (double)hs.async_answers);
        if (st == PARITY_OK)
            st = metrics_sample(out, "parity_http_async_pending", "gauge",
                                "Requests waiting on an asynchronous query "
                                "now (no thread held).",
                                (double)hs.async_pending);
        if (st == PARITY_OK)
            st = metrics_sample(out, "parity_http_workers_busy", "gauge",
                                "Worker threads running a request now.",
                                (double)hs.workers_busy);
        if (st == PARITY_OK)
            st = metrics_sample(out, "parity_http_worker_queue", "gauge",
                                "Requests waiting for a worker thread.",
                                (double)hs.worker_queue);
    }
    size_t coverage_entries = 0, coverage_bytes = 0;
    unsigned long coverage_hits = 0, coverage_misses = 0;
    coverage_cache_stats(a->ctx.coverage, &coverage_entries, &coverage_bytes,
                         &coverage_hits, &coverage_misses);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_coverage_cache_hits_total", "counter",
                            "Coverage answers found in their cache.",
                            (double)coverage_hits);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_coverage_cache_misses_total",
                            "counter", "Coverage answers computed anew.",
                            (double)coverage_misses);
    if (st == PARITY_OK)
        st = metrics_sample(out, "parity_coverage_cache_bytes", "gauge",
                            "Bytes of coverage answers cached.",
                            (double)coverage_bytes);
    if (st == PARITY_OK) { /* the tile cache: fills, hits, waits, ... */
        cache_counters tiles;
        cache_stats(a->tiles, &tiles);
        st = cache_metrics_write(&tiles, out);
    }
    if (st == PARITY_OK)
        st = metrics_sample(out, "process_resident_memory_bytes", "gauge",
                            "Resident memory size in bytes.",
                            (double)resident_bytes());
    if (st != PARITY_OK) {
        respond_error(res, st, "the metrics do not fit the answer buffer",
                      NULL);
        return;
    }
    res->status = 200;
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    res->cache_control = "no-store";
}

void app_observe(void *ctx, const http_response *res, double seconds)
{
    app *a = ctx;
    size_t kind = N_ROUTE_NAMES;
    for (size_t i = 0; i < N_ROUTE_NAMES; i++)
        if (res->route_name == ROUTE_NAMES[i])
            kind = i;
    metrics_observe(a->metrics, kind, res->status, seconds, res->cache_state);
}

void app_attach_server(app *a, http_server *server)
{
    a->server = server;
}

/* ---- tiles -------------------------------------------------------------- */
static void add_fields(json_object *fields, const layer_def *layer)
{
    for (int i = 0; layer->fields[i]; i++) {
        char name[64];
        const char *colon = strchr(layer->fields[i], ':');
        snprintf(name, sizeof name, "%.*s", (int)(colon - layer->fields[i]),
                 layer->fields[i]);
        json_object_object_add(fields, name, json_object_new_string(colon + 1));
    }
}

static void handle_tilejson(app *a, const http_request *req, const route *r,
                            http_response *res)
{
    const layer_def *layer = layers_find(r->name);
    if (!layer) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such tile layer", NULL);
        return;
    }
    db_conn *conn;
    if (handler_acquire(&a->ctx, DB_LANE_BULK, &conn, res) != PARITY_OK)
        return;
    db_result *rows = NULL;
    char err[512];
    parity_status status =
        db_query(conn, "layer_extent", 0, NULL, &rows, err, sizeof err);
    db_pool_release(a->pool, conn);
    if (status != PARITY_OK) {
        handler_db_error(res, status, "layer_extent", err);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "tilejson", json_object_new_string("3.0.0"));
    json_object_object_add(o, "name", json_object_new_string(layer->name));
    json_object_object_add(o, "description",
                           json_object_new_string(layer->description));
    json_object *tiles = json_object_new_array();
    char url[128];
    snprintf(url, sizeof url, "/tiles/%s/{z}/{x}/{y}.geojson", layer->name);
    json_object_array_add(tiles, json_object_new_string(url));
    json_object_object_add(o, "tiles", tiles);
    if (layer->mvt_query) {
        json_object *mvt = json_object_new_array();
        snprintf(url, sizeof url, "/tiles/%s/{z}/{x}/{y}.mvt", layer->name);
        json_object_array_add(mvt, json_object_new_string(url));
        json_object_object_add(o, "mvt_tiles", mvt);
    }
    json_object_object_add(o, "minzoom", json_object_new_int(0));
    json_object_object_add(o, "maxzoom", json_object_new_int(a->cfg.max_zoom));
    json_object *bounds = json_object_new_array();
    json_object *center = json_object_new_array();
    /* Every layer lies within the neighborhoods, whose extent is used. */
    if (!db_result_is_null(rows, 0, 1)) {
        double b[4];
        for (int i = 0; i < 4; i++) {
            b[i] = strtod(db_result_value(rows, 0, i + 1), NULL);
            json_object_array_add(bounds, json_object_new_double(b[i]));
        }
        /* The zoom at which the data's extent fits about 1024 pixels. */
        double span = b[2] - b[0] > b[3] - b[1] ? b[2] - b[0] : b[3] - b[1];
        int zoom = 0;
        while (zoom < 18 && 360.0 / (1 << (zoom + 1)) * 4 > span)
            zoom++;
        json_object_array_add(center,
                              json_object_new_double((b[0] + b[2]) / 2));
        json_object_array_add(center,
                              json_object_new_double((b[1] + b[3]) / 2));
        json_object_array_add(center, json_object_new_int(zoom));
    } else {
        double world[4] = {-180, -85.0511287798066, 180, 85.0511287798066};
        for (int i = 0; i < 4; i++)
            json_object_array_add(bounds, json_object_new_double(world[i]));
        for (int i = 0; i < 3; i++)
            json_object_array_add(center, json_object_new_int(0));
    }
    db_result_free(rows);
    json_object_object_add(o, "bounds", bounds);
    json_object_object_add(o, "center", center);
    json_object *fields = json_object_new_object();
    add_fields(fields, layer);
    json_object *vl = json_object_new_object();
    json_object_object_add(vl, "id", json_object_new_string(layer->name));
    json_object_object_add(vl, "description",
                           json_object_new_string(layer->description));
    json_object_object_add(vl, "fields", fields);
    json_object *vls = json_object_new_array();
    json_object_array_add(vls, vl);
    json_object_object_add(o, "vector_layers", vls);
    respond_json(res, 200, o);
    handler_cacheable(&a->ctx, req, res);
}

/* ---- API ---------------------------------------------------------------- */

static void handle_api(app *a, const http_request *req, const route *r,
                       http_response *res)
{
    for (const api_collection *c = API_COLLECTIONS; c->name; c++)
        if (!strcmp(c->name, r->name)) {
            c->handle(&a->ctx, req, r, res);
            return;
        }
    respond_error(res, PARITY_ERR_NOT_FOUND, "no such API collection", NULL);
}

/* ---- static files ------------------------------------------------------- */

static const char *mime_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } TYPES[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "application/javascript; charset=utf-8"},
        {".mjs", "application/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (!strcmp(dot, TYPES[i].ext))
            return TYPES[i].type;
    return "application/octet-stream";
}

/* Opens rel beneath the web root: the kernel refuses any resolution that
 * would leave it or pass a symbolic link (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS, Linux 5.6+; on older kernels openat with the string
 * checks of handle_static alone). O_NONBLOCK: a FIFO must not block. */
static int open_beneath(int root, const char *rel)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
    struct open_how how = {
        .flags = (unsigned long long)flags,
        .resolve =
            RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    long fd = syscall(SYS_openat2, root, rel, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS)
        fd = openat(root, rel, flags);
    return (int)fd;
}

static void handle_static(app *a, const http_request *req, http_response *res)
{
    const char *path = req->path;
    /* Refuse anything that could climb out of the web root: "..", "\",
     * hidden files. The path arrives percent-decoded (and a %00 can no
     * longer cut it short, see http.c). */
    if (strstr(path, "..") || strchr(path, '\\') || strstr(path, "/.") ||
        strlen(path) > 512) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such file", NULL);
        return;
    }
    char file[600];
    snprintf(file, sizeof file, "%s%s", path + 1,
             path[strlen(path) - 1] == '/' ? "index.html" : "");
    int fd = open_beneath(a->web_fd, file);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such file", NULL);
        return;
    }
    /* The page's files go through the cache too (compressed once); the
     * key holds the file's modification time and size, so a rebuilt page
     * is a new entry, and no data change touches them (tags 0). */
    char key[PATH_MAX + 700];
    snprintf(key, sizeof key, "static:%s:%lld.%09ld:%lld", file,
             (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
             (long long)st.st_size);
    cache_outcome outcome;
    cache_entry *entry = NULL;
    cache_flight *flight = NULL;
    char err[256];
    parity_status status = cache_lookup(a->tiles, key, 0, true, &outcome,
                                        &entry, &flight, err, sizeof err);
    if (status == PARITY_OK && outcome == CACHE_MISS) {
        parity_buf body;
        buf_init(&body, (size_t)256 << 20);
        char chunk[65536];
        ssize_t n;
        while (status == PARITY_OK && (n = read(fd, chunk, sizeof chunk)) > 0)
            status = buf_append(&body, chunk, (size_t)n);
        if (status == PARITY_OK)
            status = cache_fill_done(
                a->tiles, flight, body.data ? body.data : "", body.len,
                mime_type(file), encoding_accepts_gzip(req->accept_encoding),
                &entry, err, sizeof err);
        else
            cache_fill_failed(a->tiles, flight, status, "file too large");
        buf_dispose(&body);
    }
    close(fd);
    if (status != PARITY_OK) {
        respond_error(res, status, "the file could not be read", NULL);
        return;
    }
    handler_answer_entry(req, res, entry, "no-cache");
}

/* ---- data changes ------------------------------------------------------ */

/* A parity_data notice: the payload names the data that changed. */
static void on_data_changed(void *ctx, const char *data)
{
    app *a = ctx;
    /* The midnight first: a fill that follows the drop asks again. */
    if (!strcmp(data, "analysis"))
        tiles_clock_forget(&a->clock);
    uint64_t tags = layers_tags_for_data(data);
    if (tags)
        cache_invalidate(a->tiles, tags);
    char quoted[160];
    log_event("info", "cache.invalidate", "data=%s tags=0x%llx",
              log_quote(data, quoted, sizeof quoted), (unsigned long long)tags);
}

/* The listener lost its connection and has it back: notices may have been
 * missed, so nothing stored can be trusted. */
static void on_listener_reconnect(void *ctx)
{
    app *a = ctx;
    tiles_clock_forget(&a->clock);
    cache_invalidate(a->tiles, CACHE_ALL_TAGS);
    log_event("info", "cache.invalidate", "data=* reason=listener_reconnect");
}

/* ---- dispatch ----------------------------------------------------------- */

/* Bodies parity reads as text: JSON (the API) and anything textual. */
static bool body_is_text(const char *content_type)
{
    return !content_type || !strncmp(content_type, "application/json", 16) ||
           !strncmp(content_type, "text/", 5) || strstr(content_type, "+json");
}

/* Text enters here: the path, the query parameters and the body must be
 * well-formed UTF-8 before any parser or query sees them. */
static bool text_valid(const http_request *req, char *msg, size_t msglen)
{
    if (!utf8_valid_str(req->path)) {
        snprintf(msg, msglen, "%s",
                 "the path is not valid UTF-8 (or holds %00); "
                 "percent-encode the UTF-8 bytes of each character");
        return false;
    }
    for (size_t i = 0; i < req->n_args; i++) {
        if (!utf8_valid_str(req->args[i].key) ||
            !utf8_valid_str(req->args[i].value)) {
            snprintf(msg, msglen,
                     "query parameter %zu is not valid UTF-8 (or holds %%00); "
                     "percent-encode the UTF-8 bytes of each character",
                     i + 1);
            return false;
        }
    }
    size_t bad;
    if (req->body && body_is_text(req->content_type) &&
        !utf8_valid(req->body, req->body_len, &bad)) {
        snprintf(msg, msglen,
                 "the request body is not valid UTF-8 (at byte %zu)", bad);
        return false;
    }
    return true;
}

/* text_valid, answering 400 with what is wrong when it is not. */
static bool valid_text(const http_request *req, http_response *res)
{
    char msg[160];
    if (text_valid(req, msg, sizeof msg))
        return true;
    respond_error(res, PARITY_ERR_INPUT, msg, NULL);
    return false;
}

/* CORS preflight: which methods and headers another origin may use. An
 * origin not on --cors-origins gets no Access-Control-* headers, which the
 * browser reports as a CORS refusal. */
static void handle_preflight(app *a, const http_request *req, const route *r,
                             http_response *res)
{
    const char *methods = r->kind == ROUTE_API
                              ? "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
                              : "GET, HEAD, OPTIONS";
    respond_bytes(res, 204, NULL, "", 0);
    res->allow = methods;
    res->cache_control = "no-store";
    const char *origin = cors_allowed(&a->cors, req->origin);
    if (origin) {
        res->allow_origin = origin;
        res->allow_methods = methods;
        res->allow_headers = "Authorization, Content-Type, If-None-Match";
        res->max_age = 600;
    }
}

static void dispatch(app *a, const http_request *req, http_response *res)
{
    if (!valid_text(req, res))
        return;
    bool read_only =
        !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
    route r;
    char err[256];
    parity_status status =
        route_parse(req->path, a->cfg.max_zoom, &r, err, sizeof err);
    if (status != PARITY_OK) {
        /* Counted under the route the path was meant for. */
        if (!strncmp(req->path, "/tiles/", 7))
            res->route_name = ROUTE_NAMES[ROUTE_TILE];
        else if (!strncmp(req->path, "/api/", 5))
            res->route_name = ROUTE_NAMES[ROUTE_API];
        respond_error(res, status, err, NULL);
        return;
    }
    res->route_name = ROUTE_NAMES[r.kind];
    if (!strcmp(req->method, "OPTIONS")) {
        handle_preflight(a, req, &r, res);
        return;
    }
    if (!read_only && r.kind != ROUTE_API) {
        respond_method_not_allowed(
            res, "only GET, HEAD and OPTIONS are answered here",
            "GET, HEAD, OPTIONS");
        return;
    }
    switch (r.kind) {
    case ROUTE_HEALTHZ: handle_healthz(res, database_state(a, NULL, 0)); return;
    case ROUTE_READYZ: handle_readyz(res, database_state(a, NULL, 0)); return;
    case ROUTE_METRICS: handle_metrics(a, res); return;
    case ROUTE_TILEJSON: handle_tilejson(a, req, &r, res); return;
    case ROUTE_TILE: tiles_handle(&a->ctx, req, &r, res); return;
    case ROUTE_API: handle_api(a, req, &r, res); return;
    case ROUTE_STATIC: handle_static(a, req, res); return;
    }
}

/* The fast path (see app.h): the same checks as dispatch, in the same
 * order, for what can be answered without blocking; anything else is
 * declined before a counter or a cache entry moves. */
static bool fast_dispatch(app *a, const http_request *req, http_response *res)
{
    bool read_only =
        !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
    bool options = !strcmp(req->method, "OPTIONS");
    if (!read_only && !options)
        return false;
    if (!valid_text(req, res))
        return false; /* the full handler says what is wrong */
    route r;
    char err[256];
    if (route_parse(req->path, a->cfg.max_zoom, &r, err, sizeof err) !=
        PARITY_OK)
        return false;
    res->route_name = ROUTE_NAMES[r.kind];
    if (options) {
        handle_preflight(a, req, &r, res);
        return true;
    }
    switch (r.kind) {
    case ROUTE_HEALTHZ:
    case ROUTE_READYZ: {
        /* The monitor's last probe, without waiting for the first one. */
        pthread_mutex_lock(&a->health_lock);
        db_state state = a->db;
        pthread_mutex_unlock(&a->health_lock);
        if (state == DB_UNKNOWN)
            return false;
        if (r.kind == ROUTE_HEALTHZ)
            handle_healthz(res, state);
        else
            handle_readyz(res, state);
        return true;
    }
    case ROUTE_METRICS:
        /* Counters and gauges under short locks, and /proc/self/statm
         * (memory, never the disk): cheap, and answerable while every
         * worker is busy, which is when it is wanted. */
        handle_metrics(a, res);
        return true;
    case ROUTE_TILE: return tiles_fast(&a->ctx, req, &r, res);
    default: return false;
    }
}

bool app_fast(void *ctx, const http_request *req, http_response *res)
{
    app *a = ctx;
    if (!fast_dispatch(a, req, res))
        return false;
    if (!res->allow_origin)
        res->allow_origin = cors_allowed(&a->cors, req->origin);
    return true;
}

bool app_async(void *ctx, const http_request *req, http_response *res,
               http_pending *pending)
{
    app *a = ctx;
    route r;
    char msg[256];
    if ((strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) ||
        !text_valid(req, msg, sizeof msg) ||
        route_parse(req->path, a->cfg.max_zoom, &r, msg, sizeof msg) !=
            PARITY_OK ||
        r.kind != ROUTE_TILE)
        return false;
    /* Set before the request is taken: from then on its answer may be
     * made on another thread at any moment. */
    res->route_name = ROUTE_NAMES[r.kind];
    res->allow_origin = cors_allowed(&a->cors, req->origin);
    if (tiles_async(&a->ctx, req, &r, res, pending))
        return true;
    res->route_name = NULL;
    res->allow_origin = NULL;
    return false;
}

void app_handle(void *ctx, const http_request *req, http_response *res)
{
    app *a = ctx;
    dispatch(a, req, res);
    /* Another origin may read the answer only when it is on the list. */
    if (!res->allow_origin)
        res->allow_origin = cors_allowed(&a->cors, req->origin);
}

app *app_new(const app_config *cfg, char *err, size_t errlen)
{
    app *a = calloc(1, sizeof *a);
    if (!a) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    a->web_fd = -1;
    pthread_mutex_init(&a->health_lock, NULL);
    pthread_cond_init(&a->health_changed, NULL);
    tiles_clock_init(&a->clock);
    if (cors_parse(cfg->cors_origins, &a->cors, err, errlen) != PARITY_OK) {
        app_free(a);
        return NULL;
    }
    if (!realpath(cfg->web_root, a->web_root) ||
        (a->web_fd = open(a->web_root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        parity_fail(err, errlen, PARITY_ERR_USAGE,
                    "--web-root %s: %s (build the page with `make web`)",
                    cfg->web_root, strerror(errno));
        app_free(a);
        return NULL;
    }
    a->pool = db_pool_new(cfg->db, cfg->pool_size, cfg->pool_reserve,
                          cfg->statement_timeout_ms, cfg->pool_wait_ms, true);
    if (!a->pool) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        app_free(a);
        return NULL;
    }
    a->metrics = metrics_new(ROUTE_NAMES, N_ROUTE_NAMES);
    /* A request waits for another's fill at most as long as that fill may
     * take: a connection, then the statement. */
    int fill_wait_ms = cfg->pool_wait_ms + cfg->statement_timeout_ms + 1000;
    a->tiles = a->metrics ? cache_new(cfg->cache_size, fill_wait_ms) : NULL;
    a->listener =
        a->tiles ? db_listener_start(cfg->db, "parity_data", on_data_changed,
                                     on_listener_reconnect, a)
                 : NULL;
    if (!a->listener) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        app_free(a);
        return NULL;
    }
    a->ctx.pool = a->pool;
    a->ctx.cfg = &a->cfg;
    a->ctx.cache = a->tiles;
    a->ctx.listener = a->listener;
    a->ctx.database_down = &a->db_down;
    a->ctx.clock = &a->clock;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    a->ctx.async = db_async_start(cfg->db_threads > 0 ? cfg->db_threads
                                  : cpus > 0 ? (int)(cpus < 64 ? cpus : 64)
                                             : 1,
                                  a->pool);
    if (!a->ctx.async) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM,
                    "cannot start the database's asynchronous threads");
        app_free(a);
        return NULL;
    }
    /* Coverage answers are ~100 kB for 100 neighborhoods; 64 windows and
     * profiles at most, 64 MB at most. */
    a->ctx.coverage = coverage_cache_new(64, (size_t)64 << 20);
    if (!a->ctx.coverage) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        app_free(a);
        return NULL;
    }
    a->db = DB_UNKNOWN;
    a->monitor_running =
        pthread_create(&a->monitor, NULL, monitor_main, a) == 0;
    if (!a->monitor_running) {
        app_free(a);
        parity_fail(err, errlen, PARITY_ERR_NOMEM,
                    "cannot start the database health monitor thread");
        return NULL;
    }
    /* Ten significant digits: about a centimetre in degrees. */
    json_c_set_serialization_double_format("%.10g", JSON_C_OPTION_GLOBAL);
    return a;
}

void app_free(app *a)
{
    if (!a)
        return;
    if (a->monitor_running) {
        pthread_mutex_lock(&a->health_lock);
        a->stopping = true;
        pthread_cond_broadcast(&a->health_changed);
        pthread_mutex_unlock(&a->health_lock);
        pthread_join(a->monitor, NULL);
    }
    pthread_mutex_destroy(&a->health_lock);
    pthread_cond_destroy(&a->health_changed);
    metrics_free(a->metrics);
    db_async_stop(a->ctx.async);
    db_listener_stop(a->listener);
    cache_free(a->tiles);
    db_pool_free(a->pool);
    coverage_cache_free(a->ctx.coverage);
    tiles_clock_destroy(&a->clock);
    if (a->web_fd >= 0)
        close(a->web_fd);
    free(a);
}
