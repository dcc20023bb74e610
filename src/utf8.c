/* utf8.c - UTF-8 well-formedness (see utf8.h). */
#include "parity/utf8.h"

#include <string.h>

/* The length of the sequence starting at p (at most n bytes), or 0 when it
 * is malformed. The table of well-formed byte sequences is RFC 3629's. */
static size_t sequence_length(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c >= 0x01 && c <= 0x7f)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* bounds of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong below U+0800 */
        else if (c == 0xed)
            hi = 0x9f; /* surrogates U+D800..U+DFFF */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong below U+10000 */
        else if (c == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0; /* NUL, a continuation byte, C0, C1 or F5..FF */
    }
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return len;
}

bool utf8_valid(const char *text, size_t len, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        size_t n = sequence_length(p + i, len - i);
        if (n == 0) {
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

bool utf8_valid_str(const char *text)
{
    return !text || utf8_valid(text, strlen(text), NULL);
}
