/* api_crud.c - list, get, create, replace, change and delete for every API
 * collection alike (see api.h). */
#include "parity/api.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/log.h"
#include "parity/params.h"
#include "parity/respond.h"

#define API_MAX_PARAMS (2 * API_MAX_FIELDS + 2)

/* ---- small checks ------------------------------------------------------- */

/* The name of the resource's query for op ("list", "get", ...):
 * api_<collection>_<op>, one file in sql/queries. */
static const char *query_name(const api_resource *resource, const char *op,
                              char *out, size_t outlen)
{
    snprintf(out, outlen, "api_%s_%s", resource->name, op);
    return out;
}

/* A bigint id: 1 .. 2^63-1 in plain digits. */
static bool valid_number_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 19 || s[0] == '0')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n < 19 || strcmp(s, "9223372036854775807") <= 0;
}

static bool valid_id(const api_resource *resource, const char *id)
{
    return resource->text_id ? validate_category_name(id) : valid_number_id(id);
}

/* Neighborhood ids come from boundary files: letters (any script), digits,
 * spaces and . _ : / -, at most 64 bytes. */
static bool valid_neighborhood_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c >= 0x80 || strchr(" ._:/-", c)))
            return false;
    }
    return true;
}

static void answer_405(http_response *res, bool item)
{
    respond_method_not_allowed(
        res,
        item ? "a record answers GET, HEAD, PUT, PATCH and DELETE"
             : "a collection answers GET, HEAD and POST",
        item ? "GET, HEAD, PUT, PATCH, DELETE" : "GET, HEAD, POST");
}

/* ---- list parameters ---------------------------------------------------- */

static const struct {
    api_param param;
    const char *names[3];
} PARAM_NAMES[] = {
    {API_BBOX, {"bbox", NULL, NULL}},
    {API_WINDOW, {"from", "to", NULL}},
    {API_CATEGORY, {"category", NULL, NULL}},
    {API_NEIGHBORHOOD, {"neighborhood", NULL, NULL}},
    {API_PARTNER, {"partner", NULL, NULL}},
    {API_PROGRAM, {"program", NULL, NULL}},
    {API_PAGE, {"limit", "offset", NULL}},
};
#define N_PARAM_NAMES (sizeof PARAM_NAMES / sizeof PARAM_NAMES[0])

static bool takes(const api_resource *resource, api_param param)
{
    for (int i = 0; resource->list_params[i] != API_END; i++)
        if (resource->list_params[i] == param)
            return true;
    return false;
}

/* Refuses query parameters this collection's list does not know. */
static parity_status check_arg_names(const api_resource *resource,
                                     const http_request *req, bool item,
                                     char *err, size_t errlen)
{
    for (size_t a = 0; a < req->n_args; a++) {
        bool known = false;
        for (size_t i = 0; i < N_PARAM_NAMES && !known; i++)
            for (int j = 0; PARAM_NAMES[i].names[j] && !known; j++)
                known = !item && takes(resource, PARAM_NAMES[i].param) &&
                        !strcmp(req->args[a].key, PARAM_NAMES[i].names[j]);
        if (known)
            continue;
        size_t used = (size_t)snprintf(
            err, errlen, "unknown parameter '%.40s': %s%s takes ",
            req->args[a].key, item ? "a record of /api/" : "/api/",
            resource->name);
        if (item) {
            snprintf(err + used, errlen - used, "none");
        } else {
            int k = 0;
            for (size_t i = 0; i < N_PARAM_NAMES; i++)
                for (int j = 0; takes(resource, PARAM_NAMES[i].param) &&
                                PARAM_NAMES[i].names[j] && used < errlen;
                     j++)
                    used += (size_t)snprintf(err + used, errlen - used, "%s%s",
                                             k++ ? ", " : "",
                                             PARAM_NAMES[i].names[j]);
        }
        return PARITY_ERR_INPUT;
    }
    return PARITY_OK;
}

static parity_status parse_ref(const http_request *req, const char *name,
                               const char **out, char *err, size_t errlen)
{
    *out = http_request_arg(req, name);
    if (*out && !valid_number_id(*out))
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "%s: a %s id (a whole number from 1)", name, name);
    return PARITY_OK;
}

