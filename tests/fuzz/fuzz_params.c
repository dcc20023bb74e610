/* params: from/to/category filters, bbox and paging, from a query string
 * "k=v&k=v" (values as libmicrohttpd decodes them), and the normal forms
 * built from them (cache key, PostgreSQL array literal). */
#include <math.h>

#include "fuzz.h"
#include "parity/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    http_pair pairs[64];
    http_request req = {.method = "GET", .path = "/", .args = pairs};
    req.n_args = fuzz_args(text, pairs, 64);
    char err[512];

    params_filters f;
    if (params_parse_filters(&req, &f, err, sizeof err) == PARITY_OK) {
        FUZZ_CHECK(f.n_categories >= 0 &&
                   f.n_categories <= PARAMS_MAX_CATEGORIES);
        FUZZ_CHECK(!f.from[0] || params_valid_date(f.from));
        FUZZ_CHECK(!f.to[0] || params_valid_date(f.to));
        FUZZ_CHECK(!f.from[0] || !f.to[0] || strcmp(f.from, f.to) <= 0);
        for (int i = 0; i < f.n_categories; i++) {
            FUZZ_CHECK(f.categories[i][0]);
            /* What goes into the array literal cannot break out of it. */
            FUZZ_CHECK(!strpbrk(f.categories[i], "\"\\{},'"));
            if (i)
                FUZZ_CHECK(strcmp(f.categories[i - 1], f.categories[i]) < 0);
        }
        char key[2048], array[1024];
        params_filters_key(&f, key, sizeof key);
        FUZZ_CHECK(strlen(key) < sizeof key);
        const char *lit = params_categories_array(&f, array, sizeof array);
        FUZZ_CHECK((lit == NULL) == (f.n_categories == 0));
        if (lit)
            FUZZ_CHECK(lit[0] == '{' && lit[strlen(lit) - 1] == '}');
    } else {
        FUZZ_CHECK(err[0]);
    }

    params_bbox b;
    if (params_parse_bbox(&req, &b, err, sizeof err) == PARITY_OK && b.set) {
        FUZZ_CHECK(isfinite(b.west) && isfinite(b.south) && isfinite(b.east) &&
                   isfinite(b.north));
        FUZZ_CHECK(b.west < b.east && b.south < b.north);
        FUZZ_CHECK(b.west >= -180 && b.east <= 180 && b.south >= -90 &&
                   b.north <= 90);
    }

    params_page page;
    if (params_parse_page(&req, 50, 1000, &page, err, sizeof err) ==
        PARITY_OK) {
        FUZZ_CHECK(page.limit >= 1 && page.limit <= 1000);
        FUZZ_CHECK(page.offset >= 0);
    }
    free(text);
    return 0;
}
