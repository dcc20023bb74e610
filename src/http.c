/* http.c - libmicrohttpd behind the http.h contract. */
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

#define MAX_ARGS 64
/* Connections past a limit are still accepted, answered 503/429 and
 * closed, up to this many more than the limit; libmicrohttpd refuses the
 * rest outright. */
#define LIMIT_MARGIN       16
#define WATCHDOG_PERIOD_MS 200

/* One open connection, from libmicrohttpd's "started" notice to its
 * "closed" notice (which comes before the socket is closed, so fd stays
 * this connection's while the entry is in the list). Guarded by
 * server->lock. */
typedef struct conn_info {
    struct conn_info *prev, *next;
    int fd;
    char client[64];
    struct timespec phase_start; /* connection start or last request's end */
    bool answering;              /* the handler has begun on this request */
    bool timed_out;              /* the watchdog closed it */
    int refuse;                  /* 0, 503 or 429: answer and close */
} conn_info;

struct http_server {
    struct MHD_Daemon *daemon;
    http_handler_fn handler;
    void *ctx;
    http_server_config cfg;
    int port;
    pthread_mutex_t lock;
    int in_flight;
    conn_info *conns;
    long n_conns;
    pthread_t watchdog;
    int stop_pipe[2];
    bool watchdog_running;
    atomic_ullong refused_connection_limit, refused_per_client_limit,
        request_timeouts;
};

/* Per-request state: created on the first call for a request, freed only in
 * request_completed. */
typedef struct request_state {
    parity_buf body;
    bool too_large;
    struct timespec started;
} request_state;

const char *http_request_arg(const http_request *req, const char *key)
{
    for (size_t i = 0; i < req->n_args; i++)
        if (!strcmp(req->args[i].key, key))
            return req->args[i].value;
    return NULL;
}