static bool unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
           c == ',';
}

static void append_encoded(parity_buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (unreserved(*p))
            buf_append(out, p, 1);
        else
            buf_printf(out, "%%%02X", *p);
    }
}

/* The path and query of the page after this one: the same parameters with
 * offset moved on by limit. */
static void next_link(const http_request *req, const params_page *page,
                      parity_buf *out)
{
    buf_append_str(out, req->path);
    char sep = '?';
    for (size_t i = 0; i < req->n_args; i++) {
        if (!strcmp(req->args[i].key, "limit") ||
            !strcmp(req->args[i].key, "offset"))
            continue;
        buf_append(out, &sep, 1);
        sep = '&';
        append_encoded(out, req->args[i].key);
        buf_append_str(out, "=");
        append_encoded(out, req->args[i].value);
    }
    buf_printf(out, "%climit=%ld&offset=%ld", sep, page->limit,
               page->offset + page->limit);
}

/* Everything a list request asks, parsed and checked. */
typedef struct list_request {
    params_filters filters;
    params_bbox bbox;
    params_page page;
    const char *neighborhood, *partner, *program;
    char bbox_text[4][32];
    char limit[24], offset[24];
    char categories[PARAMS_MAX_CATEGORIES * (PARAMS_CATEGORY_LEN + 4) + 4];
    parity_buf next;
} list_request;

static parity_status parse_list(const api_resource *resource,
                                const handler_ctx *ctx, const http_request *req,
                                list_request *lr, char *err, size_t errlen)
{
    parity_status status;
    if ((status = check_arg_names(resource, req, false, err, errlen)) !=
            PARITY_OK ||
        (status = params_parse_filters(req, &lr->filters, err, errlen)) !=
            PARITY_OK ||
        (status = params_parse_bbox(req, &lr->bbox, err, errlen)) !=
            PARITY_OK ||
        (status = params_parse_page(req, ctx->cfg->page_size,
                                    ctx->cfg->max_page_size, &lr->page, err,
                                    errlen)) != PARITY_OK ||
        (status = parse_ref(req, "partner", &lr->partner, err, errlen)) !=
            PARITY_OK ||
        (status = parse_ref(req, "program", &lr->program, err, errlen)) !=
            PARITY_OK)
        return status;
    lr->neighborhood = http_request_arg(req, "neighborhood");
    if (lr->neighborhood && !valid_neighborhood_id(lr->neighborhood))
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "neighborhood: a neighborhood id (letters, digits, "
                           "spaces and . _ : / -, at most 64)");
    snprintf(lr->limit, sizeof lr->limit, "%ld", lr->page.limit);
    snprintf(lr->offset, sizeof lr->offset, "%ld", lr->page.offset);
    const double corners[4] = {lr->bbox.west, lr->bbox.south, lr->bbox.east,
                               lr->bbox.north};
    for (int i = 0; i < 4; i++)
        snprintf(lr->bbox_text[i], sizeof lr->bbox_text[i], "%.17g",
                 corners[i]);
    next_link(req, &lr->page, &lr->next);
    return PARITY_OK;
}

/* The list query's parameters, in the order the resource names them. */
static int list_params(const api_resource *resource, list_request *lr,
                       bool privileged, const char **params)
{
    int n = 0;
    for (int i = 0; resource->list_params[i] != API_END; i++) {
        switch (resource->list_params[i]) {
        case API_BBOX:
            for (int k = 0; k < 4; k++)
                params[n++] = lr->bbox.set ? lr->bbox_text[k] : NULL;
            break;
        case API_WINDOW:
            params[n++] = lr->filters.from[0] ? lr->filters.from : NULL;
            params[n++] = lr->filters.to[0] ? lr->filters.to : NULL;
            break;
        case API_CATEGORY:
            params[n++] = params_categories_array(&lr->filters, lr->categories,
                                                  sizeof lr->categories);
            break;
        case API_NEIGHBORHOOD: params[n++] = lr->neighborhood; break;
        case API_PARTNER: params[n++] = lr->partner; break;
        case API_PROGRAM: params[n++] = lr->program; break;
        case API_PAGE:
            params[n++] = lr->limit;
            params[n++] = lr->offset;
            params[n++] = lr->next.data ? lr->next.data : "";
            break;
        case API_PRIVILEGED: params[n++] = privileged ? "true" : "false"; break;
        case API_END: break;
        }
    }
    return n;
}

