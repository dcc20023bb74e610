/* main.c - parity's entry point: global options, then a subcommand. */
#include <stdio.h>
#include <string.h>

#include "parity/cli.h"

static void usage(FILE *out)
{
    fputs(
        "usage: parity [--db CONNINFO] COMMAND [ARGS]\n"
        "\n"
        "parity shows where a city's neighborhood safety programs reach and\n"
        "where they don't.\n"
        "\n"
        "commands:\n"
        "  db migrate                  create or update the database schema\n"
        "  import boundaries FILE      replace the neighborhoods with FILE's "
        "polygons\n"
        "  import partners FILE        add or update partners (name, kind)\n"
        "  import programs FILE        add or update programs (partner, "
        "category, dates)\n"
        "  import sites FILE           add or update program sites (points)\n"
        "  import events FILE          add or update outreach events (points)\n"
        "  import indicators FILE      set need indicators per neighborhood\n"
        "  import incidents FILE       add or update incidents (never "
        "published)\n"
        "  serve                       serve tiles, the API and the map page\n"
        "  report coverage             print the coverage table (CSV or JSON)\n"
        "  settings [set KEY VALUE]    show or change the coverage analysis "
        "settings\n"
        "  token create|revoke NAME    make (printed once) or revoke an API "
        "write token\n"
        "  token list                  the API tokens: names and dates\n"
        "\n"
        "global options:\n"
        "  --db CONNINFO   libpq connection string or URI (default\n"
        "                  $PARITY_DATABASE_URL, else libpq's PG* variables)\n"
        "  -h, --help      this help; `parity COMMAND --help` for a "
        "command's\n",
        out);
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            db = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            db = argv[i] + 5;
        } else {
            fprintf(stderr, "parity: unknown option '%s' (see parity --help)\n",
                    argv[i]);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *command = argv[i];
    int rest_argc = argc - i - 1;
    char **rest = argv + i + 1;
    if (!strcmp(command, "db"))
        return cmd_db(rest_argc, rest, db);
    if (!strcmp(command, "import"))
        return cmd_import(rest_argc, rest, db);
    if (!strcmp(command, "serve"))
        return cmd_serve(rest_argc, rest, db);
    if (!strcmp(command, "report"))
        return cmd_report(rest_argc, rest, db);
    if (!strcmp(command, "settings"))
        return cmd_settings(rest_argc, rest, db);
    if (!strcmp(command, "token"))
        return cmd_token(rest_argc, rest, db);
    if (!strcmp(command, "help")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "parity: unknown command '%s' (see parity --help)\n",
            command);
    return 2;
}
