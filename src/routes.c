/* routes.c - request path to route (see routes.h). */
#include "parity/routes.h"

#include <stdio.h>
#include <string.h>

#include "parity/text.h"

/* Copies a name segment [a-z0-9_-]{1,31} ending at one of stops; returns
 * its length, or 0 when the segment is empty, too long or has other bytes. */
static size_t take_name(const char *p, const char *stops, char *out,
                        size_t outlen)
{
    size_t n = 0;
    while (p[n] && !strchr(stops, p[n])) {
        char c = p[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            return 0;
        if (++n >= outlen)
            return 0;
    }
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

/* Parses a decimal number of at most 9 digits, no sign, no leading zeros
 * except "0" itself. Returns the digits consumed, or 0. */
static size_t take_number(const char *p, long *out)
{
    size_t n = 0;
    long value = 0;
    while (p[n] >= '0' && p[n] <= '9') {
        if (n == 9)
            return 0;
        value = value * 10 + (p[n] - '0');
        n++;
    }
    if (n > 1 && p[0] == '0')
        return 0;
    *out = value;
    return n;
}

static parity_status parse_tile(const char *p, int max_zoom, route *out,
                                char *err, size_t errlen)
{
    long parts[3];
    const char *names[3] = {"z", "x", "y"};
    for (int i = 0; i < 3; i++) {
        size_t n = take_number(p, &parts[i]);
        char want = i < 2 ? '/' : '.';
        if (n == 0 || p[n] != want)
            return parity_fail(err, errlen, PARITY_ERR_INPUT,
                               "tile address must be /{z}/{x}/{y}.{format} "
                               "with whole numbers; %s is malformed",
                               names[i]);
        p += n + 1;
    }
    if (!strcmp(p, "geojson") || !strcmp(p, "mvt") || !strcmp(p, "pbf")) {
        size_t n = 0; /* not snprintf: every tile request (see text.h) */
        text_put(out->format, sizeof out->format, &n,
                 strcmp(p, "pbf") ? p : "mvt");
    } else
        return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                           "tile format must be geojson or mvt");
    if (parts[0] > max_zoom)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "zoom %ld is above the maximum zoom %d", parts[0],
                           max_zoom);
    out->tile.z = (int)parts[0];
    long n = 1L << parts[0];
    if (parts[1] >= n || parts[2] >= n)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "tile %ld/%ld/%ld is outside the grid: at zoom %ld "
                           "x and y run from 0 to %ld",
                           parts[0], parts[1], parts[2], parts[0], n - 1);
    out->tile.x = (uint32_t)parts[1];
    out->tile.y = (uint32_t)parts[2];
    out->kind = ROUTE_TILE;
    return PARITY_OK;
}

parity_status route_parse(const char *path, int max_zoom, route *out, char *err,
                          size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!path || path[0] != '/')
        return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                           "paths start with /");
    if (!strcmp(path, "/healthz")) {
        out->kind = ROUTE_HEALTHZ;
        return PARITY_OK;
    }
    if (!strcmp(path, "/readyz")) {
        out->kind = ROUTE_READYZ;
        return PARITY_OK;
    }
    if (!strcmp(path, "/metrics")) {
        out->kind = ROUTE_METRICS;
        return PARITY_OK;
    }
    if (!strncmp(path, "/tiles/", 7)) {
        const char *p = path + 7;
        size_t n = take_name(p, "/.", out->name, sizeof out->name);
        if (n == 0)
            return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                               "no such tile layer");
        p += n;
        if (!strcmp(p, ".json")) {
            out->kind = ROUTE_TILEJSON;
            return PARITY_OK;
        }
        if (*p != '/')
            return parity_fail(
                err, errlen, PARITY_ERR_NOT_FOUND,
                "tiles are at /tiles/{layer}/{z}/{x}/{y}.geojson");
        return parse_tile(p + 1, max_zoom, out, err, errlen);
    }
    if (!strncmp(path, "/api/", 5)) {
        const char *p = path + 5;
        size_t n = take_name(p, "/.", out->name, sizeof out->name);
        if (n == 0)
            return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                               "no such API collection");
        p += n;
        if (*p == '/') {
            p++;
            size_t m = 0;
            while (p[m] && p[m] != '/' && p[m] != '.') {
                char c = p[m];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                      c == ' '))
                    return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                                       "record ids are letters, digits, "
                                       "spaces, - and _");
                if (++m >= sizeof out->id)
                    return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                                       "record id too long");
            }
            if (m == 0)
                return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                                   "empty record id");
            memcpy(out->id, p, m);
            out->id[m] = '\0';
            p += m;
        }
        if (*p == '.') {
            if (!take_name(p + 1, "", out->format, sizeof out->format))
                return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                                   "unknown format suffix");
            p += strlen(p);
        }
        if (*p)
            return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                               "no such API path");
        out->kind = ROUTE_API;
        return PARITY_OK;
    }
    out->kind = ROUTE_STATIC;
    return PARITY_OK;
}