/* Answers 400 when the neighborhood, partner or program a list filters on
 * does not exist (a typo should not look like an empty city). */
static parity_status check_references(db_conn *conn, const list_request *lr,
                                      http_response *res)
{
    if (!lr->neighborhood && !lr->partner && !lr->program)
        return PARITY_OK;
    const char *params[3] = {lr->neighborhood, lr->partner, lr->program};
    db_result *rows = NULL;
    char err[512];
    parity_status status = db_query(conn, "api_filters_unknown", 3, params,
                                    &rows, err, sizeof err);
    if (status != PARITY_OK) {
        handler_db_error(res, status, "api_filters_unknown", err);
        return status;
    }
    static const char *const NAMES[3] = {"neighborhood", "partner", "program"};
    for (int i = 0; i < 3 && status == PARITY_OK; i++)
        if (!strcmp(db_result_value(rows, 0, i), "t")) {
            char msg[160];
            snprintf(msg, sizeof msg, "%s: there is no %s '%.64s'", NAMES[i],
                     NAMES[i], params[i]);
            respond_error(res, PARITY_ERR_INPUT, msg, NULL);
            status = PARITY_ERR_INPUT;
        }
    db_result_free(rows);
    return status;
}

/* ---- reads -------------------------------------------------------------- */

/* Answers the single row, single column of rows as JSON, or 404. */
static void answer_document(const handler_ctx *ctx, const http_request *req,
                            http_response *res, db_result *rows,
                            int http_status, bool privileged)
{
    if (db_result_rows(rows) != 1 || db_result_is_null(rows, 0, 0)) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such record", NULL);
        return;
    }
    respond_bytes(res, http_status, "application/json",
                  db_result_value(rows, 0, 0), db_result_length(rows, 0, 0));
    if (http_status != 200)
        res->cache_control = "no-store";
    else if (privileged)
        res->cache_control = "private, no-store";
    else
        handler_cacheable(ctx, req, res);
}

static void read_list(const api_resource *resource, const handler_ctx *ctx,
                      const http_request *req, db_conn *conn, bool privileged,
                      http_response *res)
{
    list_request lr;
    memset(&lr, 0, sizeof lr);
    buf_init(&lr.next, 4096);
    char err[512];
    parity_status status = parse_list(resource, ctx, req, &lr, err, sizeof err);
    if (status != PARITY_OK) {
        respond_error(res, status, err, NULL);
    } else if (handler_check_categories(conn, &lr.filters, res) == PARITY_OK &&
               check_references(conn, &lr, res) == PARITY_OK) {
        const char *params[16];
        int n = list_params(resource, &lr, privileged, params);
        db_result *rows = NULL;
        char query[64];
        query_name(resource, "list", query, sizeof query);
        status = db_query(conn, query, n, params, &rows, err, sizeof err);
        if (status != PARITY_OK)
            handler_db_error(res, status, query, err);
        else
            answer_document(ctx, req, res, rows, 200, privileged);
        db_result_free(rows);
    }
    buf_dispose(&lr.next);
}

static void read_one(const api_resource *resource, const handler_ctx *ctx,
                     const http_request *req, const char *id, db_conn *conn,
                     bool privileged, http_response *res)
{
    char err[512];
    if (check_arg_names(resource, req, true, err, sizeof err) != PARITY_OK) {
        respond_error(res, PARITY_ERR_INPUT, err, NULL);
        return;
    }
    const char *params[2] = {id, privileged ? "true" : "false"};
    db_result *rows = NULL;
    char query[64];
    query_name(resource, "get", query, sizeof query);
    parity_status status =
        db_query(conn, query, resource->get_privileged ? 2 : 1, params, &rows,
                 err, sizeof err);
    if (status != PARITY_OK)
        handler_db_error(res, status, query, err);
    else
        answer_document(ctx, req, res, rows, 200, privileged);
    db_result_free(rows);
}

