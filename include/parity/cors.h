/*
 * cors.h - which other web origins may read parity's answers (CORS).
 *
 * By default no other origin may: the page is served by parity itself, so
 * same-origin requests need no Access-Control-Allow-Origin header and none
 * is sent. `--cors-origins` names the origins that may (e.g. a city's own
 * portal embedding the map), or "*" for any. An allowed Origin is echoed
 * back (never "*", so credentials and caches stay per-origin).
 *
 * Origins are compared exactly, after lower-casing the scheme and host, as
 * browsers serialize them: "https://maps.example.org" or
 * "http://localhost:8080"; no path, no trailing slash. Pure, thread-safe
 * once built.
 */
#ifndef PARITY_CORS_H
#define PARITY_CORS_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/status.h"

#define CORS_MAX_ORIGINS 32
#define CORS_ORIGIN_LEN  256

typedef struct cors_policy {
    bool any; /* "*" */
    int n_origins;
    char origins[CORS_MAX_ORIGINS][CORS_ORIGIN_LEN]; /* lower-cased */
} cors_policy;

/* Parses a comma-separated list ("" or NULL: no other origin). Each entry
 * must be scheme://host[:port] with scheme http or https, or the whole list
 * "*". PARITY_ERR_USAGE with err naming the bad entry. */
parity_status cors_parse(const char *list, cors_policy *out, char *err,
                         size_t errlen);

/* The origin to echo in Access-Control-Allow-Origin for a request whose
 * Origin header is origin (may be NULL), or NULL when it is not allowed.
 * The returned pointer is origin itself. */
const char *cors_allowed(const cors_policy *policy, const char *origin);

#endif
