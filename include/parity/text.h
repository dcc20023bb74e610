/*
 * text.h - appending text and numbers to a fixed buffer, without printf.
 *
 * printf is slow in this process: a library that GDAL links (libquadmath)
 * registers a printf type when it loads, and from then on glibc sends every
 * printf-family call of the process down its slow positional path, a few
 * microseconds each. Code that runs for every request formats with these.
 *
 * Each function appends at out[*n] and advances *n, never writes past
 * out[cap - 1], keeps out NUL-terminated, and drops what does not fit
 * (nothing happens when cap is 0 or *n >= cap). Pure and thread-safe.
 */
#ifndef PARITY_TEXT_H
#define PARITY_TEXT_H

#include <stddef.h>

/* The string s (NULL: nothing, as ""; either way out ends in a NUL). */
void text_put(char *out, size_t cap, size_t *n, const char *s);

/* The first len bytes of s. */
void text_put_len(char *out, size_t cap, size_t *n, const char *s, size_t len);

/* value in decimal, zero-padded to at least width digits. */
void text_put_uint(char *out, size_t cap, size_t *n, unsigned long long value,
                   int width);

/* value in decimal, with a '-' when negative. */
void text_put_int(char *out, size_t cap, size_t *n, long long value);

/* value in lower-case hexadecimal, zero-padded to at least width digits. */
void text_put_hex(char *out, size_t cap, size_t *n, unsigned long long value,
                  int width);

#endif
