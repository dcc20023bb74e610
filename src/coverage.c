/* coverage.c - the coverage document, its CSV, class breaks, profiles and
 * their cache (see coverage.h). */
#include "parity/coverage.h"

#include <json-c/json.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys of a coverage row after "neighborhood", in the order
 * parity_coverage_json writes them; indicators follow. */
static const char *const ROW_KEYS[] = {"population",
                                       "youth_population",
                                       "area_km2",
                                       "events",
                                       "attendance",
                                       "youth_attendance",
                                       "sites",
                                       "programs",
                                       "last_event",
                                       "days_since_last_event",
                                       "events_per_1k",
                                       "events_per_1k_youth",
                                       "walk_coverage",
                                       "access",
                                       "incidents",
                                       "incident_rate_raw",
                                       "incident_rate",
                                       "suppressed",
                                       "need",
                                       "supply",
                                       "gap",
                                       "need_share",
                                       "event_share",
                                       "parity_ratio",
                                       "underserved",
                                       "gi_z",
                                       "gi_bin",
                                       "gi_label",
                                       NULL};

/* Row keys that are not numbers, so no breaks for them. */
static const char *const NOT_NUMERIC[] = {"last_event", "suppressed",
                                          "underserved", "gi_label", NULL};

static bool in_list(const char *const *list, const char *name)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

/* ---- cache -------------------------------------------------------------- */

typedef struct cache_entry {
    char *key;
    char *data;
    size_t len;
    unsigned long used; /* the cache's clock when last read or written */
} cache_entry;

struct coverage_cache {
    pthread_mutex_t lock;
    cache_entry *entries;
    size_t n, max_entries, bytes, max_bytes;
    unsigned long clock, hits, misses;
};

coverage_cache *coverage_cache_new(size_t max_entries, size_t max_bytes)
{
    coverage_cache *cache = calloc(1, sizeof *cache);
    if (!cache)
        return NULL;
    cache->entries =
        calloc(max_entries ? max_entries : 1, sizeof *cache->entries);
    if (!cache->entries) {
        free(cache);
        return NULL;
    }
    pthread_mutex_init(&cache->lock, NULL);
    cache->max_entries = max_entries;
    cache->max_bytes = max_bytes;
    return cache;
}

void coverage_cache_free(coverage_cache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->n; i++) {
        free(cache->entries[i].key);
        free(cache->entries[i].data);
    }
    free(cache->entries);
    pthread_mutex_destroy(&cache->lock);
    free(cache);
}

static void cache_drop(coverage_cache *cache, size_t i)
{
    cache->bytes -= cache->entries[i].len;
    free(cache->entries[i].key);
    free(cache->entries[i].data);
    cache->entries[i] = cache->entries[--cache->n];
}

bool coverage_cache_get(coverage_cache *cache, const char *key, parity_buf *out)
{
    if (!cache)
        return false;
    bool found = false;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->n; i++)
        if (!strcmp(cache->entries[i].key, key)) {
            buf_reset(out);
            found = buf_append(out, cache->entries[i].data,
                               cache->entries[i].len) == PARITY_OK;
            cache->entries[i].used = ++cache->clock;
            break;
        }
    if (found)
        cache->hits++;
    else
        cache->misses++;
    pthread_mutex_unlock(&cache->lock);
    return found;
}

void coverage_cache_put(coverage_cache *cache, const char *key,
                        const void *data, size_t len)
{
    if (!cache || cache->max_entries == 0 || len > cache->max_bytes / 4)
        return;
    char *key_copy = strdup(key);
    char *data_copy = malloc(len ? len : 1);
    if (!key_copy || !data_copy) {
        free(key_copy);
        free(data_copy);
        return;
    }
    memcpy(data_copy, data, len);
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->n; i++)
        if (!strcmp(cache->entries[i].key, key)) {
            cache_drop(cache, i);
            break;
        }
    while (cache->n > 0 && (cache->n >= cache->max_entries ||
                            cache->bytes + len > cache->max_bytes)) {
        size_t oldest = 0;
        for (size_t i = 1; i < cache->n; i++)
            if (cache->entries[i].used < cache->entries[oldest].used)
                oldest = i;
        cache_drop(cache, oldest);
    }
    cache->entries[cache->n++] =
        (cache_entry){key_copy, data_copy, len, ++cache->clock};
    cache->bytes += len;
    pthread_mutex_unlock(&cache->lock);
}

void coverage_cache_stats(coverage_cache *cache, size_t *entries, size_t *bytes,
                          unsigned long *hits, unsigned long *misses)
{
    if (!cache)
        return;
    pthread_mutex_lock(&cache->lock);
    if (entries)
        *entries = cache->n;
    if (bytes)
        *bytes = cache->bytes;
    if (hits)
        *hits = cache->hits;
    if (misses)
        *misses = cache->misses;
    pthread_mutex_unlock(&cache->lock);
}

