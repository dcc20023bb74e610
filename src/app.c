/* app.c - routes to handlers (see app.h). */
#include "parity/app.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parity/db.h"
#include "parity/log.h"
#include "parity/respond.h"
#include "parity/routes.h"
#include "parity/tile.h"

struct app {
    app_config cfg;
    db_pool *pool;
    char web_root[PATH_MAX];
};

/* ---- layers ------------------------------------------------------------- */

typedef struct layer_def {
    const char *name;
    const char *description;
    const char *geojson_query; /* $1 z $2 x $3 y $4 decimals $5 max features */
} layer_def;

static const layer_def LAYERS[] = {
    {"neighborhoods", "Neighborhood boundaries", "tile_neighborhoods"},
};

static const layer_def *find_layer(const char *name)
{
    for (size_t i = 0; i < sizeof LAYERS / sizeof LAYERS[0]; i++)
        if (!strcmp(LAYERS[i].name, name))
            return &LAYERS[i];
    return NULL;
}

/* ---- database helpers --------------------------------------------------- */

static parity_status with_conn(app *a, db_conn **conn, http_response *res)
{
    char err[512];
    parity_status status = db_pool_acquire(a->pool, conn, err, sizeof err);
    if (status != PARITY_OK) {
        log_event("warn", "db.unavailable", "error=\"%s\"", err);
        respond_error(res, status,
                      "the database is not reachable right now; try again "
                      "shortly",
                      NULL);
    }
    return status;
}

static void fail_query(http_response *res, parity_status status,
                       const char *query, const char *err)
{
    log_event("error", "db.query_failed", "query=%s status=%s error=\"%s\"",
              query, parity_status_name(status), err);
    respond_error(res, status,
                  status == PARITY_ERR_TIMEOUT ? "the database took too long"
                  : status == PARITY_ERR_UNAVAILABLE
                      ? "the database is not reachable right now"
                      : "the database could not answer this request",
                  NULL);
}

/* Sets ETag and Cache-Control, and turns the answer into a 304 when the
 * client already holds these bytes. */
static void finish_cacheable(app *a, const http_request *req, http_response *res)
{
    respond_etag(res->body.data ? res->body.data : "", res->body.len, res->etag);
    res->cache_control = a->cfg.cache_control;
    if (respond_etag_matches(req->if_none_match, res->etag)) {
        res->status = 304;
        buf_reset(&res->body);
    }
}

/* ---- handlers ----------------------------------------------------------- */

static void handle_healthz(app *a, http_response *res)
{
    db_conn *conn = NULL;
    char err[256];
    bool up = db_pool_acquire(a->pool, &conn, err, sizeof err) == PARITY_OK &&
              db_exec(conn, "SELECT 1", err, sizeof err) == PARITY_OK;
    db_pool_release(a->pool, conn);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ok"));
    json_object_object_add(o, "database",
                           json_object_new_string(up ? "up" : "down"));
    res->cache_control = "no-store";
    respond_json(res, 200, o);
}