typedef struct arg_collector {
    http_pair pairs[MAX_ARGS];
    size_t n;
    size_t bytes;
    bool overflow;
} arg_collector;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *value)
{
    (void)kind;
    arg_collector *c = cls;
    c->bytes += strlen(key) + (value ? strlen(value) : 0) + 2;
    if (c->n == MAX_ARGS) {
        c->overflow = true;
        return MHD_YES; /* keep counting bytes */
    }
    c->pairs[c->n].key = key;
    c->pairs[c->n].value = value ? value : "";
    c->n++;
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

static void release_borrowed(void *cls)
{
    http_response *res = cls;
    if (res->release)
        res->release(res->release_ctx);
    free(res);
}

static enum MHD_Result send_response(struct MHD_Connection *connection,
                                     http_response *res, const char *method)
{
    struct MHD_Response *response;
    size_t len;
    bool head = !strcmp(method, "HEAD");
    if (res->shared) {
        len = res->shared_len;
        /* The response keeps res alive until libmicrohttpd is done. */
        response = MHD_create_response_from_buffer_with_free_callback_cls(
            head ? 0 : len, (void *)res->shared, release_borrowed, res);
        if (!response) {
            release_borrowed(res);
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
        snprintf(seconds, sizeof seconds, "%d", res->max_age);
        MHD_add_response_header(response, "Access-Control-Max-Age", seconds);
    }
    if (res->allow)
        MHD_add_response_header(response, "Allow", res->allow);
    if (res->www_authenticate)
        MHD_add_response_header(response, "WWW-Authenticate",
                                res->www_authenticate);
    if (res->retry_after > 0) {
        char seconds[16];
        snprintf(seconds, sizeof seconds, "%d", res->retry_after);
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

/* Logs, counts and sends res, then frees it (or hands it to the response
 * when its bytes are borrowed). */
static enum MHD_Result answer(http_server *server,
                              struct MHD_Connection *connection,
                              request_state *state, const char *method,
                              const char *url, const char *client,
                              http_response *res)
{
    char path_q[512];
    size_t bytes = res->shared ? res->shared_len : res->body.len;
    double seconds = seconds_since(&state->started);
    log_event("info", "http.access",
              "method=%s path=%s status=%d bytes=%zu ms=%.2f cache=%s "
              "route=%s client=%s",
              method, log_quote(url, path_q, sizeof path_q), res->status, bytes,
              seconds * 1e3, res->cache_state ? res->cache_state : "-",
              res->route_name ? res->route_name : "-", client);
    if (server->cfg.observe)
        server->cfg.observe(server->cfg.observe_ctx, res, seconds);
    bool borrowed = res->shared != NULL;
    enum MHD_Result ok = send_response(connection, res, method);
    if (!borrowed) {
        buf_dispose(&res->body);
        free(res);
    }
    return ok;
}

static http_response *response_new(void)
{
    http_response *res = calloc(1, sizeof *res);
    if (!res)
        return NULL;
    res->status = 200;
    buf_init(&res->body, (size_t)256 << 20);
    return res;
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

static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *connection, const char *url,
               const char *method, const char *version, const char *upload_data,
               size_t *upload_data_size, void **con_cls)
{
    (void)version;
    http_server *server = cls;
    request_state *state = *con_cls;
    conn_info *ci = connection_info(connection);
    const char *client = ci ? ci->client : "-";
    if (!state) {
        state = calloc(1, sizeof *state);
        if (!state)
            return MHD_NO;
        buf_init(&state->body, server->cfg.body_limit);
        clock_gettime(CLOCK_MONOTONIC, &state->started);
        *con_cls = state;
        pthread_mutex_lock(&server->lock);
        server->in_flight++;
        pthread_mutex_unlock(&server->lock);
        http_response *early =
            check_limits(server, connection, url, method, ci);
        if (early)
            return answer(server, connection, state, method, url, client,
                          early);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!state->too_large && buf_append(&state->body, upload_data,
                                            *upload_data_size) != PARITY_OK) {
            state->too_large = true;
            buf_dispose(&state->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    if (ci) {
        pthread_mutex_lock(&server->lock);
        ci->answering = true;
        pthread_mutex_unlock(&server->lock);
    }
    http_response *res = response_new();
    if (!res)
        return MHD_NO;

    arg_collector args = {.n = 0};
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_arg,
                              &args);
    http_request req = {
        .method = method,
        .path = url,
        .args = args.pairs,
        .n_args = args.n,
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
        .client = client,
    };
    if (state->too_large) {
        char msg[128];
        snprintf(msg, sizeof msg,
                 "request body is larger than the limit of %zu bytes",
                 server->cfg.body_limit);
        respond_error(res, PARITY_ERR_TOO_LARGE, msg, NULL);
    } else if (args.overflow) {
        respond_error(res, PARITY_ERR_INPUT,
                      "too many query parameters (at most 64)", NULL);
    } else {
        server->handler(server->ctx, &req, res);
    }
    return answer(server, connection, state, method, url, client, res);
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
    buf_dispose(&state->body);
    free(state);
    *con_cls = NULL;
    conn_info *ci = connection_info(connection);
    pthread_mutex_lock(&server->lock);
    server->in_flight--;
    if (ci) {
        ci->answering = false;
        clock_gettime(CLOCK_MONOTONIC, &ci->phase_start);
    }
    pthread_mutex_unlock(&server->lock);
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
        clock_gettime(CLOCK_MONOTONIC, &ci->phase_start);
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
 * under the idle timeout). shutdown() makes libmicrohttpd's thread see the
 * end of the stream and close the connection itself. */
static void *watchdog_main(void *arg)
{
    http_server *server = arg;
    for (;;) {
        struct pollfd p = {.fd = server->stop_pipe[0], .events = POLLIN};
        if (poll(&p, 1, WATCHDOG_PERIOD_MS) > 0)
            return NULL;
        pthread_mutex_lock(&server->lock);
        for (conn_info *ci = server->conns; ci; ci = ci->next) {
            if (ci->timed_out || ci->fd < 0 ||
                seconds_since(&ci->phase_start) <=
                    server->cfg.request_timeout_s)
                continue;
            if (ci->answering)
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

static void server_free(http_server *server)
{
    if (server->watchdog_running) {
        if (write(server->stop_pipe[1], "x", 1) < 0)
            log_event("warn", "http.watchdog_stop", "error=write");
        pthread_join(server->watchdog, NULL);
    }
    if (server->stop_pipe[0] >= 0) {
        close(server->stop_pipe[0]);
        close(server->stop_pipe[1]);
    }
    pthread_mutex_destroy(&server->lock);
    free(server);
}

http_server *http_server_start(const http_server_config *cfg,
                               http_handler_fn handler, void *ctx, char *err,
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
    server->handler = handler;
    server->ctx = ctx;
    server->cfg = *cfg;
    server->stop_pipe[0] = server->stop_pipe[1] = -1;
    pthread_mutex_init(&server->lock, NULL);
    if (pipe(server->stop_pipe) != 0) {
        server->stop_pipe[0] = server->stop_pipe[1] = -1;
        server_free(server);
        parity_fail(err, errlen, PARITY_ERR_IO, "pipe: %s", strerror(errno));
        return NULL;
    }
    /* MHD_USE_ITC: MHD_quiesce_daemon needs it in this threading mode. */
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    unsigned hard_limit = (unsigned)cfg->connection_limit + LIMIT_MARGIN;
    unsigned per_ip = cfg->per_client_limit > 0
                          ? (unsigned)cfg->per_client_limit + LIMIT_MARGIN
                          : 0;
    /* libmicrohttpd keeps the request line, the headers and its read buffer
     * in one pool per connection; the headers are checked against
     * header_limit in check_limits, the pool leaves room above it. */
    size_t pool_size = cfg->header_limit * 2 + 16384;
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
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024U, MHD_OPTION_END);
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
    out->refused_connection_limit =
        atomic_load(&server->refused_connection_limit);
    out->refused_per_client_limit =
        atomic_load(&server->refused_per_client_limit);
    out->request_timeouts = atomic_load(&server->request_timeouts);
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
    int busy = 0;
    for (int waited = 0; waited <= grace_ms; waited += 20) {
        pthread_mutex_lock(&server->lock);
        busy = server->in_flight;
        pthread_mutex_unlock(&server->lock);
        if (busy == 0)
            break;
        usleep(20000);
    }
    if (busy)
        log_event("warn", "server.grace_expired",
                  "in_flight=%d grace_ms=%d (waiting for their handlers)", busy,
                  grace_ms);
    MHD_stop_daemon(server->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    server_free(server);
}
