/* db.c - libpq connections, prepared queries, pool, listener, migrations. */
#include "parity/db.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "parity/deadline.h"
#include "parity/log.h"
#include "parity/sql.h"

struct db_conn {
    PGconn *pg;
    unsigned char *prepared; /* one flag per sql_queries entry */
    int deadline_ms;         /* client-side wait for any answer, 0: none */
    db_lane lane;            /* the pool lane it was taken for */
    bool broken;             /* gave up waiting: never to be used again */
    char constraint[64];     /* of the last failed query, or "" */
    char column[64];
    /* An asynchronous query in flight (db_async_query): the async thread
     * owns the connection until it has called done. */
    db_async_fn async_done;
    void *async_ctx;
    struct timespec async_deadline; /* CLOCK_MONOTONIC; tv_sec 0: none */
    PGresult *async_kept;           /* the result kept so far */
    bool async_flushing;            /* the query is not all sent yet */
    bool async_watched; /* its socket is in its loop's epoll set (one-shot:
                           armed while a query is out) */
    int async_loop;     /* 1 + the index of that loop, 0: none yet */
    struct db_conn *async_prev, *async_next; /* the async's in-flight list */
};

/* How much longer than the server's statement_timeout the client waits
 * for an answer before it gives the connection up: the server's own
 * timeout normally fires first; this bounds a server that is stuck (or
 * stopped) and cannot answer at all. */
#define DB_DEADLINE_GRACE_MS 2000

/* ---- errors ------------------------------------------------------------ */

static void trim_message(char *err)
{
    size_t n = strlen(err);
    while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
}

static parity_status status_of_result(PGconn *pg, PGresult *res, char *err,
                                      size_t errlen)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pg);
    if (!msg || !*msg)
        msg = PQerrorMessage(pg);
    parity_fail(err, errlen, PARITY_OK, "%s",
                msg && *msg ? msg : "database error");
    if (err && errlen)
        trim_message(err);
    if (PQstatus(pg) != CONNECTION_OK)
        return PARITY_ERR_UNAVAILABLE;
    if (!state)
        return PARITY_ERR_INTERNAL;
    if (!strcmp(state, "57014"))
        return PARITY_ERR_TIMEOUT;
    if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3) ||
        !strcmp(state, "53300") || !strcmp(state, "40001") ||
        !strcmp(state, "40P01"))
        return PARITY_ERR_UNAVAILABLE;
    if (!strcmp(state, "23505"))
        return PARITY_ERR_CONFLICT;
    if (!strncmp(state, "22", 2) || !strncmp(state, "23", 2) ||
        !strcmp(state, "P0001"))
        return PARITY_ERR_INPUT;
    return PARITY_ERR_INTERNAL;
}

/* ---- connections ------------------------------------------------------- */

/* Server notices (and the farewell of a terminated backend on an idle
 * connection) go to the log as one line each, not raw to stderr. */
static void log_notice(void *arg, const char *message)
{
    (void)arg;
    char text[512], quoted[600];
    snprintf(text, sizeof text, "%s", message);
    trim_message(text);
    log_event("info", "db.notice", "message=%s",
              log_quote(text, quoted, sizeof quoted));
}

/* Opens a connection that shows as application_name in pg_stat_activity. */
static parity_status connect_as(const char *conninfo, int statement_timeout_ms,
                                const char *application_name, db_conn **out,
                                char *err, size_t errlen)
{
    *out = NULL;
    /* libpq's connect_timeout is whole seconds, at least 2; a connection
     * should not take longer than a statement may. */
    char connect_timeout[16];
    int seconds =
        statement_timeout_ms > 0 ? (statement_timeout_ms + 999) / 1000 : 5;
    snprintf(connect_timeout, sizeof connect_timeout, "%d",
             seconds < 2   ? 2
             : seconds > 5 ? 5
                           : seconds);
    const char *keys[] = {"dbname", "connect_timeout", "application_name",
                          "client_encoding", NULL};
    const char *vals[] = {conninfo && *conninfo ? conninfo : NULL,
                          connect_timeout, application_name, "UTF8", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg)
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    if (PQstatus(pg) != CONNECTION_OK) {
        parity_fail(err, errlen, PARITY_OK,
                    "cannot connect to the database: %s (set --db or "
                    "PARITY_DATABASE_URL)",
                    PQerrorMessage(pg));
        if (err && errlen)
            trim_message(err);
        PQfinish(pg);
        return PARITY_ERR_UNAVAILABLE;
    }
    PQsetNoticeProcessor(pg, log_notice, NULL);
    db_conn *conn = calloc(1, sizeof *conn);
    unsigned char *prepared = calloc(sql_queries_count + 1, 1);
    if (!conn || !prepared) {
        free(conn);
        free(prepared);
        PQfinish(pg);
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    }
    conn->pg = pg;
    conn->prepared = prepared;
    conn->deadline_ms = statement_timeout_ms > 0
                            ? statement_timeout_ms + DB_DEADLINE_GRACE_MS
                            : 0;
    char sql[128];
    snprintf(sql, sizeof sql,
             "SET statement_timeout = %d; SET TIME ZONE 'UTC'; "
             "SET client_min_messages = warning",
             statement_timeout_ms > 0 ? statement_timeout_ms : 0);
    parity_status status = db_exec(conn, sql, err, errlen);
    if (status != PARITY_OK) {
        db_close(conn);
        return status;
    }
    *out = conn;
    return PARITY_OK;
}

parity_status db_connect(const char *conninfo, int statement_timeout_ms,
                         db_conn **out, char *err, size_t errlen)
{
    return connect_as(conninfo, statement_timeout_ms, "parity", out, err,
                      errlen);
}

