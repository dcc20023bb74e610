/*
 * options.h - command-line and environment settings from one table.
 *
 * Each subcommand declares a table of option_spec rows: the flag, the
 * environment variable that may supply it, its type, default, limits and
 * help text. options_parse fills a caller-owned struct (each row names the
 * offset of its field), checks types and limits, collects positional
 * arguments, and options_help prints --help from the same table, so parsing,
 * validation and help can never disagree. Precedence: flag, then
 * environment, then default. Pure and thread-safe (no global state).
 */
#ifndef PARITY_OPTIONS_H
#define PARITY_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "parity/status.h"

typedef enum option_type {
    OPTION_STRING, /* const char * pointing into argv, environ or def */
    OPTION_INT,    /* long long within [min, max] */
    OPTION_SIZE,   /* long long bytes, accepts suffixes k, M, G (1024-based) */
    OPTION_DOUBLE, /* double within [min, max] */
    OPTION_FLAG    /* bool, no value; true when given */
} option_type;

typedef struct option_spec {
    const char *flag; /* "--listen" */
    const char *env;  /* "PARITY_LISTEN" or NULL */
    option_type type;
    const char *def;   /* default as text, or NULL for none */
    double min, max;   /* limits for numbers (ignored when min == max) */
    size_t offset;     /* offsetof(struct, field) */
    const char *value; /* placeholder in help, e.g. "HOST:PORT" */
    const char *help;
} option_spec;

/* The lookup used for environment variables; getenv in production, a table
 * in tests and fuzzing. */
typedef char *(*option_getenv_fn)(const char *name);

/*
 * Parses argv[0..argc) against specs into out. Positional arguments are
 * stored in positional (at most max_positional, pointers into argv);
 * *n_positional receives their count. "--help"/"-h" sets *help_wanted and
 * stops. Returns PARITY_OK or PARITY_ERR_USAGE with a message in err that
 * names the flag and what it accepts.
 */
parity_status options_parse(const option_spec *specs, size_t n_specs, int argc,
                            char **argv, option_getenv_fn get_env, void *out,
                            const char **positional, size_t max_positional,
                            size_t *n_positional, bool *help_wanted, char *err,
                            size_t errlen);

/* Writes the help text for specs to stream under a usage line. */
void options_help(FILE *stream, const char *usage, const char *summary,
                  const option_spec *specs, size_t n_specs);

/* Parses "128M"-style sizes; returns false on bad syntax or overflow. */
bool options_parse_size(const char *text, long long *out);

#endif
