/* options_parse: command-line arguments and environment variables against
 * a table with every option type. The input is split at NUL bytes into
 * argv; a part starting with '\x01' sets the environment variable the rest
 * of it names ("NAME=value"). Also options_parse_size alone. */
#include "fuzz.h"
#include "parity/options.h"

typedef struct settings {
    const char *text;
    long long count, size;
    double ratio;
    bool flag;
} settings;

static const option_spec SPECS[] = {
    {"--text", "F_TEXT", OPTION_STRING, "default", 0, 0,
     offsetof(settings, text), "T", "a string"},
    {"--count", "F_COUNT", OPTION_INT, "8", 1, 256, offsetof(settings, count),
     "N", "an integer with limits"},
    {"--size", "F_SIZE", OPTION_SIZE, "1M", 1024, 1073741824,
     offsetof(settings, size), "SIZE", "a size"},
    {"--ratio", "F_RATIO", OPTION_DOUBLE, "0.5", 0, 1,
     offsetof(settings, ratio), "R", "a bounded number"},
    {"--flag", "F_FLAG", OPTION_FLAG, NULL, 0, 0, offsetof(settings, flag),
     NULL, "a flag"},
};

#define MAX_PARTS 32
static const char *env_names[MAX_PARTS];
static const char *env_values[MAX_PARTS];
static size_t n_env;

static char *fake_getenv(const char *name)
{
    for (size_t i = 0; i < n_env; i++)
        if (!strcmp(env_names[i], name))
            return (char *)env_values[i];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    char *argv[MAX_PARTS];
    int argc = 0;
    n_env = 0;
    for (char *p = text; p < text + size + 1 && argc < MAX_PARTS;) {
        size_t len = strlen(p);
        if (p[0] == '\x01') {
            char *eq = strchr(p + 1, '=');
            if (eq && n_env < MAX_PARTS) {
                *eq = '\0';
                env_names[n_env] = p + 1;
                env_values[n_env++] = eq + 1;
            }
        } else {
            argv[argc++] = p;
        }
        p += len + 1;
    }
    settings s;
    memset(&s, 0, sizeof s);
    const char *positional[4];
    size_t n_positional = 0;
    bool help = false;
    char err[1024];
    parity_status status = options_parse(
        SPECS, sizeof SPECS / sizeof SPECS[0], argc, argv, fake_getenv, &s,
        positional, 4, &n_positional, &help, err, sizeof err);
    FUZZ_CHECK(status == PARITY_OK || status == PARITY_ERR_USAGE);
    if (status == PARITY_OK && !help) {
        FUZZ_CHECK(s.text != NULL);
        FUZZ_CHECK(s.count >= 1 && s.count <= 256);
        FUZZ_CHECK(s.size >= 1024 && s.size <= 1073741824);
        FUZZ_CHECK(s.ratio >= 0 && s.ratio <= 1);
        FUZZ_CHECK(n_positional <= 4);
    }
    if (status != PARITY_OK)
        FUZZ_CHECK(err[0]);
    long long bytes;
    if (options_parse_size(text, &bytes))
        FUZZ_CHECK(bytes >= 0);
    free(text);
    return 0;
}
