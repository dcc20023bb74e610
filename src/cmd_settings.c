/* cmd_settings.c - `parity settings [list | set KEY VALUE | reset [KEY]]`:
 * the analysis settings (0009_analysis.sql, docs/metrics.md). The database
 * validates every value, so psql and this command refuse the same ones. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/cli.h"
#include "parity/db.h"
#include "parity/options.h"

typedef struct settings_args {
    const char *db;
} settings_args;

static const option_spec SETTINGS_OPTIONS[] = {
    {"--db", NULL, OPTION_STRING, NULL, 0, 0, offsetof(settings_args, db),
     "CONNINFO", "database (libpq connection string or URI)"},
};

static int usage(bool help)
{
    options_help(
        help ? stdout : stderr,
        "parity settings [list | set KEY VALUE | reset [KEY]]",
        "Shows or changes the settings of the coverage analysis (walk\n"
        "radius, E2SFCA zones and supply, need measures, underserved\n"
        "thresholds, small-count suppression, time zone). A change\n"
        "takes effect for every server at once; `reset` without a KEY\n"
        "restores every default.",
        SETTINGS_OPTIONS, 1);
    return help ? 0 : 2;
}

int cmd_settings(int argc, char **argv, const char *db)
{
    settings_args args = {.db = db};
    const char *positional[3];
    size_t n;
    bool help;
    char err[1024];
    /* The KEY and VALUE after "set" are taken as they are, so a value may
     * start with '-' (underserved_gap -0.5); the rest goes to the options. */
    char *rest[64];
    int n_rest = 0;
    const char *set_key = NULL, *set_value = NULL;
    for (int i = 0; i < argc && n_rest < 64; i++) {
        if (!set_key && !strcmp(argv[i], "set") && i + 2 < argc) {
            set_key = argv[i + 1];
            set_value = argv[i + 2];
            rest[n_rest++] = argv[i];
            i += 2;
        } else {
            rest[n_rest++] = argv[i];
        }
    }
    parity_status status =
        options_parse(SETTINGS_OPTIONS, 1, n_rest, rest, getenv, &args,
                      positional, 3, &n, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (set_key && n == 1 && !strcmp(positional[0], "set")) {
        positional[1] = set_key;
        positional[2] = set_value;
        n = 3;
    }
    const char *verb = n ? positional[0] : "list";
    if (help || (!strcmp(verb, "list") && n > 1) ||
        (!strcmp(verb, "set") && n != 3) || (!strcmp(verb, "reset") && n > 2) ||
        (strcmp(verb, "list") && strcmp(verb, "set") && strcmp(verb, "reset")))
        return usage(help);
    db_conn *conn;
    if ((status = db_connect(cli_database(args.db), 0, &conn, err,
                             sizeof err)) != PARITY_OK)
        return cli_fail(status, err);
    db_result *rows = NULL;
    if (!strcmp(verb, "list")) {
        status = db_query(conn, "analysis_settings_list", 0, NULL, &rows, err,
                          sizeof err);
        for (int r = 0; status == PARITY_OK && r < db_result_rows(rows); r++) {
            const char *value = db_result_value(rows, r, 1);
            const char *def = db_result_value(rows, r, 2);
            printf("%-26s %-26s %s%s%s%s\n", db_result_value(rows, r, 0),
                   *value ? value : "''", db_result_value(rows, r, 3),
                   strcmp(value, def) ? " (default " : "",
                   strcmp(value, def) ? (*def ? def : "''") : "",
                   strcmp(value, def) ? ")" : "");
        }
    } else if (!strcmp(verb, "set")) {
        const char *params[] = {positional[1], positional[2]};
        status = db_query(conn, "analysis_settings_set", 2, params, &rows, err,
                          sizeof err);
        if (status == PARITY_OK && db_result_rows(rows) == 0)
            status = parity_fail(err, sizeof err, PARITY_ERR_USAGE,
                                 "no analysis setting named '%s' (see parity "
                                 "settings list)",
                                 positional[1]);
        else if (status == PARITY_OK)
            printf("%s = %s\n", db_result_value(rows, 0, 0),
                   db_result_value(rows, 0, 1));
    } else {
        const char *params[] = {n == 2 ? positional[1] : NULL};
        status = db_query(conn, "analysis_settings_reset", 1, params, &rows,
                          err, sizeof err);
        if (status == PARITY_OK && db_result_rows(rows) == 0)
            status = parity_fail(err, sizeof err, PARITY_ERR_USAGE,
                                 "no analysis setting named '%s' (see parity "
                                 "settings list)",
                                 positional[1]);
        for (int r = 0; status == PARITY_OK && r < db_result_rows(rows); r++)
            printf("%s = %s\n", db_result_value(rows, r, 0),
                   db_result_value(rows, r, 1));
    }
    db_result_free(rows);
    db_close(conn);
    if (status == PARITY_ERR_INPUT || status == PARITY_ERR_INTERNAL) {
        /* The trigger's message says what the setting accepts. */
        const char *m = strstr(err, "ERROR:");
        m = m ? m + 6 + strspn(m + 6, " ") : err;
        char message[1024];
        snprintf(message, sizeof message, "%.*s", (int)strcspn(m, "\n"), m);
        return cli_fail(PARITY_ERR_USAGE, message);
    }
    return status == PARITY_OK ? 0 : cli_fail(status, err);
}
