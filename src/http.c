/* http.c - libmicrohttpd behind the http.h contract: event threads on
 * epoll, suspended connections, and a pool of workers for the full
 * handler. */
#include "parity/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "parity/log.h"
#include "parity/respond.h"
#include "parity/text.h"

#define MAX_ARGS 64
/* Query parameters kept inside a request's state; more (up to MAX_ARGS)
 * move to the heap. This keeps the state, allocated for every request,
 * under glibc's 1 KiB "large" size, each allocation of which first
 * consolidates the heap (3 % of a cached tile's CPU). */
#define INLINE_ARGS 16
/* Connections past a limit are still accepted, answered 503/429 and
 * closed, up to this many more than the limit (per event thread: each
 * thread of libmicrohttpd's pool keeps its own share of the hard limit);
 * libmicrohttpd refuses the rest outright. */
#define LIMIT_MARGIN       16
#define WATCHDOG_PERIOD_MS 200
/* After the grace period, how long the stop waits for resumed connections
 * to be taken back by their event threads before stopping the daemon. */
#define RESUME_WAIT_MS 10000
/* How long the stop waits for the answers async handlers still owe: in
 * effect without bound, as those are bounded by the database's deadlines
 * (as a running worker's handler, which the stop joins). */
#define ASYNC_WAIT_MS (24 * 3600 * 1000)

/* One open connection, from libmicrohttpd's "started" notice to its
 * "closed" notice (which comes before the socket is closed, so fd stays
 * this connection's while the entry is in the list). The list and
 * timed_out are guarded by server->lock; phase_start_ns and answering are
 * atomics, written by the event and worker threads without the lock and
 * read by the watchdog. */
typedef struct conn_info {
    struct conn_info *prev, *next;
    int fd;
    char client[64];
    atomic_llong phase_start_ns; /* connection start or last request's end */
    atomic_bool answering;       /* a handler has begun on this request */
    bool timed_out;              /* the watchdog closed it */
    int refuse;                  /* 0, 503 or 429: answer and close */
} conn_info;

/* Where a request stands. */
typedef enum request_phase {
    PHASE_READING, /* headers read, the body (if any) arriving */
    PHASE_QUEUED,  /* suspended: with a worker or an async handler */
    PHASE_DONE     /* res is filled; the connection is resumed */
} request_phase;

/* Per-request state: created on the first call for a request, freed only in
 * request_completed. While the request is with a worker, the worker owns
 * req and res; the event thread touches the state again only after the
 * worker's MHD_resume_connection. */
typedef struct request_state {
    parity_buf body;
    bool too_large;
    bool suspended; /* counted in server->suspended */
    bool async;     /* taken by the async handler (http_pending_done) */
    struct timespec started;
    _Atomic request_phase phase;
    struct MHD_Connection *connection;
    const char *method, *url, *client;
    http_pair inline_args[INLINE_ARGS];
    http_pair *args; /* inline_args, or MAX_ARGS of them on the heap */
    size_t n_args;
    bool args_overflow;
    http_request req;
    http_response *res;
    struct request_state *next_job; /* the worker queue */
    struct http_server *server;
} request_state;
_Static_assert(sizeof(request_state) <= 1000,
               "request_state must stay under glibc's large-chunk size");

struct http_server {
    struct MHD_Daemon *daemon;
    http_handlers handlers;
    http_server_config cfg;
    int port;
    int event_threads;
    pthread_mutex_t lock; /* the connection list */
    conn_info *conns;
    long n_conns;
    atomic_int in_flight; /* requests begun and not completed */
    atomic_int suspended; /* connections suspended now */
    pthread_t watchdog;
    int stop_pipe[2];
    bool watchdog_running;
    /* The workers and their queue (guarded by queue_lock). */
    pthread_mutex_t queue_lock;
    pthread_cond_t queue_ready;
    request_state *queue_head, *queue_tail;
    long queue_len;
    atomic_long workers_busy;
    atomic_int async_pending; /* taken by the async handler, not done */
    bool workers_stop;        /* workers exit once the queue is empty */
    atomic_bool abandon;      /* past the grace: queued requests get 503 */
    pthread_t *workers;
    int n_workers;
    atomic_ullong refused_connection_limit, refused_per_client_limit,
        request_timeouts, fast_answers, worker_answers, async_answers;
};

static long long now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

const char *http_request_arg(const http_request *req, const char *key)
{
    for (size_t i = 0; i < req->n_args; i++)
        if (!strcmp(req->args[i].key, key))
            return req->args[i].value;
    return NULL;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *value)
{
    (void)kind;
    request_state *state = cls;
    if (state->n_args == MAX_ARGS) {
        state->args_overflow = true;
        return MHD_NO;
    }
    if (state->n_args == INLINE_ARGS && state->args == state->inline_args) {
        http_pair *more = malloc(MAX_ARGS * sizeof *more);
        if (!more) {
            state->args_overflow = true;
            return MHD_NO;
        }
        memcpy(more, state->inline_args, sizeof state->inline_args);
        state->args = more;
    }
    state->args[state->n_args].key = key;
    state->args[state->n_args].value = value ? value : "";
    state->n_args++;
    return MHD_YES;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value)
{
    (void)kind;
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

static double seconds_since(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) +
           (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static void address_text(const struct sockaddr *sa, char *out, size_t outlen)
{
    snprintf(out, outlen, "-");
    if (!sa)
        return;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                  (socklen_t)outlen);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                  (socklen_t)outlen);
}

