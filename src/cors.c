/* cors.c - the CORS allow-list (see cors.h). */
#include "parity/cors.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* True when text[0..len) is scheme://host[:port] with http(s), a host of
 * letters, digits, '-', '.' (or a bracketed IPv6 address) and a numeric
 * port of 1 to 5 digits. */
static bool origin_well_formed(const char *text, size_t len)
{
    size_t skip;
    if (len > 7 && !strncasecmp(text, "http://", 7))
        skip = 7;
    else if (len > 8 && !strncasecmp(text, "https://", 8))
        skip = 8;
    else
        return false;
    const char *p = text + skip, *end = text + len;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (!close || close == p + 1)
            return false;
        for (const char *q = p + 1; q < close; q++)
            if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.')
                return false;
        p = close + 1;
    } else {
        const char *start = p;
        while (p < end &&
               (isalnum((unsigned char)*p) || *p == '-' || *p == '.'))
            p++;
        if (p == start)
            return false;
    }
    if (p < end && *p == ':') {
        const char *digits = ++p;
        while (p < end && isdigit((unsigned char)*p))
            p++;
        if (p == digits || p - digits > 5)
            return false;
    }
    return p == end;
}

parity_status cors_parse(const char *list, cors_policy *out, char *err,
                         size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!list)
        return PARITY_OK;
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, ", ");
        if (len == 1 && *p == '*') {
            out->any = true;
        } else {
            if (len >= CORS_ORIGIN_LEN || !origin_well_formed(p, len))
                return parity_fail(err, errlen, PARITY_ERR_USAGE,
                                   "--cors-origins: '%.*s' is not an origin; "
                                   "write scheme://host[:port] such as "
                                   "https://maps.example.org, or *",
                                   (int)(len > 80 ? 80 : len), p);
            if (out->n_origins == CORS_MAX_ORIGINS)
                return parity_fail(err, errlen, PARITY_ERR_USAGE,
                                   "--cors-origins: at most %d origins",
                                   CORS_MAX_ORIGINS);
            char *o = out->origins[out->n_origins++];
            for (size_t i = 0; i < len; i++)
                o[i] = (char)tolower((unsigned char)p[i]);
            o[len] = '\0';
        }
        p += len;
    }
    return PARITY_OK;
}

const char *cors_allowed(const cors_policy *policy, const char *origin)
{
    if (!origin || !*origin)
        return NULL;
    size_t len = strlen(origin);
    /* "null" (sandboxed frames, file://) is never allowed, even with "*". */
    if (len >= CORS_ORIGIN_LEN || !origin_well_formed(origin, len))
        return NULL;
    if (policy->any)
        return origin;
    for (int i = 0; i < policy->n_origins; i++)
        if (!strcasecmp(policy->origins[i], origin))
            return origin;
    return NULL;
}