void db_close(db_conn *conn)
{
    if (!conn)
        return;
    PQfinish(conn->pg);
    free(conn->prepared);
    free(conn);
}

bool db_conn_ok(const db_conn *conn)
{
    return conn && !conn->broken && PQstatus(conn->pg) == CONNECTION_OK;
}

static bool result_failed(const PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    return st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
}

/* The status of a failed query (res may be NULL: the connection broke),
 * with the constraint or column it names kept on conn for the caller.
 * Frees res. */
static parity_status record_failure(db_conn *conn, PGresult *res, char *err,
                                    size_t errlen)
{
    const char *constraint =
        res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *column =
        res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
    snprintf(conn->constraint, sizeof conn->constraint, "%s",
             constraint ? constraint : "");
    snprintf(conn->column, sizeof conn->column, "%s", column ? column : "");
    parity_status status = status_of_result(conn->pg, res, err, errlen);
    PQclear(res);
    return status;
}

/* Of the results of one query string, the one to answer with: the first
 * failed one, else the last. Frees the other. */
static PGresult *keep_result(PGresult *kept, PGresult *res)
{
    if (kept && result_failed(kept)) {
        PQclear(res);
        return kept;
    }
    PQclear(kept);
    return res;
}

/*
 * Waits for the answer to the query just sent and returns its result (the
 * first failed one when a string of statements fails part-way, else the
 * last). Past the connection's deadline it gives the connection up (marked
 * broken, so the pool closes it) and returns NULL with *timed_out set: a
 * server that is stopped or stuck cannot hold a request thread forever.
 */
static PGresult *wait_result(db_conn *conn, bool *timed_out)
{
    *timed_out = false;
    struct timespec deadline =
        deadline_after(CLOCK_MONOTONIC, conn->deadline_ms);
    PGresult *kept = NULL;
    for (;;) {
        while (PQisBusy(conn->pg)) {
            long wait = -1;
            if (conn->deadline_ms > 0 &&
                (wait = deadline_ms_left(&deadline)) <= 0) {
                *timed_out = true;
                conn->broken = true;
                PQclear(kept);
                return NULL;
            }
            struct pollfd p = {.fd = PQsocket(conn->pg), .events = POLLIN};
            if (poll(&p, 1, (int)wait) < 0 && errno != EINTR)
                break;
            if (!PQconsumeInput(conn->pg))
                break; /* broken: PQgetResult reports it */
        }
        PGresult *res = PQgetResult(conn->pg);
        if (!res)
            break;
        kept = keep_result(kept, res);
        if (PQstatus(conn->pg) == CONNECTION_BAD && PQisBusy(conn->pg))
            break;
    }
    return kept;
}

/* The result of a query sent with PQsend* (sent: its return value). */
static PGresult *collect(db_conn *conn, int sent, parity_status *status,
                         char *err, size_t errlen)
{
    *status = PARITY_OK;
    if (conn->broken) {
        *status = parity_fail(err, errlen, PARITY_ERR_UNAVAILABLE,
                              "the database connection was given up");
        return NULL;
    }
    bool timed_out = false;
    PGresult *res = sent ? wait_result(conn, &timed_out) : NULL;
    if (timed_out) {
        *status = parity_fail(err, errlen, PARITY_ERR_TIMEOUT,
                              "the database did not answer within %d ms",
                              conn->deadline_ms);
        return NULL;
    }
    conn->constraint[0] = conn->column[0] = '\0';
    if (!res || result_failed(res)) {
        *status = record_failure(conn, res, err, errlen);
        return NULL;
    }
    return res;
}

parity_status db_exec(db_conn *conn, const char *sql, char *err, size_t errlen)
{
    if (conn->broken)
        return parity_fail(err, errlen, PARITY_ERR_UNAVAILABLE,
                           "the database connection was given up");
    parity_status status;
    PGresult *res =
        collect(conn, PQsendQuery(conn->pg, sql), &status, err, errlen);
    PQclear(res);
    return status;
}

static parity_status finish_query(db_conn *conn, PGresult *res, db_result **out,
                                  char *err, size_t errlen)
{
    conn->constraint[0] = conn->column[0] = '\0';
    if (result_failed(res))
        return record_failure(conn, res, err, errlen);
    if (out)
        *out = (db_result *)res;
    else
        PQclear(res);
    return PARITY_OK;
}

static parity_status prepare_one(db_conn *conn, int index, char *err,
                                 size_t errlen)
{
    if (conn->prepared[index])
        return PARITY_OK;
    char inner[512];
    parity_status status;
    PGresult *res = collect(conn,
                            PQsendPrepare(conn->pg, sql_queries[index].name,
                                          sql_queries[index].text, 0, NULL),
                            &status, inner, sizeof inner);
    if (status != PARITY_OK) {
        if (status == PARITY_ERR_UNAVAILABLE || status == PARITY_ERR_TIMEOUT)
            return parity_fail(err, errlen, status, "%s", inner);
        if (status == PARITY_ERR_INPUT || status == PARITY_ERR_CONFLICT)
            status = PARITY_ERR_INTERNAL;
        return parity_fail(err, errlen, status,
                           "query %s does not prepare: %s (has `parity db "
                           "migrate` run?)",
                           sql_queries[index].name, inner);
    }
    PQclear(res);
    conn->prepared[index] = 1;
    return PARITY_OK;
}

