/*
 * cli.h - the subcommands main.c dispatches to.
 *
 * Each takes the arguments after its own name and the database given by the
 * global --db (NULL when not given: then PARITY_DATABASE_URL, then libpq's
 * PG* variables), parses them from its option table, prints --help from it,
 * and returns the process exit code (parity_status_exit_code).
 */
#ifndef PARITY_CLI_H
#define PARITY_CLI_H

#include "parity/status.h"

int cmd_db(int argc, char **argv, const char *db);
int cmd_import(int argc, char **argv, const char *db);
int cmd_serve(int argc, char **argv, const char *db);
int cmd_report(int argc, char **argv, const char *db);
int cmd_settings(int argc, char **argv, const char *db);
int cmd_token(int argc, char **argv, const char *db);

/* The database to use: given, else PARITY_DATABASE_URL, else "" (libpq
 * then reads PG* variables). */
const char *cli_database(const char *given);

/* Prints "parity: <message>" on standard error and returns the exit code. */
int cli_fail(parity_status status, const char *message);

#endif
