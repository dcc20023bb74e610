/* UTF-8 validation, the CORS allow-list and the metrics exposition. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parity/cors.h"
#include "parity/metrics.h"
#include "parity/utf8.h"
#include "tests.h"

/* Cases from Markus Kuhn's "UTF-8 decoder capability and stress test"
 * (sections 2-5) and RFC 3629 section 4's table of well-formed sequences. */
void test_utf8_published_cases(void)
{
    static const struct {
        const char *bytes;
        size_t len;
        int valid;
        size_t bad_at;
    } CASES[] = {
        {"", 0, 1, 0},
        {"plain ascii", 11, 1, 0},
        {"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", 11, 1, 0}, /* kosme */
        {"Ni\xc3\xb1o Jes\xc3\xbas", 12, 1, 0},
        {"\xc2\x80", 2, 1, 0},             /* U+0080, first 2-byte */
        {"\xe0\xa0\x80", 3, 1, 0},         /* U+0800, first 3-byte */
        {"\xf0\x90\x80\x80", 4, 1, 0},     /* U+10000, first 4-byte */
        {"\xdf\xbf", 2, 1, 0},             /* U+07FF */
        {"\xef\xbf\xbf", 3, 1, 0},         /* U+FFFF */
        {"\xf4\x8f\xbf\xbf", 4, 1, 0},     /* U+10FFFF, the last */
        {"\xed\x9f\xbf", 3, 1, 0},         /* U+D7FF, just below surrogates */
        {"\xee\x80\x80", 3, 1, 0},         /* U+E000, just above */
        {"\xf4\x90\x80\x80", 4, 0, 0},     /* U+110000: too large */
        {"\xf8\x88\x80\x80\x80", 5, 0, 0}, /* 5-byte form */
        {"\x80", 1, 0, 0},                 /* lone continuation */
        {"a\xbf", 2, 0, 1},
        {"\xc0\xaf", 2, 0, 0},         /* overlong '/' */
        {"\xe0\x80\xaf", 3, 0, 0},     /* overlong '/' */
        {"\xf0\x80\x80\xaf", 4, 0, 0}, /* overlong '/' */
        {"\xc1\xbf", 2, 0, 0},         /* overlong U+007F */
        {"\xe0\x9f\xbf", 3, 0, 0},     /* overlong U+07FF */
        {"\xf0\x8f\xbf\xbf", 4, 0, 0}, /* overlong U+FFFF */
        {"\xed\xa0\x80", 3, 0, 0},     /* U+D800 surrogate */
        {"\xed\xbf\xbf", 3, 0, 0},     /* U+DFFF surrogate */
        {"ab\xc3", 3, 0, 2},           /* truncated 2-byte */
        {"\xe2\x82", 2, 0, 0},         /* truncated 3-byte */
        {"\xe2\x28\xa1", 3, 0, 0},     /* bad second byte */
        {"\xf0\x90\x28\xbc", 4, 0, 0}, /* bad third byte */
        {"\xfe", 1, 0, 0},
        {"\xff", 1, 0, 0},
        {"a\0b", 3, 0, 1}, /* NUL inside */
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        size_t bad = 999;
        bool ok = utf8_valid(CASES[i].bytes, CASES[i].len, &bad);
        if (ok != (bool)CASES[i].valid)
            fprintf(stderr, "utf8 case %zu\n", i);
        CHECK(ok == (bool)CASES[i].valid);
        if (!CASES[i].valid)
            CHECK(bad == CASES[i].bad_at);
    }
    CHECK(utf8_valid_str(NULL));
    CHECK(utf8_valid_str("Jer\xc3\xb3nimos"));
    CHECK(!utf8_valid_str("%\xff"));
}

/* Every code point encoded by the rules of RFC 3629 section 3 is valid;
 * every surrogate is not. An independent encoder written here. */
void test_utf8_every_code_point(void)
{
    int wrong = 0;
    for (unsigned long cp = 1; cp <= 0x10ffff; cp++) {
        unsigned char b[4];
        size_t n;
        if (cp < 0x80) {
            b[0] = (unsigned char)cp;
            n = 1;
        } else if (cp < 0x800) {
            b[0] = (unsigned char)(0xc0 | (cp >> 6));
            b[1] = (unsigned char)(0x80 | (cp & 0x3f));
            n = 2;
        } else if (cp < 0x10000) {
            b[0] = (unsigned char)(0xe0 | (cp >> 12));
            b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
            b[2] = (unsigned char)(0x80 | (cp & 0x3f));
            n = 3;
        } else {
            b[0] = (unsigned char)(0xf0 | (cp >> 18));
            b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
            b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
            b[3] = (unsigned char)(0x80 | (cp & 0x3f));
            n = 4;
        }
        bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
        if (utf8_valid((const char *)b, n, NULL) == surrogate)
            wrong++;
        /* Cut short, it is never valid. */
        if (n > 1 && utf8_valid((const char *)b, n - 1, NULL))
            wrong++;
    }
    CHECK(wrong == 0);
}

