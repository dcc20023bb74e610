/*
 * utf8.h - is this text well-formed UTF-8?
 *
 * Text enters parity from the network (paths, query parameters, JSON
 * bodies), and PostgreSQL refuses malformed UTF-8 with an error that would
 * otherwise surface as a failed query. Checking where the text enters turns
 * it into a 400 that says which part is wrong. The rules are RFC 3629's:
 * no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF, no truncated sequences. NUL bytes inside the length are
 * refused too (no text parity handles may hold one). Pure, no allocation,
 * thread-safe.
 */
#ifndef PARITY_UTF8_H
#define PARITY_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes at text are well-formed UTF-8 without NUL.
 * *bad_offset (may be NULL) receives the offset of the first bad byte. */
bool utf8_valid(const char *text, size_t len, size_t *bad_offset);

/* utf8_valid over a NUL-terminated string (NULL counts as valid). */
bool utf8_valid_str(const char *text);

#endif