parity_status db_prepare_all(db_conn *conn, char *err, size_t errlen)
{
    for (size_t i = 0; i < sql_queries_count; i++) {
        parity_status status = prepare_one(conn, (int)i, err, errlen);
        if (status != PARITY_OK)
            return status;
    }
    return PARITY_OK;
}

static parity_status run_named(db_conn *conn, const char *name, int n_params,
                               const char *const *params, int result_format,
                               db_result **out, char *err, size_t errlen)
{
    if (out)
        *out = NULL;
    int index = sql_query_index(name);
    if (index < 0)
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "no query named %s in sql/queries", name);
    parity_status status = prepare_one(conn, index, err, errlen);
    if (status != PARITY_OK)
        return status;
    PGresult *res =
        collect(conn,
                PQsendQueryPrepared(conn->pg, name, n_params, params, NULL,
                                    NULL, result_format),
                &status, err, errlen);
    if (status != PARITY_OK)
        return status;
    return finish_query(conn, res, out, err, errlen);
}

parity_status db_query(db_conn *conn, const char *name, int n_params,
                       const char *const *params, db_result **out, char *err,
                       size_t errlen)
{
    return run_named(conn, name, n_params, params, 0, out, err, errlen);
}

parity_status db_query_binary(db_conn *conn, const char *name, int n_params,
                              const char *const *params, db_result **out,
                              char *err, size_t errlen)
{
    return run_named(conn, name, n_params, params, 1, out, err, errlen);
}

parity_status db_query_sql(db_conn *conn, const char *sql, int n_params,
                           const char *const *params, db_result **out,
                           char *err, size_t errlen)
{
    if (out)
        *out = NULL;
    parity_status status;
    PGresult *res = collect(
        conn,
        PQsendQueryParams(conn->pg, sql, n_params, NULL, params, NULL, NULL, 0),
        &status, err, errlen);
    if (status != PARITY_OK)
        return status;
    return finish_query(conn, res, out, err, errlen);
}

const char *db_error_constraint(const db_conn *conn)
{
    return conn->constraint;
}

const char *db_error_column(const db_conn *conn)
{
    return conn->column;
}

/* ---- results ----------------------------------------------------------- */

int db_result_rows(const db_result *result)
{
    return PQntuples((const PGresult *)result);
}

int db_result_columns(const db_result *result)
{
    return PQnfields((const PGresult *)result);
}

const char *db_result_column_name(const db_result *result, int column)
{
    return PQfname((const PGresult *)result, column);
}

const char *db_result_value(const db_result *result, int row, int column)
{
    return PQgetvalue((const PGresult *)result, row, column);
}

size_t db_result_length(const db_result *result, int row, int column)
{
    return (size_t)PQgetlength((const PGresult *)result, row, column);
}

bool db_result_is_null(const db_result *result, int row, int column)
{
    return PQgetisnull((const PGresult *)result, row, column);
}

long db_result_affected(const db_result *result)
{
    const char *n = PQcmdTuples((PGresult *)result);
    return n && *n ? strtol(n, NULL, 10) : 0;
}

void db_result_free(db_result *result)
{
    PQclear((PGresult *)result);
}

/* ---- migrations -------------------------------------------------------- */

parity_status db_migrate(db_conn *conn, int *applied, char *err, size_t errlen)
{
    *applied = 0;
    parity_status status =
        db_exec(conn,
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY,"
                " applied_at timestamptz NOT NULL DEFAULT now())",
                err, errlen);
    if (status != PARITY_OK)
        return status;
    for (size_t i = 0; i < sql_migrations_count; i++) {
        const sql_file *m = &sql_migrations[i];
        /* One migrator at a time: the lock is held until COMMIT. */
        status = db_exec(conn, "BEGIN; SELECT pg_advisory_xact_lock(7412001)",
                         err, errlen);
        if (status != PARITY_OK)
            return status;
        const char *params[] = {m->name};
        db_result *res = NULL;
        status = db_query_sql(
            conn, "SELECT 1 FROM schema_migrations WHERE version = $1", 1,
            params, &res, err, errlen);
        bool done = status == PARITY_OK && db_result_rows(res) > 0;
        db_result_free(res);
        if (status == PARITY_OK && !done) {
            char inner[1024];
            status = db_exec(conn, m->text, inner, sizeof inner);
            if (status != PARITY_OK)
                parity_fail(err, errlen, status, "migration %s failed: %s",
                            m->name, inner);
            else
                status = db_query_sql(
                    conn, "INSERT INTO schema_migrations (version) VALUES ($1)",
                    1, params, NULL, err, errlen);
        }
        if (status != PARITY_OK) {
            db_exec(conn, "ROLLBACK", NULL, 0);
            return status;
        }
        if ((status = db_exec(conn, "COMMIT", err, errlen)) != PARITY_OK)
            return status;
        if (!done)
            (*applied)++;
    }
    return PARITY_OK;
}

/* ---- pool -------------------------------------------------------------- */

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *conninfo;
    int size, timeout_ms, acquire_timeout_ms;
    int bulk_limit; /* slots bulk work may hold: size - reserve */
    bool prepare;
    db_conn **idle; /* stack of open idle connections */
    int n_idle;
    int in_use;             /* slots handed out (open or being opened) */
    int in_use_bulk;        /* of which to DB_LANE_BULK */
    int waiting;            /* threads blocked in db_pool_acquire */
    struct db_async *async; /* serves its waiters after each release (set
                               before the pool is shared, cleared after) */
};

