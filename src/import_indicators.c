/* import_indicators.c - need indicators, one row per neighborhood, from any
 * table GDAL reads (see import.h).
 *
 * The whole table is read first (it is small: one row per neighborhood), so
 * that each column can be judged as a whole (numeric or text) and each row
 * checked (its neighborhood, duplicates, values) before anything is stored;
 * then the indicators are replaced inside one transaction. */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <ctype.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"
#include "parity/field.h"
#include "parity/import.h"

#define MAX_ROWS     20000L /* neighborhoods of a city, with room to spare */
#define MAX_COLUMNS  256
#define BATCH_VALUES 2000 /* values sent to the database in one statement */
#define MAX_TEXT     8192

enum { CELL_BLANK, CELL_NUMBER, CELL_TEXT };

typedef struct column {
    int field;        /* OGR field index */
    char name[64];    /* the indicator's name */
    char source[128]; /* the field's name in the file */
    bool typed;       /* an OGR number field */
    bool kept;        /* imported */
    long numbers;     /* non-blank cells that are numbers */
    long texts;       /* ... that are not */
    char first_text[80];
    long first_text_row;
} column;

typedef struct in_row {
    long number;      /* file line for CSV, else the feature id */
    char label[160];  /* "line 5 (N004)" */
    char *key;        /* trimmed; NULL when blank */
    int neighborhood; /* row of the neighborhood keys result, or -1 */
    double *values;   /* one per column */
    unsigned char *state;
    bool bad;
} in_row;

typedef struct indicators {
    const import_indicators_options *opts;
    import_indicators_summary *s;
    db_conn *conn;
    import_source src;
    OGRFeatureDefnH defn;
    int key_field;
    column *columns;
    int n_columns;
    in_row *rows;
    long n_rows;
    db_result *keys; /* id, name of every neighborhood */
    size_t rejected_used;
    long listed;
} indicators;

static void append(char *out, size_t size, const char *text)
{
    size_t used = strlen(out);
    if (used + strlen(text) + 8 >= size) {
        if (used + 6 < size && !strstr(out, ", ..."))
            snprintf(out + used, size - used, ", ...");
        return;
    }
    snprintf(out + used, size - used, "%s%s", used ? ", " : "", text);
}

