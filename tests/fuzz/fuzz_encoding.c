/* Accept-Encoding (encoding_accepts_gzip, q-values), the gzip variant's
 * ETag, and gzip itself: what encoding_gzip writes, zlib reads back to the
 * same bytes. Input: "header\n" then the body to compress. */
#include <zlib.h>

#include "fuzz.h"
#include "parity/encoding.h"
#include "parity/respond.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    char *nl = strchr(text, '\n');
    const uint8_t *body = data + size;
    size_t body_len = 0;
    if (nl) {
        *nl = '\0';
        body = data + (nl - text) + 1;
        body_len = size - (size_t)(nl - text) - 1;
    }
    bool gzip = encoding_accepts_gzip(text);
    /* What the header says, read independently for the plain cases. */
    if (!strcmp(text, "gzip") || !strcmp(text, "*") ||
        !strcmp(text, "gzip, deflate"))
        FUZZ_CHECK(gzip);
    if (!strcmp(text, "") || !strcmp(text, "identity") ||
        !strcmp(text, "gzip;q=0"))
        FUZZ_CHECK(!gzip);
    FUZZ_CHECK(!encoding_accepts_gzip(NULL));

    char etag[48], gz_etag[48];
    respond_etag(body, body_len, etag);
    encoding_gzip_etag(etag, gz_etag);
    FUZZ_CHECK(strcmp(etag, gz_etag) && gz_etag[0] == '"' &&
               gz_etag[strlen(gz_etag) - 1] == '"');

    parity_buf out;
    buf_init(&out, body_len + 1024);
    if (encoding_gzip(body, body_len, ENCODING_GZIP_LEVEL, &out) == PARITY_OK) {
        /* zlib inflates it (gzip wrapper: windowBits 16 + 15). */
        z_stream z;
        memset(&z, 0, sizeof z);
        FUZZ_CHECK(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
        unsigned char *back = malloc(body_len + 1);
        z.next_in = (unsigned char *)out.data;
        z.avail_in = (uInt)out.len;
        z.next_out = back;
        z.avail_out = (uInt)(body_len + 1);
        int rc = inflate(&z, Z_FINISH);
        FUZZ_CHECK(rc == Z_STREAM_END);
        FUZZ_CHECK(z.total_out == body_len && !memcmp(back, body, body_len));
        inflateEnd(&z);
        free(back);
    }
    buf_dispose(&out);
    free(text);
    return 0;
}
