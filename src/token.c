/* token.c - write tokens: random, SHA-256, constant-time check (see token.h).
 */
#include "parity/token.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#define TOKEN_RANDOM_BYTES 32

parity_status token_generate(char out[TOKEN_TEXT_LEN + 1], char *err,
                             size_t errlen)
{
    unsigned char random[TOKEN_RANDOM_BYTES];
    size_t got = 0;
    while (got < sizeof random) {
        ssize_t n = getrandom(random + got, sizeof random - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return parity_fail(err, errlen, PARITY_ERR_IO,
                               "no randomness from the kernel: %s",
                               strerror(errno));
        got += (size_t)n;
    }
    /* Base64 of 32 bytes is 44 characters with one '=' of padding. */
    unsigned char b64[48];
    int n = EVP_EncodeBlock(b64, random, (int)sizeof random);
    OPENSSL_cleanse(random, sizeof random);
    if (n != 44)
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "base64 of the token failed");
    size_t prefix = strlen(TOKEN_PREFIX);
    memcpy(out, TOKEN_PREFIX, prefix);
    for (int i = 0; i < 43; i++)
        out[prefix + (size_t)i] = b64[i] == '+'   ? '-'
                                  : b64[i] == '/' ? '_'
                                                  : (char)b64[i];
    out[prefix + 43] = '\0';
    OPENSSL_cleanse(b64, sizeof b64);
    return PARITY_OK;
}

parity_status token_hash(const char *token, size_t len,
                         unsigned char out[TOKEN_HASH_LEN])
{
    unsigned int md_len = 0;
    if (!EVP_Digest(token, len, out, &md_len, EVP_sha256(), NULL) ||
        md_len != TOKEN_HASH_LEN)
        return PARITY_ERR_INTERNAL;
    return PARITY_OK;
}

void token_hex(const unsigned char hash[TOKEN_HASH_LEN],
               char out[2 * TOKEN_HASH_LEN + 1])
{
    static const char HEX[] = "0123456789abcdef";
    for (int i = 0; i < TOKEN_HASH_LEN; i++) {
        out[2 * i] = HEX[hash[i] >> 4];
        out[2 * i + 1] = HEX[hash[i] & 15];
    }
    out[2 * TOKEN_HASH_LEN] = '\0';
}

parity_status token_from_authorization(const char *header, char *token,
                                       size_t tokenlen, char *err,
                                       size_t errlen)
{
    if (!header || !*header)
        return parity_fail(err, errlen, PARITY_ERR_UNAUTHORIZED,
                           "this needs a token: send Authorization: Bearer "
                           "TOKEN (made with `parity token create NAME`)");
    if (strncasecmp(header, "Bearer ", 7) != 0)
        return parity_fail(err, errlen, PARITY_ERR_UNAUTHORIZED,
                           "the Authorization header must be 'Bearer TOKEN'");
    const char *p = header + 7;
    while (*p == ' ')
        p++;
    size_t n = 0;
    while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '_'))
        n++;
    const char *rest = p + n;
    while (*rest == ' ')
        rest++;
    if (n == 0 || *rest || n >= tokenlen || n > 128)
        return parity_fail(err, errlen, PARITY_ERR_UNAUTHORIZED,
                           "the bearer token is malformed (tokens are "
                           "letters, digits, - and _)");
    memcpy(token, p, n);
    token[n] = '\0';
    return PARITY_OK;
}

bool token_hash_in(const unsigned char hash[TOKEN_HASH_LEN],
                   const unsigned char *hashes, size_t n)
{
    int found = 0;
    for (size_t i = 0; i < n; i++)
        found |= CRYPTO_memcmp(hash, hashes + i * TOKEN_HASH_LEN,
                               TOKEN_HASH_LEN) == 0;
    return found != 0;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

parity_status token_verify(db_conn *conn, const char *authorization, char *err,
                           size_t errlen)
{
    char token[160];
    parity_status status = token_from_authorization(authorization, token,
                                                    sizeof token, err, errlen);
    if (status != PARITY_OK)
        return status;
    unsigned char hash[TOKEN_HASH_LEN];
    status = token_hash(token, strlen(token), hash);
    OPENSSL_cleanse(token, sizeof token);
    if (status != PARITY_OK)
        return parity_fail(err, errlen, status, "SHA-256 failed");
    db_result *rows = NULL;
    status = db_query(conn, "token_active", 0, NULL, &rows, err, errlen);
    if (status != PARITY_OK)
        return status;
    int n = db_result_rows(rows);
    unsigned char *hashes = calloc((size_t)(n > 0 ? n : 1), TOKEN_HASH_LEN);
    if (!hashes) {
        db_result_free(rows);
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    }
    int stored = 0;
    for (int i = 0; i < n; i++) {
        const char *hex = db_result_value(rows, i, 0);
        if (strlen(hex) != 2 * TOKEN_HASH_LEN)
            continue;
        bool ok = true;
        for (int j = 0; j < TOKEN_HASH_LEN && ok; j++) {
            int hi = hex_value(hex[2 * j]), lo = hex_value(hex[2 * j + 1]);
            ok = hi >= 0 && lo >= 0;
            hashes[stored * TOKEN_HASH_LEN + j] = (unsigned char)(hi << 4 | lo);
        }
        stored += ok;
    }
    db_result_free(rows);
    bool valid = token_hash_in(hash, hashes, (size_t)stored);
    free(hashes);
    if (!valid)
        return parity_fail(err, errlen, PARITY_ERR_UNAUTHORIZED,
                           "the token is not valid (unknown or revoked)");
    return PARITY_OK;
}
