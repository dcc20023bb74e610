/*
 * db.h - the only module that speaks libpq.
 *
 * A db_conn is one PostgreSQL connection that runs the named queries of
 * sql/queries as prepared statements (prepared once per connection, on
 * first use or all at once with db_prepare_all). Every value is a bound text
 * parameter; nothing is spliced into SQL. A db_pool hands out a bounded
 * number of connections to server threads, reconnecting broken ones, and a
 * db_listener follows LISTEN/NOTIFY on its own connection and thread.
 *
 * Every wait for the server is bounded: a connection opened with a
 * statement timeout waits at most that long plus two seconds for any
 * answer (the server's own timeout normally fires first); past it the
 * connection is given up (closed by the pool) and the call fails with
 * PARITY_ERR_TIMEOUT, so a stopped or stuck server cannot hold a request
 * forever. Connecting waits at most the statement timeout (2 to 5 s).
 *
 * Errors map to statuses: connection failures to PARITY_ERR_UNAVAILABLE, a
 * statement timeout to PARITY_ERR_TIMEOUT, data and constraint errors to
 * PARITY_ERR_INPUT or PARITY_ERR_CONFLICT, anything else to
 * PARITY_ERR_INTERNAL; err receives the server's message.
 *
 * A db_conn is not thread-safe: one thread uses it at a time (the pool
 * guarantees that). The pool and the listener are thread-safe.
 */
#ifndef PARITY_DB_H
#define PARITY_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/status.h"

typedef struct db_conn db_conn;
typedef struct db_result db_result;
typedef struct db_pool db_pool;
typedef struct db_listener db_listener;
typedef struct db_async db_async;

/* Opens a connection. conninfo may be a libpq keyword string or URI, or
 * NULL/"" for libpq's PG* environment. statement_timeout_ms 0 means none. */
parity_status db_connect(const char *conninfo, int statement_timeout_ms,
                         db_conn **out, char *err, size_t errlen);

/* Closes the connection; NULL is fine. */
void db_close(db_conn *conn);

/* True while the connection is usable. */
bool db_conn_ok(const db_conn *conn);

/* Runs SQL text without parameters (may hold several statements). */
parity_status db_exec(db_conn *conn, const char *sql, char *err, size_t errlen);

/* Runs the named query of sql/queries with text parameters (NULL for SQL
 * NULL). *out (owned by the caller, free with db_result_free) holds the rows;
 * out may be NULL when the rows are not wanted. */
parity_status db_query(db_conn *conn, const char *name, int n_params,
                       const char *const *params, db_result **out, char *err,
                       size_t errlen);

/* Like db_query, with the result columns in binary (for bytea such as MVT
 * tiles: db_result_value then points at the raw bytes). */
parity_status db_query_binary(db_conn *conn, const char *name, int n_params,
                              const char *const *params, db_result **out,
                              char *err, size_t errlen);

/* Like db_query for SQL text written in code (the CLI's one-off statements);
 * never for text that came from outside. */
parity_status db_query_sql(db_conn *conn, const char *sql, int n_params,
                           const char *const *params, db_result **out,
                           char *err, size_t errlen);

/* After a failed query on conn: the name of the constraint it violated, and
 * the column a NOT NULL violation names ("" when the server gave none).
 * Valid until the next query on conn. */
const char *db_error_constraint(const db_conn *conn);
const char *db_error_column(const db_conn *conn);

/* Prepares every query of sql/queries now, so a broken query fails at
 * start-up; err names the query. */
parity_status db_prepare_all(db_conn *conn, char *err, size_t errlen);

/* Applies the migrations of sql/migrations that are not yet recorded in
 * schema_migrations, each in its own transaction under an advisory lock.
 * *applied receives how many ran. Running it twice changes nothing. */
parity_status db_migrate(db_conn *conn, int *applied, char *err, size_t errlen);

int db_result_rows(const db_result *result);
int db_result_columns(const db_result *result);
const char *db_result_column_name(const db_result *result, int column);
/* The value as text ("" for NULL; check db_result_is_null). Valid until the
 * result is freed. */
const char *db_result_value(const db_result *result, int row, int column);
size_t db_result_length(const db_result *result, int row, int column);
bool db_result_is_null(const db_result *result, int row, int column);
/* Rows touched by an INSERT/UPDATE/DELETE. */
long db_result_affected(const db_result *result);
void db_result_free(db_result *result);

/*
 * The pool: size connections at most, opened lazily and reopened when they
 * break. An idle connection whose server closed it (a database restart) is
 * noticed when it is taken, without a round trip, and replaced by a fresh
 * one; a server that dies during a query fails that query with
 * PARITY_ERR_UNAVAILABLE (the caller answers 503). db_pool_acquire waits
 * up to acquire_timeout_ms for a free slot and gives PARITY_ERR_UNAVAILABLE
 * (database down) or PARITY_ERR_TIMEOUT (pool exhausted). Each new connection
 * runs db_prepare_all when prepare is true.
 *
 * Two lanes share the slots: DB_LANE_BULK work (tiles, coverage, reads that
 * may be heavy or wait on each other) may hold at most size - reserve of
 * them; DB_LANE_PRIORITY work (API writes, health probes) may take any. So
 * a crowd of map requests, all waiting on one recomputation of the metrics,
 * can never leave a planner's write without a connection. reserve is
 * clamped to size - 1 (bulk work always has one slot).
 */
