/*
 * check.h - the smallest test harness: CHECK(cond) records a pass or a
 * failure with its line; each test file registers its tests in main.c.
 */
#ifndef PARITY_CHECK_H
#define PARITY_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int check_passed, check_failed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (cond) {                                                         \
            check_passed++;                                                 \
        } else {                                                            \
            check_failed++;                                                 \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                   \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                \
    do {                                                                     \
        double check_a_ = (a), check_b_ = (b);                               \
        if (fabs(check_a_ - check_b_) <= (tol)) {                            \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            fprintf(stderr, "FAIL %s:%d: %s = %.12g, expected %.12g\n",      \
                    __FILE__, __LINE__, #a, check_a_, check_b_);             \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                       \
    do {                                                                      \
        const char *check_a_ = (a), *check_b_ = (b);                          \
        if (check_a_ && check_b_ && !strcmp(check_a_, check_b_)) {            \
            check_passed++;                                                   \
        } else {                                                              \
            check_failed++;                                                   \
            fprintf(stderr, "FAIL %s:%d: %s = \"%s\", expected \"%s\"\n",     \
                    __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)",   \
                    check_b_ ? check_b_ : "(null)");                          \
        }                                                                     \
    } while (0)

#endif
