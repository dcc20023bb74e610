/* http.c - libmicrohttpd behind the http.h contract. */
#include "parity/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "parity/log.h"
#include "parity/respond.h"

#define MAX_ARGS 64

struct http_server {
    struct MHD_Daemon *daemon;
    http_handler_fn handler;
    void *ctx;
    http_server_config cfg;
    int port;
    pthread_mutex_t lock;
    int in_flight;
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
    bool overflow;
} arg_collector;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *value)
{
    (void)kind;
    arg_collector *c = cls;
    if (c->n == MAX_ARGS) {
        c->overflow = true;
        return MHD_NO;
    }
    c->pairs[c->n].key = key;
    c->pairs[c->n].value = value ? value : "";
    c->n++;
    return MHD_YES;
}

static double elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) * 1e3 +
           (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

static void client_address(struct MHD_Connection *connection, char *out,
                           size_t outlen)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, outlen, "-");
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                  (socklen_t)outlen);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                  (socklen_t)outlen);
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
    } else {
        char *data = buf_take(&res->body, &len);
        response = MHD_create_response_from_buffer(
            head ? 0 : len, data, MHD_RESPMEM_MUST_FREE);
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
    if (res->location[0])
        MHD_add_response_header(response, "Location", res->location);
    if (res->allow_origin) {
        MHD_add_response_header(response, "Access-Control-Allow-Origin",
                                res->allow_origin);
        MHD_add_response_header(response, "Vary", "Origin");
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

static enum MHD_Result access_handler(void *cls,
                                      struct MHD_Connection *connection,
                                      const char *url, const char *method,
                                      const char *version,
                                      const char *upload_data,
                                      size_t *upload_data_size, void **con_cls)
{
    (void)version;
    http_server *server = cls;
    request_state *state = *con_cls;
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
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!state->too_large &&
            buf_append(&state->body, upload_data, *upload_data_size) !=
                PARITY_OK) {
            state->too_large = true;
            buf_dispose(&state->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    http_response *res = calloc(1, sizeof *res);
    if (!res)
        return MHD_NO;
    res->status = 200;
    buf_init(&res->body, (size_t)256 << 20);

    char client[64];
    client_address(connection, client, sizeof client);
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
        .origin = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                              "Origin"),
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

    char path_q[512];
    size_t bytes = res->shared ? res->shared_len : res->body.len;
    int status = res->status;
    const char *cache = res->cache_state ? res->cache_state : "-";
    log_event("info", "http.access",
              "method=%s path=%s status=%d bytes=%zu ms=%.2f cache=%s client=%s",
              method, log_quote(url, path_q, sizeof path_q), status, bytes,
              elapsed_ms(&state->started), cache, client);
    bool borrowed = res->shared != NULL;
    enum MHD_Result ok = send_response(connection, res, method);
    if (!borrowed) {
        buf_dispose(&res->body);
        free(res);
    }
    return ok;
}

static void request_completed(void *cls, struct MHD_Connection *connection,
                              void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    (void)connection;
    (void)toe;
    http_server *server = cls;
    request_state *state = *con_cls;
    if (!state)
        return;
    buf_dispose(&state->body);
    free(state);
    *con_cls = NULL;
    pthread_mutex_lock(&server->lock);
    server->in_flight--;
    pthread_mutex_unlock(&server->lock);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    char quoted[600];
    log_event("warn", "http.mhd", "message=%s", log_quote(msg, quoted, sizeof quoted));
}

static bool parse_listen(const char *listen, struct sockaddr_storage *addr,
                         char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || !colon[1]) {
        parity_fail(err, errlen, PARITY_ERR_USAGE,
                    "--listen '%s' must be HOST:PORT, e.g. 127.0.0.1:8080", listen);
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
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *found = NULL;
    int rc = getaddrinfo(host, colon + 1, &hints, &found);
    if (rc != 0 || !found) {
        parity_fail(err, errlen, PARITY_ERR_USAGE,
                    "--listen '%s': %s", listen, gai_strerror(rc));
        return false;
    }
    memcpy(addr, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    return true;
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
    pthread_mutex_init(&server->lock, NULL);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                     MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    server->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, server,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_client_limit,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->header_limit,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, server,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024U,
        MHD_OPTION_END);
    if (!server->daemon) {
        parity_fail(err, errlen, PARITY_ERR_IO,
                    "cannot listen on %s (address in use, or not an address "
                    "of this machine?)",
                    cfg->listen);
        pthread_mutex_destroy(&server->lock);
        free(server);
        return NULL;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    server->port = info ? info->port : 0;
    return server;
}

int http_server_port(const http_server *server) { return server->port; }

void http_server_stop(http_server *server, int grace_ms)
{
    if (!server)
        return;
    MHD_socket listen_fd = MHD_quiesce_daemon(server->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    for (int waited = 0; waited < grace_ms; waited += 20) {
        pthread_mutex_lock(&server->lock);
        int busy = server->in_flight;
        pthread_mutex_unlock(&server->lock);
        if (busy == 0)
            break;
        usleep(20000);
    }
    MHD_stop_daemon(server->daemon);
    pthread_mutex_destroy(&server->lock);
    free(server);
}
