/* field: the values of imported rows (CSV cells and OGR fields, outside
 * input) and the --date-format setting. The input is "FORMAT\nVALUE" (no
 * newline: VALUE alone). Invariants: parsed times are on the calendar and
 * what field_time_format writes parses back to the same instant; counts
 * are within their bound; numbers are finite; trimming only trims; the
 * importer's UTF-8 check agrees with the server's. */
#include <ctype.h>
#include <math.h>

#include "fuzz.h"
#include "parity/field.h"
#include "parity/utf8.h"

static void check_time(const field_time *t)
{
    FUZZ_CHECK(t->year >= 1 && t->year <= 9999);
    FUZZ_CHECK(t->month >= 1 && t->month <= 12);
    FUZZ_CHECK(t->day >= 1 && t->day <= 31);
    FUZZ_CHECK(t->hour >= 0 && t->hour <= 23 && t->minute >= 0 &&
               t->minute <= 59 && t->second >= 0 && t->second <= 59);
    FUZZ_CHECK(t->microsecond >= 0 && t->microsecond <= 999999);
    /* Written for PostgreSQL and read back: the same instant. */
    char text[64], why[256];
    field_time_format(t, text, sizeof text);
    field_time back;
    FUZZ_CHECK(field_parse_iso8601(text, &back, why, sizeof why));
    FUZZ_CHECK(back.year == t->year && back.month == t->month &&
               back.day == t->day && back.hour == t->hour &&
               back.minute == t->minute && back.second == t->second &&
               back.microsecond == t->microsecond);
    FUZZ_CHECK(back.has_offset == t->has_offset);
    if (t->has_offset)
        FUZZ_CHECK(back.offset_minutes == t->offset_minutes);
    FUZZ_CHECK(field_time_compare(t, &back) == 0);
    char date[16];
    field_date_format(t, date, sizeof date);
    FUZZ_CHECK(strlen(date) == 10 && !strncmp(date, text, 10));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    char *value = text;
    const char *format = NULL;
    char *nl = strchr(text, '\n');
    if (nl) {
        *nl = '\0';
        format = text;
        value = nl + 1;
    }
    char why[256];
    field_time t;
    if (field_parse_iso8601(value, &t, why, sizeof why))
        check_time(&t);
    else
        FUZZ_CHECK(why[0]);
    if (format && strlen(format) < 64) {
        if (field_parse_format(value, format, &t, why, sizeof why))
            check_time(&t);
        else
            FUZZ_CHECK(why[0]);
    }
    long count;
    if (field_parse_count(value, 1000000, &count, why, sizeof why))
        FUZZ_CHECK(count >= 0 && count <= 1000000);
    double number;
    if (field_parse_number(value, &number, why, sizeof why))
        FUZZ_CHECK(isfinite(number));
    bool flag;
    (void)field_parse_bool(value, &flag, why, sizeof why);
    char trimmed[256];
    if (field_trim(value, trimmed, sizeof trimmed)) {
        size_t n = strlen(trimmed);
        FUZZ_CHECK(strstr(value, trimmed) != NULL);
        FUZZ_CHECK(n == 0 || (!isspace((unsigned char)trimmed[0]) &&
                              !isspace((unsigned char)trimmed[n - 1])));
        FUZZ_CHECK((n == 0) == field_is_blank(value));
    }
    /* One rule for UTF-8 wherever text enters. */
    FUZZ_CHECK(field_valid_utf8(value) == utf8_valid_str(value));
    free(text);
    return 0;
}