/* ---- documents ------------------------------------------------------------
 */

/* Re-serializes the JSON text PostgreSQL built as compact JSON into out
 * (numbers keep their text). */
static parity_status compact_json(const char *text, size_t len, parity_buf *out,
                                  char *err, size_t errlen)
{
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    json_object *obj = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!obj || jerr != json_tokener_success) {
        json_object_put(obj);
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "the database built invalid JSON (%s)",
                           json_tokener_error_desc(jerr));
    }
    size_t n;
    const char *compact = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    buf_reset(out);
    parity_status status = buf_append(out, compact, n);
    json_object_put(obj);
    if (status != PARITY_OK)
        return parity_fail(err, errlen, status, "the answer is too large");
    return PARITY_OK;
}

/* The state of the data that answers depend on (coverage_state). */
static parity_status data_state(db_conn *conn, char *state, size_t statelen,
                                char *err, size_t errlen)
{
    db_result *rows = NULL;
    parity_status status =
        db_query(conn, "coverage_state", 0, NULL, &rows, err, errlen);
    if (status == PARITY_OK)
        snprintf(state, statelen, "%s",
                 db_result_rows(rows) == 1 ? db_result_value(rows, 0, 0) : "");
    db_result_free(rows);
    return status;
}

/* Runs query through the cache: the parameters are lead (when not NULL),
 * the filters, privileged and tail (when not NULL); kind and lead name the
 * answer in its key. */
static parity_status cached_answer(db_conn *conn, coverage_cache *cache,
                                   const char *query, const char *kind,
                                   const char *lead, const params_filters *f,
                                   bool privileged, const char *tail,
                                   parity_buf *out, bool *hit, char *err,
                                   size_t errlen)
{
    if (hit)
        *hit = false;
    char state[2048], filters[1024], key[4096];
    parity_status status = data_state(conn, state, sizeof state, err, errlen);
    if (status != PARITY_OK)
        return status;
    params_filters_key(f, filters, sizeof filters);
    snprintf(key, sizeof key, "%s|%s|%s|%s|%s", kind, lead ? lead : "", filters,
             privileged ? "privileged" : "public", state);
    if (coverage_cache_get(cache, key, out)) {
        if (hit)
            *hit = true;
        return PARITY_OK;
    }
    char categories[1024];
    const char *params[6];
    int n = 0;
    if (lead)
        params[n++] = lead;
    params[n++] = f->from[0] ? f->from : NULL;
    params[n++] = f->to[0] ? f->to : NULL;
    params[n++] = params_categories_array(f, categories, sizeof categories);
    params[n++] = privileged ? "true" : "false";
    if (lead)
        params[n++] = tail;
    db_result *rows = NULL;
    status = db_query(conn, query, n, params, &rows, err, errlen);
    if (status != PARITY_OK)
        return status;
    if (db_result_rows(rows) != 1 || db_result_is_null(rows, 0, 0)) {
        db_result_free(rows);
        return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                           "no neighborhood with id '%s'", lead ? lead : "");
    }
    status = compact_json(db_result_value(rows, 0, 0),
                          db_result_length(rows, 0, 0), out, err, errlen);
    db_result_free(rows);
    if (status == PARITY_OK)
        coverage_cache_put(cache, key, out->data, out->len);
    return status;
}

parity_status coverage_document(db_conn *conn, coverage_cache *cache,
                                const params_filters *filters, bool privileged,
                                parity_buf *out, bool *hit, char *err,
                                size_t errlen)
{
    return cached_answer(conn, cache, "coverage_json", "coverage", NULL,
                         filters, privileged, NULL, out, hit, err, errlen);
}

parity_status coverage_profile(db_conn *conn, coverage_cache *cache,
                               const char *id, const params_filters *filters,
                               bool privileged, parity_buf *out, bool *hit,
                               char *err, size_t errlen)
{
    /* The profile reads its row and the city's values from the coverage
     * document, which is likely cached already. */
    parity_buf doc;
    buf_init(&doc, COVERAGE_MAX_BYTES);
    parity_status status = coverage_document(conn, cache, filters, privileged,
                                             &doc, NULL, err, errlen);
    if (status == PARITY_OK)
        status =
            cached_answer(conn, cache, "neighborhood_profile", "profile", id,
                          filters, privileged, doc.data, out, hit, err, errlen);
    buf_dispose(&doc);
    return status;
}

/* ---- reading a document ---------------------------------------------------
 */