void test_cors_policy(void)
{
    cors_policy p;
    char err[256];
    CHECK(cors_parse("", &p, err, sizeof err) == PARITY_OK);
    CHECK(cors_allowed(&p, "https://maps.example.org") == NULL);
    CHECK(cors_allowed(&p, NULL) == NULL);
    CHECK(cors_parse("https://Maps.Example.org, http://localhost:8080", &p, err,
                     sizeof err) == PARITY_OK);
    CHECK(p.n_origins == 2 && !p.any);
    const char *o = "https://maps.example.org";
    CHECK(cors_allowed(&p, o) == o);
    CHECK(cors_allowed(&p, "HTTPS://MAPS.EXAMPLE.ORG") != NULL);
    CHECK(cors_allowed(&p, "http://localhost:8080") != NULL);
    CHECK(cors_allowed(&p, "http://localhost:8081") == NULL);
    CHECK(cors_allowed(&p, "https://maps.example.org.evil.net") == NULL);
    CHECK(cors_allowed(&p, "https://evil.net/https://maps.example.org") ==
          NULL);
    CHECK(cors_allowed(&p, "http://maps.example.org") == NULL);
    CHECK(cors_allowed(&p, "null") == NULL);
    CHECK(cors_parse("*", &p, err, sizeof err) == PARITY_OK);
    CHECK(p.any);
    CHECK(cors_allowed(&p, "https://anyone.example") != NULL);
    CHECK(cors_allowed(&p, "null") == NULL);
    CHECK(cors_allowed(&p, "https://a.example\r\nX-Evil: 1") == NULL);
    CHECK(cors_parse("https://a.example/path", &p, err, sizeof err) ==
          PARITY_ERR_USAGE);
    CHECK(strstr(err, "'https://a.example/path' is not an origin") != NULL);
    CHECK(cors_parse("ftp://a.example", &p, err, sizeof err) ==
          PARITY_ERR_USAGE);
    CHECK(cors_parse("https://a.example:123456", &p, err, sizeof err) ==
          PARITY_ERR_USAGE);
    CHECK(cors_parse("https://[::1]:8080", &p, err, sizeof err) == PARITY_OK);
    CHECK(cors_allowed(&p, "https://[::1]:8080") != NULL);
}

/* Finds the value of the exposition line that starts with prefix. */
static double sample(const char *text, const char *prefix)
{
    const char *p = text;
    size_t n = strlen(prefix);
    while (p && *p) {
        if (!strncmp(p, prefix, n) && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NAN;
}

void test_metrics_exposition(void)
{
    static const char *const ROUTES[] = {"tile", "api"};
    metrics *m = metrics_new(ROUTES, 2);
    CHECK(m != NULL);
    metrics_observe(m, 0, 200, 0.004, "miss");
    metrics_observe(m, 0, 200, 0.0005, "hit");
    metrics_observe(m, 0, 503, 3.0, NULL);
    metrics_observe(m, 1, 201, 0.02, NULL);
    metrics_observe(m, 7, 404, 0.001, NULL); /* unknown route: "other" */
    parity_buf out;
    buf_init(&out, 1 << 20);
    CHECK(metrics_render(m, &out) == PARITY_OK);
    const char *t = out.data;
    CHECK(sample(t,
                 "parity_http_requests_total{route=\"tile\",status=\"200\"}") ==
          2);
    CHECK(sample(t,
                 "parity_http_requests_total{route=\"tile\",status=\"503\"}") ==
          1);
    CHECK(
        sample(t, "parity_http_requests_total{route=\"api\",status=\"201\"}") ==
        1);
    CHECK(
        sample(t,
               "parity_http_requests_total{route=\"other\",status=\"404\"}") ==
        1);
    CHECK(strstr(t, "status=\"500\"") == NULL);
    /* 0.0005 <= 0.001; 0.004 <= 0.005; 3.0 <= 5: cumulative counts. */
    CHECK(sample(t, "parity_http_request_duration_seconds_bucket{route="
                    "\"tile\",le=\"0.001\"}") == 1);
    CHECK(sample(t, "parity_http_request_duration_seconds_bucket{route="
                    "\"tile\",le=\"0.0025\"}") == 1);
    CHECK(sample(t, "parity_http_request_duration_seconds_bucket{route="
                    "\"tile\",le=\"0.005\"}") == 2);
    CHECK(sample(t, "parity_http_request_duration_seconds_bucket{route="
                    "\"tile\",le=\"2.5\"}") == 2);
    CHECK(sample(t, "parity_http_request_duration_seconds_bucket{route="
                    "\"tile\",le=\"5\"}") == 3);
    CHECK(sample(t, "parity_http_request_duration_seconds_bucket{route="
                    "\"tile\",le=\"+Inf\"}") == 3);
    CHECK(
        sample(t,
               "parity_http_request_duration_seconds_count{route=\"tile\"}") ==
        3);
    CHECK_NEAR(
        sample(t, "parity_http_request_duration_seconds_sum{route=\"tile\"}"),
        3.0045, 1e-6);
    CHECK(sample(t, "parity_http_cache_answers_total{cache=\"hit\"}") == 1);
    CHECK(sample(t, "parity_http_cache_answers_total{cache=\"miss\"}") == 1);
    CHECK(
        strstr(t, "# TYPE parity_http_request_duration_seconds histogram\n") !=
        NULL);
    buf_reset(&out);
    CHECK(metrics_family(&out, "x_version", "gauge", "help") == PARITY_OK);
    CHECK(metrics_value(&out, "x_version", "layer", "a\"b\\c\nd", 7) ==
          PARITY_OK);
    CHECK_STR(out.data, "# HELP x_version help\n# TYPE x_version gauge\n"
                        "x_version{layer=\"a\\\"b\\\\c\\nd\"} 7\n");
    /* A cap that is too small is an error, not a cut. */
    parity_buf tiny;
    buf_init(&tiny, 64);
    CHECK(metrics_render(m, &tiny) == PARITY_ERR_TOO_LARGE);
    buf_dispose(&tiny);
    buf_dispose(&out);
    metrics_free(m);
    metrics_free(NULL);
}
