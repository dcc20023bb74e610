/* validate.c - JSON bodies checked field by field (see validate.h). */
#include "parity/validate.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parity/params.h"
#include "parity/utf8.h"

#define REASON_LEN 160

parity_status validate_parse_json(const char *body, size_t len,
                                  json_object **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!body || len == 0)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "the request needs a JSON object as its body");
    if (len > INT32_MAX)
        return parity_fail(err, errlen, PARITY_ERR_TOO_LARGE, "body too large");
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *obj = json_tokener_parse_ex(tok, body, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (jerr == json_tokener_continue)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "the body is not complete JSON (it ends early)");
    if (jerr != json_tokener_success || !obj) {
        json_object_put(obj);
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "the body is not valid JSON: %s at byte %zu",
                           json_tokener_error_desc(jerr), used);
    }
    for (size_t i = used; i < len; i++)
        if (!isspace((unsigned char)body[i])) {
            json_object_put(obj);
            return parity_fail(err, errlen, PARITY_ERR_INPUT,
                               "the body has text after its JSON value, at "
                               "byte %zu",
                               i);
        }
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "the body must be a JSON object ({\"field\": ...})");
    }
    *out = obj;
    return PARITY_OK;
}

/* ---- scalar checks ------------------------------------------------------ */

static int digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    int yoe = (int)(y - era * 400);
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool validate_timestamp(const char *t, long long *epoch)
{
    if (!t || strlen(t) < 16 || t[10] != 'T' || t[13] != ':')
        return false;
    char date[11];
    memcpy(date, t, 10);
    date[10] = '\0';
    if (!params_valid_date(date))
        return false;
    int hour = digits(t + 11, 2), minute = digits(t + 14, 2), second = 0;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59)
        return false;
    const char *p = t + 16;
    if (*p == ':') {
        second = digits(p + 1, 2);
        if (second < 0 || second > 59)
            return false;
        p += 3;
        if (*p == '.') {
            int n = 0;
            while (isdigit((unsigned char)p[1 + n]))
                n++;
            if (n == 0 || n > 9)
                return false;
            p += 1 + n;
        }
    }
    int offset = 0;
    if (*p == 'Z') {
        p++;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        if (oh < 0 || oh > 14 || om < 0 || om > 59)
            return false;
        offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    if (epoch) {
        int y = digits(t, 4), m = digits(t + 5, 2), d = digits(t + 8, 2);
        *epoch = days_from_civil(y, m, d) * 86400 + hour * 3600 + minute * 60 +
                 second - offset;
    }
    return true;
}

