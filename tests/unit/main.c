/* Unit tests of the pure modules: no database, no network, well under a
 * second. Each test function passes when every CHECK in it holds. */
#include <stdio.h>

#include "check.h"
#include "tests.h"

int check_passed, check_failed;

#define TEST(fn)                                                               \
    {                                                                          \
#fn, fn                                                                \
    }
static const struct {
    const char *name;
    void (*fn)(void);
} TESTS[] = {UNIT_TESTS};

int main(void)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof TESTS / sizeof TESTS[0]; i++) {
        int before = check_failed;
        TESTS[i].fn();
        if (check_failed == before) {
            passed++;
            printf("ok - %s\n", TESTS[i].name);
        } else {
            failed++;
            printf("not ok - %s\n", TESTS[i].name);
        }
    }
    printf("unit: %d checks passed, %d failed\n", check_passed, check_failed);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