/* ---- writes ------------------------------------------------------------- */

/* The body field a violated constraint is about: the constraint name
 * without its table and suffix ends with the field's name (the longest
 * such name wins: events_youth_attendance_check is youth_attendance). */
static const char *constraint_field(const api_resource *resource,
                                    const char *constraint, const char *column)
{
    if (column && *column)
        for (size_t i = 0; i < resource->n_fields; i++)
            if (!strcmp(resource->fields[i].name, column))
                return resource->fields[i].name;
    char base[64];
    snprintf(base, sizeof base, "%s", constraint);
    size_t n = strlen(base);
    static const char *const SUFFIXES[] = {"_fkey", "_check", "_key", "_pkey"};
    for (size_t s = 0; s < 4; s++) {
        size_t k = strlen(SUFFIXES[s]);
        if (n > k && !strcmp(base + n - k, SUFFIXES[s])) {
            if (s == 3)
                return "id";
            base[n - k] = '\0';
            n -= k;
            break;
        }
    }
    const char *best = NULL;
    for (size_t i = 0; i < resource->n_fields; i++) {
        const char *name = resource->fields[i].name;
        size_t k = strlen(name);
        if (k < n && base[n - k - 1] == '_' && !strcmp(base + n - k, name) &&
            (!best || k > strlen(best)))
            best = name;
    }
    /* A geometry column is the body's location. */
    if (!best && n >= 4 && !strcmp(base + n - 4, "geom"))
        best = "location";
    return best;
}

/* Why a CHECK on field failed, from the field's own rules: with a stored
 * value of another field (a PATCH of one of the two), or its range. */
static void check_reason(const api_resource *resource, const char *field,
                         char *reason, size_t len)
{
    for (size_t i = 0; i < resource->n_fields; i++) {
        const validate_field *f = &resource->fields[i];
        if (strcmp(f->name, field))
            continue;
        if (f->not_below)
            snprintf(reason, len, "must not be before %s", f->not_below);
        else if (f->not_above)
            snprintf(reason, len, "must not be more than %s", f->not_above);
        else
            snprintf(reason, len, "is out of range");
        return;
    }
    snprintf(reason, len, "is out of range");
}

/* Answers a failed write: constraint violations as 400/409 naming the
 * field, anything else as handler_db_error does. */
static void answer_write_error(const api_resource *resource, db_conn *conn,
                               parity_status status, const char *query,
                               const char *err, bool deleting,
                               http_response *res)
{
    const char *constraint = db_error_constraint(conn);
    const char *field =
        constraint_field(resource, constraint, db_error_column(conn));
    bool foreign = strlen(constraint) > 5 &&
                   !strcmp(constraint + strlen(constraint) - 5, "_fkey");
    char msg[256], reason[160];
    if (deleting && foreign) {
        snprintf(msg, sizeof msg,
                 "this %s is still referenced by other records (%s); change or "
                 "delete those first",
                 resource->record, constraint);
        respond_error(res, PARITY_ERR_CONFLICT, msg, NULL);
        return;
    }
    if ((status != PARITY_ERR_INPUT && status != PARITY_ERR_CONFLICT) ||
        !field) {
        if (status == PARITY_ERR_INPUT || status == PARITY_ERR_CONFLICT) {
            char quoted[600];
            log_event("warn", "api.write_refused", "query=%s error=%s", query,
                      log_quote(err, quoted, sizeof quoted));
            respond_error(res, status,
                          status == PARITY_ERR_CONFLICT
                              ? "the write clashes with a stored record"
                              : "a value is out of range for the database",
                          NULL);
            return;
        }
        handler_db_error(res, status, query, err);
        return;
    }
    if (status == PARITY_ERR_CONFLICT)
        snprintf(reason, sizeof reason, "is taken by another %s",
                 resource->record);
    else if (foreign && !strcmp(field, "category"))
        snprintf(reason, sizeof reason,
                 "is not a known category (see /api/categories)");
    else if (foreign)
        snprintf(reason, sizeof reason, "no %.*s has this id",
                 (int)strcspn(field, "_"), field);
    else if (!strcmp(db_error_column(conn), field))
        snprintf(reason, sizeof reason, "must not be null");
    else
        check_reason(resource, field, reason, sizeof reason);
    json_object *fields = json_object_new_object();
    json_object_object_add(fields, field, json_object_new_string(reason));
    snprintf(msg, sizeof msg, "%s: %s", field, reason);
    respond_error(res, status, msg, fields);
}

