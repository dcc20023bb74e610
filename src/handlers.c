/* handlers.c - what every request handler shares (see handlers.h). */
#include "parity/handlers.h"

#include <stdio.h>

#include "parity/log.h"
#include "parity/respond.h"
#include "parity/token.h"

parity_status handler_acquire(const handler_ctx *ctx, db_conn **conn,
                              http_response *res)
{
    char err[512];
    parity_status status = db_pool_acquire(ctx->pool, conn, err, sizeof err);
    if (status != PARITY_OK) {
        char quoted[600];
        log_event("warn", "db.unavailable", "status=%s error=%s",
                  parity_status_name(status), log_quote(err, quoted, sizeof quoted));
        respond_error(res, status,
                      status == PARITY_ERR_TIMEOUT
                          ? "the server is busy; try again shortly"
                          : "the database is not reachable right now; try "
                            "again shortly",
                      NULL);
    }
    return status;
}

void handler_db_error(http_response *res, parity_status status,
                      const char *query, const char *err)
{
    char quoted[600];
    log_event(status == PARITY_ERR_INTERNAL ? "error" : "warn", "db.query_failed",
              "query=%s status=%s error=%s", query, parity_status_name(status),
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

void handler_cacheable(const handler_ctx *ctx, const http_request *req,
                       http_response *res)
{
    const void *data = res->shared ? res->shared : res->body.data;
    size_t len = res->shared ? res->shared_len : res->body.len;
    if (!res->etag[0])
        respond_etag(data ? data : "", len, res->etag);
    res->cache_control = ctx->cfg->cache_control;
    if (respond_etag_matches(req->if_none_match, res->etag)) {
        res->status = 304;
        buf_reset(&res->body);
    }
}

void handler_query_body(const handler_ctx *ctx, const http_request *req,
                        http_response *res, const char *query, int n_params,
                        const char *const *params, const char *content_type)
{
    db_conn *conn;
    if (handler_acquire(ctx, &conn, res) != PARITY_OK)
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
    parity_status status = token_verify(conn, req->authorization, err, sizeof err);
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
    res->www_authenticate = req->authorization
                                ? "Bearer realm=\"parity\", error=\"invalid_token\""
                                : "Bearer realm=\"parity\"";
    return status;
}

parity_status handler_check_categories(db_conn *conn,
                                       const params_filters *filters,
                                       http_response *res)
{
    char array[PARAMS_MAX_CATEGORIES * (PARAMS_CATEGORY_LEN + 4) + 4];
    const char *names = params_categories_array(filters, array, sizeof array);
    if (!names)
        return PARITY_OK;
    db_result *rows = NULL;
    char err[512];
    parity_status status =
        db_query(conn, "categories_unknown", 1, &names, &rows, err, sizeof err);
    if (status != PARITY_OK) {
        handler_db_error(res, status, "categories_unknown", err);
        return status;
    }
    if (!db_result_is_null(rows, 0, 0)) {
        char msg[1024];
        snprintf(msg, sizeof msg, "category: no category named %s (known: %s)",
                 db_result_value(rows, 0, 0), db_result_value(rows, 0, 1));
        respond_error(res, PARITY_ERR_INPUT, msg, NULL);
        status = PARITY_ERR_INPUT;
    }
    db_result_free(rows);
    return status;
}
