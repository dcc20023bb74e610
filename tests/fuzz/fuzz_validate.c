/* JSON request bodies: validate_parse_json (json-c, strict, UTF-8 checked)
 * and validate_body against every API collection's own field table
 * (API_RESOURCES, the tables the server uses), in each mode. The first
 * byte picks the collection and the mode; the rest is the body.
 * Invariants: an accepted body gives each field a parameter text of its
 * type (a number that reads back in range, a date, a timestamp, a point
 * on the globe, valid UTF-8 without NUL...); a refused one names at least
 * one field and says why. */
#include <math.h>

#include "fuzz.h"
#include "parity/api.h"
#include "parity/params.h"
#include "parity/utf8.h"
#include "parity/validate.h"

static size_t n_resources(void)
{
    size_t n = 0;
    while (API_RESOURCES[n])
        n++;
    return n;
}

static void check_value(const validate_field *f, const validate_value *v)
{
    if (!v->present || !v->text)
        return;
    FUZZ_CHECK(utf8_valid_str(v->text));
    char *end;
    switch (f->type) {
    case VALIDATE_STRING:
        FUZZ_CHECK((double)strlen(v->text) >= f->min &&
                   (double)strlen(v->text) <= f->max);
        break;
    case VALIDATE_INT:
    case VALIDATE_ID: {
        long long n = strtoll(v->text, &end, 10);
        FUZZ_CHECK(*end == '\0');
        FUZZ_CHECK(f->type == VALIDATE_ID ? n >= 1
                                          : (n >= f->min && n <= f->max));
        break;
    }
    case VALIDATE_NUMBER: {
        double d = strtod(v->text, &end);
        FUZZ_CHECK(*end == '\0' && isfinite(d) && d >= f->min && d <= f->max);
        break;
    }
    case VALIDATE_BOOL:
        FUZZ_CHECK(!strcmp(v->text, "true") || !strcmp(v->text, "false"));
        break;
    case VALIDATE_DATE: FUZZ_CHECK(params_valid_date(v->text)); break;
    case VALIDATE_TIMESTAMP:
        FUZZ_CHECK(validate_timestamp(v->text, NULL));
        break;
    case VALIDATE_CATEGORY: FUZZ_CHECK(validate_category_name(v->text)); break;
    case VALIDATE_CHOICE: {
        bool found = false;
        for (int i = 0; f->choices && f->choices[i]; i++)
            found |= !strcmp(v->text, f->choices[i]);
        FUZZ_CHECK(found);
        break;
    }
    case VALIDATE_POINT: {
        double lon = strtod(v->text, &end);
        FUZZ_CHECK(*end == '\0');
        FUZZ_CHECK(v->text2);
        double lat = strtod(v->text2, &end);
        FUZZ_CHECK(*end == '\0');
        FUZZ_CHECK(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90);
        break;
    }
    case VALIDATE_READONLY:
        FUZZ_CHECK(!"a read-only field was accepted");
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = n_resources();
    const api_resource *resource = API_RESOURCES[data[0] % n];
    validate_mode mode = (validate_mode)((data[0] / n) % 3);
    /* A copy without a terminator past its end: what http.c hands over is
     * NUL-terminated, but the parser is given the length. */
    char *body = fuzz_string(data + 1, size - 1);
    json_object *obj = NULL;
    char err[512];
    parity_status status =
        validate_parse_json(body, size - 1, &obj, err, sizeof err);
    if (status != PARITY_OK) {
        FUZZ_CHECK(status == PARITY_ERR_INPUT ||
                   status == PARITY_ERR_TOO_LARGE);
        FUZZ_CHECK(err[0]);
        FUZZ_CHECK(obj == NULL);
        free(body);
        return 0;
    }
    FUZZ_CHECK(json_object_is_type(obj, json_type_object));
    /* The server refuses bodies that are not UTF-8 before this (app.c);
     * json-c's own check lets some through (overlong forms such as C1 A9),
     * so the answer's invariants hold for what reaches here. */
    bool utf8 = utf8_valid(body, size - 1, NULL);
    validate_value values[API_MAX_FIELDS];
    memset(values, 0, sizeof values);
    json_object *errors = NULL;
    status = validate_body(resource->fields, resource->n_fields, obj, mode,
                           values, &errors, err, sizeof err);
    if (status == PARITY_OK) {
        FUZZ_CHECK(errors == NULL);
        for (size_t i = 0; i < resource->n_fields && utf8; i++)
            check_value(&resource->fields[i], &values[i]);
    } else {
        FUZZ_CHECK(status == PARITY_ERR_INPUT);
        FUZZ_CHECK(errors && json_object_is_type(errors, json_type_object) &&
                   json_object_object_length(errors) > 0);
        FUZZ_CHECK(err[0]);
        /* What goes back to the client is valid UTF-8 (the body was). */
        if (utf8) {
            FUZZ_CHECK(utf8_valid_str(json_object_to_json_string(errors)));
            FUZZ_CHECK(utf8_valid_str(err));
        }
        /* Each names a field of the table or a member of the body (an
         * unknown one, even "", is refused by its name, cut to at most 64
         * bytes at a character boundary). */
        json_object_object_foreach(errors, key, why)
        {
            bool known = false;
            json_object_object_foreach(obj, member, member_value)
            {
                (void)member_value;
                known |= !strncmp(member, key, strlen(key)) &&
                         (strlen(member) == strlen(key) || strlen(key) >= 61);
            }
            for (size_t i = 0; i < resource->n_fields && !known; i++)
                known = !strcmp(resource->fields[i].name, key);
            FUZZ_CHECK(known || !utf8);
            FUZZ_CHECK(json_object_is_type(why, json_type_string) &&
                       json_object_get_string_len(why) > 0);
        }
        json_object_put(errors);
    }
    json_object_put(obj);
    free(body);
    return 0;
}