/* The write query's parameters from the validated values: each written
 * field's text (a point its two), in table order. For an update, changed
 * receives "{name,...}" of the fields present. */
static int write_params(const api_resource *resource,
                        const validate_value *values, const char **params,
                        char *changed, size_t changed_len)
{
    int n = 0;
    size_t used = (size_t)snprintf(changed, changed_len, "{");
    for (size_t i = 0; i < resource->n_fields; i++) {
        const validate_field *f = &resource->fields[i];
        if (f->type == VALIDATE_READONLY)
            continue;
        params[n++] = values[i].present ? values[i].text : NULL;
        if (f->type == VALIDATE_POINT)
            params[n++] = values[i].present ? values[i].text2 : NULL;
        if (values[i].present && used < changed_len)
            used += (size_t)snprintf(changed + used, changed_len - used, "%s%s",
                                     used > 1 ? "," : "", f->name);
    }
    if (used < changed_len)
        snprintf(changed + used, changed_len - used, "}");
    return n;
}

typedef enum write_kind {
    WRITE_CREATE,
    WRITE_REPLACE,
    WRITE_PATCH,
    WRITE_DELETE
} write_kind;

/* Runs query in the open transaction; *id receives the row's id ("" when
 * no row). Answers the failure itself. */
static parity_status write_row(const api_resource *resource, db_conn *conn,
                               const char *query, int n,
                               const char *const *params, bool deleting,
                               char *id, size_t idlen, http_response *res)
{
    db_result *rows = NULL;
    char err[512];
    parity_status status =
        db_query(conn, query, n, params, &rows, err, sizeof err);
    if (status != PARITY_OK) {
        answer_write_error(resource, conn, status, query, err, deleting, res);
        return status;
    }
    snprintf(id, idlen, "%s",
             db_result_rows(rows) == 1 ? db_result_value(rows, 0, 0) : "");
    db_result_free(rows);
    return PARITY_OK;
}

