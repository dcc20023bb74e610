/* Options table parsing, the capped buffer, ETag matching, text without
 * printf. */
#include <stddef.h>

#include "check.h"
#include "parity/buf.h"
#include "parity/options.h"
#include "parity/params.h"
#include "parity/respond.h"
#include "parity/text.h"
#include "tests.h"

typedef struct sample {
    const char *listen;
    long long pool, size;
    double ratio;
    bool quiet;
} sample;

static const option_spec SPECS[] = {
    {"--listen", "T_LISTEN", OPTION_STRING, "127.0.0.1:8080", 0, 0,
     offsetof(sample, listen), "HOST:PORT", "address"},
    {"--pool", "T_POOL", OPTION_INT, "8", 1, 64, offsetof(sample, pool), "N",
     "pool"},
    {"--size", NULL, OPTION_SIZE, "1M", 0, 0, offsetof(sample, size), "SIZE",
     "size"},
    {"--ratio", NULL, OPTION_DOUBLE, "0.5", 0, 1, offsetof(sample, ratio), "R",
     "ratio"},
    {"--quiet", NULL, OPTION_FLAG, NULL, 0, 0, offsetof(sample, quiet), NULL,
     "quiet"},
};

static char *fake_env(const char *name)
{
    static char twelve[] = "12";
    return !strcmp(name, "T_POOL") ? twelve : NULL;
}

static parity_status parse(char **argv, int argc, sample *s, const char **pos,
                           size_t *n_pos, char *err)
{
    bool help;
    memset(s, 0, sizeof *s);
    return options_parse(SPECS, 5, argc, argv, fake_env, s, pos, 2, n_pos,
                         &help, err, 256);
}

void test_options_parse(void)
{
    sample s;
    const char *pos[2];
    size_t n;
    char err[256];
    char *none[] = {NULL};
    CHECK(parse(none, 0, &s, pos, &n, err) == PARITY_OK);
    CHECK_STR(s.listen, "127.0.0.1:8080");
    CHECK(s.pool == 12); /* environment beats default */
    CHECK(s.size == 1048576);
    CHECK_NEAR(s.ratio, 0.5, 0);
    CHECK(!s.quiet);
    char *argv[] = {"--pool",     "3",       "file.geojson",
                    "--size=64k", "--quiet", "--listen=0.0.0.0:1",
                    "--",         "--odd"};
    CHECK(parse(argv, 8, &s, pos, &n, err) == PARITY_OK);
    CHECK(s.pool == 3); /* flag beats environment */
    CHECK(s.size == 65536);
    CHECK(s.quiet);
    CHECK_STR(s.listen, "0.0.0.0:1");
    CHECK(n == 2);
    CHECK_STR(pos[0], "file.geojson");
    CHECK_STR(pos[1], "--odd");
    long long v;
    CHECK(options_parse_size("2G", &v) && v == 2147483648LL);
    CHECK(!options_parse_size("2X", &v));
    CHECK(!options_parse_size("-1", &v));
    CHECK(!options_parse_size("99999999999999999999", &v));
}

void test_options_errors(void)
{
    sample s;
    const char *pos[2];
    size_t n;
    char err[256];
    char *a[] = {"--pool", "65"};
    CHECK(parse(a, 2, &s, pos, &n, err) == PARITY_ERR_USAGE);
    CHECK(strstr(err, "between 1 and 64") != NULL);
    char *b[] = {"--pool", "ten"};
    CHECK(parse(b, 2, &s, pos, &n, err) == PARITY_ERR_USAGE);
    CHECK(strstr(err, "--pool") != NULL);
    char *c[] = {"--nope"};
    CHECK(parse(c, 1, &s, pos, &n, err) == PARITY_ERR_USAGE);
    CHECK(strstr(err, "--nope") != NULL);
    char *d[] = {"--listen"};
    CHECK(parse(d, 1, &s, pos, &n, err) == PARITY_ERR_USAGE);
    char *e[] = {"x", "y", "z"};
    CHECK(parse(e, 3, &s, pos, &n, err) == PARITY_ERR_USAGE);
    char *f[] = {"--ratio", "1.5"};
    CHECK(parse(f, 2, &s, pos, &n, err) == PARITY_ERR_USAGE);
}

