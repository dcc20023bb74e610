/* api_breaks.c - GET /api/breaks?metric=&method=quantile|equal|jenks&k=:
 * class breaks of one coverage metric (or imported indicator) over the
 * neighborhoods, for the window and categories given (see api_coverage.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parity/api_coverage.h"
#include "parity/coverage.h"
#include "parity/http.h"
#include "parity/respond.h"
#include "parity/stats.h"

static const char *const BREAKS_PARAMS[] = {
    "from", "to", "category", "metric", "method", "k", NULL};

void api_breaks_handle(const handler_ctx *ctx, const http_request *req,
                       const route *r, http_response *res)
{
    if (r->id[0] || (r->format[0] && strcmp(r->format, "json") != 0)) {
        respond_error(res, PARITY_ERR_NOT_FOUND,
                      "breaks are one answer: /api/breaks?metric=...", NULL);
        return;
    }
    const char *metric = http_request_arg(req, "metric");
    const char *method_name = http_request_arg(req, "method");
    const char *k_text = http_request_arg(req, "k");
    stats_method method = STATS_QUANTILE;
    if (method_name && stats_method_parse(method_name, &method) != PARITY_OK) {
        respond_error(res, PARITY_ERR_INPUT, "method: quantile, equal or jenks",
                      NULL);
        return;
    }
    long k = 5;
    if (k_text) {
        char *end;
        errno = 0;
        k = strtol(k_text, &end, 10);
        if (errno || end == k_text || *end || k < 3 || k > 9) {
            respond_error(res, PARITY_ERR_INPUT,
                          "k: a whole number from 3 to 9", NULL);
            return;
        }
    }
    if (!metric || !*metric) {
        respond_error(
            res, PARITY_ERR_INPUT,
            "metric: name the coverage metric or indicator to classify, "
            "e.g. metric=gap",
            NULL);
        return;
    }
    parity_buf doc;
    buf_init(&doc, COVERAGE_MAX_BYTES);
    bool hit = false, privileged = false;
    parity_status status = api_coverage_load(ctx, req, BREAKS_PARAMS, res, &doc,
                                             &hit, &privileged);
    if (status != PARITY_OK) {
        buf_dispose(&doc);
        return;
    }
    char err[2048];
    status = coverage_breaks(doc.data, doc.len, metric, method, (int)k,
                             &res->body, err, sizeof err);
    buf_dispose(&doc);
    if (status != PARITY_OK) {
        respond_error(res, status, err, NULL);
        return;
    }
    res->cache_state = hit ? "hit" : "miss";
    api_coverage_finish(ctx, req, res, "application/json", privileged, false);
}