static void handle_readyz(app *a, http_response *res)
{
    db_conn *conn = NULL;
    char err[256];
    bool up = db_pool_acquire(a->pool, &conn, err, sizeof err) == PARITY_OK &&
              db_exec(conn, "SELECT 1", err, sizeof err) == PARITY_OK;
    db_pool_release(a->pool, conn);
    if (!up) {
        respond_error(res, PARITY_ERR_UNAVAILABLE, "the database is not reachable",
                      NULL);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ready"));
    res->cache_control = "no-store";
    respond_json(res, 200, o);
}

static void handle_tilejson(app *a, const http_request *req, const route *r,
                            http_response *res)
{
    const layer_def *layer = find_layer(r->name);
    if (!layer) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such tile layer", NULL);
        return;
    }
    db_conn *conn;
    if (with_conn(a, &conn, res) != PARITY_OK)
        return;
    db_result *rows = NULL;
    char err[512];
    parity_status status =
        db_query(conn, "layer_extent", 0, NULL, &rows, err, sizeof err);
    db_pool_release(a->pool, conn);
    if (status != PARITY_OK) {
        fail_query(res, status, "layer_extent", err);
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
    json_object_object_add(o, "minzoom", json_object_new_int(0));
    json_object_object_add(o, "maxzoom", json_object_new_int(a->cfg.max_zoom));
    json_object *bounds = json_object_new_array();
    json_object *center = json_object_new_array();
    if (!db_result_is_null(rows, 0, 1)) {
        double b[4];
        for (int i = 0; i < 4; i++) {
            b[i] = strtod(db_result_value(rows, 0, i + 1), NULL);
            json_object_array_add(bounds, json_object_new_double(b[i]));
        }
        /* The zoom at which the data's extent fits a 1024-pixel view. */
        double span = b[2] - b[0] > b[3] - b[1] ? b[2] - b[0] : b[3] - b[1];
        int zoom = 0;
        while (zoom < 16 && 360.0 / (1 << zoom) * 4 > span * 1.2)
            zoom++;
        zoom = zoom > 0 ? zoom - 1 : 0;
        json_object_array_add(center, json_object_new_double((b[0] + b[2]) / 2));
        json_object_array_add(center, json_object_new_double((b[1] + b[3]) / 2));
        json_object_array_add(center, json_object_new_int(zoom));
    } else {
        double world[4] = {-180, -85.0511287798066, 180, 85.0511287798066};
        for (int i = 0; i < 4; i++)
            json_object_array_add(bounds, json_object_new_double(world[i]));
        json_object_array_add(center, json_object_new_double(0));
        json_object_array_add(center, json_object_new_double(0));
        json_object_array_add(center, json_object_new_int(0));
    }
    json_object_object_add(o, "bounds", bounds);
    json_object_object_add(o, "center", center);
    json_object *fields = json_object_new_object();
    json_object_object_add(fields, "id", json_object_new_string("String"));
    json_object_object_add(fields, "name", json_object_new_string("String"));
    json_object_object_add(fields, "population", json_object_new_string("Number"));
    json_object *vl = json_object_new_object();
    json_object_object_add(vl, "id", json_object_new_string(layer->name));
    json_object_object_add(vl, "fields", fields);
    json_object *vls = json_object_new_array();
    json_object_array_add(vls, vl);
    json_object_object_add(o, "vector_layers", vls);
    json_object_object_add(o, "features",
                           json_object_new_int64(strtoll(db_result_value(rows, 0, 0),
                                                         NULL, 10)));
    db_result_free(rows);
    respond_json(res, 200, o);
    finish_cacheable(a, req, res);
}

static void handle_tile(app *a, const http_request *req, const route *r,
                        http_response *res)
{
    const layer_def *layer = find_layer(r->name);
    if (!layer) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such tile layer", NULL);
        return;
    }
    if (strcmp(r->format, "geojson") != 0) {
        respond_error(res, PARITY_ERR_NOT_FOUND,
                      "this layer is served as .geojson", NULL);
        return;
    }
    char z[8], x[16], y[16], decimals[8], max_features[16];
    snprintf(z, sizeof z, "%d", r->tile.z);
    snprintf(x, sizeof x, "%u", r->tile.x);
    snprintf(y, sizeof y, "%u", r->tile.y);
    snprintf(decimals, sizeof decimals, "%d", tile_coordinate_decimals(r->tile.z));
    snprintf(max_features, sizeof max_features, "%d", a->cfg.max_features);
    const char *params[] = {z, x, y, decimals, max_features};
    db_conn *conn;
    if (with_conn(a, &conn, res) != PARITY_OK)
        return;
    db_result *rows = NULL;
    char err[512];
    parity_status status = db_query(conn, layer->geojson_query, 5, params,
                                    &rows, err, sizeof err);
    db_pool_release(a->pool, conn);
    if (status != PARITY_OK) {
        fail_query(res, status, layer->geojson_query, err);
        return;
    }
    respond_bytes(res, 200, "application/geo+json", db_result_value(rows, 0, 0),
                  db_result_length(rows, 0, 0));
    db_result_free(rows);
    res->cache_state = "miss";
    finish_cacheable(a, req, res);
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

static void handle_static(app *a, const http_request *req, http_response *res)
{
    const char *path = req->path;
    /* Refuse anything that could climb out of the web root: "..", "\",
     * NUL and hidden files. The path arrives percent-decoded. */
    if (strstr(path, "..") || strchr(path, '\\') || strstr(path, "/.") ||
        strlen(path) > 512) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such file", NULL);
        return;
    }
    char file[PATH_MAX + 600];
    snprintf(file, sizeof file, "%s%s%s", a->web_root, path,
             path[strlen(path) - 1] == '/' ? "index.html" : "");
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such file", NULL);
        return;
    }
    buf_reset(&res->body);
    char chunk[65536];
    ssize_t n;
    parity_status status = PARITY_OK;
    while (status == PARITY_OK && (n = read(fd, chunk, sizeof chunk)) > 0)
        status = buf_append(&res->body, chunk, (size_t)n);
    close(fd);
    if (status != PARITY_OK) {
        respond_error(res, status, "file too large", NULL);
        return;
    }
    res->status = 200;
    res->content_type = mime_type(file);
    finish_cacheable(a, req, res);
    res->cache_control = "no-cache";
}

/* ---- dispatch ----------------------------------------------------------- */

void app_handle(void *ctx, const http_request *req, http_response *res)
{
    app *a = ctx;
    bool read_only = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
    route r;
    char err[256];
    parity_status status = route_parse(req->path, a->cfg.max_zoom, &r, err, sizeof err);
    if (status != PARITY_OK) {
        respond_error(res, status, err, NULL);
        return;
    }
    if (!read_only && r.kind != ROUTE_API) {
        respond_error(res, PARITY_ERR_NOT_FOUND,
                      "only GET and HEAD are answered here", NULL);
        res->status = 405;
        return;
    }
    switch (r.kind) {
    case ROUTE_HEALTHZ: handle_healthz(a, res); return;
    case ROUTE_READYZ: handle_readyz(a, res); return;
    case ROUTE_METRICS:
        respond_error(res, PARITY_ERR_NOT_FOUND, "no metrics yet", NULL);
        return;
    case ROUTE_TILEJSON: handle_tilejson(a, req, &r, res); return;
    case ROUTE_TILE: handle_tile(a, req, &r, res); return;
    case ROUTE_API:
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such API collection", NULL);
        return;
    case ROUTE_STATIC: handle_static(a, req, res); return;
    }
}

app *app_new(const app_config *cfg, char *err, size_t errlen)
{
    app *a = calloc(1, sizeof *a);
    if (!a) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        return NULL;
    }
    a->cfg = *cfg;
    if (!realpath(cfg->web_root, a->web_root)) {
        parity_fail(err, errlen, PARITY_ERR_USAGE,
                    "--web-root %s: %s (build the page with `make web`)",
                    cfg->web_root, strerror(errno));
        free(a);
        return NULL;
    }
    a->pool = db_pool_new(cfg->db, cfg->pool_size, cfg->statement_timeout_ms,
                          cfg->pool_wait_ms, true);
    if (!a->pool) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        free(a);
        return NULL;
    }
    return a;
}

void app_free(app *a)
{
    if (!a)
        return;
    db_pool_free(a->pool);
    free(a);
}