void test_buf_cap(void)
{
    parity_buf b;
    buf_init(&b, 10);
    CHECK(buf_append_str(&b, "12345") == PARITY_OK);
    CHECK(buf_printf(&b, "%d", 67890) == PARITY_OK);
    CHECK(b.len == 10 && !strcmp(b.data, "1234567890"));
    CHECK(buf_append_str(&b, "x") == PARITY_ERR_TOO_LARGE);
    CHECK(b.len == 10 && !strcmp(b.data, "1234567890")); /* unchanged */
    CHECK(buf_printf(&b, "%s", "y") == PARITY_ERR_TOO_LARGE);
    size_t len;
    char *taken = buf_take(&b, &len);
    CHECK(len == 10 && !strcmp(taken, "1234567890"));
    CHECK(b.data == NULL && b.len == 0);
    free(taken);
    buf_dispose(&b);
    buf_dispose(NULL);
}

void test_etag_matching(void)
{
    char etag[48];
    respond_etag("abc", 3, etag);
    /* XXH3 64 of "abc" is 78af5f94892f3950 (as `xxhsum -H3` prints it). */
    CHECK_STR(etag, "\"78af5f94892f3950-3\"");
    CHECK(respond_etag_matches(etag, etag));
    CHECK(respond_etag_matches("\"x\", \"78af5f94892f3950-3\"", etag));
    CHECK(respond_etag_matches("W/\"78af5f94892f3950-3\"", etag));
    CHECK(respond_etag_matches("*", etag));
    CHECK(!respond_etag_matches("\"78af5f94892f3950-4\"", etag));
    CHECK(!respond_etag_matches(NULL, etag));
    CHECK(!respond_etag_matches("\"78af5f94892f3950-3", etag));
}

void test_text_put(void)
{
    char out[32];
    size_t n = 0;
    text_put(out, sizeof out, &n, "z=");
    text_put_uint(out, sizeof out, &n, 7, 0);
    text_put(out, sizeof out, &n, " ");
    text_put_uint(out, sizeof out, &n, 7, 3);
    text_put(out, sizeof out, &n, " ");
    text_put_int(out, sizeof out, &n, -12);
    text_put(out, sizeof out, &n, " ");
    text_put_hex(out, sizeof out, &n, 0xbeef, 8);
    CHECK_STR(out, "z=7 007 -12 0000beef");
    CHECK(n == strlen(out));

    n = 0;
    text_put_int(out, sizeof out, &n, (long long)(-9223372036854775807LL - 1));
    CHECK_STR(out, "-9223372036854775808");
    n = 0;
    text_put_uint(out, sizeof out, &n, 18446744073709551615ULL, 0);
    CHECK_STR(out, "18446744073709551615");
    n = 0;
    text_put_hex(out, sizeof out, &n, 0, 0);
    text_put_uint(out, sizeof out, &n, 0, 0);
    text_put(out, sizeof out, &n, NULL);
    CHECK_STR(out, "00");
    /* Nothing to write still leaves a terminated string. */
    char t[4] = "xyz";
    n = 0;
    text_put(t, sizeof t, &n, NULL);
    CHECK(n == 0 && t[0] == '\0');

    /* What does not fit is dropped, the NUL kept, nothing written past
     * cap; a full buffer takes nothing more. */
    char small[6] = "xxxxx";
    n = 0;
    text_put(small, 4, &n, "abcdef");
    CHECK(n == 3);
    CHECK(!memcmp(small, "abc\0x", 6));
    text_put_uint(small, 4, &n, 42, 0);
    CHECK(n == 3);
    CHECK_STR(small, "abc");
    n = 0;
    text_put(small, 0, &n, "a");
    CHECK(n == 0 && small[0] == 'a');
}

void test_filters_text(void)
{
    params_filters f = {.from = "2026-01-01", .to = "", .n_categories = 2};
    memcpy(f.categories[0], "cleanup", 8);
    memcpy(f.categories[1], "youth", 6);
    char key[1024], array[1024];
    params_filters_key(&f, key, sizeof key);
    CHECK_STR(key, "from=2026-01-01&to=&category=cleanup,youth");
    CHECK_STR(params_categories_array(&f, array, sizeof array),
              "{\"cleanup\",\"youth\"}");
    /* The longest filters still fit the callers' buffers whole, so two
     * filter sets never share a cache key. */
    params_filters big = {.from = "2026-01-01",
                          .to = "2026-12-31",
                          .n_categories = PARAMS_MAX_CATEGORIES};
    for (int i = 0; i < PARAMS_MAX_CATEGORIES; i++)
        memset(big.categories[i], 'a' + i, PARAMS_CATEGORY_LEN - 1);
    params_filters_key(&big, key, sizeof key);
    CHECK(key[strlen(key) - 1] == 'a' + PARAMS_MAX_CATEGORIES - 1);
    params_categories_array(&big, array, sizeof array);
    CHECK(array[strlen(array) - 1] == '}');
    f.n_categories = 0;
    CHECK(params_categories_array(&f, array, sizeof array) == NULL);
}