static void reject(indicators *ind, in_row *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reject(indicators *ind, in_row *r, const char *fmt, ...)
{
    if (r->bad)
        return;
    r->bad = true;
    ind->s->rejected++;
    if (ind->listed >= IMPORT_LISTED_ROWS)
        return;
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    size_t size = sizeof ind->s->rejected_rows;
    int n = snprintf(ind->s->rejected_rows + ind->rejected_used,
                     size - ind->rejected_used, "  %s: %s\n", r->label, why);
    if (n > 0 && ind->rejected_used + (size_t)n < size) {
        ind->rejected_used += (size_t)n;
        ind->listed++;
    } else {
        ind->s->rejected_rows[ind->rejected_used] = '\0';
    }
}

/* The indicator name of a field: lower case, runs of anything but letters
 * and digits as one '_', no '_' at either end, a leading letter ('x' is put
 * before a digit), at most 63 bytes. False when nothing is left. */
static bool indicator_name(const char *field, char *out, size_t outlen)
{
    size_t n = 0;
    bool gap = false;
    for (const unsigned char *p = (const unsigned char *)field; *p; p++) {
        if (isalnum(*p) && *p < 128) {
            if (gap && n > 0 && n + 1 < outlen)
                out[n++] = '_';
            gap = false;
            if (n == 0 && isdigit(*p) && n + 1 < outlen)
                out[n++] = 'x';
            if (n + 1 < outlen)
                out[n++] = (char)tolower(*p);
        } else {
            gap = true;
        }
    }
    if (n > 63)
        n = 63;
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
    return n > 0;
}

static parity_status choose_fields(indicators *ind, char *err, size_t errlen)
{
    const import_indicators_options *opts = ind->opts;
    static const char *const ID_KEYS[] = {"nbhd_id",
                                          "neighborhood_id",
                                          "neighbourhood_id",
                                          "id",
                                          "geoid",
                                          "geo_id",
                                          "code",
                                          NULL};
    static const char *const NAME_KEYS[] = {
        "name",      "neighborhood",      "neighbourhood",
        "nbhd_name", "neighborhood_name", "nhood",
        NULL};
    bool by_id = opts->key == IMPORT_KEY_ID;
    parity_status status = import_resolve_field(
        ind->defn, opts->key_field, "--key-field", by_id ? ID_KEYS : NAME_KEYS,
        by_id ? NULL : "name", &ind->key_field, &ind->s->key_guessed, err,
        errlen);
    if (status != PARITY_OK)
        return status;
    char fields[512];
    import_list_fields(ind->defn, fields, sizeof fields);
    if (ind->key_field < 0)
        return parity_fail(
            err, errlen, PARITY_ERR_USAGE,
            "%s has no %s column to match neighborhoods by; pass "
            "--key-field (the fields are: %s)",
            opts->file, by_id ? "id" : "name", fields);
    snprintf(
        ind->s->key_field, sizeof ind->s->key_field, "%s",
        OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(ind->defn, ind->key_field)));

    int n = OGR_FD_GetFieldCount(ind->defn);
    ind->columns = calloc((size_t)(n ? n : 1), sizeof *ind->columns);
    if (!ind->columns)
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    if (opts->columns) {
        /* Only the fields named, in the order given. */
        char *list = strdup(opts->columns), *save = NULL;
        if (!list)
            return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        for (char *item = strtok_r(list, ",", &save); item;
             item = strtok_r(NULL, ",", &save)) {
            char name[128];
            field_trim(item, name, sizeof name);
            int i = import_field_index(ind->defn, name);
            if (i < 0 || i == ind->key_field) {
                free(list);
                return parity_fail(
                    err, errlen, PARITY_ERR_USAGE,
                    "--columns '%s': %s; the fields are: %s", name,
                    i < 0 ? "no such field" : "it is the key, not an indicator",
                    fields);
            }
            if (ind->n_columns == MAX_COLUMNS || ind->n_columns >= n) {
                free(list);
                return parity_fail(err, errlen, PARITY_ERR_USAGE,
                                   "--columns names more than %d fields",
                                   ind->n_columns);
            }
            ind->columns[ind->n_columns++].field = i;
        }
        free(list);
    } else {
        for (int i = 0; i < n && ind->n_columns < MAX_COLUMNS; i++)
            if (i != ind->key_field)
                ind->columns[ind->n_columns++].field = i;
    }
    for (int c = 0; c < ind->n_columns; c++) {
        column *col = &ind->columns[c];
        OGRFieldDefnH f = OGR_FD_GetFieldDefn(ind->defn, col->field);
        OGRFieldType type = OGR_Fld_GetType(f);
        col->typed =
            type == OFTInteger || type == OFTInteger64 || type == OFTReal;
        if (col->typed && OGR_Fld_GetSubType(f) == OFSTBoolean)
            col->typed = false; /* true/false is not a measure */
        snprintf(col->source, sizeof col->source, "%s", OGR_Fld_GetNameRef(f));
    }
    return PARITY_OK;
}

static parity_status read_table(indicators *ind, char *err, size_t errlen)
{
    OGRFeatureH feature;
    OGR_L_ResetReading(ind->src.layer);
    size_t capacity = 0;
    while ((feature = OGR_L_GetNextFeature(ind->src.layer))) {
        if (ind->n_rows == MAX_ROWS) {
            OGR_F_Destroy(feature);
            return parity_fail(err, errlen, PARITY_ERR_TOO_LARGE,
                               "%s has more than %ld rows; an indicator table "
                               "has one row per neighborhood",
                               ind->opts->file, MAX_ROWS);
        }
        if ((size_t)ind->n_rows == capacity) {
            capacity = capacity ? capacity * 2 : 256;
            in_row *grown = realloc(ind->rows, capacity * sizeof *grown);
            if (!grown) {
                OGR_F_Destroy(feature);
                return parity_fail(err, errlen, PARITY_ERR_NOMEM,
                                   "out of memory");
            }
            ind->rows = grown;
        }
        in_row *r = &ind->rows[ind->n_rows++];
        memset(r, 0, sizeof *r);
        r->neighborhood = -1;
        long long fid = OGR_F_GetFID(feature);
        r->number = fid < 0           ? ind->n_rows
                    : ind->src.is_csv ? (long)fid + 1
                                      : (long)fid;
        r->values = calloc((size_t)(ind->n_columns ? ind->n_columns : 1),
                           sizeof *r->values);
        r->state = calloc((size_t)(ind->n_columns ? ind->n_columns : 1), 1);
        if (!r->values || !r->state) {
            OGR_F_Destroy(feature);
            return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
        }
        const char *key = OGR_F_IsFieldSetAndNotNull(feature, ind->key_field)
                              ? OGR_F_GetFieldAsString(feature, ind->key_field)
                              : "";
        size_t key_len = strlen(key);
        if (!field_is_blank(key) && key_len <= MAX_TEXT &&
            field_valid_utf8(key)) {
            if (!(r->key = malloc(key_len + 1))) {
                OGR_F_Destroy(feature);
                return parity_fail(err, errlen, PARITY_ERR_NOMEM,
                                   "out of memory");
            }
            field_trim(key, r->key, key_len + 1);
        }
        snprintf(r->label, sizeof r->label, "%s %ld%s%.100s%s",
                 ind->src.is_csv ? "line" : "feature", r->number,
                 r->key ? " (" : "", r->key ? r->key : "", r->key ? ")" : "");
        for (int c = 0; c < ind->n_columns; c++) {
            column *col = &ind->columns[c];
            if (!OGR_F_IsFieldSetAndNotNull(feature, col->field))
                continue;
            if (col->typed) {
                double v = OGR_F_GetFieldAsDouble(feature, col->field);
                r->state[c] = isfinite(v) ? CELL_NUMBER : CELL_TEXT;
                r->values[c] = v;
            } else {
                const char *text = OGR_F_GetFieldAsString(feature, col->field);
                if (field_is_blank(text))
                    continue;
                char reason[64];
                if (field_parse_number(text, &r->values[c], reason,
                                       sizeof reason)) {
                    r->state[c] = CELL_NUMBER;
                } else {
                    r->state[c] = CELL_TEXT;
                    if (!col->texts) {
                        char trimmed[80];
                        field_trim(text, trimmed, sizeof trimmed);
                        snprintf(col->first_text, sizeof col->first_text, "%s",
                                 trimmed);
                        col->first_text_row = r->number;
                    }
                }
            }
            if (r->state[c] == CELL_NUMBER)
                col->numbers++;
            else
                col->texts++;
        }
        OGR_F_Destroy(feature);
    }
    return PARITY_OK;
}