static json_object *parse_document(const char *doc, size_t len, char *err,
                                   size_t errlen)
{
    json_tokener *tok = json_tokener_new_ex(64);
    json_object *obj = tok ? json_tokener_parse_ex(tok, doc, (int)len) : NULL;
    bool ok = tok && json_tokener_get_error(tok) == json_tokener_success;
    json_tokener_free(tok);
    json_object *rows;
    if (!ok || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, "neighborhoods", &rows) ||
        !json_object_is_type(rows, json_type_array)) {
        json_object_put(obj);
        parity_fail(err, errlen, PARITY_ERR_INPUT, "not a coverage document");
        return NULL;
    }
    return obj;
}

static json_object *member(json_object *obj, const char *key)
{
    json_object *value = NULL;
    return json_object_object_get_ex(obj, key, &value) ? value : NULL;
}

static bool is_number(json_object *v)
{
    return json_object_is_type(v, json_type_int) ||
           json_object_is_type(v, json_type_double);
}

/* ---- CSV ------------------------------------------------------------------
 */

static parity_status csv_text(parity_buf *out, const char *text)
{
    bool formula = text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
    bool quote = formula || strpbrk(text, ",\"\r\n") != NULL;
    parity_status status = PARITY_OK;
    if (quote)
        status = buf_append(out, "\"", 1);
    if (status == PARITY_OK && formula)
        status = buf_append(out, "'", 1);
    for (const char *p = text; status == PARITY_OK && *p; p++)
        status = *p == '"' ? buf_append(out, "\"\"", 2) : buf_append(out, p, 1);
    if (status == PARITY_OK && quote)
        status = buf_append(out, "\"", 1);
    return status;
}

static parity_status csv_value(parity_buf *out, json_object *v)
{
    if (!v)
        return PARITY_OK;
    switch (json_object_get_type(v)) {
    case json_type_null: return PARITY_OK;
    case json_type_boolean:
        return buf_append_str(out,
                              json_object_get_boolean(v) ? "true" : "false");
    case json_type_int:
    case json_type_double:
        return buf_append_str(out, json_object_get_string(v));
    case json_type_string: return csv_text(out, json_object_get_string(v));
    default:
        return csv_text(
            out, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    }
}

parity_status coverage_csv(const char *doc, size_t len, parity_buf *out,
                           char *err, size_t errlen)
{
    json_object *root = parse_document(doc, len, err, errlen);
    if (!root)
        return PARITY_ERR_INPUT;
    json_object *rows = member(root, "neighborhoods");
    json_object *indicators = member(root, "indicators");
    size_t n_indicators = json_object_is_type(indicators, json_type_array)
                              ? json_object_array_length(indicators)
                              : 0;
    buf_reset(out);
    parity_status status =
        buf_append_str(out, "neighborhood_id,neighborhood_name");
    for (int k = 0; status == PARITY_OK && ROW_KEYS[k]; k++) {
        status = buf_append(out, ",", 1);
        if (status == PARITY_OK)
            status = csv_text(out, ROW_KEYS[k]);
    }
    for (size_t k = 0; status == PARITY_OK && k < n_indicators; k++) {
        status = buf_append(out, ",", 1);
        if (status == PARITY_OK)
            status =
                csv_text(out, json_object_get_string(
                                  json_object_array_get_idx(indicators, k)));
    }
    if (status == PARITY_OK)
        status = buf_append(out, "\r\n", 2);
    size_t n_rows = json_object_array_length(rows);
    for (size_t r = 0; status == PARITY_OK && r < n_rows; r++) {
        json_object *row = json_object_array_get_idx(rows, r);
        json_object *nb = member(row, "neighborhood");
        status = csv_value(out, member(nb, "id"));
        if (status == PARITY_OK)
            status = buf_append(out, ",", 1);
        if (status == PARITY_OK)
            status = csv_value(out, member(nb, "name"));
        for (int k = 0; status == PARITY_OK && ROW_KEYS[k]; k++) {
            status = buf_append(out, ",", 1);
            if (status == PARITY_OK)
                status = csv_value(out, member(row, ROW_KEYS[k]));
        }
        for (size_t k = 0; status == PARITY_OK && k < n_indicators; k++) {
            status = buf_append(out, ",", 1);
            if (status == PARITY_OK)
                status = csv_value(
                    out,
                    member(row, json_object_get_string(
                                    json_object_array_get_idx(indicators, k))));
        }
        if (status == PARITY_OK)
            status = buf_append(out, "\r\n", 2);
    }
    json_object_put(root);
    if (status != PARITY_OK)
        return parity_fail(err, errlen, status, "the CSV is too large");
    return PARITY_OK;
}

/* ---- breaks ---------------------------------------------------------------
 */

/* A JSON number that reads back as exactly v (the shortest of 15, 16 or 17
 * significant digits): class bounds must not round below a value. */
static json_object *exact_double(double v)
{
    char text[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, v);
        if (strtod(text, NULL) == v)
            break;
    }
    return json_object_new_double_s(v, text);
}

