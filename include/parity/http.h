/*
 * http.h - the HTTP server; the only module that speaks libmicrohttpd.
 *
 * It parses nothing but HTTP itself: each request becomes an http_request
 * (method, decoded path, query arguments, the headers parity cares about,
 * the body up to a cap) handed to one handler function, which fills an
 * http_response. The server adds the security headers every answer carries,
 * writes one access-log line per request, and frees per-request state in
 * exactly one place (libmicrohttpd's completion callback).
 *
 * It also enforces the limits of one connection and one request, each with
 * a clear answer: more open connections than connection_limit get 503,
 * more from one client address than per_client_limit get 429 (both with
 * Retry-After, then the connection is closed; past a small margin above the
 * limit libmicrohttpd refuses the connection outright), headers larger than
 * header_limit get 431 (a JSON body; headers far past it get
 * libmicrohttpd's own 431 or 414), a body larger than body_limit gets 413
 * (at once when Content-Length announces it), a request that takes longer
 * than request_timeout_s to arrive gets 408 and is closed (slow headers or
 * slow bodies: a watchdog thread checks every connection), and a connection
 * idle for idle_timeout_s is closed.
 *
 * Threading: event-driven. A few event threads (libmicrohttpd's internal
 * thread pool on epoll, event_threads of them) read requests and write
 * answers for every connection; they must never block. Each complete
 * request is first offered to the `fast` handler, on the event thread: it
 * answers at once what needs no waiting (a cached tile, a 304, health from
 * the monitor's last probe) or declines. A declined request's connection
 * is suspended and the request goes to a bounded pool of worker threads
 * (worker_threads of them) running the `full` handler, which may block on
 * the database or the disk; when it has filled the answer the connection
 * is resumed and the event thread sends it. Between the two, an `async`
 * handler may take a declined request whose answer waits only on the
 * database (a tile to make): the connection is suspended, the query sent
 * (or put in line for the next free database connection), and the answer
 * made on the database's own thread when it comes, with no worker woken
 * and none held while the request waits. So a slow request
 * holds a worker, never an event thread, and cached tiles keep flowing on every
 * other connection. Both handlers are called from many threads at once and
 * must be thread-safe; no handler may assume one thread per connection.
 * The request (http_request and everything it points to) stays valid and
 * unchanged until the answer is sent, on whichever thread handles it.
 * Chosen over thread-per-connection by measurement: a cached tile took
 * 18-25 us of CPU with a thread per connection (a thread switch and a
 * poll per request) and 11-18 us this way, nginx 9-13 us for the same
 * bytes in the same runs (docs/benchmarks.md, "Before and after").
 */
#ifndef PARITY_HTTP_H
#define PARITY_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/buf.h"
#include "parity/status.h"

typedef struct http_pair {
    const char *key, *value;
} http_pair;

typedef struct http_request {
    const char *method;    /* "GET", "POST", ... */
    const char *path;      /* percent-decoded, without the query */
    const http_pair *args; /* query arguments, in order, decoded */
    size_t n_args;
    const char *if_none_match; /* header values or NULL */
    const char *accept_encoding;
    const char *accept;
    const char *authorization;
    const char *origin;
    const char *content_type;
    const char *body; /* NUL-terminated, NULL when none */
    size_t body_len;
    const char *client; /* client address as text */
} http_request;

/* Borrowed body bytes are released through this when sent. */
typedef void (*http_release_fn)(void *ctx);

typedef struct http_response {
    int status;               /* 200 unless set */
    const char *content_type; /* static string */
    parity_buf body;          /* owned body (used when shared is NULL) */
    const void *shared;       /* or borrowed bytes ... */
    size_t shared_len;
    http_release_fn release; /* ... released with this (may be NULL) */
    void *release_ctx;
    char etag[48];                /* quoted strong ETag, or "" */
    const char *cache_control;    /* static string or NULL */
    const char *content_encoding; /* "gzip" or NULL */
    const char *vary;             /* "Accept-Encoding" or NULL */
    char location[256];           /* Location for 201, or "" */
    int retry_after;              /* seconds for 503, 0 for none */
    const char *allow_origin;     /* CORS: the origin to allow, or NULL */
    const char *allow; /* Allow for 405 ("GET, HEAD, POST"), or NULL */
    const char *www_authenticate; /* WWW-Authenticate for 401, or NULL */
    const char *cache_state;      /* "hit", "miss", "wait" or NULL: the access
                                     log and the X-Parity-Cache header */
    char truncated[48]; /* X-Parity-Truncated ("<kept> of <total>": a tile
                           left features out), or "" */
    const char
        *allow_methods; /* CORS preflight: Access-Control-Allow-Methods */
    const char
        *allow_headers;     /* CORS preflight: Access-Control-Allow-Headers */
    int max_age;            /* CORS preflight: Access-Control-Max-Age, 0 none */
    bool close;             /* close the connection after this answer */
    const char *route_name; /* static route label for logs and metrics */
} http_response;

