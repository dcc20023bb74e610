/* Unit tests of token.c's pure parts: SHA-256 against the published FIPS
 * 180-2 vectors, the token format, Authorization parsing, constant-time
 * membership. */
#include <ctype.h>

#include "check.h"
#include "parity/token.h"

void test_token_hash_vectors(void)
{
    unsigned char hash[TOKEN_HASH_LEN];
    char hex[2 * TOKEN_HASH_LEN + 1];
    CHECK(token_hash("abc", 3, hash) == PARITY_OK);
    token_hex(hash, hex);
    CHECK_STR(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(token_hash("", 0, hash) == PARITY_OK);
    token_hex(hash, hex);
    CHECK_STR(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

void test_token_generate_and_parse(void)
{
    char a[TOKEN_TEXT_LEN + 1], b[TOKEN_TEXT_LEN + 1], err[256];
    CHECK(token_generate(a, err, sizeof err) == PARITY_OK);
    CHECK(token_generate(b, err, sizeof err) == PARITY_OK);
    CHECK(strlen(a) == TOKEN_TEXT_LEN);
    CHECK(strncmp(a, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) == 0);
    CHECK(strcmp(a, b) != 0);
    bool charset = true;
    for (const char *p = a; *p; p++)
        charset &= isalnum((unsigned char)*p) || *p == '-' || *p == '_';
    CHECK(charset);

    char header[128], token[160];
    snprintf(header, sizeof header, "Bearer %s", a);
    CHECK(token_from_authorization(header, token, sizeof token, err,
                                   sizeof err) == PARITY_OK);
    CHECK_STR(token, a);
    snprintf(header, sizeof header, "bearer   %s ", a);
    CHECK(token_from_authorization(header, token, sizeof token, err,
                                   sizeof err) == PARITY_OK);
    CHECK_STR(token, a);
    CHECK(token_from_authorization(NULL, token, sizeof token, err,
                                   sizeof err) == PARITY_ERR_UNAUTHORIZED);
    CHECK(token_from_authorization("Basic dXNlcjpwdw==", token, sizeof token,
                                   err, sizeof err) == PARITY_ERR_UNAUTHORIZED);
    CHECK(token_from_authorization("Bearer ", token, sizeof token, err,
                                   sizeof err) == PARITY_ERR_UNAUTHORIZED);
    CHECK(token_from_authorization("Bearer a b", token, sizeof token, err,
                                   sizeof err) == PARITY_ERR_UNAUTHORIZED);
    CHECK(token_from_authorization("Bearer x' OR '1'='1", token, sizeof token,
                                   err, sizeof err) == PARITY_ERR_UNAUTHORIZED);
}

void test_token_hash_in(void)
{
    unsigned char hashes[3 * TOKEN_HASH_LEN], probe[TOKEN_HASH_LEN];
    for (int i = 0; i < 3; i++)
        token_hash((const char[]){(char)('a' + i)}, 1,
                   hashes + i * TOKEN_HASH_LEN);
    token_hash("b", 1, probe);
    CHECK(token_hash_in(probe, hashes, 3));
    CHECK(!token_hash_in(probe, hashes, 1));
    CHECK(!token_hash_in(probe, hashes, 0));
    probe[31] ^= 1;
    CHECK(!token_hash_in(probe, hashes, 3));
}
