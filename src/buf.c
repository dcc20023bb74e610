/* buf.c - growable byte buffer with an owner-chosen cap. */
#include "parity/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(parity_buf *buf, size_t cap)
{
    buf->data = NULL;
    buf->len = 0;
    buf->size = 0;
    buf->cap = cap;
}

void buf_dispose(parity_buf *buf)
{
    if (!buf)
        return;
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->size = 0;
}

void buf_reset(parity_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

static parity_status buf_reserve(parity_buf *buf, size_t extra)
{
    if (extra > buf->cap || buf->len > buf->cap - extra)
        return PARITY_ERR_TOO_LARGE;
    size_t need = buf->len + extra + 1;
    if (need <= buf->size)
        return PARITY_OK;
    size_t size = buf->size ? buf->size : 256;
    while (size < need)
        size = size > SIZE_MAX / 2 ? need : size * 2;
    char *data = realloc(buf->data, size);
    if (!data)
        return PARITY_ERR_NOMEM;
    buf->data = data;
    buf->size = size;
    return PARITY_OK;
}

parity_status buf_append(parity_buf *buf, const void *data, size_t len)
{
    parity_status status = buf_reserve(buf, len);
    if (status != PARITY_OK)
        return status;
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return PARITY_OK;
}

parity_status buf_append_str(parity_buf *buf, const char *str)
{
    return buf_append(buf, str, strlen(str));
}

parity_status buf_printf(parity_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return PARITY_ERR_INTERNAL;
    parity_status status = buf_reserve(buf, (size_t)n);
    if (status != PARITY_OK)
        return status;
    va_start(ap, fmt);
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
    return PARITY_OK;
}

char *buf_take(parity_buf *buf, size_t *len)
{
    char *data = buf->data;
    if (len)
        *len = buf->len;
    if (!data)
        data = calloc(1, 1);
    buf->data = NULL;
    buf->len = 0;
    buf->size = 0;
    return data;
}
