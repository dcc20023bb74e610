/*
 * api_coverage.h - the API's coverage answers, registered as collections in
 * src/api.c: /api/coverage[.csv|.json] (src/api_coverage.c), /api/breaks
 * (src/api_breaks.c) and /api/neighborhoods[/{id}] (src/api_neighborhoods.c).
 *
 * Each takes the filters from, to and category (params.h) and answers for
 * the public unless the request carries a valid API token (Authorization:
 * Bearer TOKEN), which shows small incident counts; such answers are marked
 * private so no shared cache keeps them. Thread-safe.
 */
#ifndef PARITY_API_COVERAGE_H
#define PARITY_API_COVERAGE_H

#include <stdbool.h>

#include "parity/handlers.h"
#include "parity/params.h"

void api_coverage_handle(const handler_ctx *ctx, const http_request *req,
                         const route *r, http_response *res);
void api_breaks_handle(const handler_ctx *ctx, const http_request *req,
                       const route *r, http_response *res);
void api_neighborhoods_handle(const handler_ctx *ctx, const http_request *req,
                              const route *r, http_response *res);

/*
 * What the three share, before any work: only GET and HEAD (405 else);
 * every query parameter is one of allowed (NULL-ended; 400 naming the
 * unknown one); the filters parse (400); the token, when given, is valid
 * (401); a database connection is free (503). On failure res holds the
 * error answer and the status is returned; unknown categories are 400 like
 * the rest of the API's filters. On success the caller owns
 * *conn and gives it back with db_pool_release.
 */
parity_status api_coverage_begin(const handler_ctx *ctx,
                                 const http_request *req,
                                 const char *const *allowed, http_response *res,
                                 params_filters *filters, bool *privileged,
                                 db_conn **conn);

/* api_coverage_begin, then the coverage document of the request's filters
 * (coverage.h: from the cache or computed; *hit says which) into doc, a
 * buffer the caller initialised and disposes of; the connection is given
 * back. On failure res holds the error answer. */
parity_status api_coverage_load(const handler_ctx *ctx, const http_request *req,
                                const char *const *allowed, http_response *res,
                                parity_buf *doc, bool *hit, bool *privileged);

/* Finishes a successful answer in res->body: the content type, ETag and
 * 304, Cache-Control (private for privileged answers) and Vary (Accept when
 * negotiated, Authorization always). */
void api_coverage_finish(const handler_ctx *ctx, const http_request *req,
                         http_response *res, const char *content_type,
                         bool privileged, bool negotiated);

#endif