db_pool *db_pool_new(const char *conninfo, int size, int reserve,
                     int statement_timeout_ms, int acquire_timeout_ms,
                     bool prepare)
{
    db_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->idle = calloc((size_t)size, sizeof *pool->idle);
    pool->conninfo = strdup(conninfo ? conninfo : "");
    if (!pool->idle || !pool->conninfo) {
        free(pool->idle);
        free(pool->conninfo);
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->freed, NULL);
    pool->size = size;
    pool->bulk_limit = size - (reserve < 0      ? 0
                               : reserve < size ? reserve
                                                : size - 1);
    pool->timeout_ms = statement_timeout_ms;
    pool->acquire_timeout_ms = acquire_timeout_ms;
    pool->prepare = prepare;
    return pool;
}

void db_pool_free(db_pool *pool)
{
    if (!pool)
        return;
    for (int i = 0; i < pool->n_idle; i++)
        db_close(pool->idle[i]);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->freed);
    free(pool->idle);
    free(pool->conninfo);
    free(pool);
}

static int async_waiters_serve(struct db_async *async);
static int async_waiting(struct db_async *async);
static void pool_release(db_pool *pool, db_conn *conn, bool serve);

/* False when the idle connection's server has closed it. */
static bool idle_connection_alive(db_conn *conn)
{
    if (!db_conn_ok(conn))
        return false;
    /* A terminated backend sends an error (which libpq, the connection
     * being idle, passes to the notice processor) and then closes: read
     * until the socket has nothing more to say or the end shows. */
    for (int i = 0; i < 8; i++) {
        struct pollfd p = {.fd = PQsocket(conn->pg), .events = POLLIN};
        if (poll(&p, 1, 0) <= 0)
            break;
        if (!PQconsumeInput(conn->pg))
            return false;
    }
    return PQstatus(conn->pg) == CONNECTION_OK;
}

/* True when a slot is free for work of this lane. Call with the lock. */
static bool slot_free(const db_pool *pool, db_lane lane)
{
    return pool->in_use < pool->size &&
           (lane == DB_LANE_PRIORITY || pool->in_use_bulk < pool->bulk_limit);
}

parity_status db_pool_acquire(db_pool *pool, db_lane lane, db_conn **out,
                              char *err, size_t errlen)
{
    *out = NULL;
    struct timespec deadline =
        deadline_after(CLOCK_REALTIME, pool->acquire_timeout_ms);
    pthread_mutex_lock(&pool->lock);
    while (!slot_free(pool, lane)) {
        pool->waiting++;
        int rc = pthread_cond_timedwait(&pool->freed, &pool->lock, &deadline);
        pool->waiting--;
        if (rc == ETIMEDOUT && !slot_free(pool, lane)) {
            int limit = lane == DB_LANE_BULK ? pool->bulk_limit : pool->size;
            pthread_mutex_unlock(&pool->lock);
            /* Queries in line may have let a connection pass for this
             * thread (pool_take_idle). */
            if (pool->async)
                async_waiters_serve(pool->async);
            return parity_fail(err, errlen, PARITY_ERR_TIMEOUT,
                               "all %d database connections are busy", limit);
        }
    }
    pool->in_use++;
    if (lane == DB_LANE_BULK)
        pool->in_use_bulk++;
    db_conn *conn = pool->n_idle > 0 ? pool->idle[--pool->n_idle] : NULL;
    pthread_mutex_unlock(&pool->lock);

    /* An idle connection whose server went away (a restart, an
     * administrator's pg_terminate_backend) has the server's farewell and
     * the end of the stream waiting on its socket: notice it here, without
     * a round trip, and open a fresh one instead of failing the request. */
    if (conn && !idle_connection_alive(conn)) {
        log_event("info", "db.reconnect",
                  "reason=\"connection lost while idle\"");
        db_close(conn);
        conn = NULL;
    }
    parity_status status = PARITY_OK;
    if (!conn) {
        status =
            db_connect(pool->conninfo, pool->timeout_ms, &conn, err, errlen);
        if (status == PARITY_OK && pool->prepare &&
            (status = db_prepare_all(conn, err, errlen)) != PARITY_OK) {
            db_close(conn);
            conn = NULL;
        }
    }
    if (status != PARITY_OK) {
        pthread_mutex_lock(&pool->lock);
        pool->in_use--;
        if (lane == DB_LANE_BULK)
            pool->in_use_bulk--;
        pthread_cond_broadcast(&pool->freed);
        pthread_mutex_unlock(&pool->lock);
        return status;
    }
    conn->lane = lane;
    *out = conn;
    return PARITY_OK;
}

/* The non-blocking acquire, for the line of db_async_pooled_query: an
 * open idle connection when one is free for the lane (true), else false
 * with nothing taken (no free slot; no open connection to hand out, as
 * opening one would block; or a thread blocked in db_pool_acquire, which
 * goes first: it was woken for this connection, and would otherwise lose
 * every race while tiles keep coming). An idle connection found dead is
 * closed on the way. */
static bool pool_take_idle(db_pool *pool, db_lane lane, db_conn **out)
{
    *out = NULL;
    pthread_mutex_lock(&pool->lock);
    if (!slot_free(pool, lane) || pool->n_idle == 0 || pool->waiting > 0) {
        pthread_mutex_unlock(&pool->lock);
        return false;
    }
    pool->in_use++;
    if (lane == DB_LANE_BULK)
        pool->in_use_bulk++;
    db_conn *conn = pool->idle[--pool->n_idle];
    pthread_mutex_unlock(&pool->lock);
    conn->lane = lane;
    if (!idle_connection_alive(conn)) {
        log_event("info", "db.reconnect",
                  "reason=\"connection lost while idle\"");
        /* Closes it: the slot is free again (the waiters are served by
         * whoever called). */
        pool_release(pool, conn, false);
        return false;
    }
    *out = conn;
    return true;
}

