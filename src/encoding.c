/* encoding.c - Accept-Encoding and gzip (see encoding.h). */
#include "parity/encoding.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "parity/text.h"

/* Reads a qvalue (RFC 9110 section 12.4.2: "0" ["." up to three digits] or
 * "1" ["." up to three zeros]) in thousandths; -1 when malformed. */
static int parse_qvalue(const char *p, size_t n)
{
    if (n == 0 || (p[0] != '0' && p[0] != '1'))
        return -1;
    int value = (p[0] - '0') * 1000;
    if (n == 1)
        return value;
    if (p[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        value += (p[i] - '0') * scale;
    }
    return value > 1000 ? -1 : value;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims spaces around [*start, *end). */
static void trim(const char **start, const char **end)
{
    while (*start < *end && is_space(**start))
        (*start)++;
    while (*end > *start && is_space((*end)[-1]))
        (*end)--;
}

/* The q-value of one list element [p, end) in thousandths, with its coding
 * name in [*name, *name_end); -1 when the element is malformed. */
static int element_q(const char *p, const char *end, const char **name,
                     const char **name_end)
{
    const char *semi = memchr(p, ';', (size_t)(end - p));
    *name = p;
    *name_end = semi ? semi : end;
    trim(name, name_end);
    if (*name == *name_end)
        return -1;
    int q = 1000;
    while (semi) {
        const char *param = semi + 1;
        semi = memchr(param, ';', (size_t)(end - param));
        const char *param_end = semi ? semi : end;
        trim(&param, &param_end);
        const char *eq = memchr(param, '=', (size_t)(param_end - param));
        if (!eq)
            return -1;
        const char *key = param, *key_end = eq;
        const char *val = eq + 1, *val_end = param_end;
        trim(&key, &key_end);
        trim(&val, &val_end);
        if (key_end - key == 1 && (*key == 'q' || *key == 'Q')) {
            q = parse_qvalue(val, (size_t)(val_end - val));
            if (q < 0)
                return -1;
        }
    }
    return q;
}

static bool name_is(const char *name, const char *name_end, const char *want)
{
    size_t n = strlen(want);
    return (size_t)(name_end - name) == n && !strncasecmp(name, want, n);
}

bool encoding_accepts_gzip(const char *accept_encoding)
{
    if (!accept_encoding)
        return false;
    int gzip_q = -1, star_q = -1;
    const char *p = accept_encoding;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *start = p, *stop = end;
        trim(&start, &stop);
        if (start < stop) {
            const char *name, *name_end;
            int q = element_q(start, stop, &name, &name_end);
            if (q >= 0) {
                if (name_is(name, name_end, "gzip") ||
                    name_is(name, name_end, "x-gzip"))
                    gzip_q = q > gzip_q ? q : gzip_q;
                else if (name_is(name, name_end, "*"))
                    star_q = q;
            }
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return gzip_q >= 0 ? gzip_q > 0 : star_q > 0;
}

parity_status encoding_gzip(const void *data, size_t len, int level,
                            parity_buf *out)
{
    buf_reset(out);
    if (len > UINT_MAX)
        return PARITY_ERR_TOO_LARGE;
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip header and trailer around deflate. */
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return PARITY_ERR_NOMEM;
    parity_status status = PARITY_OK;
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    int rc = Z_OK;
    char chunk[16384];
    while (status == PARITY_OK && rc != Z_STREAM_END) {
        z.next_out = (Bytef *)chunk;
        z.avail_out = sizeof chunk;
        rc = deflate(&z, Z_FINISH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            status = PARITY_ERR_INTERNAL;
            break;
        }
        status = buf_append(out, chunk, sizeof chunk - z.avail_out);
    }
    deflateEnd(&z);
    if (status != PARITY_OK)
        buf_reset(out);
    return status;
}

bool encoding_gzip_pays(size_t len, size_t gzip_len)
{
    return len >= 256 && gzip_len <= len - len / 10;
}

void encoding_gzip_etag(const char *etag, char out[48])
{
    size_t len = strlen(etag), n = 0;
    if (len >= 2 && etag[len - 1] == '"' && len + 3 < 48) {
        text_put_len(out, 48, &n, etag, len - 1);
        text_put(out, 48, &n, "-gz\"");
    } else {
        text_put(out, 48, &n, etag);
    }
}
