/* handlers.c - what every request handler shares (see handlers.h). */
#include "parity/handlers.h"

#include <stdio.h>
#include <string.h>

#include "parity/encoding.h"
#include "parity/log.h"
#include "parity/respond.h"
#include "parity/token.h"

parity_status handler_acquire(const handler_ctx *ctx, db_lane lane,
                              db_conn **conn, http_response *res)
{
    char err[512];
    parity_status status =
        db_pool_acquire(ctx->pool, lane, conn, err, sizeof err);
    if (status != PARITY_OK)
        handler_pool_error(res, status, err);
    return status;
}

void handler_pool_error(http_response *res, parity_status status,
                        const char *err)
{
    char quoted[600];
    log_event("warn", "db.unavailable", "status=%s error=%s",
              parity_status_name(status),
              log_quote(err, quoted, sizeof quoted));
    respond_error(res, status,
                  status == PARITY_ERR_TIMEOUT
                      ? "the server is busy; try again shortly"
                      : "the database is not reachable right now; try "
                        "again shortly",
                  NULL);
}

void handler_db_error(http_response *res, parity_status status,
                      const char *query, const char *err)
{
    char quoted[600];
    log_event(status == PARITY_ERR_INTERNAL ? "error" : "warn",
              "db.query_failed", "query=%s status=%s error=%s", query,
              parity_status_name(status),
              log_quote(err, quoted, sizeof quoted));
    respond_error(res, status,
                  status == PARITY_ERR_TIMEOUT ? "the database took too long; "
                                                 "try a smaller area or window"
                  : status == PARITY_ERR_UNAVAILABLE
                      ? "the database is not reachable right now; try again "
                        "shortly"
                      : "the database could not answer this request",
                  NULL);
}

/* Bodies worth compressing: text of any kind, JSON, vector tiles, SVG. */
static bool compressible(const char *content_type)
{
    static const char *const TYPES[] = {"text/",
                                        "application/json",
                                        "application/geo+json",
                                        "application/javascript",
                                        "application/vnd.mapbox-vector-tile",
                                        "image/svg+xml",
                                        NULL};
    for (int i = 0; content_type && TYPES[i]; i++)
        if (!strncmp(content_type, TYPES[i], strlen(TYPES[i])))
            return true;
    return false;
}

void handler_cacheable(const handler_ctx *ctx, const http_request *req,
                       http_response *res)
{
    const void *data = res->shared ? res->shared : res->body.data;
    size_t len = res->shared ? res->shared_len : res->body.len;
    if (!res->etag[0])
        respond_etag(data ? data : "", len, res->etag);
    res->cache_control = ctx->cfg->cache_control;
    bool gzip = false;
    if (!res->shared && !res->content_encoding &&
        compressible(res->content_type)) {
        res->vary = "Accept-Encoding";
        if (len >= 256 && encoding_accepts_gzip(req->accept_encoding)) {
            parity_buf gz;
            buf_init(&gz, len);
            if (encoding_gzip(data, len, ENCODING_GZIP_LEVEL, &gz) ==
                    PARITY_OK &&
                encoding_gzip_pays(len, gz.len)) {
                buf_dispose(&res->body);
                res->body = gz;
                res->content_encoding = "gzip";
                gzip = true;
            } else {
                buf_dispose(&gz);
            }
        }
    }
    if (gzip) {
        char etag[48];
        encoding_gzip_etag(res->etag, etag);
        memcpy(res->etag, etag, sizeof etag);
    }
    if (respond_etag_matches(req->if_none_match, res->etag)) {
        res->status = 304;
        res->content_encoding = NULL;
        buf_reset(&res->body);
        if (res->shared && res->release)
            res->release(res->release_ctx);
        res->shared = NULL;
        res->shared_len = 0;
        res->release = NULL;
    }
}

static void release_entry(void *entry)
{
    cache_entry_release(entry);
}