/* Keeps the numeric columns, names them, and says why the others stay out. */
static parity_status judge_columns(indicators *ind, char *err, size_t errlen)
{
    const char *row_word = ind->src.is_csv ? "line" : "feature";
    for (int c = 0; c < ind->n_columns; c++) {
        column *col = &ind->columns[c];
        char note[300];
        if (col->numbers == 0 && col->texts > 0) {
            if (ind->opts->columns)
                return parity_fail(err, errlen, PARITY_ERR_USAGE,
                                   "--columns '%s' is not numeric ('%s' on %s "
                                   "%ld); leave it out",
                                   col->source, col->first_text, row_word,
                                   col->first_text_row);
            snprintf(note, sizeof note, "%s (text)", col->source);
            append(ind->s->left_out, sizeof ind->s->left_out, note);
            continue;
        }
        if (col->numbers == 0) {
            snprintf(note, sizeof note, "%s (empty)", col->source);
            append(ind->s->left_out, sizeof ind->s->left_out, note);
            continue;
        }
        if (!indicator_name(col->source, col->name, sizeof col->name)) {
            snprintf(note, sizeof note,
                     "%s (no letters or digits to name it by)", col->source);
            append(ind->s->left_out, sizeof ind->s->left_out, note);
            continue;
        }
        for (int d = 0; d < c; d++)
            if (ind->columns[d].kept &&
                !strcmp(ind->columns[d].name, col->name))
                return parity_fail(
                    err, errlen, PARITY_ERR_USAGE,
                    "fields '%s' and '%s' would both be indicator "
                    "'%s'; rename one, or choose with --columns",
                    ind->columns[d].source, col->source, col->name);
        col->kept = true;
        ind->s->columns++;
    }
    if (ind->s->columns == 0)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "%s has no numeric column besides the key '%s'; "
                           "nothing to import%s%s",
                           ind->opts->file, ind->s->key_field,
                           ind->s->left_out[0] ? " (left out: " : "",
                           ind->s->left_out[0] ? ind->s->left_out : "");

    /* Names a coverage row already uses would be shadowed: refuse them. */
    json_object *names = json_object_new_array();
    for (int c = 0; c < ind->n_columns; c++)
        if (ind->columns[c].kept)
            json_object_array_add(names,
                                  json_object_new_string(ind->columns[c].name));
    char array[8192];
    size_t used = (size_t)snprintf(array, sizeof array, "{");
    for (size_t i = 0;
         i < json_object_array_length(names) && used < sizeof array; i++)
        used += (size_t)snprintf(
            array + used, sizeof array - used, "%s\"%s\"", i ? "," : "",
            json_object_get_string(json_object_array_get_idx(names, i)));
    json_object_put(names);
    if (used + 2 >= sizeof array)
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "too many indicator columns in one file");
    snprintf(array + used, sizeof array - used, "}");
    const char *params[] = {array};
    db_result *res = NULL;
    parity_status status = db_query(ind->conn, "import_indicator_reserved", 1,
                                    params, &res, err, errlen);
    if (status == PARITY_OK && db_result_rows(res) > 0)
        status =
            parity_fail(err, errlen, PARITY_ERR_USAGE,
                        "indicator '%s' would clash with the coverage metric "
                        "of that name; rename the field in the file, or "
                        "leave it out with --columns",
                        db_result_value(res, 0, 0));
    db_result_free(res);
    for (int c = 0; status == PARITY_OK && c < ind->n_columns; c++) {
        column *col = &ind->columns[c];
        if (!col->kept)
            continue;
        char line[256];
        if (strcmp(col->name, col->source))
            snprintf(line, sizeof line, "%s (from '%s')", col->name,
                     col->source);
        else
            snprintf(line, sizeof line, "%s", col->name);
        append(ind->s->column_names, sizeof ind->s->column_names, line);
    }
    return status;
}

