/*
 * buf.h - a growable byte buffer with a cap chosen by its owner.
 *
 * Every buffer that grows from outside input (request bodies, JSON output,
 * tile bytes) has a cap. Appending past the cap fails with
 * PARITY_ERR_TOO_LARGE and leaves the buffer as it was, so the caller can
 * answer with a clear error instead of a crash or a silent cut. The data is
 * always NUL-terminated (the NUL is not counted in len). Not thread-safe;
 * one owner at a time.
 */
#ifndef PARITY_BUF_H
#define PARITY_BUF_H

#include <stddef.h>

#include "parity/status.h"

typedef struct parity_buf {
    char *data;  /* owned; NULL until the first append */
    size_t len;  /* bytes used, excluding the terminating NUL */
    size_t size; /* bytes allocated */
    size_t cap;  /* most bytes len may reach */
} parity_buf;

/* Prepares an empty buffer that may hold at most cap bytes. */
void buf_init(parity_buf *buf, size_t cap);

/* Frees the bytes; the buffer is empty (same cap) afterwards. NULL is fine. */
void buf_dispose(parity_buf *buf);

/* Empties the buffer, keeping its allocation. */
void buf_reset(parity_buf *buf);

parity_status buf_append(parity_buf *buf, const void *data, size_t len);
parity_status buf_append_str(parity_buf *buf, const char *str);
parity_status buf_printf(parity_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Hands the bytes to the caller (who frees them with free()) and leaves the
 * buffer empty. Returns an allocated empty string for an empty buffer, or
 * NULL when out of memory. */
char *buf_take(parity_buf *buf, size_t *len);

#endif