static bool metric_in(json_object *root, const char *metric)
{
    if (in_list(ROW_KEYS, metric))
        return !in_list(NOT_NUMERIC, metric);
    json_object *indicators = member(root, "indicators");
    size_t n = json_object_is_type(indicators, json_type_array)
                   ? json_object_array_length(indicators)
                   : 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(json_object_get_string(
                        json_object_array_get_idx(indicators, i)),
                    metric))
            return true;
    return false;
}

bool coverage_metric_known(const char *doc, size_t len, const char *metric)
{
    json_object *root = parse_document(doc, len, NULL, 0);
    bool known = root && metric && metric_in(root, metric);
    json_object_put(root);
    return known;
}

static void list_metrics(json_object *root, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; ROW_KEYS[k] && used < outlen; k++)
        if (!in_list(NOT_NUMERIC, ROW_KEYS[k]))
            used += (size_t)snprintf(out + used, outlen - used, "%s%s",
                                     used ? ", " : "", ROW_KEYS[k]);
    json_object *indicators = member(root, "indicators");
    size_t n = json_object_is_type(indicators, json_type_array)
                   ? json_object_array_length(indicators)
                   : 0;
    for (size_t i = 0; i < n && used < outlen; i++)
        used += (size_t)snprintf(
            out + used, outlen - used, ", %s",
            json_object_get_string(json_object_array_get_idx(indicators, i)));
}

parity_status coverage_breaks(const char *doc, size_t len, const char *metric,
                              stats_method method, int k, parity_buf *out,
                              char *err, size_t errlen)
{
    json_object *root = parse_document(doc, len, err, errlen);
    if (!root)
        return PARITY_ERR_INPUT;
    if (!metric || !metric_in(root, metric)) {
        char known[1500];
        list_metrics(root, known, sizeof known);
        json_object_put(root);
        return parity_fail(
            err, errlen, PARITY_ERR_INPUT,
            "metric: '%.64s' is not a numeric metric; use one of: %s",
            metric ? metric : "", known);
    }
    json_object *rows = member(root, "neighborhoods");
    size_t n_rows = json_object_array_length(rows), n = 0, missing = 0;
    double *values = malloc((n_rows ? n_rows : 1) * sizeof *values);
    if (!values) {
        json_object_put(root);
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    }
    for (size_t r = 0; r < n_rows; r++) {
        json_object *v = member(json_object_array_get_idx(rows, r), metric);
        if (is_number(v) && isfinite(json_object_get_double(v)))
            values[n++] = json_object_get_double(v);
        else
            missing++;
    }
    double breaks[STATS_MAX_CLASSES];
    size_t counts[STATS_MAX_CLASSES];
    parity_status status =
        n == 0
            ? parity_fail(err, errlen, PARITY_ERR_INPUT,
                          "metric %s has no values in this "
                          "window (suppressed or empty)",
                          metric)
            : stats_breaks(values, n, method, k, breaks, counts, err, errlen);
    if (status == PARITY_OK) {
        double lo = values[0], hi = values[0];
        for (size_t i = 1; i < n; i++) {
            lo = values[i] < lo ? values[i] : lo;
            hi = values[i] > hi ? values[i] : hi;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "metric", json_object_new_string(metric));
        json_object_object_add(
            o, "method", json_object_new_string(stats_method_name(method)));
        json_object_object_add(o, "k", json_object_new_int(k));
        json_object *b = json_object_new_array(), *c = json_object_new_array();
        for (int i = 0; i < k; i++) {
            json_object_array_add(b, exact_double(breaks[i]));
            json_object_array_add(c, json_object_new_int64((int64_t)counts[i]));
        }
        json_object_object_add(o, "breaks", b);
        json_object_object_add(o, "counts", c);
        json_object_object_add(o, "n", json_object_new_int64((int64_t)n));
        json_object_object_add(o, "missing",
                               json_object_new_int64((int64_t)missing));
        json_object_object_add(o, "min", exact_double(lo));
        json_object_object_add(o, "max", exact_double(hi));
        json_object_object_add(o, "as_of",
                               json_object_get(member(root, "as_of")));
        json_object_object_add(o, "window",
                               json_object_get(member(root, "window")));
        size_t text_len;
        const char *text = json_object_to_json_string_length(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
            &text_len);
        buf_reset(out);
        status = buf_append(out, text, text_len);
        if (status != PARITY_OK)
            parity_fail(err, errlen, status, "the answer is too large");
        json_object_put(o);
    }
    free(values);
    json_object_put(root);
    return status;
}