/* The neighborhood a key names, checking every row. */
static void match_rows(indicators *ind)
{
    bool by_id = ind->opts->key == IMPORT_KEY_ID;
    int n = db_result_rows(ind->keys);
    long *taken =
        calloc((size_t)(n ? n : 1), sizeof *taken); /* row number + 1 */
    for (long i = 0; i < ind->n_rows; i++) {
        in_row *r = &ind->rows[i];
        if (!r->key) {
            reject(ind, r, "no %s (%s is empty)", by_id ? "id" : "name",
                   ind->s->key_field);
            continue;
        }
        int found = -1, matches = 0;
        for (int k = 0; k < n; k++) {
            const char *v = db_result_value(ind->keys, k, by_id ? 0 : 1);
            if (by_id ? !strcmp(v, r->key) : !strcasecmp(v, r->key)) {
                found = k;
                matches++;
            }
        }
        if (matches == 0) {
            reject(ind, r, "'%.100s' is no neighborhood's %s", r->key,
                   by_id ? "id" : "name");
            continue;
        }
        if (matches > 1) {
            reject(ind, r,
                   "'%.100s' is the name of %d neighborhoods; match by "
                   "id (--key id)",
                   r->key, matches);
            continue;
        }
        for (int c = 0; c < ind->n_columns; c++) {
            column *col = &ind->columns[c];
            if (!col->kept)
                continue;
            if (r->state[c] == CELL_TEXT) {
                reject(ind, r, "%s is not a number", col->source);
                break;
            }
            if (r->state[c] == CELL_NUMBER && r->values[c] < 0 &&
                (!strcmp(col->name, "population") ||
                 !strcmp(col->name, "youth_population"))) {
                reject(ind, r, "%s %g is negative", col->source, r->values[c]);
                break;
            }
        }
        if (r->bad)
            continue;
        if (taken && taken[found]) {
            reject(ind, r, "neighborhood %s is also on %s %ld",
                   db_result_value(ind->keys, found, 0),
                   ind->src.is_csv ? "line" : "feature", taken[found] - 1);
            continue;
        }
        if (taken)
            taken[found] = r->number + 1;
        r->neighborhood = found;
    }
    for (int k = 0; k < n; k++)
        if (taken && !taken[k]) {
            ind->s->missing++;
            append(ind->s->missing_names, sizeof ind->s->missing_names,
                   db_result_value(ind->keys, k, 0));
        }
    free(taken);
}

static parity_status flush_values(indicators *ind, json_object **batch,
                                  char *err, size_t errlen)
{
    if (!*batch || json_object_array_length(*batch) == 0)
        return PARITY_OK;
    const char *params[] = {json_object_to_json_string_ext(
        *batch, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)};
    db_result *res = NULL;
    parity_status status = db_query(ind->conn, "import_indicator_values", 1,
                                    params, &res, err, errlen);
    if (status == PARITY_OK)
        ind->s->values += strtol(db_result_value(res, 0, 0), NULL, 10);
    db_result_free(res);
    json_object_put(*batch);
    *batch = NULL;
    return status;
}

