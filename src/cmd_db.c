/* cmd_db.c - `parity db migrate`. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/cli.h"
#include "parity/db.h"
#include "parity/options.h"

typedef struct db_args {
    const char *db;
} db_args;

static const option_spec DB_OPTIONS[] = {
    {"--db", NULL, OPTION_STRING, NULL, 0, 0, offsetof(db_args, db), "CONNINFO",
     "database (libpq connection string or URI)"},
};

int cmd_db(int argc, char **argv, const char *db)
{
    db_args args = {.db = db};
    const char *positional[2];
    size_t n_positional;
    bool help;
    char err[1024];
    parity_status status =
        options_parse(DB_OPTIONS, 1, argc, argv, getenv, &args, positional, 2,
                      &n_positional, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (help || n_positional != 1 || strcmp(positional[0], "migrate") != 0) {
        options_help(
            help ? stdout : stderr, "parity db migrate [--db CONNINFO]",
            "Creates or updates the schema: applies the migrations of\n"
            "sql/migrations that the database has not recorded yet. Running\n"
            "it twice changes nothing.",
            DB_OPTIONS, 1);
        return help ? 0 : 2;
    }
    db_conn *conn;
    if ((status = db_connect(cli_database(args.db), 0, &conn, err,
                             sizeof err)) != PARITY_OK)
        return cli_fail(status, err);
    int applied = 0;
    status = db_migrate(conn, &applied, err, sizeof err);
    db_close(conn);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    printf("migrate: %d migration%s applied, schema up to date\n", applied,
           applied == 1 ? "" : "s");
    return 0;
}