void handler_answer_entry(const http_request *req, http_response *res,
                          cache_entry *e, const char *cache_control)
{
    bool gzip =
        cache_entry_has_gzip(e) && encoding_accepts_gzip(req->accept_encoding);
    res->status = 200;
    res->content_type = cache_entry_content_type(e);
    const char *etag = cache_entry_etag(e, gzip);
    size_t etag_len = strnlen(etag, sizeof res->etag - 1);
    memcpy(res->etag, etag, etag_len);
    res->etag[etag_len] = '\0';
    res->cache_control = cache_control;
    res->vary = "Accept-Encoding";
    buf_reset(&res->body);
    if (respond_etag_matches(req->if_none_match, res->etag)) {
        res->status = 304;
        cache_entry_release(e);
        return;
    }
    res->content_encoding = gzip ? "gzip" : NULL;
    res->shared = cache_entry_body(e, gzip, &res->shared_len);
    res->release = release_entry;
    res->release_ctx = e;
}

void handler_query_body(const handler_ctx *ctx, const http_request *req,
                        http_response *res, const char *query, int n_params,
                        const char *const *params, const char *content_type)
{
    db_conn *conn;
    if (handler_acquire(ctx, DB_LANE_BULK, &conn, res) != PARITY_OK)
        return;
    db_result *rows = NULL;
    char err[512];
    parity_status status =
        db_query(conn, query, n_params, params, &rows, err, sizeof err);
    db_pool_release(ctx->pool, conn);
    if (status != PARITY_OK) {
        handler_db_error(res, status, query, err);
        return;
    }
    if (db_result_rows(rows) != 1 || db_result_is_null(rows, 0, 0)) {
        db_result_free(rows);
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such record", NULL);
        return;
    }
    respond_bytes(res, 200, content_type, db_result_value(rows, 0, 0),
                  db_result_length(rows, 0, 0));
    db_result_free(rows);
    handler_cacheable(ctx, req, res);
}

parity_status handler_authorize(db_conn *conn, const http_request *req,
                                bool required, bool *privileged,
                                http_response *res)
{
    *privileged = false;
    if (!required && !req->authorization)
        return PARITY_OK;
    char err[512];
    parity_status status =
        token_verify(conn, req->authorization, err, sizeof err);
    if (status == PARITY_OK) {
        *privileged = true;
        return PARITY_OK;
    }
    if (status != PARITY_ERR_UNAUTHORIZED) {
        handler_db_error(res, status, "token_active", err);
        return status;
    }
    log_event("info", "auth.refused", "client=%s reason=%s", req->client,
              req->authorization ? "invalid_token" : "no_token");
    respond_error(res, status, err, NULL);
    res->www_authenticate =
        req->authorization ? "Bearer realm=\"parity\", error=\"invalid_token\""
                           : "Bearer realm=\"parity\"";
    return status;
}

parity_status handler_categories_known(db_conn *conn,
                                       const params_filters *filters, char *err,
                                       size_t errlen)
{
    char array[PARAMS_MAX_CATEGORIES * (PARAMS_CATEGORY_LEN + 4) + 4];
    const char *names = params_categories_array(filters, array, sizeof array);
    if (!names)
        return PARITY_OK;
    db_result *rows = NULL;
    parity_status status =
        db_query(conn, "categories_unknown", 1, &names, &rows, err, errlen);
    if (status != PARITY_OK)
        return status;
    if (!db_result_is_null(rows, 0, 0))
        status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                             "category: no category named %s (known: %s)",
                             db_result_value(rows, 0, 0),
                             db_result_value(rows, 0, 1));
    db_result_free(rows);
    return status;
}

parity_status handler_check_categories(db_conn *conn,
                                       const params_filters *filters,
                                       http_response *res)
{
    char err[1024];
    parity_status status =
        handler_categories_known(conn, filters, err, sizeof err);
    if (status == PARITY_ERR_INPUT)
        respond_error(res, status, err, NULL);
    else if (status != PARITY_OK)
        handler_db_error(res, status, "categories_unknown", err);
    return status;
}