static parity_status store(indicators *ind, char *err, size_t errlen)
{
    json_object *cols = json_object_new_array();
    for (int c = 0; c < ind->n_columns; c++) {
        if (!ind->columns[c].kept)
            continue;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name",
                               json_object_new_string(ind->columns[c].name));
        json_object_object_add(o, "field",
                               json_object_new_string(ind->columns[c].source));
        json_object_array_add(cols, o);
    }
    const char *params[] = {
        json_object_to_json_string_ext(
            cols, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        CPLGetFilename(ind->opts->file)};
    parity_status status = db_query(ind->conn, "import_indicator_columns", 2,
                                    params, NULL, err, errlen);
    json_object_put(cols);
    json_object *batch = NULL;
    for (long i = 0; status == PARITY_OK && i < ind->n_rows; i++) {
        in_row *r = &ind->rows[i];
        if (r->bad || r->neighborhood < 0)
            continue;
        ind->s->stored_rows++;
        for (int c = 0; status == PARITY_OK && c < ind->n_columns; c++) {
            if (!ind->columns[c].kept || r->state[c] != CELL_NUMBER)
                continue;
            if (!batch)
                batch = json_object_new_array();
            json_object *o = json_object_new_object();
            json_object_object_add(o, "neighborhood_id",
                                   json_object_new_string(db_result_value(
                                       ind->keys, r->neighborhood, 0)));
            json_object_object_add(
                o, "name", json_object_new_string(ind->columns[c].name));
            char text[40];
            snprintf(text, sizeof text, "%.17g", r->values[c]);
            json_object_object_add(
                o, "value", json_object_new_double_s(r->values[c], text));
            json_object_array_add(batch, o);
            if (json_object_array_length(batch) == BATCH_VALUES)
                status = flush_values(ind, &batch, err, errlen);
        }
    }
    if (status == PARITY_OK)
        status = flush_values(ind, &batch, err, errlen);
    json_object_put(batch);
    return status;
}

parity_status import_indicators(db_conn *conn,
                                const import_indicators_options *opts,
                                import_indicators_summary *s, char *err,
                                size_t errlen)
{
    double started = import_now();
    memset(s, 0, sizeof *s);
    indicators ind;
    memset(&ind, 0, sizeof ind);
    ind.opts = opts;
    ind.s = s;
    ind.conn = conn;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    parity_status status =
        import_source_open(&ind.src, opts->file, opts->layer, err, errlen);
    if (status == PARITY_OK) {
        ind.defn = OGR_L_GetLayerDefn(ind.src.layer);
        snprintf(s->layer, sizeof s->layer, "%s", OGR_L_GetName(ind.src.layer));
        status = choose_fields(&ind, err, errlen);
    }
    if (status == PARITY_OK)
        status = read_table(&ind, err, errlen);
    s->read = ind.n_rows;
    if (status == PARITY_OK && ind.n_rows == 0)
        status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                             "%s (layer %s) has no rows; nothing imported",
                             opts->file, s->layer);
    bool begun = false;
    if (status == PARITY_OK) {
        status = db_exec(conn, "BEGIN", err, errlen);
        begun = status == PARITY_OK;
    }
    if (status == PARITY_OK)
        status = db_query(conn, "import_lock", 0, NULL, NULL, err, errlen);
    if (status == PARITY_OK)
        status = judge_columns(&ind, err, errlen);
    if (status == PARITY_OK)
        status = db_query(conn, "import_neighborhood_keys", 0, NULL, &ind.keys,
                          err, errlen);
    if (status == PARITY_OK && db_result_rows(ind.keys) == 0)
        status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                             "there are no neighborhoods to attach indicators "
                             "to; import boundaries first");
    if (status == PARITY_OK) {
        match_rows(&ind);
        if (s->rejected && !opts->skip_invalid)
            status = parity_fail(
                err, errlen, PARITY_ERR_INPUT,
                "%s: %ld bad row%s of %ld; nothing stored. Fix %s, or pass "
                "--skip-invalid to store the %ld good row%s%s",
                opts->file, s->rejected, s->rejected == 1 ? "" : "s", s->read,
                s->rejected == 1 ? "it" : "them", s->read - s->rejected,
                s->read - s->rejected == 1 ? "" : "s",
                s->rejected > ind.listed
                    ? " (the first bad ones are listed below)"
                    : ":");
        else if (s->rejected == s->read)
            status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                                 "%s: all %ld rows are bad; nothing stored",
                                 opts->file, s->read);
    }
    if (status == PARITY_OK)
        status = store(&ind, err, errlen);
    if (status == PARITY_OK)
        status = db_exec(conn, "COMMIT", err, errlen);
    else if (begun)
        db_exec(conn, "ROLLBACK", NULL, 0);
    if (status != PARITY_OK)
        s->values = s->stored_rows = 0;
    for (long i = 0; i < ind.n_rows; i++) {
        free(ind.rows[i].key);
        free(ind.rows[i].values);
        free(ind.rows[i].state);
    }
    free(ind.rows);
    free(ind.columns);
    db_result_free(ind.keys);
    import_source_close(&ind.src);
    CPLPopErrorHandler();
    s->seconds = import_now() - started;
    return status;
}
