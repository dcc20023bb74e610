/*
 * sql.h - the SQL files of sql/, embedded into the binary at build time.
 *
 * scripts/embed-sql.sh turns sql/migrations/NNNN_name.sql and
 * sql/queries/name.sql into static arrays, so parity needs no files at run
 * time. Migrations are in file-name order. Static storage; thread-safe.
 */
#ifndef PARITY_SQL_H
#define PARITY_SQL_H

#include <stddef.h>

typedef struct sql_file {
    const char *name; /* file name without .sql, e.g. "0001_core",
                         "tile_neighborhoods" */
    const char *text;
} sql_file;

extern const sql_file sql_migrations[];
extern const size_t sql_migrations_count;
extern const sql_file sql_queries[];
extern const size_t sql_queries_count;

/* The index of the named query in sql_queries, or -1. */
int sql_query_index(const char *name);

#endif
