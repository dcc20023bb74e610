/* Request headers parity reads itself: If-None-Match (ETag matching) and
 * what goes into a log line (log_quote must keep any value on one line). */
#include "fuzz.h"
#include "parity/log.h"
#include "parity/respond.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    char etag[48];
    respond_etag(data, size, etag);
    FUZZ_CHECK(etag[0] == '"' && etag[strlen(etag) - 1] == '"');
    /* A header naming exactly this ETag matches it; "*" matches anything. */
    FUZZ_CHECK(respond_etag_matches(etag, etag));
    FUZZ_CHECK(respond_etag_matches("*", etag));
    (void)respond_etag_matches(text, etag);
    (void)respond_etag_matches(text, "\"0\"");
    for (size_t cap = 1; cap <= 64; cap *= 4) {
        char out[64];
        const char *q = log_quote(text, out, cap);
        FUZZ_CHECK(q == out && strlen(out) < cap);
        FUZZ_CHECK(!strpbrk(out, "\r\n"));
    }
    char big[8192];
    log_quote(text, big, sizeof big);
    FUZZ_CHECK(!strpbrk(big, "\r\n"));
    free(text);
    return 0;
}