bool db_pool_must_connect(db_pool *pool, db_lane lane)
{
    pthread_mutex_lock(&pool->lock);
    bool yes = slot_free(pool, lane) && pool->n_idle == 0;
    pthread_mutex_unlock(&pool->lock);
    return yes;
}

/* Returns conn to the pool; then, when serve, gives free connections to
 * the asynchronous queries waiting for one. */
static void pool_release(db_pool *pool, db_conn *conn, bool serve)
{
    if (!conn)
        return;
    /* A connection left inside a transaction, broken or given up is not
     * reused. */
    bool reusable =
        db_conn_ok(conn) && PQtransactionStatus(conn->pg) == PQTRANS_IDLE;
    db_lane lane = conn->lane;
    if (!reusable) {
        db_close(conn);
        conn = NULL;
    }
    pthread_mutex_lock(&pool->lock);
    pool->in_use--;
    if (lane == DB_LANE_BULK)
        pool->in_use_bulk--;
    if (conn)
        pool->idle[pool->n_idle++] = conn;
    /* Waiters of both lanes share the condition, and a freed bulk slot may
     * be usable only by a bulk waiter: wake them all (a few threads). */
    pthread_cond_broadcast(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
    if (serve && pool->async)
        async_waiters_serve(pool->async);
}

void db_pool_release(db_pool *pool, db_conn *conn)
{
    pool_release(pool, conn, true);
}

void db_pool_stats(db_pool *pool, db_pool_counts *out)
{
    pthread_mutex_lock(&pool->lock);
    *out = (db_pool_counts){.size = pool->size,
                            .reserve = pool->size - pool->bulk_limit,
                            .in_use = pool->in_use,
                            .in_use_bulk = pool->in_use_bulk,
                            .waiting = pool->waiting};
    pthread_mutex_unlock(&pool->lock);
    if (pool->async)
        out->waiting += async_waiting(pool->async);
}

/* ---- asynchronous queries ---------------------------------------------- */

/* The longest a loop sleeps: it then looks at the deadlines of its
 * queries (and loop 0 at the line's), so a query or a waiter new to a
 * sleeping loop needs no wake-up, and a deadline is kept within this. */
#define LOOP_PERIOD_MS 250

typedef struct async_loop {
    struct db_async *waiters; /* loop 0: watches the waiters' deadlines */
    int epoll_fd;
    int wake_fd; /* eventfd: the stop */
    pthread_t thread;
    pthread_mutex_t lock; /* the in-flight list and stopping */
    db_conn *in_flight;   /* a list through async_prev/async_next, nearest
                             deadline first (none last) */
    db_conn *in_flight_tail;
    bool stopping;
} async_loop;

/* A query waiting for a connection of the pool (db_async_pooled_query). */
typedef struct async_waiter {
    struct async_waiter *next;
    db_lane lane;
    struct timespec deadline; /* CLOCK_MONOTONIC: the pool's wait */
    const char *name;
    int n_params;
    const char *const *params;
    bool binary;
    db_async_fn done;
    void *ctx;
    int attempts; /* sends that failed on a broken connection */
} async_waiter;

/* One loop per thread; a connection keeps the loop whose epoll set its
 * socket joined (db_conn.async_loop). */
struct db_async {
    async_loop *loops;
    int n_loops;
    atomic_uint next; /* round robin for connections new to async */
    db_pool *pool;
    pthread_mutex_t wait_lock; /* the waiters, first come first */
    async_waiter *waiting, *waiting_tail;
    atomic_int n_waiting; /* for db_pool_stats, which holds the pool's lock */
};

static void async_wake(async_loop *loop)
{
    uint64_t one = 1;
    if (write(loop->wake_fd, &one, sizeof one) < 0)
        log_event("warn", "db.async_wake_failed", NULL);
}

static void async_unlink(async_loop *loop, db_conn *conn)
{
    pthread_mutex_lock(&loop->lock);
    if (conn->async_prev)
        conn->async_prev->async_next = conn->async_next;
    else
        loop->in_flight = conn->async_next;
    if (conn->async_next)
        conn->async_next->async_prev = conn->async_prev;
    else
        loop->in_flight_tail = conn->async_prev;
    conn->async_prev = conn->async_next = NULL;
    pthread_mutex_unlock(&loop->lock);
}

/* Ends conn's query: out of the list (its socket stays in the epoll set,
 * disarmed, until the next query or its close), the connection back to
 * blocking use, and done called with the outcome. res is the
 * answer (NULL when the connection broke or timed_out). */
static void async_finish(async_loop *loop, db_conn *conn, PGresult *res,
                         bool timed_out)
{
    async_unlink(loop, conn);
    db_async_fn done = conn->async_done;
    void *ctx = conn->async_ctx;
    conn->async_done = NULL;
    conn->async_kept = NULL;
    char err[512] = "";
    parity_status status = PARITY_OK;
    conn->constraint[0] = conn->column[0] = '\0';
    if (timed_out) {
        conn->broken = true;
        PQclear(res);
        res = NULL;
        status = parity_fail(err, sizeof err, PARITY_ERR_TIMEOUT,
                             "the database did not answer within %d ms",
                             conn->deadline_ms);
    } else if (!res || result_failed(res)) {
        status = record_failure(conn, res, err, sizeof err);
        res = NULL;
    }
    if (!conn->broken && PQsetnonblocking(conn->pg, 0) != 0)
        conn->broken = true;
    done(ctx, conn, status, (db_result *)res, err);
}

/* Arms conn's socket for the next event it waits for (one-shot). */
static bool async_arm(async_loop *loop, db_conn *conn)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT |
                                       (conn->async_flushing ? EPOLLOUT : 0),
                             .data.ptr = conn};
    int op = conn->async_watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(loop->epoll_fd, op, PQsocket(conn->pg), &ev) != 0)
        return false;
    conn->async_watched = true;
    return true;
}