static void write_record(const api_resource *resource, const handler_ctx *ctx,
                         const http_request *req, const char *id,
                         write_kind kind, db_conn *conn, http_response *res)
{
    char err[512];
    json_object *body = NULL;
    validate_value values[API_MAX_FIELDS];
    if (check_arg_names(resource, req, id != NULL, err, sizeof err) !=
        PARITY_OK) {
        respond_error(res, PARITY_ERR_INPUT, err, NULL);
        return;
    }
    if (kind != WRITE_DELETE) {
        if (req->content_type &&
            strncasecmp(req->content_type, "application/json", 16)) {
            respond_error(res, PARITY_ERR_INPUT,
                          "send the body as Content-Type: application/json",
                          NULL);
            return;
        }
        parity_status status = validate_parse_json(req->body, req->body_len,
                                                   &body, err, sizeof err);
        json_object *errors = NULL;
        if (status == PARITY_OK)
            status = validate_body(resource->fields, resource->n_fields, body,
                                   kind == WRITE_CREATE    ? VALIDATE_CREATE
                                   : kind == WRITE_REPLACE ? VALIDATE_REPLACE
                                                           : VALIDATE_PATCH,
                                   values, &errors, err, sizeof err);
        if (status != PARITY_OK) {
            respond_error(res, status, err, errors);
            json_object_put(body);
            return;
        }
    }
    const char *params[API_MAX_PARAMS + 2];
    char changed[API_MAX_FIELDS * 24 + 4];
    int n = 0;
    if (kind != WRITE_CREATE)
        params[n++] = id;
    if (kind == WRITE_REPLACE || kind == WRITE_PATCH)
        params[n++] = changed;
    if (kind != WRITE_DELETE)
        n +=
            write_params(resource, values, params + n, changed, sizeof changed);
    char query[64], get_query[64];
    query_name(resource,
               kind == WRITE_CREATE   ? "insert"
               : kind == WRITE_DELETE ? "delete"
                                      : "update",
               query, sizeof query);
    query_name(resource, "get", get_query, sizeof get_query);

    char new_id[80] = "";
    parity_status status = db_exec(conn, "BEGIN", err, sizeof err);
    if (status != PARITY_OK)
        handler_db_error(res, status, "BEGIN", err);
    else
        status = write_row(resource, conn, query, n, params,
                           kind == WRITE_DELETE, new_id, sizeof new_id, res);
    json_object_put(body); /* the parameters pointed into it */
    if (status == PARITY_OK && !new_id[0]) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such record", NULL);
        status = PARITY_ERR_NOT_FOUND;
    }
    db_result *doc = NULL;
    if (status == PARITY_OK && kind != WRITE_DELETE) {
        const char *get[2] = {new_id, "true"};
        status = db_query(conn, get_query, resource->get_privileged ? 2 : 1,
                          get, &doc, err, sizeof err);
        if (status != PARITY_OK)
            handler_db_error(res, status, get_query, err);
    }
    if (status == PARITY_OK &&
        (status = db_exec(conn, "COMMIT", err, sizeof err)) != PARITY_OK)
        answer_write_error(resource, conn, status, "COMMIT", err,
                           kind == WRITE_DELETE, res);
    if (status != PARITY_OK) {
        db_exec(conn, "ROLLBACK", NULL, 0);
        db_result_free(doc);
        return;
    }
    log_event("info", "api.write", "collection=%s op=%s id=%s", resource->name,
              kind == WRITE_CREATE    ? "create"
              : kind == WRITE_DELETE  ? "delete"
              : kind == WRITE_REPLACE ? "replace"
                                      : "patch",
              new_id);
    if (kind == WRITE_DELETE) {
        respond_bytes(res, 204, NULL, "", 0);
        res->cache_control = "no-store";
        return;
    }
    answer_document(ctx, req, res, doc, kind == WRITE_CREATE ? 201 : 200, true);
    db_result_free(doc);
    if (kind == WRITE_CREATE) {
        parity_buf location;
        buf_init(&location, sizeof res->location - 1);
        buf_printf(&location, "/api/%s/", resource->name);
        append_encoded(&location, new_id);
        snprintf(res->location, sizeof res->location, "%s",
                 location.data ? location.data : "");
        buf_dispose(&location);
    }
}

/* ---- dispatch ----------------------------------------------------------- */

void api_crud_handle(const api_resource *resource, const handler_ctx *ctx,
                     const http_request *req, const route *r,
                     http_response *res)
{
    const char *method = req->method;
    bool item = r->id[0] != '\0';
    bool read = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    write_kind kind = WRITE_CREATE;
    if (r->format[0]) {
        respond_error(res, PARITY_ERR_NOT_FOUND,
                      "the API answers JSON only; leave out the suffix", NULL);
        return;
    }
    if (!read) {
        if (!strcmp(method, "POST") && !item)
            kind = WRITE_CREATE;
        else if (!strcmp(method, "PUT") && item)
            kind = WRITE_REPLACE;
        else if (!strcmp(method, "PATCH") && item)
            kind = WRITE_PATCH;
        else if (!strcmp(method, "DELETE") && item)
            kind = WRITE_DELETE;
        else {
            answer_405(res, item);
            return;
        }
    }
    if (item && !valid_id(resource, r->id)) {
        respond_error(res, PARITY_ERR_NOT_FOUND, "no such record", NULL);
        return;
    }
    db_conn *conn;
    if (handler_acquire(ctx, read ? DB_LANE_BULK : DB_LANE_PRIORITY, &conn,
                        res) != PARITY_OK)
        return;
    bool privileged = false;
    if (handler_authorize(conn, req, !read, &privileged, res) == PARITY_OK) {
        if (read && item)
            read_one(resource, ctx, req, r->id, conn, privileged, res);
        else if (read)
            read_list(resource, ctx, req, conn, privileged, res);
        else
            write_record(resource, ctx, req, item ? r->id : NULL, kind, conn,
                         res);
    }
    db_pool_release(ctx->pool, conn);
}
