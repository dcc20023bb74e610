/* api_coverage.c - GET /api/coverage[.csv|.json]: one row per neighborhood
 * with every coverage metric, city totals and as_of; and what the coverage
 * answers share (see api_coverage.h). */
#include "parity/api_coverage.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parity/coverage.h"
#include "parity/log.h"
#include "parity/respond.h"

static const char *const COVERAGE_PARAMS[] = {"from", "to", "category", NULL};

parity_status api_coverage_begin(const handler_ctx *ctx,
                                 const http_request *req,
                                 const char *const *allowed, http_response *res,
                                 params_filters *filters, bool *privileged,
                                 db_conn **conn)
{
    *conn = NULL;
    *privileged = false;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        respond_error(res, PARITY_ERR_NOT_FOUND,
                      "only GET and HEAD are answered here", NULL);
        res->status = 405;
        return PARITY_ERR_USAGE;
    }
    for (size_t i = 0; i < req->n_args; i++) {
        bool known = false;
        for (int k = 0; allowed[k] && !known; k++)
            known = !strcmp(req->args[i].key, allowed[k]);
        if (!known) {
            char message[512], names[256] = "";
            size_t used = 0;
            for (int k = 0; allowed[k] && used < sizeof names; k++)
                used += (size_t)snprintf(names + used, sizeof names - used,
                                         "%s%s", k ? ", " : "", allowed[k]);
            snprintf(message, sizeof message,
                     "unknown parameter '%.64s'; this answer takes: %s",
                     req->args[i].key, names);
            respond_error(res, PARITY_ERR_INPUT, message, NULL);
            return PARITY_ERR_INPUT;
        }
    }
    char err[512];
    parity_status status = params_parse_filters(req, filters, err, sizeof err);
    if (status != PARITY_OK) {
        respond_error(res, status, err, NULL);
        return status;
    }
    if ((status = handler_acquire(ctx, DB_LANE_BULK, conn, res)) != PARITY_OK)
        return status;
    /* A valid token sees small counts; a wrong one is refused (401), not
     * quietly answered as public; unknown categories are 400, like the
     * rest of the API's filters. */
    if ((status = handler_authorize(*conn, req, false, privileged, res)) !=
            PARITY_OK ||
        (status = handler_check_categories(*conn, filters, res)) != PARITY_OK) {
        db_pool_release(ctx->pool, *conn);
        *conn = NULL;
    }
    return status;
}

parity_status api_coverage_load(const handler_ctx *ctx, const http_request *req,
                                const char *const *allowed, http_response *res,
                                parity_buf *doc, bool *hit, bool *privileged)
{
    params_filters filters;
    db_conn *conn;
    parity_status status =
        api_coverage_begin(ctx, req, allowed, res, &filters, privileged, &conn);
    if (status != PARITY_OK)
        return status;
    char err[2048];
    status = coverage_document(conn, ctx->coverage, &filters, *privileged, doc,
                               hit, err, sizeof err);
    db_pool_release(ctx->pool, conn);
    if (status != PARITY_OK)
        handler_db_error(res, status, "coverage_json", err);
    return status;
}

void api_coverage_finish(const handler_ctx *ctx, const http_request *req,
                         http_response *res, const char *content_type,
                         bool privileged, bool negotiated)
{
    res->status = 200;
    res->content_type = content_type;
    handler_cacheable(ctx, req, res);
    /* A token's answer shows what the public's does not: never for a shared
     * cache. Public answers may be shared, but differ from a token's. */
    if (privileged)
        res->cache_control = "private, no-store";
    bool gzip = res->vary && strstr(res->vary, "Accept-Encoding");
    res->vary = negotiated ? (gzip ? "Accept, Accept-Encoding, Authorization"
                                   : "Accept, Authorization")
                           : (gzip ? "Accept-Encoding, Authorization"
                                   : "Authorization");
}

/* True when the Accept header ranks text/csv before application/json (or
 * lists only text/csv). */
static bool accepts_csv_first(const char *accept)
{
    if (!accept)
        return false;
    const char *csv = strcasestr(accept, "text/csv");
    const char *json = strcasestr(accept, "application/json");
    return csv && (!json || csv < json);
}

void api_coverage_handle(const handler_ctx *ctx, const http_request *req,
                         const route *r, http_response *res)
{
    if (r->id[0]) {
        respond_error(res, PARITY_ERR_NOT_FOUND,
                      "coverage has no records; one neighborhood's profile is "
                      "/api/neighborhoods/{id}",
                      NULL);
        return;
    }
    bool csv;
    if (!strcmp(r->format, "csv")) {
        csv = true;
    } else if (!strcmp(r->format, "json")) {
        csv = false;
    } else if (!r->format[0]) {
        csv = accepts_csv_first(req->accept);
    } else {
        respond_error(res, PARITY_ERR_NOT_FOUND,
                      "coverage comes as .json or .csv", NULL);
        return;
    }
    parity_buf doc;
    buf_init(&doc, COVERAGE_MAX_BYTES);
    bool hit = false, privileged = false;
    parity_status status = api_coverage_load(ctx, req, COVERAGE_PARAMS, res,
                                             &doc, &hit, &privileged);
    if (status != PARITY_OK) {
        buf_dispose(&doc);
        return;
    }
    char err[512];
    if (csv) {
        status = coverage_csv(doc.data, doc.len, &res->body, err, sizeof err);
    } else {
        buf_reset(&res->body);
        status = buf_append(&res->body, doc.data, doc.len);
    }
    buf_dispose(&doc);
    if (status != PARITY_OK) {
        respond_error(res, status, "the coverage answer is too large", NULL);
        return;
    }
    res->cache_state = hit ? "hit" : "miss";
    api_coverage_finish(ctx, req, res,
                        csv ? "text/csv; charset=utf-8" : "application/json",
                        privileged, !r->format[0]);
}