/* Reads what conn's socket has; finishes the query once its last result
 * is in (or the connection broke), else waits for more. */
static void async_read(async_loop *loop, db_conn *conn)
{
    if (conn->async_flushing) {
        int rc = PQflush(conn->pg);
        if (rc < 0) {
            async_finish(loop, conn, conn->async_kept, false);
            return;
        }
        /* All sent, or not yet: either way, read what came (libpq may have
         * read while sending) and wait for the rest. */
        conn->async_flushing = rc == 1;
    }
    bool broken = !PQconsumeInput(conn->pg);
    while (broken || !PQisBusy(conn->pg)) {
        PGresult *res = PQgetResult(conn->pg);
        if (!res) {
            async_finish(loop, conn, conn->async_kept, false);
            return;
        }
        conn->async_kept = keep_result(conn->async_kept, res);
        if (PQstatus(conn->pg) == CONNECTION_BAD && PQisBusy(conn->pg)) {
            async_finish(loop, conn, conn->async_kept, false);
            return;
        }
    }
    if (!async_arm(loop, conn)) {
        conn->broken = true;
        async_finish(loop, conn, conn->async_kept, false);
    }
}

/* Finishes the queries past their deadline; returns the milliseconds to
 * the nearest deadline left (-1: none). */
static int async_expire(async_loop *loop)
{
    for (;;) {
        pthread_mutex_lock(&loop->lock);
        db_conn *first = loop->in_flight;
        bool timed = first && first->async_deadline.tv_sec;
        long ms = timed ? deadline_ms_left(&first->async_deadline) : -1;
        pthread_mutex_unlock(&loop->lock);
        if (!timed)
            return -1;
        if (ms > 0)
            return (int)ms + 1;
        async_finish(loop, first, first->async_kept, true);
    }
}

/* Gives free connections to the waiters, first come first served (each
 * query sent on the calling thread), and answers those past their wait
 * with PARITY_ERR_TIMEOUT; returns the milliseconds to the first
 * remaining waiter's deadline (-1: none). Runs after every release of a
 * connection of the pool, when a waiter comes, and on loop 0 when a
 * deadline passes. */
static int async_waiters_serve(db_async *async)
{
    for (;;) {
        pthread_mutex_lock(&async->wait_lock);
        async_waiter *w = async->waiting;
        if (!w) {
            pthread_mutex_unlock(&async->wait_lock);
            return -1;
        }
        long ms = deadline_ms_left(&w->deadline);
        db_conn *conn = NULL;
        if (ms > 0 && !pool_take_idle(async->pool, w->lane, &conn)) {
            pthread_mutex_unlock(&async->wait_lock);
            return (int)ms + 1;
        }
        async->waiting = w->next;
        if (!async->waiting)
            async->waiting_tail = NULL;
        atomic_fetch_sub(&async->n_waiting, 1);
        pthread_mutex_unlock(&async->wait_lock);
        /* Sent without the lock: others may serve the line meanwhile. */
        char err[256] = "";
        parity_status status;
        if (!conn) {
            int limit = w->lane == DB_LANE_BULK ? async->pool->bulk_limit
                                                : async->pool->size;
            status = parity_fail(err, sizeof err, PARITY_ERR_TIMEOUT,
                                 "all %d database connections are busy", limit);
        } else if ((status = db_async_query(
                        async, conn, w->name, w->n_params, w->params, w->binary,
                        w->done, w->ctx, err, sizeof err)) != PARITY_OK) {
            /* A connection that broke while idle: closed, and the query
             * goes back to the head of the line for the next one (a few
             * times). */
            pool_release(async->pool, conn, false);
            if (++w->attempts < 4) {
                pthread_mutex_lock(&async->wait_lock);
                w->next = async->waiting;
                async->waiting = w;
                if (!w->next)
                    async->waiting_tail = w;
                atomic_fetch_add(&async->n_waiting, 1);
                pthread_mutex_unlock(&async->wait_lock);
                continue;
            }
        }
        if (status != PARITY_OK)
            w->done(w->ctx, NULL, status, NULL, err);
        free(w);
    }
}

static int async_waiting(db_async *async)
{
    return atomic_load(&async->n_waiting);
}

