/*
 * encoding.h - content codings: which one a client accepts, and gzip.
 *
 * parity sends a body gzip-compressed when the client's Accept-Encoding
 * allows it (RFC 9110 section 12.5.3, with q-values: "gzip;q=0" refuses
 * gzip, "*" covers codings not named). Compression is zlib's deflate in a
 * gzip wrapper (RFC 1952). The gzip variant of a representation is another
 * representation, so it gets its own strong ETag (encoding_gzip_etag).
 * Pure (zlib only), no global state, thread-safe.
 */
#ifndef PARITY_ENCODING_H
#define PARITY_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/buf.h"
#include "parity/status.h"

/* The zlib level parity compresses with: a good ratio at a small cost, and
 * each tile is compressed only once. */
#define ENCODING_GZIP_LEVEL 6

/* True when an Accept-Encoding header value allows gzip (or x-gzip): named
 * with a q-value above 0, or not named and "*" has a q-value above 0. NULL
 * (no header) and malformed elements allow nothing but identity. */
bool encoding_accepts_gzip(const char *accept_encoding);

/*
 * Compresses len bytes of data into out (reset first; its cap applies) as
 * one gzip member at the given zlib level (0-9). PARITY_ERR_TOO_LARGE when
 * out's cap is hit, PARITY_ERR_NOMEM or PARITY_ERR_INTERNAL on zlib
 * failure; out is empty then.
 */
parity_status encoding_gzip(const void *data, size_t len, int level,
                            parity_buf *out);

/*
 * True when compressing len bytes to gzip_len bytes pays: the body is worth
 * compressing at all (at least 256 bytes) and gzip saves at least a tenth.
 */
bool encoding_gzip_pays(size_t len, size_t gzip_len);

/* The strong ETag of the gzip variant of a representation whose ETag is
 * etag ("\"abc\"" gives "\"abc-gz\""), into out. */
void encoding_gzip_etag(const char *etag, char out[48]);

#endif
