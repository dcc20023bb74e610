/* A whole request through app_fast and app_handle, the way http.c hands it
 * over (the path and parameters percent-decoded, selected headers, a
 * body), with the database unreachable: what must hold for any request is that
 * the answer is well-formed, never a 500, and that no file outside the web root
 * is ever served (a canary file sits next to it).
 *
 * Input: "METHOD PATH\nk=v&k=v\nName: value\n...\n\nbody". Requests that
 * would reach the database (a tile, an API collection) stop at parsing:
 * route_parse and params are fuzzed for them in their own targets. */
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "parity/app.h"
#include "parity/routes.h"

static app *the_app;
static char canary[] = "canary-7f3a-outside-the-web-root";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/parity-fuzz-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    char path[256];
    snprintf(path, sizeof path, "%s/web", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/web/sub", dir);
    mkdir(path, 0755);
    const char *files[][2] = {
        {"web/index.html", "<!doctype html><title>x</title>"},
        {"web/app.js", "console.log(1)"},
        {"web/sub/index.html", "sub"},
        {"secret.txt", canary},
        {"web/.hidden", canary}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        FILE *f = fopen(path, "w");
        if (!f)
            abort();
        fputs(files[i][1], f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/web/link", dir);
    if (symlink("../secret.txt", path) != 0)
        abort();
    snprintf(path, sizeof path, "%s/web/up", dir); /* a directory link out */
    if (symlink("..", path) != 0)
        abort();
    static char web_root[256];
    snprintf(web_root, sizeof web_root, "%s/web", dir);
    app_config cfg = {
        .db = "host=/nonexistent-parity-fuzz dbname=none connect_timeout=1",
        .web_root = web_root,
        .pool_size = 2,
        .statement_timeout_ms = 1000,
        .pool_wait_ms = 10,
        .max_zoom = 22,
        .max_features = 100,
        .cache_control = "public, max-age=60",
        .cors_origins = "https://maps.example.org",
    };
    char err[256];
    the_app = app_new(&cfg, err, sizeof err);
    if (!the_app) {
        fprintf(stderr, "app_new: %s\n", err);
        abort();
    }
    return 0;
}

/* The next line of *p (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **p, char *end)
{
    if (*p >= end)
        return NULL;
    char *line = *p;
    char *nl = memchr(line, '\n', (size_t)(end - line));
    if (nl) {
        *nl = '\0';
        *p = nl + 1;
    } else {
        *p = end;
    }
    return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    char *p = text, *end = text + size;
    char *first = next_line(&p, end);
    if (!first) {
        free(text);
        return 0;
    }
    char *space = strchr(first, ' ');
    const char *method = "GET";
    const char *path = first;
    if (space) {
        *space = '\0';
        method = first;
        path = space + 1;
    }
    char *query = next_line(&p, end);
    http_pair args[64];
    http_request req = {
        .method = method, .path = path, .args = args, .client = "127.0.0.1"};
    if (query && *query)
        req.n_args = fuzz_args(query, args, 64);
    char *line;
    while ((line = next_line(&p, end)) && *line) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        const char *value = colon[1] == ' ' ? colon + 2 : colon + 1;
        if (!strcasecmp(line, "origin"))
            req.origin = value;
        else if (!strcasecmp(line, "if-none-match"))
            req.if_none_match = value;
        else if (!strcasecmp(line, "authorization"))
            req.authorization = value;
        else if (!strcasecmp(line, "content-type"))
            req.content_type = value;
        else if (!strcasecmp(line, "accept-encoding"))
            req.accept_encoding = value;
        else if (!strcasecmp(line, "accept"))
            req.accept = value;
    }
    if (p < end) {
        req.body = p;
        req.body_len = (size_t)(end - p);
    }
    /* The fast path (app_fast, on http.c's event threads) never touches
     * the database or a file, so every request goes through it, tiles and
     * API calls included: it answers well-formed or declines. */
    http_response fast = {.status = 200};
    buf_init(&fast.body, (size_t)16 << 20);
    if (app_fast(the_app, &req, &fast)) {
        FUZZ_CHECK(fast.status >= 200 && fast.status <= 599);
        FUZZ_CHECK(fast.status != 500);
        if (fast.allow_origin)
            FUZZ_CHECK(
                !strcasecmp(fast.allow_origin, "https://maps.example.org"));
    }
    buf_dispose(&fast.body);
    if (fast.shared && fast.release)
        fast.release(fast.release_ctx);
    route r;
    char err[256];
    bool needs_database =
        (!strncmp(path, "/tiles/", 7) || !strncmp(path, "/api/", 5)) &&
        route_parse(path, 22, &r, err, sizeof err) == PARITY_OK;
    if (!needs_database) {
        http_response res = {.status = 200};
        buf_init(&res.body, (size_t)16 << 20);
        app_handle(the_app, &req, &res);
        FUZZ_CHECK(res.status >= 200 && res.status <= 599);
        FUZZ_CHECK(res.status != 500);
        /* The body may be borrowed from the cache (res.shared, released
         * through res.release, as http.c does once it is sent). A gzip body
         * holds the same file as the identity one the fuzzer also asks for
         * (without Accept-Encoding), so only identity bodies are searched. */
        const char *bytes = res.shared ? res.shared : res.body.data;
        size_t len = res.shared ? res.shared_len : res.body.len;
        if (bytes && !res.content_encoding)
            FUZZ_CHECK(!memmem(bytes, len, canary, strlen(canary)));
        if (res.allow_origin)
            FUZZ_CHECK(
                !strcmp(res.allow_origin, "https://maps.example.org") ||
                !strcasecmp(res.allow_origin, "https://maps.example.org"));
        buf_dispose(&res.body);
        if (res.shared && res.release)
            res.release(res.release_ctx);
    }
    free(text);
    return 0;
}
