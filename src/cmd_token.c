/* cmd_token.c - `parity token create|revoke|list`: the API's write tokens. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/cli.h"
#include "parity/db.h"
#include "parity/options.h"
#include "parity/token.h"

typedef struct token_args {
    const char *db;
} token_args;

static const option_spec TOKEN_OPTIONS[] = {
    {"--db", NULL, OPTION_STRING, NULL, 0, 0, offsetof(token_args, db),
     "CONNINFO", "database (libpq connection string or URI)"},
};

static int token_create(db_conn *conn, const char *name)
{
    char token[TOKEN_TEXT_LEN + 1], hex[2 * TOKEN_HASH_LEN + 1], err[1024];
    unsigned char hash[TOKEN_HASH_LEN];
    parity_status status = token_generate(token, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if ((status = token_hash(token, strlen(token), hash)) != PARITY_OK)
        return cli_fail(status, "SHA-256 failed");
    token_hex(hash, hex);
    const char *params[] = {name, hex};
    db_result *rows = NULL;
    status = db_query(conn, "token_create", 2, params, &rows, err, sizeof err);
    if (status == PARITY_ERR_CONFLICT) {
        snprintf(err, sizeof err,
                 "a token named '%s' exists already (names stay taken after "
                 "revoking); choose another name",
                 name);
        return cli_fail(status, err);
    }
    if (status == PARITY_ERR_INPUT) {
        snprintf(err, sizeof err,
                 "token name '%s': use 1 to 64 letters, digits, spaces and "
                 ". _ @ -, starting with a letter or digit",
                 name);
        return cli_fail(status, err);
    }
    if (status != PARITY_OK)
        return cli_fail(status, err);
    db_result_free(rows);
    /* The token alone on standard output, so scripts can capture it. */
    printf("%s\n", token);
    fflush(stdout);
    fprintf(stderr,
            "parity: token '%s' created; it is shown this once (only its "
            "SHA-256 is stored). Send it as: Authorization: Bearer TOKEN\n",
            name);
    return 0;
}

static int token_revoke(db_conn *conn, const char *name)
{
    const char *params[] = {name};
    db_result *rows = NULL;
    char err[1024];
    parity_status status =
        db_query(conn, "token_revoke", 1, params, &rows, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    bool found = !strcmp(db_result_value(rows, 0, 0), "t");
    bool now = !strcmp(db_result_value(rows, 0, 1), "t");
    if (!found) {
        db_result_free(rows);
        snprintf(err, sizeof err,
                 "no token named '%s' (see `parity token list`)", name);
        return cli_fail(PARITY_ERR_NOT_FOUND, err);
    }
    printf("token '%s' %s at %s\n", name,
           now ? "revoked" : "was already revoked",
           db_result_value(rows, 0, 2));
    db_result_free(rows);
    return 0;
}

static int token_list(db_conn *conn)
{
    db_result *rows = NULL;
    char err[1024];
    parity_status status =
        db_query(conn, "token_list", 0, NULL, &rows, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    printf("%-32s %-20s %s\n", "name", "created", "revoked");
    for (int i = 0; i < db_result_rows(rows); i++)
        printf("%-32s %-20s %s\n", db_result_value(rows, i, 0),
               db_result_value(rows, i, 1),
               db_result_is_null(rows, i, 2) ? "-"
                                             : db_result_value(rows, i, 2));
    db_result_free(rows);
    return 0;
}

int cmd_token(int argc, char **argv, const char *db)
{
    token_args args = {.db = db};
    const char *positional[3];
    size_t n_positional;
    bool help;
    char err[1024];
    parity_status status =
        options_parse(TOKEN_OPTIONS, 1, argc, argv, getenv, &args, positional,
                      3, &n_positional, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    const char *action = n_positional ? positional[0] : "";
    bool named = !strcmp(action, "create") || !strcmp(action, "revoke");
    if (help || !(named ? n_positional == 2
                        : !strcmp(action, "list") && n_positional == 1)) {
        options_help(
            help ? stdout : stderr,
            "parity token create NAME | revoke NAME | list",
            "Write tokens of the HTTP API. `create` prints a new token\n"
            "once on standard output and stores only its SHA-256;\n"
            "`revoke` makes it stop working at once; `list` shows\n"
            "names and dates, never tokens or hashes.",
            TOKEN_OPTIONS, 1);
        return help ? 0 : 2;
    }
    db_conn *conn;
    if ((status = db_connect(cli_database(args.db), 0, &conn, err,
                             sizeof err)) != PARITY_OK)
        return cli_fail(status, err);
    int rc = !strcmp(action, "create")   ? token_create(conn, positional[1])
             : !strcmp(action, "revoke") ? token_revoke(conn, positional[1])
                                         : token_list(conn);
    db_close(conn);
    return rc;
}
