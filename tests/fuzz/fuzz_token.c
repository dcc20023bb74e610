/* The Authorization header: token_from_authorization takes the token out
 * of "Bearer TOKEN"; token_hash and the constant-time token_hash_in then
 * decide. Invariants: an accepted token is 1 to 128 letters, digits, - and
 * _ (nothing that could carry a header or log injection); a hash is found
 * among hashes exactly when it is one of them. */
#include "fuzz.h"
#include "parity/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = fuzz_string(data, size);
    char token[160], err[256];
    parity_status status =
        token_from_authorization(header, token, sizeof token, err, sizeof err);
    if (status == PARITY_OK) {
        size_t n = strlen(token);
        FUZZ_CHECK(n >= 1 && n <= 128);
        for (size_t i = 0; i < n; i++) {
            char c = token[i];
            FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_');
        }
        unsigned char hash[TOKEN_HASH_LEN], others[3 * TOKEN_HASH_LEN];
        FUZZ_CHECK(token_hash(token, n, hash) == PARITY_OK);
        memset(others, 0xab, sizeof others);
        FUZZ_CHECK(!token_hash_in(hash, others, 3) ||
                   !memcmp(hash, others, TOKEN_HASH_LEN));
        memcpy(others + TOKEN_HASH_LEN, hash, TOKEN_HASH_LEN);
        FUZZ_CHECK(token_hash_in(hash, others, 3));
        FUZZ_CHECK(!token_hash_in(hash, others, 1) ||
                   !memcmp(hash, others, TOKEN_HASH_LEN));
    } else {
        FUZZ_CHECK(status == PARITY_ERR_UNAUTHORIZED && err[0]);
    }
    free(header);
    return 0;
}
