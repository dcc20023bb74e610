/*
 * token.h - the API's write tokens: made, hashed and checked here; the only
 * module that speaks OpenSSL's libcrypto.
 *
 * A token is "parity_" followed by 32 random bytes (getrandom) in base64url,
 * 50 characters in all. It is shown once, when made; the database keeps only
 * its SHA-256 (api_tokens.token_hash). A request proves it holds a token
 * with `Authorization: Bearer TOKEN`: the token is hashed and the hash is
 * compared, in constant time, with every hash not revoked, read from the
 * database on each check, so a revoked token stops working at once and the
 * server keeps no token state between requests. Tokens are never logged.
 *
 * All functions are thread-safe; token_verify uses the caller's connection.
 */
#ifndef PARITY_TOKEN_H
#define PARITY_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/db.h"
#include "parity/status.h"

#define TOKEN_PREFIX   "parity_"
#define TOKEN_TEXT_LEN 50 /* prefix + 43 base64url characters */
#define TOKEN_HASH_LEN 32 /* SHA-256 */

/* Writes a new random token (NUL-terminated) into out. PARITY_ERR_IO when
 * the kernel gives no randomness. */
parity_status token_generate(char out[TOKEN_TEXT_LEN + 1], char *err,
                             size_t errlen);

/* SHA-256 of the token's len bytes into out; PARITY_ERR_INTERNAL when
 * libcrypto fails. */
parity_status token_hash(const char *token, size_t len,
                         unsigned char out[TOKEN_HASH_LEN]);

/* 64 lower-case hex digits of hash into out. */
void token_hex(const unsigned char hash[TOKEN_HASH_LEN],
               char out[2 * TOKEN_HASH_LEN + 1]);

/* Takes the token out of an Authorization header value "Bearer TOKEN" (the
 * scheme in any case). PARITY_ERR_UNAUTHORIZED with err saying what the
 * header must look like. The token is written to token (size tokenlen). */
parity_status token_from_authorization(const char *header, char *token,
                                       size_t tokenlen, char *err,
                                       size_t errlen);

/* True when hash equals one of the n hashes at hashes (n * 32 bytes). Every
 * hash is compared in full (CRYPTO_memcmp), whatever matches. */
bool token_hash_in(const unsigned char hash[TOKEN_HASH_LEN],
                   const unsigned char *hashes, size_t n);

/*
 * Checks an Authorization header value against the tokens not revoked
 * (query token_active). PARITY_OK when it holds a valid token;
 * PARITY_ERR_UNAUTHORIZED with err saying why not (missing, malformed,
 * unknown or revoked); or the query's status.
 */
parity_status token_verify(db_conn *conn, const char *authorization, char *err,
                           size_t errlen);

#endif
