/* api_neighborhoods.c - GET /api/neighborhoods (every neighborhood's id,
 * name and residents) and GET /api/neighborhoods/{id} (its profile for the
 * window and categories: metrics beside the city's, ranks, category mix,
 * events per month, sites, recent events; see api_coverage.h). */
#include <string.h>

#include "parity/api_coverage.h"
#include "parity/coverage.h"
#include "parity/respond.h"

static const char *const PROFILE_PARAMS[] = {"from", "to", "category", NULL};

void api_neighborhoods_handle(const handler_ctx *ctx, const http_request *req,
                              const route *r, http_response *res)
{
    if (r->format[0] && strcmp(r->format, "json") != 0) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "neighborhoods come as .json",
                      NULL);
        return;
    }
    params_filters filters;
    bool privileged;
    db_conn *conn;
    if (api_coverage_begin(ctx, req, PROFILE_PARAMS, res, &filters, &privileged,
                           &conn) != PARITY_OK)
        return;
    char err[512];
    parity_status status;
    bool hit = false;
    if (!r->id[0]) {
        db_result *rows = NULL;
        status = db_query(conn, "neighborhoods_list", 0, NULL, &rows, err,
                          sizeof err);
        db_pool_release(ctx->pool, conn);
        if (status != PARITY_OK) {
            handler_db_error(res, status, "neighborhoods_list", err);
            return;
        }
        buf_reset(&res->body);
        status = buf_append(&res->body, db_result_value(rows, 0, 0),
                            db_result_length(rows, 0, 0));
        db_result_free(rows);
    } else {
        status =
            coverage_profile(conn, ctx->coverage, r->id, &filters, privileged,
                             &res->body, &hit, err, sizeof err);
        db_pool_release(ctx->pool, conn);
        if (status == PARITY_ERR_NOT_FOUND) {
            respond_error(res, status, err, NULL);
            return;
        }
        if (status != PARITY_OK) {
            handler_db_error(res, status, "neighborhood_profile", err);
            return;
        }
        res->cache_state = hit ? "hit" : "miss";
    }
    if (status != PARITY_OK) {
        respond_error(res, status, "the answer is too large", NULL);
        return;
    }
    api_coverage_finish(ctx, req, res, "application/json", privileged, false);
}