static conn_info *connection_info(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* The Date header's value ("Sun, 29 Nov 2026 06:03:28 GMT", RFC 9110),
 * made at most once a second per thread. By hand: libmicrohttpd's own goes
 * through gmtime_r (glibc's time-zone lock, shared by the event threads)
 * and snprintf (slow in this process, see text.h) for every answer. */
static const char *http_date(void)
{
    static _Thread_local long long made_for = -1;
    static _Thread_local char text[32];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if ((long long)now.tv_sec == made_for)
        return text;
    static const char *const DAYS[] = {"Sun", "Mon", "Tue", "Wed",
                                       "Thu", "Fri", "Sat"};
    static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    int year, month, day, hour, minute, second;
    log_utc_fields((long long)now.tv_sec, &year, &month, &day, &hour, &minute,
                   &second);
    long long days = (long long)now.tv_sec / 86400;
    const char *weekday = DAYS[(days + 4) % 7]; /* 1970-01-01: a Thursday */
    size_t n = 0;
    text_put(text, sizeof text, &n, weekday);
    text_put(text, sizeof text, &n, ", ");
    text_put_uint(text, sizeof text, &n, (unsigned)day, 2);
    text_put(text, sizeof text, &n, " ");
    text_put(text, sizeof text, &n, MONTHS[month - 1]);
    text_put(text, sizeof text, &n, " ");
    text_put_uint(text, sizeof text, &n, (unsigned)year, 4);
    text_put(text, sizeof text, &n, " ");
    text_put_uint(text, sizeof text, &n, (unsigned)hour, 2);
    text_put(text, sizeof text, &n, ":");
    text_put_uint(text, sizeof text, &n, (unsigned)minute, 2);
    text_put(text, sizeof text, &n, ":");
    text_put_uint(text, sizeof text, &n, (unsigned)second, 2);
    text_put(text, sizeof text, &n, " GMT");
    made_for = (long long)now.tv_sec;
    return text;
}

static enum MHD_Result send_response(struct MHD_Connection *connection,
                                     http_response *res, const char *method)
{
    struct MHD_Response *response;
    size_t len;
    bool head = !strcmp(method, "HEAD");
    if (res->shared) {
        len = res->shared_len;
        /* The response holds the borrowed bytes until libmicrohttpd is
         * done with them, then releases them; res itself is not needed. */
        http_release_fn release = res->release;
        void *release_ctx = res->release_ctx;
        void *bytes = (void *)res->shared;
        res->shared = NULL;
        res->release = NULL;
        response = MHD_create_response_from_buffer_with_free_callback_cls(
            head ? 0 : len, bytes, release, release_ctx);
        if (!response) {
            if (release)
                release(release_ctx);
            return MHD_NO;
        }
    } else {
        char *data = buf_take(&res->body, &len);
        response = MHD_create_response_from_buffer(head ? 0 : len, data,
                                                   MHD_RESPMEM_MUST_FREE);
        if (!response)
            free(data);
    }
    if (!response)
        return MHD_NO;
    MHD_add_response_header(response, "Date", http_date());
    if (res->content_type)
        MHD_add_response_header(response, "Content-Type", res->content_type);
    if (res->etag[0])
        MHD_add_response_header(response, "ETag", res->etag);
    if (res->cache_control)
        MHD_add_response_header(response, "Cache-Control", res->cache_control);
    if (res->content_encoding)
        MHD_add_response_header(response, "Content-Encoding",
                                res->content_encoding);
    if (res->vary)
        MHD_add_response_header(response, "Vary", res->vary);
    if (res->cache_state)
        MHD_add_response_header(response, "X-Parity-Cache", res->cache_state);
    if (res->truncated[0])
        MHD_add_response_header(response, "X-Parity-Truncated", res->truncated);
    if (res->location[0])
        MHD_add_response_header(response, "Location", res->location);
    if (res->allow_origin) {
        MHD_add_response_header(response, "Access-Control-Allow-Origin",
                                res->allow_origin);
        MHD_add_response_header(response, "Vary", "Origin");
    }
    if (res->allow_methods)
        MHD_add_response_header(response, "Access-Control-Allow-Methods",
                                res->allow_methods);
    if (res->allow_headers)
        MHD_add_response_header(response, "Access-Control-Allow-Headers",
                                res->allow_headers);
    if (res->max_age > 0) {
        char seconds[16];
        size_t n = 0;
        text_put_uint(seconds, sizeof seconds, &n, (unsigned)res->max_age, 0);
        MHD_add_response_header(response, "Access-Control-Max-Age", seconds);
    }
    if (res->allow)
        MHD_add_response_header(response, "Allow", res->allow);
    if (res->www_authenticate)
        MHD_add_response_header(response, "WWW-Authenticate",
                                res->www_authenticate);
    if (res->retry_after > 0) {
        char seconds[16];
        size_t n = 0;
        text_put_uint(seconds, sizeof seconds, &n, (unsigned)res->retry_after,
                      0);
        MHD_add_response_header(response, "Retry-After", seconds);
    }
    if (res->close)
        MHD_add_response_header(response, "Connection", "close");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
    if (res->content_type && !strncmp(res->content_type, "text/html", 9)) {
        MHD_add_response_header(
            response, "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            "img-src 'self' data: blob:; connect-src 'self'; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'");
        MHD_add_response_header(response, "X-Frame-Options", "DENY");
    }
    enum MHD_Result ok =
        MHD_queue_response(connection, (unsigned)res->status, response);
    MHD_destroy_response(response);
    return ok;
}

static void response_init(http_response *res)
{
    memset(res, 0, sizeof *res);
    res->status = 200;
    buf_init(&res->body, (size_t)256 << 20);
}

static http_response *response_new(void)
{
    http_response *res = malloc(sizeof *res);
    if (res)
        response_init(res);
    return res;
}

/* Drops what a response holds that was not sent (its borrowed bytes are
 * released, its body freed). */
static void response_dispose(http_response *res)
{
    if (res->shared && res->release)
        res->release(res->release_ctx);
    res->shared = NULL;
    res->release = NULL;
    buf_dispose(&res->body);
}

static void response_free(http_response *res)
{
    if (!res)
        return;
    response_dispose(res);
    free(res);
}

/* The access line: "... method=GET path=/x status=200 bytes=12 ms=0.25
 * cache=hit route=tile client=127.0.0.1", built without printf (it runs
 * for every request; see text.h) and written with one write(2) before the
 * answer is queued, so a client that has its answer finds the line. */
static void log_access(const char *method, const char *url, int status,
                       size_t bytes, double seconds, const char *cache_state,
                       const char *route_name, const char *client)
{
    char line[1024], path_q[512];
    const size_t cap = sizeof line - 1; /* room for the newline */
    size_t n = log_prefix(line, sizeof line, "info", "http.access");
    text_put(line, cap, &n, " method=");
    text_put(line, cap, &n, method);
    text_put(line, cap, &n, " path=");
    text_put(line, cap, &n, log_quote(url, path_q, sizeof path_q));
    text_put(line, cap, &n, " status=");
    text_put_uint(line, cap, &n, (unsigned)(status > 0 ? status : 0), 0);
    text_put(line, cap, &n, " bytes=");
    text_put_uint(line, cap, &n, bytes, 0);
    /* Milliseconds with two decimals, rounded. */
    unsigned long long hundredths =
        (unsigned long long)(seconds > 0 ? seconds * 1e5 + 0.5 : 0);
    text_put(line, cap, &n, " ms=");
    text_put_uint(line, cap, &n, hundredths / 100, 0);
    char frac[4] = {'.', (char)('0' + hundredths / 10 % 10),
                    (char)('0' + hundredths % 10), '\0'};
    text_put(line, cap, &n, frac);
    text_put(line, cap, &n, " cache=");
    text_put(line, cap, &n, cache_state ? cache_state : "-");
    text_put(line, cap, &n, " route=");
    text_put(line, cap, &n, route_name ? route_name : "-");
    text_put(line, cap, &n, " client=");
    text_put(line, cap, &n, client);
    line[n++] = '\n';
    log_write_buffered(line, n);
}

/* Logs, counts and sends res (its body or borrowed bytes go to
 * libmicrohttpd, the rest is disposed of); the caller frees the struct. */
static enum MHD_Result answer(http_server *server,
                              struct MHD_Connection *connection,
                              request_state *state, http_response *res)
{
    size_t bytes = res->shared ? res->shared_len : res->body.len;
    double seconds = seconds_since(&state->started);
    log_access(state->method, state->url, res->status, bytes, seconds,
               res->cache_state, res->route_name, state->client);
    if (server->cfg.observe)
        server->cfg.observe(server->cfg.observe_ctx, res, seconds);
    enum MHD_Result ok = send_response(connection, res, state->method);
    response_dispose(res);
    return ok;
}

/* The first call of a request: may refuse it at once (limits) before its
 * body is read. Returns NULL to go on, else the answer to send. */
static http_response *check_limits(http_server *server,
                                   struct MHD_Connection *connection,
                                   const char *url, const char *method,
                                   conn_info *ci)
{
    char msg[256];
    http_response *res = NULL;
    if (ci && ci->refuse) {
        if (!(res = response_new()))
            return NULL;
        if (ci->refuse == 429)
            snprintf(msg, sizeof msg,
                     "too many connections from your address (at most %d at "
                     "once); close some and retry",
                     server->cfg.per_client_limit);
        else
            snprintf(msg, sizeof msg,
                     "the server has too many open connections (at most %d); "
                     "retry shortly",
                     server->cfg.connection_limit);
        respond_error_http(
            res, ci->refuse,
            ci->refuse == 429 ? "too_many_requests" : "unavailable", msg);
        res->retry_after = 1;
        res->close = true;
        return res;
    }
    size_t header_bytes = strlen(method) + strlen(url) + 11;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, count_header,
                              &header_bytes);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, count_header,
                              &header_bytes);
    if (header_bytes > server->cfg.header_limit) {
        if (!(res = response_new()))
            return NULL;
        snprintf(msg, sizeof msg,
                 "the request line and headers are about %zu bytes; the limit "
                 "is %zu (shorten the URL or the headers)",
                 header_bytes, server->cfg.header_limit);
        respond_error_http(res, 431, "headers_too_large", msg);
        res->close = true;
        return res;
    }
    const char *length = MHD_lookup_connection_value(
        connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(length, &end, 10);
        if (errno == ERANGE || (end != length && n > server->cfg.body_limit)) {
            if (!(res = response_new()))
                return NULL;
            snprintf(msg, sizeof msg,
                     "request body is larger than the limit of %zu bytes",
                     server->cfg.body_limit);
            respond_error(res, PARITY_ERR_TOO_LARGE, msg, NULL);
            res->close = true;
            return res;
        }
    }
    return NULL;
}

/* ---- workers ------------------------------------------------------------ */

/* Runs one queued request's full handler (or, past the grace period of a
 * stop, answers 503 without running it). */
static void run_job(http_server *server, request_state *state)
{
    if (atomic_load(&server->abandon))
        respond_error_http(state->res, 503, "unavailable",
                           "the server is stopping; retry shortly");
    else
        server->handlers.full(server->handlers.ctx, &state->req, state->res);
}

static void *worker_main(void *arg)
{
    http_server *server = arg;
    pthread_mutex_lock(&server->queue_lock);
    for (;;) {
        while (!server->queue_head && !server->workers_stop)
            pthread_cond_wait(&server->queue_ready, &server->queue_lock);
        request_state *state = server->queue_head;
        if (!state)
            break; /* stopping, and nothing left to answer */
        server->queue_head = state->next_job;
        if (!server->queue_head)
            server->queue_tail = NULL;
        server->queue_len--;
        /* Counted busy with the lock held: a request is always either
         * queued or busy in /metrics. */
        atomic_fetch_add(&server->workers_busy, 1);
        pthread_mutex_unlock(&server->queue_lock);
        run_job(server, state);
        /* The worker is free before its answer can reach the client, so
         * /metrics never shows it busy with an answered request. */
        atomic_fetch_sub(&server->workers_busy, 1);
        atomic_store(&state->phase, PHASE_DONE);
        struct MHD_Connection *connection = state->connection;
        /* From here on the event thread owns state again (and may free
         * it). */
        MHD_resume_connection(connection);
        pthread_mutex_lock(&server->queue_lock);
    }
    pthread_mutex_unlock(&server->queue_lock);
    return NULL;
}

/* Suspends the request's connection until its answer is made off the
 * event thread; false (nothing done) once the workers are stopping: a
 * keep-alive connection may still send a request while the server stops,
 * and a connection suspended with no worker left would never be resumed. */
static bool suspend(http_server *server, struct MHD_Connection *connection,
                    request_state *state)
{
    pthread_mutex_lock(&server->queue_lock);
    if (server->workers_stop) {
        pthread_mutex_unlock(&server->queue_lock);
        return false;
    }
    state->connection = connection;
    atomic_store(&state->phase, PHASE_QUEUED);
    state->suspended = true;
    atomic_fetch_add(&server->suspended, 1);
    MHD_suspend_connection(connection);
    pthread_mutex_unlock(&server->queue_lock);
    return true;
}

/* Hands the suspended request to the workers; if they stopped meanwhile,
 * answers 503 itself. */
static void enqueue(http_server *server, request_state *state)
{
    state->next_job = NULL;
    pthread_mutex_lock(&server->queue_lock);
    if (server->workers_stop) {
        pthread_mutex_unlock(&server->queue_lock);
        respond_error_http(state->res, 503, "unavailable",
                           "the server is stopping; retry shortly");
        state->res->retry_after = 1;
        state->res->close = true;
        atomic_store(&state->phase, PHASE_DONE);
        MHD_resume_connection(state->connection);
        return;
    }
    if (server->queue_tail)
        server->queue_tail->next_job = state;
    else
        server->queue_head = state;
    server->queue_tail = state;
    server->queue_len++;
    pthread_mutex_unlock(&server->queue_lock);
    /* After the unlock, so the worker woken does not wait for the lock. */
    pthread_cond_signal(&server->queue_ready);
}

void http_pending_done(http_pending *pending)
{
    request_state *state = (request_state *)pending;
    http_server *server = state->server;
    atomic_store(&state->phase, PHASE_DONE);
    struct MHD_Connection *connection = state->connection;
    /* Counted down before the resume, after which the state may be
     * freed: the stop waits for this count, then for the resumes. */
    atomic_fetch_sub(&server->async_pending, 1);
    MHD_resume_connection(connection);
}

/* ---- requests ----------------------------------------------------------- */

/* Fills state->req from the connection (the values stay valid until the
 * request completes, suspended or not). */
static void build_request(struct MHD_Connection *connection,
                          request_state *state)
{
    state->n_args = 0;
    state->args_overflow = false;
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_arg,
                              state);
    state->req = (http_request){
        .method = state->method,
        .path = state->url,
        .args = state->args,
        .n_args = state->n_args,
        .if_none_match = MHD_lookup_connection_value(
            connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
        .accept_encoding = MHD_lookup_connection_value(
            connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING),
        .accept = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_ACCEPT),
        .authorization = MHD_lookup_connection_value(
            connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .origin =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Origin"),
        .content_type = MHD_lookup_connection_value(
            connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .body = state->body.data,
        .body_len = state->body.len,
        .client = state->client,
    };
}

/* The complete request, on an event thread: answered here (a refusal, or
 * the fast handler's answer), or suspended and queued for a worker. */
static enum MHD_Result dispatch(http_server *server,
                                struct MHD_Connection *connection,
                                request_state *state, conn_info *ci)
{
    if (ci)
        atomic_store(&ci->answering, true);
    /* Answers made here live on the stack: no allocation for a hit. */
    http_response res;
    response_init(&res);
    build_request(connection, state);
    if (state->too_large) {
        char msg[128];
        snprintf(msg, sizeof msg,
                 "request body is larger than the limit of %zu bytes",
                 server->cfg.body_limit);
        respond_error(&res, PARITY_ERR_TOO_LARGE, msg, NULL);
        return answer(server, connection, state, &res);
    }
    if (state->args_overflow) {
        respond_error(&res, PARITY_ERR_INPUT,
                      "too many query parameters (at most 64)", NULL);
        return answer(server, connection, state, &res);
    }
    if (server->handlers.fast &&
        server->handlers.fast(server->handlers.ctx, &state->req, &res)) {
        atomic_fetch_add(&server->fast_answers, 1);
        return answer(server, connection, state, &res);
    }
    /* Declined: whatever the fast handler left is dropped. */
    response_dispose(&res);
    if (!(state->res = response_new()))
        return MHD_NO;
    if (suspend(server, connection, state)) {
        if (server->handlers.async) {
            /* Counted first: the answer may be done before the call
             * returns. */
            state->async = true;
            atomic_fetch_add(&server->async_pending, 1);
            if (server->handlers.async(server->handlers.ctx, &state->req,
                                       state->res, (http_pending *)state))
                return MHD_YES;
            state->async = false;
            atomic_fetch_sub(&server->async_pending, 1);
        }
        enqueue(server, state);
        return MHD_YES;
    }
    response_init(&res);
    respond_error_http(&res, 503, "unavailable",
                       "the server is stopping; retry shortly");
    res.retry_after = 1;
    res.close = true;
    return answer(server, connection, state, &res);
}

static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *connection, const char *url,
               const char *method, const char *version, const char *upload_data,
               size_t *upload_data_size, void **con_cls)
{
    (void)version;
    http_server *server = cls;
    request_state *state = *con_cls;
    conn_info *ci = connection_info(connection);
    if (!state) {
        state = calloc(1, sizeof *state);
        if (!state)
            return MHD_NO;
        buf_init(&state->body, server->cfg.body_limit);
        state->args = state->inline_args;
        clock_gettime(CLOCK_MONOTONIC, &state->started);
        state->method = method;
        state->url = url;
        state->client = ci ? ci->client : "-";
        state->server = server;
        atomic_init(&state->phase, PHASE_READING);
        *con_cls = state;
        atomic_fetch_add(&server->in_flight, 1);
        http_response *early =
            check_limits(server, connection, url, method, ci);
        if (early) {
            enum MHD_Result ok = answer(server, connection, state, early);
            free(early);
            return ok;
        }
        return MHD_YES;
    }
    request_phase phase = atomic_load(&state->phase);
    if (phase == PHASE_DONE) {
        /* Resumed: the worker's answer. */
        http_response *res = state->res;
        state->res = NULL;
        if (state->suspended) {
            state->suspended = false;
            atomic_fetch_sub(&server->suspended, 1);
        }
        atomic_fetch_add(
            state->async ? &server->async_answers : &server->worker_answers, 1);
        enum MHD_Result ok = answer(server, connection, state, res);
        free(res);
        return ok;
    }
    if (phase == PHASE_QUEUED)
        return MHD_YES; /* not expected while suspended; nothing to do */
    if (*upload_data_size) {
        if (!state->too_large && buf_append(&state->body, upload_data,
                                            *upload_data_size) != PARITY_OK) {
            state->too_large = true;
            buf_dispose(&state->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return dispatch(server, connection, state, ci);
}

static void request_completed(void *cls, struct MHD_Connection *connection,
                              void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    http_server *server = cls;
    request_state *state = *con_cls;
    if (!state)
        return;
    if (state->suspended) /* closed after the resume, before the answer */
        atomic_fetch_sub(&server->suspended, 1);
    response_free(state->res);
    buf_dispose(&state->body);
    if (state->args != state->inline_args)
        free(state->args);
    free(state);
    *con_cls = NULL;
    conn_info *ci = connection_info(connection);
    if (ci) {
        atomic_store(&ci->phase_start_ns, now_ns());
        atomic_store(&ci->answering, false);
    }
    atomic_fetch_sub(&server->in_flight, 1);
}

/* Connection bookkeeping: counts open connections (in total and per
 * client address) and marks those past a limit to be refused. */
static void connection_notify(void *cls, struct MHD_Connection *connection,
                              void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
    http_server *server = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_info *ci = calloc(1, sizeof *ci);
        if (!ci)
            return; /* then this connection is simply not watched */
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(
            connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        ci->fd = info ? info->connect_fd : -1;
        info = MHD_get_connection_info(connection,
                                       MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        address_text(info ? info->client_addr : NULL, ci->client,
                     sizeof ci->client);
        atomic_init(&ci->phase_start_ns, now_ns());
        atomic_init(&ci->answering, false);
        pthread_mutex_lock(&server->lock);
        long same_client = 0;
        if (server->cfg.per_client_limit > 0)
            for (conn_info *o = server->conns; o; o = o->next)
                same_client += !strcmp(o->client, ci->client);
        if (server->n_conns >= server->cfg.connection_limit) {
            ci->refuse = 503;
            atomic_fetch_add(&server->refused_connection_limit, 1);
        } else if (server->cfg.per_client_limit > 0 &&
                   same_client >= server->cfg.per_client_limit) {
            ci->refuse = 429;
            atomic_fetch_add(&server->refused_per_client_limit, 1);
        }
        ci->next = server->conns;
        if (server->conns)
            server->conns->prev = ci;
        server->conns = ci;
        server->n_conns++;
        pthread_mutex_unlock(&server->lock);
        *socket_context = ci;
        if (ci->refuse)
            log_event("warn", "http.limit", "limit=%s client=%s",
                      ci->refuse == 429 ? "per_client" : "connections",
                      ci->client);
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn_info *ci = *socket_context;
        if (!ci)
            return;
        pthread_mutex_lock(&server->lock);
        if (ci->prev)
            ci->prev->next = ci->next;
        else
            server->conns = ci->next;
        if (ci->next)
            ci->next->prev = ci->prev;
        server->n_conns--;
        pthread_mutex_unlock(&server->lock);
        free(ci);
        *socket_context = NULL;
    }
}

/* The answer the watchdog writes on a connection whose request is too slow
 * to arrive, when no answer is under way on it. */
static void send_timeout_answer(int fd, int timeout_s)
{
    char body[256], msg[512];
    int body_len = snprintf(
        body, sizeof body,
        "{\"error\":{\"status\":408,\"code\":\"request_timeout\",\"message\":"
        "\"the request did not arrive within %d s; send it faster or "
        "smaller\"}}",
        timeout_s);
    int n = snprintf(msg, sizeof msg,
                     "HTTP/1.1 408 Request Timeout\r\n"
                     "Content-Type: application/json\r\n"
                     "Content-Length: %d\r\n"
                     "Connection: close\r\n"
                     "X-Content-Type-Options: nosniff\r\n"
                     "Cache-Control: no-store\r\n\r\n%s",
                     body_len, body);
    if (n > 0 && (size_t)n < sizeof msg &&
        send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        return; /* the client is gone or its buffer is full: just close */
}

/* Closes connections whose request has taken longer than the request
 * timeout to arrive (a slowloris client sends a byte now and then to stay
 * under the idle timeout). shutdown() makes libmicrohttpd's event thread
 * see the end of the stream and close the connection itself. Requests
 * being answered (on a worker or being sent) are left alone: a worker is
 * bounded by the database's deadlines, and libmicrohttpd does not time out
 * a suspended connection. */
static void *watchdog_main(void *arg)
{
    http_server *server = arg;
    long long limit_ns =
        (long long)server->cfg.request_timeout_s * 1000000000LL;
    for (;;) {
        struct pollfd p = {.fd = server->stop_pipe[0], .events = POLLIN};
        if (poll(&p, 1, WATCHDOG_PERIOD_MS) > 0)
            return NULL;
        long long now = now_ns();
        pthread_mutex_lock(&server->lock);
        for (conn_info *ci = server->conns; ci; ci = ci->next) {
            if (ci->timed_out || ci->fd < 0 ||
                now - atomic_load(&ci->phase_start_ns) <= limit_ns)
                continue;
            if (atomic_load(&ci->answering))
                continue; /* the handler runs: bounded by its own deadlines */
            ci->timed_out = true;
            atomic_fetch_add(&server->request_timeouts, 1);
            send_timeout_answer(ci->fd, server->cfg.request_timeout_s);
            shutdown(ci->fd, SHUT_RDWR);
            log_event("warn", "http.request_timeout", "client=%s timeout_s=%d",
                      ci->client, server->cfg.request_timeout_s);
        }
        pthread_mutex_unlock(&server->lock);
    }
}

/* Percent-decoding of the path and query arguments: libmicrohttpd's own,
 * except that a decoded NUL (%00) would silently cut the text short
 * ("/index.html%00.png" served index.html, "from=2026-01-01%00x" read as a
 * date), so it becomes 0xC0, a byte that is never valid UTF-8: the request
 * is then refused with 400 where text is checked (app.c). */
static size_t unescape(void *cls, struct MHD_Connection *connection, char *text)
{
    (void)cls;
    (void)connection;
    size_t len = MHD_http_unescape(text);
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\0')
            text[i] = (char)0xc0;
    return len;
}

__attribute__((format(printf, 2, 0))) static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    char quoted[600];
    log_event("warn", "http.mhd", "message=%s",
              log_quote(msg, quoted, sizeof quoted));
}

static bool parse_listen(const char *listen, struct sockaddr_storage *addr,
                         char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || !colon[1]) {
        parity_fail(err, errlen, PARITY_ERR_USAGE,
                    "--listen '%s' must be HOST:PORT, e.g. 127.0.0.1:8080",
                    listen);
        return false;
    }
    size_t host_len = (size_t)(colon - listen);
    if (listen[0] == '[' && host_len >= 2 && listen[host_len - 1] == ']') {
        listen++;
        host_len -= 2;
    }
    if (host_len >= sizeof host) {
        parity_fail(err, errlen, PARITY_ERR_USAGE, "--listen host too long");
        return false;
    }
    memcpy(host, listen, host_len);
    host[host_len] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *found = NULL;
    int rc = getaddrinfo(host, colon + 1, &hints, &found);
    if (rc != 0 || !found) {
        parity_fail(err, errlen, PARITY_ERR_USAGE, "--listen '%s': %s", listen,
                    gai_strerror(rc));
        return false;
    }
    memcpy(addr, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    return true;
}

/* Stops the workers (they answer what is queued first) and joins them. */
static void workers_stop(http_server *server)
{
    pthread_mutex_lock(&server->queue_lock);
    server->workers_stop = true;
    pthread_cond_broadcast(&server->queue_ready);
    pthread_mutex_unlock(&server->queue_lock);
    for (int i = 0; i < server->n_workers; i++)
        pthread_join(server->workers[i], NULL);
    server->n_workers = 0;
}

static void server_free(http_server *server)
{
    if (server->watchdog_running) {
        if (write(server->stop_pipe[1], "x", 1) < 0)
            log_event("warn", "http.watchdog_stop", "error=write");
        pthread_join(server->watchdog, NULL);
    }
    workers_stop(server);
    free(server->workers);
    if (server->stop_pipe[0] >= 0) {
        close(server->stop_pipe[0]);
        close(server->stop_pipe[1]);
    }
    pthread_mutex_destroy(&server->lock);
    pthread_mutex_destroy(&server->queue_lock);
    pthread_cond_destroy(&server->queue_ready);
    free(server);
}

http_server *http_server_start(const http_server_config *cfg,
                               const http_handlers *handlers, char *err,
                               size_t errlen)
{
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof addr);
    if (!parse_listen(cfg->listen, &addr, err, errlen))
        return NULL;
    http_server *server = calloc(1, sizeof *server);
    if (!server) {
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        return NULL;
    }
    server->handlers = *handlers;
    server->cfg = *cfg;
    server->stop_pipe[0] = server->stop_pipe[1] = -1;
    pthread_mutex_init(&server->lock, NULL);
    pthread_mutex_init(&server->queue_lock, NULL);
    pthread_cond_init(&server->queue_ready, NULL);
    if (pipe(server->stop_pipe) != 0) {
        server->stop_pipe[0] = server->stop_pipe[1] = -1;
        server_free(server);
        parity_fail(err, errlen, PARITY_ERR_IO, "pipe: %s", strerror(errno));
        return NULL;
    }
    int event_threads = cfg->event_threads;
    if (event_threads <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        event_threads = cpus > 0 ? (int)(cpus < 64 ? cpus : 64) : 1;
    }
    server->event_threads = event_threads;
    int n_workers = cfg->worker_threads > 0 ? cfg->worker_threads : 1;
    server->workers = calloc((size_t)n_workers, sizeof *server->workers);
    if (!server->workers) {
        server_free(server);
        parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        return NULL;
    }
    for (int i = 0; i < n_workers; i++) {
        if (pthread_create(&server->workers[i], NULL, worker_main, server) !=
            0) {
            server_free(server);
            parity_fail(err, errlen, PARITY_ERR_IO,
                        "cannot start worker thread %d of %d", i + 1,
                        n_workers);
            return NULL;
        }
        server->n_workers = i + 1;
    }
    /* Event threads on epoll, each with its own share of the connections;
     * suspend/resume (which brings MHD_USE_ITC, needed by
     * MHD_quiesce_daemon too) for requests that go to a worker. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* With a thread pool, libmicrohttpd gives each thread an equal share of
     * the hard limit: the margin is per thread. */
    unsigned hard_limit = (unsigned)cfg->connection_limit +
                          (unsigned)LIMIT_MARGIN * (unsigned)event_threads;
    unsigned per_ip = cfg->per_client_limit > 0
                          ? (unsigned)cfg->per_client_limit + LIMIT_MARGIN
                          : 0;
    /* libmicrohttpd keeps the request line, the headers and its read buffer
     * in one pool per connection; the headers are checked against
     * header_limit in check_limits, the pool leaves room above it (a quarter
     * more, and 8 KiB for its bookkeeping and the answer's headers), so
     * headers somewhat past the limit get the JSON 431 and headers far past
     * it libmicrohttpd's own. Not more: libmicrohttpd 0.9.75 zeroes the
     * whole pool after every request of a keep-alive connection (with the
     * old 2 x header_limit + 16 KiB, 80 KiB, that memset was 14 % of the
     * CPU of a cached tile). */
    size_t pool_size = cfg->header_limit + cfg->header_limit / 4 + 8192;
    /* Turbo: read a request and write an answer at once instead of first
     * asking epoll whether the socket is ready (one epoll round trip less
     * per keep-alive request). */
    flags |= MHD_USE_TURBO;
    server->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, server,
        /* First, so that libmicrohttpd's own start-up messages use it. */
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)cfg->idle_timeout_s, MHD_OPTION_CONNECTION_LIMIT, hard_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool_size,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, server,
        MHD_OPTION_NOTIFY_CONNECTION, connection_notify, server,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024U,
        /* Last: one event thread is the daemon's own thread, no pool. */
        event_threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
        (unsigned)event_threads, MHD_OPTION_END);
    if (!server->daemon) {
        parity_fail(err, errlen, PARITY_ERR_IO,
                    "cannot listen on %s (address in use, or not an address "
                    "of this machine?)",
                    cfg->listen);
        server_free(server);
        return NULL;
    }
    if (cfg->request_timeout_s > 0) {
        if (pthread_create(&server->watchdog, NULL, watchdog_main, server) !=
            0) {
            MHD_stop_daemon(server->daemon);
            server_free(server);
            parity_fail(err, errlen, PARITY_ERR_IO,
                        "cannot start the request watchdog thread");
            return NULL;
        }
        server->watchdog_running = true;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    server->port = info ? info->port : 0;
    return server;
}

int http_server_port(const http_server *server)
{
    return server->port;
}

void http_server_get_stats(http_server *server, http_server_stats *out)
{
    pthread_mutex_lock(&server->lock);
    out->open_connections = server->n_conns;
    pthread_mutex_unlock(&server->lock);
    pthread_mutex_lock(&server->queue_lock);
    out->workers_busy = atomic_load(&server->workers_busy);
    out->worker_queue = server->queue_len;
    pthread_mutex_unlock(&server->queue_lock);
    out->refused_connection_limit =
        atomic_load(&server->refused_connection_limit);
    out->refused_per_client_limit =
        atomic_load(&server->refused_per_client_limit);
    out->request_timeouts = atomic_load(&server->request_timeouts);
    out->fast_answers = atomic_load(&server->fast_answers);
    out->worker_answers = atomic_load(&server->worker_answers);
    out->async_answers = atomic_load(&server->async_answers);
    out->async_pending = atomic_load(&server->async_pending);
}

/* Waits up to ms for counter to reach 0; returns its last value. */
static int wait_for_zero(atomic_int *counter, int ms)
{
    int value = atomic_load(counter);
    for (int waited = 0; value > 0 && waited < ms; waited += 20) {
        usleep(20000);
        value = atomic_load(counter);
    }
    return value;
}

void http_server_stop(http_server *server, int grace_ms)
{
    if (!server)
        return;
    /* From here on connect() is refused; keep-alive connections already
     * open may still send requests until the daemon stops. */
    MHD_socket listen_fd = MHD_quiesce_daemon(server->daemon);
    if (listen_fd == MHD_INVALID_SOCKET)
        log_event("warn", "server.quiesce_failed", NULL);
    else
        /* libmicrohttpd no longer accepts on it, but the kernel would still
         * complete connections into its backlog; shutting the listening
         * socket down makes them refused. It is closed after the stop. */
        shutdown(listen_fd, SHUT_RDWR);
    int busy = wait_for_zero(&server->in_flight, grace_ms);
    if (busy) {
        log_event("warn", "server.grace_expired",
                  "in_flight=%d grace_ms=%d (cutting their connections, "
                  "waiting for running handlers)",
                  busy, grace_ms);
        /* Requests still queued are answered 503 without running; every
         * open connection is cut now, so its client learns at once that
         * its request did not complete. */
        atomic_store(&server->abandon, true);
        pthread_mutex_lock(&server->lock);
        for (conn_info *ci = server->conns; ci; ci = ci->next)
            if (ci->fd >= 0)
                shutdown(ci->fd, SHUT_RDWR);
        pthread_mutex_unlock(&server->lock);
    }
    /* Every queued request is answered and every suspended connection
     * resumed once the workers are done; libmicrohttpd must not be stopped
     * with a connection still suspended, so wait for the event threads to
     * take them back. */
    workers_stop(server);
    /* Like a running handler, an answer an async handler still owes is
     * waited for (bounded by the database's deadlines). */
    wait_for_zero(&server->async_pending, ASYNC_WAIT_MS);
    int left = wait_for_zero(&server->suspended, RESUME_WAIT_MS);
    if (left)
        log_event("warn", "server.resume_wait_expired", "suspended=%d", left);
    MHD_stop_daemon(server->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    server_free(server);
}
