/*
 * params.h - typed, validated query parameters: dates, categories, bbox,
 * paging.
 *
 * Every filter a request may carry is parsed here, before any handler or
 * query sees it; a bad value is PARITY_ERR_INPUT with a message naming the
 * parameter and what it accepts. The parsed filters have one normal form
 * (params_filters_key), which is what tile caches key on. Pure, no
 * allocation, thread-safe.
 */
#ifndef PARITY_PARAMS_H
#define PARITY_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/http.h"
#include "parity/status.h"

#define PARAMS_MAX_CATEGORIES 16
#define PARAMS_CATEGORY_LEN   48

typedef struct params_filters {
    char from[11]; /* "YYYY-MM-DD" or "" (inclusive) */
    char to[11];   /* "YYYY-MM-DD" or "" (inclusive) */
    char categories[PARAMS_MAX_CATEGORIES]
                   [PARAMS_CATEGORY_LEN]; /* sorted, unique */
    int n_categories;
} params_filters;

typedef struct params_bbox {
    bool set;
    double west, south, east, north;
} params_bbox;

typedef struct params_page {
    long limit;  /* 1..max_limit */
    long offset; /* >= 0 */
} params_page;

/* Validates a calendar date "YYYY-MM-DD" (years 1900-2199). */
bool params_valid_date(const char *text);

/* Parses from, to and category (repeatable and/or comma-separated; names
 * are lower-cased, [a-z0-9 _-], at most 16). Unknown parameters are left for
 * others to judge. from must not be after to. */
parity_status params_parse_filters(const http_request *req, params_filters *out,
                                   char *err, size_t errlen);

/* Parses bbox=west,south,east,north in degrees (west < east, south < north,
 * within -180..180 and -90..90). */
parity_status params_parse_bbox(const http_request *req, params_bbox *out,
                                char *err, size_t errlen);

/* Parses limit (default default_limit, 1..max_limit) and offset (>= 0). */
parity_status params_parse_page(const http_request *req, long default_limit,
                                long max_limit, params_page *out, char *err,
                                size_t errlen);

/* The filters' normal form, e.g. "from=2026-01-01&to=&category=a,b", into
 * out. Two requests with the same filters give the same key. */
void params_filters_key(const params_filters *f, char *out, size_t outlen);

/* The categories as a PostgreSQL text[] literal ("{\"a\",\"b\"}") into out,
 * or NULL when there are none (meaning: every category). */
const char *params_categories_array(const params_filters *f, char *out,
                                    size_t outlen);

#endif
