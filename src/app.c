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
#include "parity/handlers.h"
#include "parity/layers.h"
#include "parity/params.h"
#include "parity/log.h"
#include "parity/respond.h"
#include "parity/routes.h"
#include "parity/tile.h"

struct app {
    app_config cfg;
    db_pool *pool;
    handler_ctx ctx;
    char web_root[PATH_MAX];
};

/* ---- health ------------------------------------------------------------- */

static bool database_up(app *a)
{
    db_conn *conn = NULL;
    char err[256];
    bool up = db_pool_acquire(a->pool, &conn, err, sizeof err) == PARITY_OK &&
              db_exec(conn, "SELECT 1", err, sizeof err) == PARITY_OK;
    db_pool_release(a->pool, conn);
    return up;
}

static void handle_healthz(app *a, http_response *res)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ok"));
    json_object_object_add(o, "database",
                           json_object_new_string(database_up(a) ? "up" : "down"));
    respond_json(res, 200, o);
    res->cache_control = "no-store";
}

static void handle_readyz(app *a, http_response *res)
{
    if (!database_up(a)) {
        respond_error(res, PARITY_ERR_UNAVAILABLE, "the database is not reachable",
                      NULL);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ready"));
    respond_json(res, 200, o);
    res->cache_control = "no-store";
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
    if (handler_acquire(&a->ctx, &conn, res) != PARITY_OK)
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
        json_object_array_add(center, json_object_new_double((b[0] + b[2]) / 2));
        json_object_array_add(center, json_object_new_double((b[1] + b[3]) / 2));
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

static void handle_tile(app *a, const http_request *req, const route *r,
                        http_response *res)
{
    const layer_def *layer = layers_find(r->name);
    if (!layer) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such tile layer", NULL);
        return;
    }
    params_filters filters;
    char err[512];
    parity_status status = params_parse_filters(req, &filters, err, sizeof err);
    if (status != PARITY_OK) {
        respond_error(res, status, err, NULL);
        return;
    }
    db_conn *conn;
    if (handler_acquire(&a->ctx, &conn, res) != PARITY_OK)
        return;
    /* Filtered layers answer more to a valid token (sensitive sites where
     * they are) and refuse unknown categories. */
    bool privileged = false;
    if (layer->n_params == 9 &&
        (handler_authorize(conn, req, false, &privileged, res) != PARITY_OK ||
         handler_check_categories(conn, &filters, res) != PARITY_OK)) {
        db_pool_release(a->pool, conn);
        return;
    }
    status = layers_render_tile(conn, &a->cfg, layer, r->tile, r->format,
                                &filters, privileged, &res->body, err, sizeof err);
    db_pool_release(a->pool, conn);
    if (status == PARITY_ERR_NOT_FOUND) {
        respond_error(res, status, err, NULL);
        return;
    }
    if (status != PARITY_OK) {
        handler_db_error(res, status, layer->geojson_query, err);
        return;
    }
    res->status = 200;
    res->content_type = !strcmp(r->format, "mvt")
                            ? "application/vnd.mapbox-vector-tile"
                            : "application/geo+json";
    res->cache_state = "miss";
    handler_cacheable(&a->ctx, req, res);
    if (privileged)
        res->cache_control = "private, no-store";
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
    handler_cacheable(&a->ctx, req, res);
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
        respond_method_not_allowed(res, "only GET and HEAD are answered here",
                                   "GET, HEAD");
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
    case ROUTE_API: handle_api(a, req, &r, res); return;
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
    a->ctx.pool = a->pool;
    a->ctx.cfg = &a->cfg;
    /* Coverage answers are ~100 kB for 100 neighborhoods; 64 windows and
     * profiles at most, 64 MB at most. */
    a->ctx.coverage = coverage_cache_new(64, (size_t)64 << 20);
    if (!a->ctx.coverage) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        db_pool_free(a->pool);
        free(a);
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
    db_pool_free(a->pool);
    coverage_cache_free(a->ctx.coverage);
    free(a);
}
