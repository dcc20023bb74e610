/* options.c - settings parsed, validated and documented from one table. */
#include "parity/options.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool options_parse_size(const char *text, long long *out)
{
    if (!text || !*text)
        return false;
    errno = 0;
    char *end;
    long long value = strtoll(text, &end, 10);
    if (errno || end == text || value < 0)
        return false;
    long long mult = 1;
    if (*end) {
        switch (*end) {
        case 'k':
        case 'K': mult = 1024LL; break;
        case 'm':
        case 'M': mult = 1024LL * 1024; break;
        case 'g':
        case 'G': mult = 1024LL * 1024 * 1024; break;
        default: return false;
        }
        end++;
        if (*end == 'B' || *end == 'b')
            end++;
        if (*end)
            return false;
    }
    if (value > LLONG_MAX / mult)
        return false;
    *out = value * mult;
    return true;
}

static const option_spec *find_spec(const option_spec *specs, size_t n,
                                    const char *flag, size_t flag_len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(specs[i].flag) == flag_len &&
            memcmp(specs[i].flag, flag, flag_len) == 0)
            return &specs[i];
    return NULL;
}

static bool has_limits(const option_spec *spec)
{
    return spec->min != spec->max;
}

static parity_status set_value(const option_spec *spec, const char *text,
                               const char *source, void *out, char *err,
                               size_t errlen)
{
    char *field = (char *)out + spec->offset;
    switch (spec->type) {
    case OPTION_STRING: *(const char **)field = text; return PARITY_OK;
    case OPTION_FLAG: {
        bool on = !text || !strcmp(text, "1") || !strcmp(text, "true") ||
                  !strcmp(text, "yes") || !strcmp(text, "on");
        bool off =
            text && (!strcmp(text, "0") || !strcmp(text, "false") ||
                     !strcmp(text, "no") || !strcmp(text, "off") || !*text);
        if (!on && !off)
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s (from %s) must be true or false, not '%s'",
                               spec->flag, source, text);
        *(bool *)field = on;
        return PARITY_OK;
    }
    case OPTION_INT:
    case OPTION_SIZE: {
        long long value;
        bool ok;
        if (spec->type == OPTION_SIZE) {
            ok = options_parse_size(text, &value);
        } else {
            errno = 0;
            char *end;
            value = strtoll(text, &end, 10);
            ok = !errno && end != text && *end == '\0';
        }
        if (!ok)
            return parity_fail(
                err, errlen, PARITY_ERR_USAGE,
                "%s (from %s) takes %s, not '%s'", spec->flag, source,
                spec->type == OPTION_SIZE ? "a size such as 64M or 1048576"
                                          : "a whole number",
                text);
        if (has_limits(spec) && (value < spec->min || value > spec->max))
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s (from %s) must be between %.0f and %.0f, "
                               "not %lld",
                               spec->flag, source, spec->min, spec->max, value);
        *(long long *)field = value;
        return PARITY_OK;
    }
    case OPTION_DOUBLE: {
        errno = 0;
        char *end;
        double value = strtod(text, &end);
        if (errno || end == text || *end || !isfinite(value))
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s (from %s) takes a number, not '%s'",
                               spec->flag, source, text);
        if (has_limits(spec) && (value < spec->min || value > spec->max))
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s (from %s) must be between %g and %g, not %g",
                               spec->flag, source, spec->min, spec->max, value);
        *(double *)field = value;
        return PARITY_OK;
    }
    }
    return PARITY_ERR_INTERNAL;
}

parity_status options_parse(const option_spec *specs, size_t n_specs, int argc,
                            char **argv, option_getenv_fn get_env, void *out,
                            const char **positional, size_t max_positional,
                            size_t *n_positional, bool *help_wanted, char *err,
                            size_t errlen)
{
    parity_status status;
    *n_positional = 0;
    *help_wanted = false;

    /* Defaults first, then the environment, then flags override both. */
    for (size_t i = 0; i < n_specs; i++) {
        const option_spec *spec = &specs[i];
        if (spec->def && (status = set_value(spec, spec->def, "default", out,
                                             err, errlen)) != PARITY_OK)
            return status;
        const char *env = spec->env && get_env ? get_env(spec->env) : NULL;
        if (env && (status = set_value(spec, env, spec->env, out, err,
                                       errlen)) != PARITY_OK)
            return status;
    }

    bool only_positional = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            if (*n_positional >= max_positional)
                return parity_fail(err, errlen, PARITY_ERR_USAGE,
                                   "unexpected argument '%s'", arg);
            positional[(*n_positional)++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_positional = true;
            continue;
        }
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            *help_wanted = true;
            return PARITY_OK;
        }
        const char *eq = strchr(arg, '=');
        size_t flag_len = eq ? (size_t)(eq - arg) : strlen(arg);
        const option_spec *spec = find_spec(specs, n_specs, arg, flag_len);
        if (!spec)
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "unknown option '%.*s' (see --help)",
                               (int)flag_len, arg);
        const char *value = NULL;
        if (spec->type == OPTION_FLAG) {
            value = eq ? eq + 1 : NULL;
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s needs a value (%s)", spec->flag,
                               spec->value ? spec->value : "see --help");
        }
        if ((status = set_value(spec, value, spec->flag, out, err, errlen)) !=
            PARITY_OK)
            return status;
    }
    return PARITY_OK;
}

void options_help(FILE *stream, const char *usage, const char *summary,
                  const option_spec *specs, size_t n_specs)
{
    fprintf(stream, "usage: %s\n\n%s\n", usage, summary);
    if (n_specs)
        fprintf(stream, "\noptions:\n");
    for (size_t i = 0; i < n_specs; i++) {
        const option_spec *spec = &specs[i];
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", spec->flag,
                 spec->value ? " " : "", spec->value ? spec->value : "");
        fprintf(stream, "  %-28s %s", left, spec->help);
        if (spec->def && *spec->def)
            fprintf(stream, " (default %s)", spec->def);
        if (spec->env)
            fprintf(stream, " [env %s]", spec->env);
        fputc('\n', stream);
    }
    fprintf(stream, "  %-28s %s\n", "-h, --help", "show this help");
}
