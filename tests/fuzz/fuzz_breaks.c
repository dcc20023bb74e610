/* /api/breaks?metric=&method=&k=: the method name (stats_method_parse), the
 * metric name looked up in a coverage document (coverage_breaks), and the
 * class breaks themselves over values that come from imported indicator
 * files (stats_breaks). Input: "method\nk\nmetric\n" then 8-byte doubles.
 * Invariants: breaks ascend and end at the maximum, counts add up to the
 * values, every value lies in its class; jenks is never worse than equal
 * intervals (it is the optimum). */
#include <math.h>

#include "fuzz.h"
#include "parity/coverage.h"
#include "parity/stats.h"

/* A coverage document of the shape coverage_document builds. */
static const char DOC[] =
    "{\"as_of\":\"2026-11-28T10:00:00Z\",\"window\":{\"from\":null},"
    "\"indicators\":[\"median_income\"],\"city\":{},\"neighborhoods\":["
    "{\"neighborhood\":{\"id\":\"A\",\"name\":\"A\"},\"population\":1000,"
    "\"gap\":1.5,\"incidents\":null,\"median_income\":30100},"
    "{\"neighborhood\":{\"id\":\"B\",\"name\":\"B\"},\"population\":2000,"
    "\"gap\":-0.25,\"incidents\":12,\"median_income\":null},"
    "{\"neighborhood\":{\"id\":\"C\",\"name\":\"C\"},\"population\":500,"
    "\"gap\":0.1,\"incidents\":3,\"median_income\":41000},"
    "{\"neighborhood\":{\"id\":\"D\",\"name\":\"D\"},\"population\":750,"
    "\"gap\":0.7,\"incidents\":0,\"median_income\":28000}]}";

static char *line(char **p)
{
    char *start = *p, *nl = strchr(start, '\n');
    if (!nl)
        return NULL;
    *nl = '\0';
    *p = nl + 1;
    return start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    char *p = text;
    char *method_name = line(&p), *k_text = line(&p), *metric = line(&p);
    if (!method_name || !k_text || !metric) {
        free(text);
        return 0;
    }
    stats_method method = STATS_QUANTILE;
    if (stats_method_parse(method_name, &method) != PARITY_OK)
        method = STATS_QUANTILE;
    int k = 3 + (int)(strlen(k_text) % 7);
    parity_buf out;
    buf_init(&out, 1 << 20);
    char err[512];
    parity_status status = coverage_breaks(DOC, sizeof DOC - 1, metric, method,
                                           k, &out, err, sizeof err);
    FUZZ_CHECK(status == PARITY_OK || status == PARITY_ERR_INPUT);
    if (status == PARITY_OK)
        FUZZ_CHECK(out.len > 0 && out.data[0] == '{');
    else
        FUZZ_CHECK(err[0]);
    buf_dispose(&out);

    /* The values after the three lines. */
    size_t used = (size_t)(p - text);
    size_t n = used < size ? (size - used) / sizeof(double) : 0;
    if (n > 64)
        n = 64;
    double values[64];
    size_t finite = 0;
    for (size_t i = 0; i < n; i++) {
        double v;
        memcpy(&v, data + used + i * sizeof v, sizeof v);
        if (isfinite(v) && fabs(v) < 1e12)
            values[finite++] = v;
    }
    double breaks[STATS_MAX_CLASSES], equal[STATS_MAX_CLASSES];
    size_t counts[STATS_MAX_CLASSES], equal_counts[STATS_MAX_CLASSES];
    status = stats_breaks(values, finite, method, k, breaks, counts, err,
                          sizeof err);
    if (status == PARITY_OK) {
        double max = -INFINITY;
        for (size_t i = 0; i < finite; i++)
            max = values[i] > max ? values[i] : max;
        size_t total = 0;
        for (int c = 0; c < k; c++) {
            total += counts[c];
            if (c)
                FUZZ_CHECK(breaks[c] >= breaks[c - 1]);
        }
        FUZZ_CHECK(total == finite);
        FUZZ_CHECK(fabs(breaks[k - 1] - max) <= 1e-9 * (1 + fabs(max)));
        for (size_t i = 0; i < finite; i++)
            FUZZ_CHECK(values[i] <= breaks[k - 1] + 1e-9 * (1 + fabs(max)));
        if (method == STATS_JENKS &&
            stats_breaks(values, finite, STATS_EQUAL, k, equal, equal_counts,
                         err, sizeof err) == PARITY_OK) {
            double j = stats_within_ssd(values, finite, breaks, k);
            double e = stats_within_ssd(values, finite, equal, k);
            FUZZ_CHECK(j <= e * (1 + 1e-9) + 1e-9);
        }
    }
    free(text);
    return 0;
}