typedef enum db_lane { DB_LANE_BULK, DB_LANE_PRIORITY } db_lane;

db_pool *db_pool_new(const char *conninfo, int size, int reserve,
                     int statement_timeout_ms, int acquire_timeout_ms,
                     bool prepare);
void db_pool_free(db_pool *pool);
parity_status db_pool_acquire(db_pool *pool, db_lane lane, db_conn **out,
                              char *err, size_t errlen);
/* Gives the connection back; a broken one is closed and its slot reopened
 * on next use. Then the queries waiting for a connection without a thread
 * (db_async_pooled_query) get what is free, on this thread. */
void db_pool_release(db_pool *pool, db_conn *conn);
/* True when work of lane would get a new connection now: a slot is free
 * and no open connection is idle (connecting blocks). */
bool db_pool_must_connect(db_pool *pool, db_lane lane);

/* Slots in all, the reserved ones, handed out (of which to bulk work), and
 * requests waiting for one (threads blocked in db_pool_acquire and queries
 * in line in db_async_pooled_query). Thread-safe. */
typedef struct db_pool_counts {
    int size, reserve, in_use, in_use_bulk, waiting;
} db_pool_counts;
void db_pool_stats(db_pool *pool, db_pool_counts *out);

/*
 * Asynchronous queries, for threads that must not wait on the database:
 * db_async_query sends a query without waiting, and the db_async's threads
 * (each an epoll loop over the sockets of its connections with a query in
 * flight) read the answers as they come and call each query's done
 * function with its result, one batch of answers per wake-up. What done
 * does (making a tile's cache entry, its gzip) runs on those threads, one
 * per CPU, as a worker's would. The same
 * deadline as for a blocking query holds (statement timeout plus two
 * seconds: past it the connection is given up and done gets
 * PARITY_ERR_TIMEOUT), and errors map to the same statuses.
 */
typedef void (*db_async_fn)(void *ctx, db_conn *conn, parity_status status,
                            db_result *result, const char *err);

/* Starts threads loops (at least one), each with its own epoll set; a
 * connection's queries always go to the same one, and connections are
 * dealt round robin. Queries waiting for a connection of pool
 * (db_async_pooled_query) are served as the pool's connections are
 * released. NULL when they cannot be started. */
db_async *db_async_start(int threads, db_pool *pool);

/* Sends the named query of sql/queries, already prepared on conn (the
 * pool's connections are), with text parameters, its result columns in
 * binary when binary. PARITY_OK: sent, and done will be called exactly
 * once, on the async thread, with the connection, the status, the result
 * (the callee's to free; NULL on failure) and the error message; conn
 * belongs to the async thread until then. Otherwise nothing was sent,
 * done is never called, and err says why (a broken connection: release
 * it). */
parity_status db_async_query(db_async *async, db_conn *conn, const char *name,
                             int n_params, const char *const *params,
                             bool binary, db_async_fn done, void *ctx,
                             char *err, size_t errlen);

/* db_async_query on a connection of the pool for work of lane, taken
 * without blocking: at once when one is free and no other query waits for
 * one; otherwise the query waits in line, holding no thread, and is sent
 * by whichever thread releases the next connection (first come, first
 * served), or done gets PARITY_ERR_TIMEOUT and no connection once the
 * pool's wait (its acquire timeout) is over. Only open connections are
 * handed out here: when a slot is free but none is open (one broke and
 * was closed), the line waits for the next db_pool_acquire that opens one
 * (the server's health probe takes one every half second). done may be called
 * before this returns (a connection free now, or a send that failed: then with
 * no connection and the error). The connection done gets is the caller's
 * to release. params must stay valid until done is called. Anything but
 * PARITY_OK (out of memory): nothing waits, done is never called. */
parity_status db_async_pooled_query(db_async *async, db_lane lane,
                                    const char *name, int n_params,
                                    const char *const *params, bool binary,
                                    db_async_fn done, void *ctx, char *err,
                                    size_t errlen);

/* Waits for the queries in flight to be answered (each bounded by its
 * deadline), then stops the threads. NULL is fine. */
void db_async_stop(db_async *async);

/*
 * The listener: LISTEN channel on a connection of its own, on its own
 * thread (application_name "parity listener" in pg_stat_activity; the
 * other connections are "parity"). on_notify receives each payload;
 * on_reconnect is called after the connection was lost and restored
 * (notices may have been missed, so the caller should drop what it cached).
 * Both run on the listener's thread.
 */
typedef void (*db_notify_fn)(void *ctx, const char *payload);
typedef void (*db_reconnect_fn)(void *ctx);
db_listener *db_listener_start(const char *conninfo, const char *channel,
                               db_notify_fn on_notify,
                               db_reconnect_fn on_reconnect, void *ctx);
bool db_listener_connected(db_listener *listener);
void db_listener_stop(db_listener *listener);

#endif
