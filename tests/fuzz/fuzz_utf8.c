/* utf8_valid, differentially against glibc's iconv (UTF-8 to UTF-32),
 * which follows the same RFC 3629 rules; parity also refuses NUL. */
#include <iconv.h>

#include "fuzz.h"
#include "parity/utf8.h"

static bool iconv_accepts(const uint8_t *data, size_t size)
{
    static iconv_t cd = (iconv_t)-1;
    if (cd == (iconv_t)-1)
        cd = iconv_open("UTF-32LE", "UTF-8");
    FUZZ_CHECK(cd != (iconv_t)-1);
    iconv(cd, NULL, NULL, NULL, NULL);
    char *in = (char *)data;
    size_t in_left = size;
    char out[4 * 4096 + 16];
    char *o = out;
    size_t out_left = sizeof out;
    size_t rc = iconv(cd, &in, &in_left, &o, &out_left);
    return rc != (size_t)-1 && in_left == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    size_t bad = 0;
    bool ours = utf8_valid((const char *)data, size, &bad);
    bool has_nul = memchr(data, 0, size) != NULL;
    bool theirs = !has_nul && iconv_accepts(data, size);
    FUZZ_CHECK(ours == theirs);
    if (!ours) {
        FUZZ_CHECK(bad < size);
        /* Everything before the bad byte is valid on its own. */
        FUZZ_CHECK(utf8_valid((const char *)data, bad, NULL));
    }
    return 0;
}