bool validate_category_name(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n == 0 || n > 47 ||
        !(islower((unsigned char)t[0]) || isdigit((unsigned char)t[0])))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (!((c >= 'a' && c <= 'z') || isdigit(c) || c == ' ' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* ---- one field ---------------------------------------------------------- */

static bool number_of(json_object *v, double *out)
{
    if (!json_object_is_type(v, json_type_int) &&
        !json_object_is_type(v, json_type_double))
        return false;
    *out = json_object_get_double(v);
    return isfinite(*out);
}

static void range_reason(const validate_field *f, const char *what,
                         char *reason)
{
    snprintf(reason, REASON_LEN, "must be %s from %.15g to %.15g", what, f->min,
             f->max);
}

/* Checks the value v (not null) of field f; fills out or writes reason. */
static bool check_value(const validate_field *f, json_object *v,
                        validate_value *out, char *reason)
{
    switch (f->type) {
    case VALIDATE_READONLY:
        snprintf(reason, REASON_LEN, "is read-only; the server sets it");
        return false;
    case VALIDATE_STRING:
    case VALIDATE_CHOICE:
    case VALIDATE_CATEGORY:
    case VALIDATE_DATE:
    case VALIDATE_TIMESTAMP: {
        if (!json_object_is_type(v, json_type_string)) {
            snprintf(reason, REASON_LEN, "must be a string");
            return false;
        }
        const char *s = json_object_get_string(v);
        size_t len = (size_t)json_object_get_string_len(v);
        if (strlen(s) != len) {
            snprintf(reason, REASON_LEN, "must not contain NUL characters");
            return false;
        }
        out->text = s;
        if (f->type == VALIDATE_STRING) {
            if ((double)len < f->min || (double)len > f->max) {
                snprintf(reason, REASON_LEN,
                         "must have %.0f to %.0f bytes (has %zu)", f->min,
                         f->max, len);
                return false;
            }
            if ((f->flags & VALIDATE_REQUIRED) && blank(s)) {
                snprintf(reason, REASON_LEN, "must not be blank");
                return false;
            }
        } else if (f->type == VALIDATE_CHOICE) {
            bool found = false;
            for (int i = 0; f->choices && f->choices[i] && !found; i++)
                found = !strcmp(s, f->choices[i]);
            if (!found) {
                size_t used =
                    (size_t)snprintf(reason, REASON_LEN, "must be one of: ");
                for (int i = 0;
                     f->choices && f->choices[i] && used < REASON_LEN; i++)
                    used +=
                        (size_t)snprintf(reason + used, REASON_LEN - used,
                                         "%s%s", i ? ", " : "", f->choices[i]);
                return false;
            }
        } else if (f->type == VALIDATE_CATEGORY) {
            if (!validate_category_name(s)) {
                snprintf(reason, REASON_LEN,
                         "must be a category name: lower-case letters, "
                         "digits, spaces, - and _ (at most 47)");
                return false;
            }
        } else if (f->type == VALIDATE_DATE) {
            if (!params_valid_date(s)) {
                snprintf(reason, REASON_LEN, "must be a date YYYY-MM-DD");
                return false;
            }
        } else if (!validate_timestamp(s, NULL)) {
            snprintf(reason, REASON_LEN,
                     "must be an ISO 8601 time with a UTC offset, e.g. "
                     "2026-05-01T18:00:00-05:00");
            return false;
        }
        return true;
    }
    case VALIDATE_INT:
    case VALIDATE_ID: {
        double lo = f->type == VALIDATE_ID ? 1 : f->min;
        /* json-c saturates integers beyond 64 bits at INT64_MIN/MAX, so
         * those two are never accepted. */
        int64_t hi = f->type == VALIDATE_ID ? INT64_MAX - 1 : (int64_t)f->max;
        int64_t n = json_object_get_int64(v);
        if (!json_object_is_type(v, json_type_int) || n < (int64_t)lo ||
            n > hi || n == INT64_MAX || n == INT64_MIN) {
            if (f->type == VALIDATE_ID)
                snprintf(reason, REASON_LEN,
                         "must be a record id (a whole "
                         "number from 1)");
            else
                range_reason(f, "a whole number", reason);
            return false;
        }
        snprintf(out->buf, sizeof out->buf, "%lld", (long long)n);
        out->text = out->buf;
        return true;
    }
    case VALIDATE_NUMBER: {
        double d;
        if (!number_of(v, &d) || d < f->min || d > f->max) {
            range_reason(f, "a number", reason);
            return false;
        }
        snprintf(out->buf, sizeof out->buf, "%.17g", d);
        out->text = out->buf;
        return true;
    }
    case VALIDATE_BOOL:
        if (!json_object_is_type(v, json_type_boolean)) {
            snprintf(reason, REASON_LEN, "must be true or false");
            return false;
        }
        out->text = json_object_get_boolean(v) ? "true" : "false";
        return true;
    case VALIDATE_POINT: {
        json_object *type = NULL, *coords = NULL;
        bool shape = json_object_is_type(v, json_type_object) &&
                     json_object_object_length(v) == 2 &&
                     json_object_object_get_ex(v, "type", &type) &&
                     json_object_is_type(type, json_type_string) &&
                     !strcmp(json_object_get_string(type), "Point") &&
                     json_object_object_get_ex(v, "coordinates", &coords) &&
                     json_object_is_type(coords, json_type_array) &&
                     json_object_array_length(coords) == 2;
        double lon, lat;
        if (!shape || !number_of(json_object_array_get_idx(coords, 0), &lon) ||
            !number_of(json_object_array_get_idx(coords, 1), &lat)) {
            snprintf(
                reason, REASON_LEN,
                "must be {\"type\": \"Point\", \"coordinates\": [lon, lat]} "
                "in degrees (WGS 84)");
            return false;
        }
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
            snprintf(reason, REASON_LEN,
                     "longitude must be within -180..180 and latitude within "
                     "-90..90 (is [%.10g, %.10g]; lon comes first)",
                     lon, lat);
            return false;
        }
        snprintf(out->buf, sizeof out->buf, "%.17g", lon);
        snprintf(out->buf2, sizeof out->buf2, "%.17g", lat);
        out->text = out->buf;
        out->text2 = out->buf2;
        return true;
    }
    }
    snprintf(reason, REASON_LEN, "cannot be checked");
    return false;
}

/* ---- the whole body ----------------------------------------------------- */

static const validate_field *find_field(const validate_field *fields, size_t n,
                                        const char *name, size_t *index)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(fields[i].name, name)) {
            *index = i;
            return &fields[i];
        }
    return NULL;
}