/* True when deadline a comes strictly before b (tv_sec 0: none, never). */
static bool deadline_before(const struct timespec *a, const struct timespec *b)
{
    if (!a->tv_sec)
        return false;
    if (!b->tv_sec)
        return true;
    return a->tv_sec < b->tv_sec ||
           (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void *async_main(void *arg)
{
    async_loop *loop = arg;
    struct epoll_event events[64];
    for (;;) {
        int timeout = async_expire(loop);
        if (loop->waiters) {
            int ms = async_waiters_serve(loop->waiters);
            if (ms >= 0 && (timeout < 0 || ms < timeout))
                timeout = ms;
        }
        pthread_mutex_lock(&loop->lock);
        bool done = loop->stopping && !loop->in_flight;
        pthread_mutex_unlock(&loop->lock);
        if (done)
            return NULL;
        if (timeout < 0 || timeout > LOOP_PERIOD_MS)
            timeout = LOOP_PERIOD_MS;
        int n = epoll_wait(loop->epoll_fd, events, 64, timeout);
        for (int i = 0; i < n; i++) {
            if (!events[i].data.ptr) {
                /* Woken: drained; the loop looks at the deadlines and the
                 * stop again. */
                uint64_t count;
                if (read(loop->wake_fd, &count, sizeof count) < 0 &&
                    errno != EAGAIN)
                    log_event("warn", "db.async_wake_failed", NULL);
                continue;
            }
            async_read(loop, events[i].data.ptr);
        }
    }
}

static void loop_dispose(async_loop *loop)
{
    if (loop->epoll_fd >= 0)
        close(loop->epoll_fd);
    if (loop->wake_fd >= 0)
        close(loop->wake_fd);
    pthread_mutex_destroy(&loop->lock);
}

/* Stops a loop once its queries are answered, and frees what it holds. */
static void loop_stop(async_loop *loop)
{
    pthread_mutex_lock(&loop->lock);
    loop->stopping = true;
    pthread_mutex_unlock(&loop->lock);
    async_wake(loop);
    pthread_join(loop->thread, NULL);
    loop_dispose(loop);
}

static bool loop_start(async_loop *loop)
{
    pthread_mutex_init(&loop->lock, NULL);
    loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    loop->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (loop->epoll_fd < 0 || loop->wake_fd < 0 ||
        epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, loop->wake_fd, &ev) != 0 ||
        pthread_create(&loop->thread, NULL, async_main, loop) != 0) {
        loop_dispose(loop);
        return false;
    }
    return true;
}

db_async *db_async_start(int threads, db_pool *pool)
{
    db_async *async = calloc(1, sizeof *async);
    if (!async)
        return NULL;
    if (threads < 1)
        threads = 1;
    async->loops = calloc((size_t)threads, sizeof *async->loops);
    if (!async->loops) {
        free(async);
        return NULL;
    }
    async->pool = pool;
    pthread_mutex_init(&async->wait_lock, NULL);
    async->loops[0].waiters = async;
    for (; async->n_loops < threads; async->n_loops++)
        if (!loop_start(&async->loops[async->n_loops])) {
            db_async_stop(async);
            return NULL;
        }
    pool->async = async;
    return async;
}

parity_status db_async_pooled_query(db_async *async, db_lane lane,
                                    const char *name, int n_params,
                                    const char *const *params, bool binary,
                                    db_async_fn done, void *ctx, char *err,
                                    size_t errlen)
{
    async_waiter *w = malloc(sizeof *w);
    if (!w)
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    *w = (async_waiter){.lane = lane,
                        .deadline = deadline_after(
                            CLOCK_MONOTONIC, async->pool->acquire_timeout_ms),
                        .name = name,
                        .n_params = n_params,
                        .params = params,
                        .binary = binary,
                        .done = done,
                        .ctx = ctx};
    /* Always in line, behind those already waiting: first come, first
     * served. */
    pthread_mutex_lock(&async->wait_lock);
    if (async->waiting_tail)
        async->waiting_tail->next = w;
    else
        async->waiting = w;
    async->waiting_tail = w;
    atomic_fetch_add(&async->n_waiting, 1);
    pthread_mutex_unlock(&async->wait_lock);
    /* Loop 0 looks at this one's deadline within LOOP_PERIOD_MS. */
    async_waiters_serve(async);
    return PARITY_OK;
}

parity_status db_async_query(db_async *async, db_conn *conn, const char *name,
                             int n_params, const char *const *params,
                             bool binary, db_async_fn done, void *ctx,
                             char *err, size_t errlen)
{
    int index = sql_query_index(name);
    if (index < 0 || !conn->prepared[index])
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "query %s is not prepared on this connection", name);
    if (!db_conn_ok(conn))
        return parity_fail(err, errlen, PARITY_ERR_UNAVAILABLE,
                           "the database connection was given up");
    /* A connection stays with the loop whose epoll set it joined; new ones
     * are dealt round robin, so the loops share the pool. */
    if (!conn->async_loop)
        conn->async_loop = 1 + (int)(atomic_fetch_add(&async->next, 1) %
                                     (unsigned)async->n_loops);
    async_loop *loop = &async->loops[conn->async_loop - 1];
    /* Non-blocking while the query is out, so sending never waits. */
    if (PQsetnonblocking(conn->pg, 1) != 0 ||
        !PQsendQueryPrepared(conn->pg, name, n_params, params, NULL, NULL,
                             binary ? 1 : 0)) {
        parity_status status = status_of_result(conn->pg, NULL, err, errlen);
        conn->broken = true;
        return status == PARITY_ERR_UNAVAILABLE ? status
                                                : PARITY_ERR_UNAVAILABLE;
    }
    int flushed = PQflush(conn->pg);
    if (flushed < 0) {
        status_of_result(conn->pg, NULL, err, errlen);
        conn->broken = true;
        return PARITY_ERR_UNAVAILABLE;
    }
    conn->async_done = done;
    conn->async_ctx = ctx;
    conn->async_kept = NULL;
    conn->async_flushing = flushed == 1;
    conn->async_deadline = (struct timespec){0, 0};
    if (conn->deadline_ms > 0)
        conn->async_deadline =
            deadline_after(CLOCK_MONOTONIC, conn->deadline_ms);
    /* Listed before its socket is armed: the answer may come at once. In
     * deadline order, so the thread looks at the first one only; queries
     * come in that order (one statement timeout), so this is the tail. */
    pthread_mutex_lock(&loop->lock);
    db_conn *after = loop->in_flight_tail;
    while (after &&
           deadline_before(&conn->async_deadline, &after->async_deadline))
        after = after->async_prev;
    conn->async_prev = after;
    conn->async_next = after ? after->async_next : loop->in_flight;
    if (conn->async_next)
        conn->async_next->async_prev = conn;
    else
        loop->in_flight_tail = conn;
    if (after)
        after->async_next = conn;
    else
        loop->in_flight = conn;
    /* The thread looks at its deadlines at least every LOOP_PERIOD_MS: no
     * need to wake it for this one's. */
    pthread_mutex_unlock(&loop->lock);
    if (!async_arm(loop, conn)) {
        /* Cannot be watched: the query is out but nobody would read its
         * answer, so the connection is given up. */
        async_unlink(loop, conn);
        conn->async_done = NULL;
        conn->broken = true;
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "cannot watch the database connection");
    }
    return PARITY_OK;
}

