/*
 * validate.h - JSON request bodies checked field by field against a table.
 *
 * Each API collection describes the fields its records accept in a table of
 * validate_field rows (name, type, required, limits, cross-field rule).
 * validate_body checks a parsed body against the table and either fills one
 * validate_value per row, holding the text of the SQL parameter(s) to bind,
 * or collects every problem in a JSON object {"field": "reason", ...} so
 * that a 400 names each bad field at once. Unknown fields and fields the
 * server sets itself (id, neighborhood, timestamps, ...) are refused by
 * name. Nothing is looked up in the database: whether a category or a
 * referenced id exists is the database's foreign keys' question.
 *
 * Pure (json-c only), no global state, thread-safe.
 */
#ifndef PARITY_VALIDATE_H
#define PARITY_VALIDATE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "parity/status.h"

typedef enum validate_type {
    VALIDATE_STRING,    /* JSON string, length (bytes) in [min, max], no NUL;
                         * when required, not blank */
    VALIDATE_INT,       /* JSON integer within [min, max] */
    VALIDATE_NUMBER,    /* JSON number (integer or decimal) within [min, max] */
    VALIDATE_BOOL,      /* true or false */
    VALIDATE_DATE,      /* "YYYY-MM-DD" (params_valid_date) */
    VALIDATE_TIMESTAMP, /* ISO 8601 with a UTC offset: 2026-05-01T18:00:00Z,
                         * ...T18:00-05:00, fractions of a second allowed */
    VALIDATE_POINT,     /* {"type":"Point","coordinates":[lon, lat]}: binds
                         * two parameters (lon, lat) */
    VALIDATE_CATEGORY,  /* a category name: [a-z0-9][a-z0-9 _-]{0,46} */
    VALIDATE_ID,        /* a record id: integer 1 .. 2^63-1 */
    VALIDATE_CHOICE,    /* a string among choices */
    VALIDATE_READONLY   /* set by the server; refused in a body */
} validate_type;

/* Flags of a field. */
#define VALIDATE_REQUIRED                                                      \
    0x1u /* must be present and not null (create, replace) */
#define VALIDATE_NULLABLE 0x2u /* null is accepted (stored as NULL) */

typedef struct validate_field {
    const char *name;
    validate_type type;
    unsigned flags;
    double min, max;            /* numbers: range; strings: length in bytes */
    const char *def;            /* parameter text when absent on create or
                                 * replace (NULL: SQL NULL) */
    const char *const *choices; /* VALIDATE_CHOICE: NULL-terminated */
    const char *not_below;      /* another field of the same type this one
                                 * may not be less than (ends_at: starts_at) */
    const char *not_above;      /* ... nor greater than (youth_attendance:
                                 * attendance) */
} validate_field;

typedef enum validate_mode {
    VALIDATE_CREATE,  /* POST: required fields must be there */
    VALIDATE_REPLACE, /* PUT: the same; absent fields take their default */
    VALIDATE_PATCH    /* PATCH: only the fields given change */
} validate_mode;

#define VALIDATE_TEXT_LEN 48

/* The outcome for one field. text/text2 point into the body (strings) or
 * into the value's own buffers; they live as long as both. */
typedef struct validate_value {
    bool present; /* to be written (given, or defaulted on create/replace) */
    const char *text;  /* parameter text, NULL for SQL NULL */
    const char *text2; /* VALIDATE_POINT: latitude (text is longitude) */
    char buf[VALIDATE_TEXT_LEN];
    char buf2[VALIDATE_TEXT_LEN];
} validate_value;

/*
 * Parses body (len bytes, UTF-8) as one JSON object. On success *out owns
 * the object (release with json_object_put). PARITY_ERR_INPUT with err
 * saying where the JSON breaks, or that it is not an object.
 */
parity_status validate_parse_json(const char *body, size_t len,
                                  json_object **out, char *err, size_t errlen);

/*
 * Checks body against fields[0..n) in mode and fills values[0..n) (one per
 * field, in table order). On a bad body returns PARITY_ERR_INPUT, *errors
 * (owned by the caller) names each bad field with its reason, and err holds
 * a one-line summary. On success *errors is NULL.
 */
parity_status validate_body(const validate_field *fields, size_t n,
                            json_object *body, validate_mode mode,
                            validate_value *values, json_object **errors,
                            char *err, size_t errlen);

/* ISO 8601 timestamp with offset (see VALIDATE_TIMESTAMP); *epoch receives
 * the instant in seconds since 1970 (fractions dropped) when not NULL. */
bool validate_timestamp(const char *text, long long *epoch);

/* A category name as the categories table allows it. */
bool validate_category_name(const char *text);

#endif