/* The full handler: runs on a worker thread and may block (the database,
 * files), bounded by the deadlines of what it waits for. It always
 * answers: res starts as a 200 with no body. */
typedef void (*http_handler_fn)(void *ctx, const http_request *req,
                                http_response *res);

/* The fast handler: runs on an event thread, so it must not block (no
 * database, no files, no waiting on another request; taking a mutex held
 * only briefly is fine). Returns true when it answered (res filled);
 * false to decline, and then the request goes to the full handler with a
 * fresh res (what the fast handler left in res is discarded: borrowed
 * bytes are released through res->release). */
typedef bool (*http_fast_fn)(void *ctx, const http_request *req,
                             http_response *res);

/* A request taken by the async handler, until it is answered. */
typedef struct http_pending http_pending;

/* The async handler: runs on an event thread for a request the fast
 * handler declined, and must not block either. It may take the request
 * (return true) when the answer only waits on something with an event loop
 * of its own (a query sent with db_async_query): it then fills res and
 * calls http_pending_done(pending) exactly once, later, from any thread,
 * and the connection waits suspended meanwhile, holding no thread. false
 * leaves the request to the full handler, with res untouched. */
typedef bool (*http_async_fn)(void *ctx, const http_request *req,
                              http_response *res, http_pending *pending);

/* Sends the answer the async handler filled in; pending is gone after. */
void http_pending_done(http_pending *pending);

typedef struct http_handlers {
    http_fast_fn fast;    /* may be NULL: every request goes to a worker */
    http_async_fn async;  /* may be NULL */
    http_handler_fn full; /* required */
    void *ctx;            /* passed to all three */
} http_handlers;

/* Called once per answered request (from an event thread), after
 * the answer is decided and before it is sent: for metrics. Requests
 * refused by a limit before reaching the handler have route_name NULL. */
typedef void (*http_observe_fn)(void *ctx, const http_response *res,
                                double seconds);

typedef struct http_server_config {
    const char *listen;      /* "HOST:PORT" ([v6]:port too) */
    int connection_limit;    /* open connections at most */
    int per_client_limit;    /* open connections per client address */
    int idle_timeout_s;      /* idle keep-alive and slow clients */
    int request_timeout_s;   /* whole request (headers + body) must arrive */
    size_t body_limit;       /* request body cap, 413 past it */
    size_t header_limit;     /* request line + headers, 431 past it */
    int event_threads;       /* event threads (0: the online CPUs) */
    int worker_threads;      /* worker threads for the full handler (>= 1) */
    http_observe_fn observe; /* may be NULL */
    void *observe_ctx;
} http_server_config;

typedef struct http_server_stats {
    long open_connections;
    unsigned long long refused_connection_limit; /* answered 503 */
    unsigned long long refused_per_client_limit; /* answered 429 */
    unsigned long long request_timeouts;         /* answered 408 and closed */
    unsigned long long fast_answers;   /* answered on an event thread */
    unsigned long long worker_answers; /* answered by a worker */
    unsigned long long async_answers;  /* answered by the async handler */
    int async_pending;                 /* taken by it, not yet answered */
    long workers_busy;                 /* workers running a handler now */
    long worker_queue;                 /* requests waiting for a worker */
} http_server_stats;

typedef struct http_server http_server;

/* Looks up the first query argument named key, or NULL. */
const char *http_request_arg(const http_request *req, const char *key);

/* Starts serving with the two handlers (see the top; handlers is copied).
 * NULL on failure with err saying why (address in use, bad address, no
 * threads, ...). */
http_server *http_server_start(const http_server_config *cfg,
                               const http_handlers *handlers, char *err,
                               size_t errlen);

/* The port actually bound (useful with port 0). */
int http_server_port(const http_server *server);

/* Counters of the limits at work; thread-safe. */
void http_server_get_stats(http_server *server, http_server_stats *out);

/* Stops accepting (new connections are refused at once), lets in-flight
 * requests finish for up to grace_ms (those waiting for or on a worker
 * included), then closes every connection and stops. Past grace_ms the
 * connections still open are cut at once; a full handler still running is
 * waited for (handlers are bounded by the database's deadlines) and
 * requests still queued for a worker are answered 503 without running.
 * Call it from one thread, not from a handler. NULL is fine. */
void http_server_stop(http_server *server, int grace_ms);

#endif