void db_async_stop(db_async *async)
{
    if (!async)
        return;
    async->pool->async = NULL;
    for (int i = 0; i < async->n_loops; i++)
        loop_stop(&async->loops[i]);
    /* None is left: the server answered every request it took. */
    while (async->waiting) {
        async_waiter *w = async->waiting;
        async->waiting = w->next;
        free(w);
    }
    pthread_mutex_destroy(&async->wait_lock);
    free(async->loops);
    free(async);
}

/* ---- listener ---------------------------------------------------------- */

struct db_listener {
    pthread_t thread;
    pthread_mutex_t lock;
    char *conninfo, *channel;
    db_notify_fn on_notify;
    db_reconnect_fn on_reconnect;
    void *ctx;
    int stop_pipe[2];
    bool connected;
};

static void listener_set_connected(db_listener *l, bool connected)
{
    pthread_mutex_lock(&l->lock);
    l->connected = connected;
    pthread_mutex_unlock(&l->lock);
}

bool db_listener_connected(db_listener *l)
{
    pthread_mutex_lock(&l->lock);
    bool connected = l->connected;
    pthread_mutex_unlock(&l->lock);
    return connected;
}

/* Waits up to ms for the stop pipe; true when asked to stop. */
static bool listener_sleep(db_listener *l, int ms)
{
    struct pollfd p = {.fd = l->stop_pipe[0], .events = POLLIN};
    return poll(&p, 1, ms) > 0;
}

static void *listener_main(void *arg)
{
    db_listener *l = arg;
    bool had_connection = false;
    int backoff_ms = 100;
    for (;;) {
        db_conn *conn = NULL;
        char err[512];
        if (connect_as(l->conninfo, 0, "parity listener", &conn, err,
                       sizeof err) != PARITY_OK) {
            if (listener_sleep(l, backoff_ms))
                return NULL;
            backoff_ms = backoff_ms < 2000 ? backoff_ms * 2 : 2000;
            continue;
        }
        char *ident =
            PQescapeIdentifier(conn->pg, l->channel, strlen(l->channel));
        char sql[256];
        snprintf(sql, sizeof sql, "LISTEN %s", ident ? ident : "parity_data");
        PQfreemem(ident);
        if (db_exec(conn, sql, err, sizeof err) != PARITY_OK) {
            log_event("warn", "db.listen_failed", "error=\"%s\"", err);
            db_close(conn);
            if (listener_sleep(l, backoff_ms))
                return NULL;
            continue;
        }
        backoff_ms = 100;
        listener_set_connected(l, true);
        if (had_connection && l->on_reconnect)
            l->on_reconnect(l->ctx);
        had_connection = true;
        log_event("info", "db.listening", "channel=%s", l->channel);
        for (;;) {
            struct pollfd fds[2] = {
                {.fd = PQsocket(conn->pg), .events = POLLIN},
                {.fd = l->stop_pipe[0], .events = POLLIN}};
            int rc = poll(fds, 2, 5000);
            if (rc > 0 && fds[1].revents) {
                db_close(conn);
                return NULL;
            }
            if (!PQconsumeInput(conn->pg))
                break;
            PGnotify *note;
            while ((note = PQnotifies(conn->pg)) != NULL) {
                l->on_notify(l->ctx, note->extra ? note->extra : "");
                PQfreemem(note);
            }
            if (rc == 0 && db_exec(conn, "SELECT 1", NULL, 0) != PARITY_OK)
                break; /* idle check: notices the server going away */
        }
        listener_set_connected(l, false);
        log_event("warn", "db.listen_lost", "channel=%s", l->channel);
        db_close(conn);
    }
}

db_listener *db_listener_start(const char *conninfo, const char *channel,
                               db_notify_fn on_notify,
                               db_reconnect_fn on_reconnect, void *ctx)
{
    db_listener *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->conninfo = strdup(conninfo ? conninfo : "");
    l->channel = strdup(channel);
    l->on_notify = on_notify;
    l->on_reconnect = on_reconnect;
    l->ctx = ctx;
    pthread_mutex_init(&l->lock, NULL);
    if (!l->conninfo || !l->channel || pipe(l->stop_pipe) != 0 ||
        pthread_create(&l->thread, NULL, listener_main, l) != 0) {
        free(l->conninfo);
        free(l->channel);
        free(l);
        return NULL;
    }
    return l;
}

void db_listener_stop(db_listener *l)
{
    if (!l)
        return;
    if (write(l->stop_pipe[1], "x", 1) < 0)
        log_event("warn", "db.listener_stop", "error=write");
    pthread_join(l->thread, NULL);
    close(l->stop_pipe[0]);
    close(l->stop_pipe[1]);
    pthread_mutex_destroy(&l->lock);
    free(l->conninfo);
    free(l->channel);
    free(l);
}
