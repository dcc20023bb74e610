/* cmd_serve.c - `parity serve`: settings, start, wait for a signal, stop. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/app.h"
#include "parity/cli.h"
#include "parity/http.h"
#include "parity/log.h"
#include "parity/options.h"

typedef struct serve_args {
    const char *db, *listen, *web_root, *cache_control, *cors_origins;
    long long pool_size, pool_reserve, statement_timeout_ms, pool_wait_ms,
        max_zoom, max_features, page_size, max_page_size, connection_limit,
        per_client_limit, idle_timeout_s, request_timeout_s, body_limit,
        header_limit, shutdown_grace_ms, cache_size, event_threads,
        worker_threads;
} serve_args;

#define ARG(field) offsetof(serve_args, field)
static const option_spec SERVE_OPTIONS[] = {
    {"--db", NULL, OPTION_STRING, NULL, 0, 0, ARG(db), "CONNINFO",
     "database (libpq connection string or URI)"},
    {"--listen", "PARITY_LISTEN", OPTION_STRING, "127.0.0.1:8080", 0, 0,
     ARG(listen), "HOST:PORT", "address to serve on"},
    {"--web-root", "PARITY_WEB_ROOT", OPTION_STRING, "build/web", 0, 0,
     ARG(web_root), "DIR", "directory of the map page (built by `make web`)"},
    {"--pool-size", "PARITY_POOL_SIZE", OPTION_INT, "8", 1, 256, ARG(pool_size),
     "N",
     "database connections at most (about 2 per CPU of the database "
     "server: tiles past them wait in line, holding no thread)"},
    {"--pool-reserve", "PARITY_POOL_RESERVE", OPTION_INT, "2", 0, 255,
     ARG(pool_reserve), "N",
     "connections tiles and reads may not take: kept for API writes "
     "(at most --pool-size minus 1)"},
    {"--statement-timeout", "PARITY_STATEMENT_TIMEOUT_MS", OPTION_INT, "5000",
     100, 600000, ARG(statement_timeout_ms), "MS",
     "longest a database query may run"},
    {"--pool-wait", "PARITY_POOL_WAIT_MS", OPTION_INT, "5000", 0, 600000,
     ARG(pool_wait_ms), "MS", "longest a request waits for a free connection"},
    {"--max-zoom", "PARITY_MAX_ZOOM", OPTION_INT, "22", 0, 22, ARG(max_zoom),
     "Z", "highest tile zoom answered"},
    {"--max-features", "PARITY_MAX_FEATURES", OPTION_INT, "20000", 1, 10000000,
     ARG(max_features), "N", "most features in one tile"},
    {"--page-size", "PARITY_PAGE_SIZE", OPTION_INT, "100", 1, 100000,
     ARG(page_size), "N", "API list items per page when no limit is given"},
    {"--max-page-size", "PARITY_MAX_PAGE_SIZE", OPTION_INT, "1000", 1, 100000,
     ARG(max_page_size), "N",
     "largest limit an API list accepts (400 past it)"},
    {"--cache-control", "PARITY_CACHE_CONTROL", OPTION_STRING,
     "public, max-age=60", 0, 0, ARG(cache_control), "VALUE",
     "Cache-Control of tiles and API reads"},
    {"--cache-size", "PARITY_CACHE_SIZE", OPTION_SIZE, "64M", 0,
     1099511627776.0, ARG(cache_size), "SIZE",
     "tile cache bound in bytes, gzip copies included (0: no cache)"},
    {"--connection-limit", "PARITY_CONNECTION_LIMIT", OPTION_INT, "1000", 1,
     100000, ARG(connection_limit), "N",
     "open client connections at most (503 past it)"},
    {"--per-client-limit", "PARITY_PER_CLIENT_LIMIT", OPTION_INT, "128", 0,
     100000, ARG(per_client_limit), "N",
     "open connections per client address (0: no limit; 429 past it)"},
    {"--idle-timeout", "PARITY_IDLE_TIMEOUT_S", OPTION_INT, "30", 1, 3600,
     ARG(idle_timeout_s), "S", "close connections idle this long"},
    {"--request-timeout", "PARITY_REQUEST_TIMEOUT_S", OPTION_INT, "60", 1, 3600,
     ARG(request_timeout_s), "S",
     "a request's headers and body must arrive within this (408 past it)"},
    {"--body-limit", "PARITY_BODY_LIMIT", OPTION_SIZE, "1M", 1024, 1073741824,
     ARG(body_limit), "SIZE", "largest request body (413 past it)"},
    {"--header-limit", "PARITY_HEADER_LIMIT", OPTION_SIZE, "16k", 4096, 1048576,
     ARG(header_limit), "SIZE",
     "largest request line and headers together (431 past it)"},
    {"--cors-origins", "PARITY_CORS_ORIGINS", OPTION_STRING, "", 0, 0,
     ARG(cors_origins), "LIST",
     "other origins whose pages may call this server, comma-separated "
     "scheme://host[:port], or * (default: none, same origin only)"},
    {"--event-threads", "PARITY_EVENT_THREADS", OPTION_INT, "0", 0, 64,
     ARG(event_threads), "N",
     "threads reading requests and sending answers, never blocking, and as "
     "many reading the database's answers to tile queries (0: one per online "
     "CPU)"},
    {"--worker-threads", "PARITY_WORKER_THREADS", OPTION_INT, "0", 0, 1024,
     ARG(worker_threads), "N",
     "threads for requests that wait on the database or files (0: "
     "--pool-size + 8)"},
    {"--shutdown-grace", "PARITY_SHUTDOWN_GRACE_MS", OPTION_INT, "10000", 0,
     600000, ARG(shutdown_grace_ms), "MS",
     "on SIGTERM, how long in-flight requests may take to finish"},
};
#undef ARG
#define N_SERVE_OPTIONS (sizeof SERVE_OPTIONS / sizeof SERVE_OPTIONS[0])

int cmd_serve(int argc, char **argv, const char *db)
{
    serve_args args;
    memset(&args, 0, sizeof args);
    const char *positional[1];
    size_t n_positional;
    bool help;
    char err[1024];
    parity_status status =
        options_parse(SERVE_OPTIONS, N_SERVE_OPTIONS, argc, argv, getenv, &args,
                      positional, 0, &n_positional, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (help) {
        options_help(stdout, "parity serve [options]",
                     "Serves the map page, GeoJSON tiles and the JSON API.",
                     SERVE_OPTIONS, N_SERVE_OPTIONS);
        return 0;
    }
    if (!args.db)
        args.db = cli_database(db);
    if (args.page_size > args.max_page_size) {
        snprintf(err, sizeof err,
                 "--page-size (%lld) must not exceed --max-page-size (%lld)",
                 args.page_size, args.max_page_size);
        return cli_fail(PARITY_ERR_USAGE, err);
    }

    /* Signals are taken by sigwait below; every other thread inherits the
     * mask. A closed client socket must not kill the process. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    app_config app_cfg = {
        .db = args.db,
        .web_root = args.web_root,
        .pool_size = (int)args.pool_size,
        .pool_reserve = (int)args.pool_reserve,
        .statement_timeout_ms = (int)args.statement_timeout_ms,
        .pool_wait_ms = (int)args.pool_wait_ms,
        .max_zoom = (int)args.max_zoom,
        .max_features = (int)args.max_features,
        .cache_control = args.cache_control,
        .cors_origins = args.cors_origins,
        .page_size = (int)args.page_size,
        .max_page_size = (int)args.max_page_size,
        .cache_size = (size_t)args.cache_size,
        .db_threads = (int)args.event_threads,
    };
    app *a = app_new(&app_cfg, err, sizeof err);
    if (!a)
        return cli_fail(PARITY_ERR_USAGE, err);
    http_server_config http_cfg = {
        .listen = args.listen,
        .connection_limit = (int)args.connection_limit,
        .per_client_limit = (int)args.per_client_limit,
        .idle_timeout_s = (int)args.idle_timeout_s,
        .request_timeout_s = (int)args.request_timeout_s,
        .body_limit = (size_t)args.body_limit,
        .header_limit = (size_t)args.header_limit,
        .event_threads = (int)args.event_threads,
        /* Enough to keep every database connection busy, plus headroom for
         * requests that wait on another's tile or read a file. */
        .worker_threads = args.worker_threads > 0 ? (int)args.worker_threads
                                                  : (int)args.pool_size + 8,
        .observe = app_observe,
        .observe_ctx = a,
    };
    http_handlers handlers = {
        .fast = app_fast, .async = app_async, .full = app_handle, .ctx = a};
    http_server *server =
        http_server_start(&http_cfg, &handlers, err, sizeof err);
    if (!server) {
        app_free(a);
        return cli_fail(PARITY_ERR_IO, err);
    }
    app_attach_server(a, server);
    log_event("info", "server.start",
              "listen=%s port=%d web_root=%s pool=%lld cache_bytes=%lld "
              "event_threads=%lld worker_threads=%d",
              args.listen, http_server_port(server), args.web_root,
              args.pool_size, args.cache_size, args.event_threads,
              http_cfg.worker_threads);
    fprintf(stderr, "parity: serving on http://%s/ (Ctrl-C stops)\n",
            args.listen);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_event("info", "server.stopping", "signal=%s grace_ms=%lld",
              sig == SIGTERM ? "TERM" : "INT", args.shutdown_grace_ms);
    http_server_stop(server, (int)args.shutdown_grace_ms);
    log_flush();
    app_free(a);
    log_event("info", "server.stopped", NULL);
    return 0;
}
