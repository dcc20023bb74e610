/*
 * respond.h - filling an http_response: bytes, JSON and errors.
 *
 * Every error answer has the same JSON shape:
 *   {"error": {"status": 400, "code": "bad_request", "message": "..."}}
 * and, for validation failures, "fields": {"name": "why", ...}.
 * Pure (json-c only), thread-safe.
 */
#ifndef PARITY_RESPOND_H
#define PARITY_RESPOND_H

#include <json-c/json.h>
#include <stddef.h>

#include "parity/http.h"
#include "parity/status.h"

/* A response for status (its HTTP code) with message; 503s (and 429s)
 * carry Retry-After. fields (may be NULL) is a JSON object of per-field
 * reasons; its reference is taken over. */
void respond_error(http_response *res, parity_status status,
                   const char *message, json_object *fields);

/* An error answer with an HTTP status no parity_status maps to (405, 408,
 * 429, 431): the same JSON shape, with code (a short stable name such as
 * "method_not_allowed") and message. */
void respond_error_http(http_response *res, int http_status, const char *code,
                        const char *message);
/* 405 with an Allow header (allow: static string such as "GET, HEAD") and
 * the error body {"error":{"status":405,"code":"method_not_allowed",...}}. */
void respond_method_not_allowed(http_response *res, const char *message,
                                const char *allow);

/* Copies len bytes as the body with the given status and content type. */
void respond_bytes(http_response *res, int http_status,
                   const char *content_type, const void *data, size_t len);

/* Serializes obj (reference taken over) as application/json. */
void respond_json(http_response *res, int http_status, json_object *obj);

/* A strong ETag from the body bytes into out: "\"<XXH3 64, 16 hex
 * digits>-<length in hex>\"". */
void respond_etag(const void *data, size_t len, char out[48]);

/* True when the If-None-Match header value lists etag (or is "*"). */
int respond_etag_matches(const char *if_none_match, const char *etag);

#endif
