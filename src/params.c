/* params.c - typed query parameters (see params.h). */
#include "parity/params.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/text.h"

bool params_valid_date(const char *t)
{
    if (!t || strlen(t) != 10 || t[4] != '-' || t[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)t[i]))
            return false;
    int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 +
            (t[3] - '0');
    int m = (t[5] - '0') * 10 + (t[6] - '0');
    int d = (t[8] - '0') * 10 + (t[9] - '0');
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

static int compare_categories(const void *a, const void *b)
{
    return strcmp(a, b);
}

static parity_status add_categories(params_filters *out, const char *value,
                                    char *err, size_t errlen)
{
    const char *p = value;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && *p == ' ') {
            p++;
            len--;
        }
        while (len && p[len - 1] == ' ')
            len--;
        if (len == 0 || len >= PARAMS_CATEGORY_LEN)
            return parity_fail(err, errlen, PARITY_ERR_INPUT,
                               "category: each name has 1 to %d characters",
                               PARAMS_CATEGORY_LEN - 1);
        char name[PARAMS_CATEGORY_LEN];
        for (size_t i = 0; i < len; i++) {
            char c = (char)tolower((unsigned char)p[i]);
            if (!(isalnum((unsigned char)c) || c == ' ' || c == '_' ||
                  c == '-'))
                return parity_fail(err, errlen, PARITY_ERR_INPUT,
                                   "category: names are letters, digits, "
                                   "spaces, - and _");
            name[i] = c;
        }
        name[len] = '\0';
        bool seen = false;
        for (int i = 0; i < out->n_categories && !seen; i++)
            seen = !strcmp(out->categories[i], name);
        if (!seen) {
            if (out->n_categories == PARAMS_MAX_CATEGORIES)
                return parity_fail(err, errlen, PARITY_ERR_INPUT,
                                   "category: at most %d categories",
                                   PARAMS_MAX_CATEGORIES);
            memcpy(out->categories[out->n_categories++], name, len + 1);
        }
        p += end ? (size_t)(end - p) + 1 : strlen(p);
        if (end && !*p)
            return parity_fail(err, errlen, PARITY_ERR_INPUT,
                               "category: empty name after ','");
    }
    return PARITY_OK;
}

parity_status params_parse_filters(const http_request *req, params_filters *out,
                                   char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < req->n_args; i++) {
        const char *key = req->args[i].key, *value = req->args[i].value;
        if (!strcmp(key, "from") || !strcmp(key, "to")) {
            if (!*value)
                continue; /* an empty date means no bound */
            if (!params_valid_date(value))
                return parity_fail(err, errlen, PARITY_ERR_INPUT,
                                   "%s: '%.40s' is not a date; use YYYY-MM-DD",
                                   key, value);
            memcpy(key[0] == 'f' ? out->from : out->to, value, 11);
        } else if (!strcmp(key, "category")) {
            parity_status status = add_categories(out, value, err, errlen);
            if (status != PARITY_OK)
                return status;
        }
    }
    if (out->from[0] && out->to[0] && strcmp(out->from, out->to) > 0)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "from (%s) is after to (%s)", out->from, out->to);
    qsort(out->categories, (size_t)out->n_categories, PARAMS_CATEGORY_LEN,
          compare_categories);
    return PARITY_OK;
}

parity_status params_parse_bbox(const http_request *req, params_bbox *out,
                                char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *value = http_request_arg(req, "bbox");
    if (!value)
        return PARITY_OK;
    double v[4];
    const char *p = value;
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        v[i] = strtod(p, &end);
        if (errno || end == p || !isfinite(v[i]) || (i < 3 && *end != ',') ||
            (i == 3 && *end))
            return parity_fail(err, errlen, PARITY_ERR_INPUT,
                               "bbox: use west,south,east,north in degrees, "
                               "e.g. -86.9,33.4,-86.7,33.6");
        p = end + 1;
    }
    if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 || v[0] >= v[2] ||
        v[1] >= v[3])
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "bbox: needs -180 <= west < east <= 180 and "
                           "-90 <= south < north <= 90");
    out->set = true;
    out->west = v[0];
    out->south = v[1];
    out->east = v[2];
    out->north = v[3];
    return PARITY_OK;
}

static parity_status parse_long(const char *name, const char *value, long min,
                                long max, long *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < min || v > max)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "%s: a whole number from %ld to %ld", name, min,
                           max);
    *out = v;
    return PARITY_OK;
}

parity_status params_parse_page(const http_request *req, long default_limit,
                                long max_limit, params_page *out, char *err,
                                size_t errlen)
{
    out->limit = default_limit;
    out->offset = 0;
    const char *limit = http_request_arg(req, "limit");
    const char *offset = http_request_arg(req, "offset");
    parity_status status = PARITY_OK;
    if (limit)
        status =
            parse_long("limit", limit, 1, max_limit, &out->limit, err, errlen);
    if (status == PARITY_OK && offset)
        status = parse_long("offset", offset, 0, 1000000000L, &out->offset, err,
                            errlen);
    return status;
}

void params_filters_key(const params_filters *f, char *out, size_t outlen)
{
    /* Not snprintf: this runs for every tile request (see text.h). */
    size_t n = 0;
    text_put(out, outlen, &n, "from=");
    text_put(out, outlen, &n, f->from);
    text_put(out, outlen, &n, "&to=");
    text_put(out, outlen, &n, f->to);
    text_put(out, outlen, &n, "&category=");
    for (int i = 0; i < f->n_categories; i++) {
        text_put(out, outlen, &n, i ? "," : "");
        text_put(out, outlen, &n, f->categories[i]);
    }
}

const char *params_categories_array(const params_filters *f, char *out,
                                    size_t outlen)
{
    if (f->n_categories == 0)
        return NULL;
    size_t n = 0;
    text_put(out, outlen, &n, "{");
    for (int i = 0; i < f->n_categories; i++) {
        text_put(out, outlen, &n, i ? ",\"" : "\"");
        text_put(out, outlen, &n, f->categories[i]);
        text_put(out, outlen, &n, "\"");
    }
    text_put(out, outlen, &n, "}");
    return out;
}
