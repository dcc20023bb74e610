/* Unit tests of validate.c: JSON bodies checked field by field. The tables
 * here are the tests' own (an event-like and a site-like record). */
#include <stdbool.h>

#include "check.h"
#include "parity/validate.h"

static const char *const KINDS[] = {"nonprofit", "faith", NULL};

static const validate_field EVENT[] = {
    {"id", VALIDATE_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    {"title", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 20, NULL, NULL, NULL,
     NULL},
    {"category", VALIDATE_CATEGORY, VALIDATE_REQUIRED, 0, 0, NULL, NULL, NULL,
     NULL},
    {"program_id", VALIDATE_ID, VALIDATE_NULLABLE, 0, 0, NULL, NULL, NULL,
     NULL},
    {"starts_at", VALIDATE_TIMESTAMP, VALIDATE_REQUIRED, 0, 0, NULL, NULL, NULL,
     NULL},
    {"ends_at", VALIDATE_TIMESTAMP, VALIDATE_NULLABLE, 0, 0, NULL, NULL,
     "starts_at", NULL},
    {"attendance", VALIDATE_INT, VALIDATE_NULLABLE, 0, 1000000, NULL, NULL,
     NULL, NULL},
    {"youth_attendance", VALIDATE_INT, VALIDATE_NULLABLE, 0, 1000000, NULL,
     NULL, NULL, "attendance"},
    {"hours", VALIDATE_NUMBER, VALIDATE_NULLABLE, 0, 1000, NULL, NULL, NULL,
     NULL},
    {"location", VALIDATE_POINT, VALIDATE_REQUIRED, 0, 0, NULL, NULL, NULL,
     NULL},
    {"sensitive", VALIDATE_BOOL, 0, 0, 0, "false", NULL, NULL, NULL},
    {"kind", VALIDATE_CHOICE, VALIDATE_NULLABLE, 0, 0, NULL, KINDS, NULL, NULL},
    {"start_date", VALIDATE_DATE, VALIDATE_NULLABLE, 0, 0, NULL, NULL, NULL,
     NULL},
    {"end_date", VALIDATE_DATE, VALIDATE_NULLABLE, 0, 0, NULL, NULL,
     "start_date", NULL},
};
#define N_EVENT (sizeof EVENT / sizeof EVENT[0])
enum {
    ID,
    TITLE,
    CATEGORY,
    PROGRAM,
    STARTS,
    ENDS,
    ATT,
    YOUTH,
    HOURS,
    LOC,
    SENS,
    KIND,
    SDATE,
    EDATE
};

/* Runs validate_body on text; returns the status and leaves the field
 * errors (or NULL) in *errors for the caller to inspect and put. The values
 * point into the parsed body, which stays alive until the next run. */
static parity_status run(const char *text, validate_mode mode,
                         validate_value *values, json_object **errors)
{
    json_object *body = NULL;
    char err[256];
    *errors = NULL;
    parity_status status =
        validate_parse_json(text, strlen(text), &body, err, sizeof err);
    if (status != PARITY_OK)
        return status;
    status = validate_body(EVENT, N_EVENT, body, mode, values, errors, err,
                           sizeof err);
    static json_object *last;
    json_object_put(last);
    last = body;
    return status;
}

static const char *reason(json_object *errors, const char *field)
{
    json_object *v = NULL;
    if (!errors || !json_object_object_get_ex(errors, field, &v))
        return NULL;
    return json_object_get_string(v);
}

static const char *GOOD =
    "{\"title\": \"Night hoops\", \"category\": \"prevention\", "
    "\"program_id\": 7, \"starts_at\": \"2026-05-01T18:00:00-05:00\", "
    "\"ends_at\": \"2026-05-01T21:30:00-05:00\", \"attendance\": 40, "
    "\"youth_attendance\": 25, \"hours\": 3.5, "
    "\"location\": {\"type\": \"Point\", \"coordinates\": [-86.8, 33.52]}}";

void test_validate_good_body(void)
{
    validate_value v[N_EVENT];
    json_object *errors;
    CHECK(run(GOOD, VALIDATE_CREATE, v, &errors) == PARITY_OK);
    CHECK(errors == NULL);
    CHECK_STR(v[TITLE].text, "Night hoops");
    CHECK_STR(v[PROGRAM].text, "7");
    CHECK_STR(v[ATT].text, "40");
    CHECK_STR(v[HOURS].text, "3.5");
    CHECK_STR(v[LOC].text, "-86.799999999999997");
    CHECK_STR(v[LOC].text2, "33.520000000000003");
    CHECK_STR(v[STARTS].text, "2026-05-01T18:00:00-05:00");
    /* Absent optional fields take their default on create. */
    CHECK(v[SENS].present);
    CHECK_STR(v[SENS].text, "false");
    CHECK(v[KIND].present && v[KIND].text == NULL);
    CHECK(!v[ID].present);
}

void test_validate_each_bad_field_named(void)
{
    validate_value v[N_EVENT];
    json_object *errors;
    const char *bad =
        "{\"title\": \"   \", \"category\": \"Prevention!\", \"program_id\": "
        "0, "
        "\"starts_at\": \"2026-05-01 18:00\", \"attendance\": -1, "
        "\"hours\": \"3\", \"location\": {\"type\": \"Point\", "
        "\"coordinates\": [33.52, -186.8]}, \"sensitive\": \"yes\", "
        "\"kind\": \"club\", \"start_date\": \"2026-02-30\", \"color\": "
        "\"red\", "
        "\"id\": 5}";
    CHECK(run(bad, VALIDATE_CREATE, v, &errors) == PARITY_ERR_INPUT);
    CHECK(errors != NULL);
    CHECK_STR(reason(errors, "title"), "must not be blank");
    CHECK(reason(errors, "category") != NULL);
    CHECK(reason(errors, "program_id") != NULL);
    CHECK(reason(errors, "starts_at") != NULL);
    CHECK_STR(reason(errors, "attendance"),
              "must be a whole number from 0 to 1000000");
    CHECK(reason(errors, "hours") != NULL);
    CHECK(reason(errors, "location") != NULL);
    CHECK_STR(reason(errors, "sensitive"), "must be true or false");
    CHECK_STR(reason(errors, "kind"), "must be one of: nonprofit, faith");
    CHECK_STR(reason(errors, "start_date"), "must be a date YYYY-MM-DD");
    CHECK_STR(reason(errors, "color"), "is not a field of this record");
    CHECK_STR(reason(errors, "id"), "is read-only; the server sets it");
    CHECK(errors && json_object_object_length(errors) == 12);
    json_object_put(errors);

    /* Required fields missing; wrong JSON types. */
    CHECK(run("{\"title\": 5, \"attendance\": 2.5}", VALIDATE_CREATE, v,
              &errors) == PARITY_ERR_INPUT);
    CHECK_STR(reason(errors, "title"), "must be a string");
    CHECK_STR(reason(errors, "category"), "is required");
    CHECK_STR(reason(errors, "starts_at"), "is required");
    CHECK_STR(reason(errors, "location"), "is required");
    CHECK(reason(errors, "attendance") != NULL);
    CHECK(reason(errors, "ends_at") == NULL);
    json_object_put(errors);

    /* Too long; null for a required field; null for a non-nullable one. */
    CHECK(run("{\"title\": \"123456789012345678901\", \"category\": null, "
              "\"sensitive\": null}",
              VALIDATE_PATCH, v, &errors) == PARITY_ERR_INPUT);
    CHECK_STR(reason(errors, "title"), "must have 1 to 20 bytes (has 21)");
    CHECK_STR(reason(errors, "category"), "must not be null");
    CHECK(reason(errors, "sensitive") != NULL);
    CHECK(errors && json_object_object_length(errors) == 3);
    json_object_put(errors);
}

void test_validate_cross_fields(void)
{
    validate_value v[N_EVENT];
    json_object *errors;
    /* 10:00-05:00 is 15:00Z, before 16:00Z: ends before it starts, though
     * the text compares the other way. */
    CHECK(run("{\"starts_at\": \"2026-05-01T16:00:00Z\", "
              "\"ends_at\": \"2026-05-01T10:00:00-05:00\", \"attendance\": 10, "
              "\"youth_attendance\": 11, \"start_date\": \"2026-03-01\", "
              "\"end_date\": \"2026-02-28\"}",
              VALIDATE_PATCH, v, &errors) == PARITY_ERR_INPUT);
    CHECK_STR(reason(errors, "ends_at"), "must not be before starts_at");
    CHECK_STR(reason(errors, "youth_attendance"),
              "must not be more than attendance");
    CHECK_STR(reason(errors, "end_date"), "must not be before start_date");
    CHECK(errors && json_object_object_length(errors) == 3);
    json_object_put(errors);
    /* Equal is fine, and so is 11:00-05:00 = 16:00Z. */
    CHECK(run("{\"starts_at\": \"2026-05-01T16:00:00Z\", "
              "\"ends_at\": \"2026-05-01T11:00-05:00\", \"attendance\": 10, "
              "\"youth_attendance\": 10}",
              VALIDATE_PATCH, v, &errors) == PARITY_OK);
    /* PATCH leaves absent fields alone (no defaults, no required). */
    CHECK(!v[TITLE].present && !v[SENS].present && v[ATT].present);
    /* null clears a nullable field. */
    CHECK(run("{\"ends_at\": null}", VALIDATE_PATCH, v, &errors) == PARITY_OK);
    CHECK(v[ENDS].present && v[ENDS].text == NULL);
}

void test_validate_json_errors(void)
{
    json_object *o = NULL;
    char err[256];
    CHECK(validate_parse_json("", 0, &o, err, sizeof err) == PARITY_ERR_INPUT);
    CHECK(validate_parse_json("[1]", 3, &o, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(strstr(err, "JSON object") != NULL);
    CHECK(validate_parse_json("{\"a\": 1", 7, &o, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(validate_parse_json("{\"a\": 1} x", 10, &o, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(strstr(err, "byte 9") != NULL);
    /* Invalid UTF-8 (a lone continuation byte). */
    CHECK(validate_parse_json("{\"a\": \"\x80\"}", 10, &o, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(validate_parse_json(" {\"a\": 1}\n", 10, &o, err, sizeof err) ==
          PARITY_OK);
    json_object_put(o);

    /* An embedded NUL would cut the string short in SQL: refused. */
    validate_value v[N_EVENT];
    json_object *errors;
    CHECK(run("{\"title\": \"a\\u0000b\"}", VALIDATE_PATCH, v, &errors) ==
          PARITY_ERR_INPUT);
    CHECK_STR(reason(errors, "title"), "must not contain NUL characters");
    json_object_put(errors);
    /* Integers past 64 bits saturate in json-c: never accepted. */
    CHECK(run("{\"program_id\": 99999999999999999999}", VALIDATE_PATCH, v,
              &errors) == PARITY_ERR_INPUT);
    json_object_put(errors);
    CHECK(run("{\"program_id\": 9223372036854775806}", VALIDATE_PATCH, v,
              &errors) == PARITY_OK);
    CHECK_STR(v[PROGRAM].text, "9223372036854775806");
    CHECK(run("{\"hours\": 1e400}", VALIDATE_PATCH, v, &errors) ==
          PARITY_ERR_INPUT);
    json_object_put(errors);
    /* A point with three coordinates, or extra members, is refused. */
    CHECK(
        run("{\"location\": {\"type\": \"Point\", \"coordinates\": [1, 2, 3]}}",
            VALIDATE_PATCH, v, &errors) == PARITY_ERR_INPUT);
    json_object_put(errors);
    CHECK(run("{\"location\": {\"type\": \"Point\", \"coordinates\": [1, 2], "
              "\"crs\": 1}}",
              VALIDATE_PATCH, v, &errors) == PARITY_ERR_INPUT);
    json_object_put(errors);
}

void test_validate_timestamps(void)
{
    long long t = 0;
    /* 2026-05-01T23:00:00Z by hand: 20574 days after 1970-01-01
     * (56 years, 14 leap days: 56*365+14 = 20454, + Jan..Apr 2026 = 120). */
    CHECK(validate_timestamp("2026-05-01T23:00:00Z", &t));
    CHECK(t == 20574LL * 86400 + 23 * 3600);
    CHECK(validate_timestamp("2026-05-01T18:00:00-05:00", &t));
    CHECK(t == 20574LL * 86400 + 23 * 3600);
    CHECK(validate_timestamp("1970-01-01T00:00Z", &t) && t == 0);
    CHECK(validate_timestamp("2024-02-29T12:00:00.125+01:00", &t));
    CHECK(!validate_timestamp("2025-02-29T12:00:00Z", NULL));
    CHECK(!validate_timestamp("2026-05-01T18:00:00", NULL)); /* no offset */
    CHECK(!validate_timestamp("2026-05-01T24:00:00Z", NULL));
    CHECK(!validate_timestamp("2026-05-01 18:00:00Z", NULL));
    CHECK(!validate_timestamp("2026-05-01T18:00:00+5", NULL));
    CHECK(!validate_timestamp("2026-05-01T18:00:00Z'; DROP TABLE events; --",
                              NULL));
    CHECK(validate_category_name("community engagement"));
    CHECK(validate_category_name("k9-unit_2"));
    CHECK(!validate_category_name("Prevention"));
    CHECK(!validate_category_name(" prevention"));
    CHECK(!validate_category_name(""));
    CHECK(!validate_category_name("x' OR '1'='1"));
}
