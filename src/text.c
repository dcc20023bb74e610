/* text.c - appending text and numbers without printf (see text.h). */
#include "parity/text.h"

#include <string.h>

void text_put_len(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
    if (*n >= cap)
        return;
    size_t room = cap - 1 - *n;
    if (len > room)
        len = room;
    memcpy(out + *n, s, len);
    *n += len;
    out[*n] = '\0';
}

void text_put(char *out, size_t cap, size_t *n, const char *s)
{
    text_put_len(out, cap, n, s ? s : "", s ? strlen(s) : 0);
}

/* value in base (10 or 16), at least width digits. */
static void put_base(char *out, size_t cap, size_t *n, unsigned long long value,
                     int width, unsigned base)
{
    static const char DIGITS[] = "0123456789abcdef";
    char digits[64];
    size_t i = sizeof digits;
    if (width > (int)sizeof digits)
        width = (int)sizeof digits;
    do {
        digits[--i] = DIGITS[value % base];
        value /= base;
    } while (value);
    while (sizeof digits - i < (size_t)width)
        digits[--i] = '0';
    text_put_len(out, cap, n, digits + i, sizeof digits - i);
}

void text_put_uint(char *out, size_t cap, size_t *n, unsigned long long value,
                   int width)
{
    put_base(out, cap, n, value, width, 10);
}

void text_put_hex(char *out, size_t cap, size_t *n, unsigned long long value,
                  int width)
{
    put_base(out, cap, n, value, width, 16);
}

void text_put_int(char *out, size_t cap, size_t *n, long long value)
{
    if (value < 0) {
        text_put_len(out, cap, n, "-", 1);
        /* -(value + 1) + 1: no overflow for LLONG_MIN. */
        text_put_uint(out, cap, n, (unsigned long long)-(value + 1) + 1, 0);
    } else {
        text_put_uint(out, cap, n, (unsigned long long)value, 0);
    }
}
