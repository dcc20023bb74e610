/* cors_parse (the --cors-origins setting) and cors_allowed (the Origin
 * header of a request): the input is "list\norigin". */
#include "fuzz.h"
#include "parity/cors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    char *origin = strchr(text, '\n');
    if (origin)
        *origin++ = '\0';
    cors_policy policy;
    char err[256];
    if (cors_parse(text, &policy, err, sizeof err) == PARITY_OK) {
        FUZZ_CHECK(policy.n_origins >= 0 &&
                   policy.n_origins <= CORS_MAX_ORIGINS);
        const char *allowed = cors_allowed(&policy, origin);
        FUZZ_CHECK(allowed == NULL || allowed == origin);
        /* What is echoed into a header never holds a line break. */
        if (allowed)
            FUZZ_CHECK(!strpbrk(allowed, "\r\n"));
        for (int i = 0; i < policy.n_origins; i++)
            FUZZ_CHECK(cors_allowed(&policy, policy.origins[i]) != NULL);
    } else {
        FUZZ_CHECK(err[0]);
    }
    free(text);
    return 0;
}