/* Compares two values of the same type: <0, 0, >0. */
static int compare_values(const validate_field *f, const validate_value *a,
                          const validate_value *b)
{
    if (f->type == VALIDATE_TIMESTAMP) {
        long long x = 0, y = 0;
        validate_timestamp(a->text, &x);
        validate_timestamp(b->text, &y);
        return (x > y) - (x < y);
    }
    if (f->type == VALIDATE_DATE)
        return strcmp(a->text, b->text);
    double x = 0, y = 0;
    sscanf(a->text, "%lf", &x);
    sscanf(b->text, "%lf", &y);
    return (x > y) - (x < y);
}

/* Drops a character cut short at the end of text (by a byte limit), so
 * that text that was valid UTF-8 stays valid UTF-8. */
static void cut_to_character(char *text)
{
    size_t bad;
    if (!utf8_valid(text, strlen(text), &bad))
        text[bad] = '\0';
}

static void add_error(json_object *errors, const char *name, const char *reason)
{
    if (!json_object_object_get_ex(errors, name, NULL))
        json_object_object_add(errors, name, json_object_new_string(reason));
}

static void check_order(const validate_field *fields, size_t n, size_t i,
                        const char *other, int sign, validate_value *values,
                        json_object *errors)
{
    size_t j;
    if (!other || !values[i].text || !find_field(fields, n, other, &j) ||
        !values[j].text)
        return;
    int c = compare_values(&fields[i], &values[i], &values[j]);
    if (c * sign < 0) {
        char reason[REASON_LEN];
        snprintf(reason, sizeof reason, "must not be %s %s",
                 sign > 0 ? "before" : "more than", other);
        if (fields[i].type == VALIDATE_INT || fields[i].type == VALIDATE_NUMBER)
            snprintf(reason, sizeof reason, "must not be %s %s",
                     sign > 0 ? "less than" : "more than", other);
        add_error(errors, fields[i].name, reason);
    }
}

parity_status validate_body(const validate_field *fields, size_t n,
                            json_object *body, validate_mode mode,
                            validate_value *values, json_object **errors,
                            char *err, size_t errlen)
{
    *errors = NULL;
    json_object *bad = json_object_new_object();
    if (!bad)
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    memset(values, 0, n * sizeof *values);

    json_object_object_foreach(body, key, val)
    {
        (void)val;
        size_t i;
        if (!find_field(fields, n, key, &i)) {
            char name[72];
            snprintf(name, sizeof name, "%.64s", key);
            cut_to_character(name);
            add_error(bad, name, "is not a field of this record");
        }
    }
    for (size_t i = 0; i < n; i++) {
        const validate_field *f = &fields[i];
        validate_value *out = &values[i];
        json_object *v = NULL;
        bool given = json_object_object_get_ex(body, f->name, &v);
        char reason[REASON_LEN];
        if (!given) {
            if (f->type == VALIDATE_READONLY || mode == VALIDATE_PATCH)
                continue;
            if (f->flags & VALIDATE_REQUIRED) {
                add_error(bad, f->name, "is required");
                continue;
            }
            out->present = true;
            out->text = f->def;
            continue;
        }
        if (!v) { /* JSON null */
            if (f->type == VALIDATE_READONLY)
                add_error(bad, f->name, "is read-only; the server sets it");
            else if (f->flags & VALIDATE_REQUIRED)
                add_error(bad, f->name, "must not be null");
            else if (!(f->flags & VALIDATE_NULLABLE))
                add_error(bad, f->name,
                          "must not be null; leave it out for "
                          "the default");
            else
                out->present = true;
            continue;
        }
        if (!check_value(f, v, out, reason)) {
            add_error(bad, f->name, reason);
            continue;
        }
        out->present = true;
    }
    for (size_t i = 0; i < n; i++) {
        check_order(fields, n, i, fields[i].not_below, 1, values, bad);
        check_order(fields, n, i, fields[i].not_above, -1, values, bad);
    }

    int n_bad = json_object_object_length(bad);
    if (n_bad == 0) {
        json_object_put(bad);
        return PARITY_OK;
    }
    size_t used =
        (size_t)snprintf(err, errlen, "%d field%s %s invalid: ", n_bad,
                         n_bad == 1 ? "" : "s", n_bad == 1 ? "is" : "are");
    int k = 0;
    json_object_object_foreach(bad, name, why)
    {
        (void)why;
        if (err && used < errlen)
            used += (size_t)snprintf(err + used, errlen - used, "%s%s",
                                     k++ ? ", " : "", name);
    }
    if (err && used >= errlen)
        cut_to_character(err);
    *errors = bad;
    return PARITY_ERR_INPUT;
}
