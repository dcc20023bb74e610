/*
 * fuzz.h - what the libFuzzer targets share: turning the fuzzer's bytes
 * into the inputs parity's parsers take (a NUL-terminated string, an
 * http_request's query arguments). Each target is one file fuzz_<name>.c
 * defining LLVMFuzzerTestOneInput; they link the very objects of the
 * parity binary (build/fuzz/obj, compiled with the fuzzer's
 * instrumentation), never copies of its code.
 *
 * FUZZ_CHECK aborts (a finding) when an invariant of the parser fails.
 */
#ifndef PARITY_FUZZ_H
#define PARITY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/http.h"

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__,       \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A NUL-terminated copy of the input (free() it). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Query arguments from text "k=v&k=v..." (as libmicrohttpd hands them
 * over: decoded, so any byte may appear). text is modified in place; at
 * most max pairs. Returns how many. */
static inline size_t fuzz_args(char *text, http_pair *pairs, size_t max)
{
    size_t n = 0;
    char *p = text;
    while (p && n < max) {
        char *amp = strchr(p, '&');
        if (amp)
            *amp = '\0';
        char *eq = strchr(p, '=');
        if (eq)
            *eq = '\0';
        pairs[n].key = p;
        pairs[n].value = eq ? eq + 1 : "";
        n++;
        p = amp ? amp + 1 : NULL;
    }
    return n;
}

#endif
