/* Values of imported rows: ISO 8601 and strptime dates, counts, numbers,
 * booleans, UTF-8. Expected values are written out by hand from the
 * calendar and the standards. */
#include <limits.h>

#include "check.h"
#include "parity/field.h"
#include "tests.h"

static const char *iso(const char *text)
{
    static char out[64];
    field_time t;
    char why[160];
    if (!field_parse_iso8601(text, &t, why, sizeof why))
        return "(refused)";
    field_time_format(&t, out, sizeof out);
    return out;
}

static const char *formatted(const char *text, const char *format)
{
    static char out[64];
    field_time t;
    char why[160];
    if (!field_parse_format(text, format, &t, why, sizeof why))
        return "(refused)";
    field_time_format(&t, out, sizeof out);
    return out;
}

void test_field_iso8601(void)
{
    CHECK_STR(iso("2026-03-14T10:00:00-05:00"), "2026-03-14 10:00:00-05:00");
    CHECK_STR(iso("2026-03-14"), "2026-03-14 00:00:00");
    CHECK_STR(iso(" 2026-03-14 10:30 "), "2026-03-14 10:30:00");
    CHECK_STR(iso("2026-03-14T10:00:00Z"), "2026-03-14 10:00:00+00:00");
    CHECK_STR(iso("2026-03-14T10:00:00.5+0530"),
              "2026-03-14 10:00:00.500000+05:30");
    CHECK_STR(iso("2026-03-14T23:59:59.1234567-09"),
              "2026-03-14 23:59:59.123456-09:00");
    CHECK_STR(iso("2024-02-29"), "2024-02-29 00:00:00"); /* leap year */
    CHECK_STR(iso("2000-02-29"), "2000-02-29 00:00:00"); /* 400-year rule */
    CHECK_STR(iso("1900-02-29"), "(refused)");           /* 100-year rule */
    CHECK_STR(iso("2026-02-29"), "(refused)");
    CHECK_STR(iso("2026-04-31"), "(refused)");
    CHECK_STR(iso("2026-13-01"), "(refused)");
    CHECK_STR(iso("2026-03-14T24:00"), "(refused)");
    CHECK_STR(iso("2026-03-14T10:60"), "(refused)");
    CHECK_STR(iso("2026-03-14T10:00:00+05:75"), "(refused)");
    CHECK_STR(iso("2026-03-14T10:00:00+16:00"), "(refused)");
    CHECK_STR(iso("14/03/2026"), "(refused)");
    CHECK_STR(iso("2026-3-14"), "(refused)");
    CHECK_STR(iso("2026-03-14T10"), "(refused)");
    CHECK_STR(iso("2026-03-14 junk"), "(refused)");
    CHECK_STR(iso("2026-03-14T10:00:00."), "(refused)");
    CHECK_STR(iso(""), "(refused)");

    field_time t;
    char why[160];
    CHECK(!field_parse_iso8601("2026-02-30", &t, why, sizeof why));
    CHECK_STR(why, "is not a day of the calendar");
    CHECK(field_parse_iso8601("2026-03-14", &t, why, sizeof why));
    CHECK(!t.has_time && !t.has_offset);
    char date[16];
    field_parse_iso8601("2026-11-01T23:30:00-06:00", &t, why, sizeof why);
    field_date_format(&t, date, sizeof date);
    CHECK_STR(date, "2026-11-01"); /* the date as written, not in UTC */
}

void test_field_format(void)
{
    CHECK_STR(formatted("03/14/2026 10:05", "%m/%d/%Y %H:%M"),
              "2026-03-14 10:05:00");
    CHECK_STR(formatted("3/4/2026 7:05", "%m/%d/%Y %H:%M"),
              "2026-03-04 07:05:00");
    CHECK_STR(formatted("14.03.2026", "%d.%m.%Y"), "2026-03-14 00:00:00");
    CHECK_STR(formatted("2026-03-14 10:00 -0500", "%Y-%m-%d %H:%M %z"),
              "2026-03-14 10:00:00-05:00");
    CHECK_STR(formatted("02/30/2026 10:00", "%m/%d/%Y %H:%M"), "(refused)");
    CHECK_STR(formatted("2026-03-14", "%m/%d/%Y %H:%M"), "(refused)");
    CHECK_STR(formatted("03/14/2026 10:05 pm", "%m/%d/%Y %H:%M"), "(refused)");
    CHECK_STR(formatted("03/14/2026 10:05 PM", "%m/%d/%Y %I:%M %p"),
              "2026-03-14 22:05:00");
    field_time t;
    char why[160];
    CHECK(field_parse_format("03/14/2026", "%m/%d/%Y", &t, why, sizeof why));
    CHECK(!t.has_time && !t.has_offset);
    CHECK(!field_parse_format("10:00", "%H:%M", &t, why, sizeof why));
}

void test_field_compare(void)
{
    field_time a, b;
    char why[160];
    /* 10:00-05:00 is 15:00 UTC, after 14:30Z */
    field_parse_iso8601("2026-03-14T10:00:00-05:00", &a, why, sizeof why);
    field_parse_iso8601("2026-03-14T14:30:00Z", &b, why, sizeof why);
    CHECK(field_time_compare(&a, &b) > 0);
    CHECK(field_time_compare(&b, &a) < 0);
    field_parse_iso8601("2026-03-14T16:00:00+01:00", &b, why, sizeof why);
    CHECK(field_time_compare(&a, &b) == 0);
    /* across a year boundary and a leap day */
    field_parse_iso8601("2024-12-31T23:00:00-02:00", &a, why, sizeof why);
    field_parse_iso8601("2025-01-01T00:30:00Z", &b, why, sizeof why);
    CHECK(field_time_compare(&a, &b) > 0);
    field_parse_iso8601("2024-02-29", &a, why, sizeof why);
    field_parse_iso8601("2024-03-01", &b, why, sizeof why);
    CHECK(field_time_compare(&a, &b) < 0);
}

void test_field_numbers(void)
{
    long n;
    double d;
    bool on;
    char why[160];
    CHECK(field_parse_count("12", 100, &n, why, sizeof why) && n == 12);
    CHECK(field_parse_count(" 12.0 ", 100, &n, why, sizeof why) && n == 12);
    CHECK(field_parse_count("0", 100, &n, why, sizeof why) && n == 0);
    CHECK(!field_parse_count("-3", 100, &n, why, sizeof why));
    CHECK_STR(why, "is negative");
    CHECK(!field_parse_count("12.5", 100, &n, why, sizeof why));
    CHECK_STR(why, "is not a whole number");
    CHECK(!field_parse_count("101", 100, &n, why, sizeof why));
    CHECK_STR(why, "is more than 100");
    CHECK(!field_parse_count("twelve", 100, &n, why, sizeof why));
    CHECK_STR(why, "is not a number");
    CHECK(!field_parse_count("", 100, &n, why, sizeof why));
    CHECK_STR(why, "is empty");
    CHECK(field_parse_count("2147483647", INT_MAX, &n, why, sizeof why) &&
          n == INT_MAX);
    CHECK(field_parse_number("-86.813843", &d, why, sizeof why));
    CHECK_NEAR(d, -86.813843, 1e-12);
    CHECK(field_parse_number("1e3", &d, why, sizeof why) && d == 1000);
    CHECK(!field_parse_number("0x10", &d, why, sizeof why));
    CHECK(!field_parse_number("nan", &d, why, sizeof why));
    CHECK(!field_parse_number("inf", &d, why, sizeof why));
    CHECK(!field_parse_number("1e999", &d, why, sizeof why));
    CHECK(!field_parse_number("33.5N", &d, why, sizeof why));
    CHECK(!field_parse_number("1,5", &d, why, sizeof why));
    CHECK(field_parse_bool("TRUE", &on, why, sizeof why) && on);
    CHECK(field_parse_bool(" no ", &on, why, sizeof why) && !on);
    CHECK(field_parse_bool("0", &on, why, sizeof why) && !on);
    CHECK(!field_parse_bool("maybe", &on, why, sizeof why));
}

void test_field_text(void)
{
    char out[8];
    CHECK(field_trim("  ab c \t", out, sizeof out));
    CHECK_STR(out, "ab c");
    CHECK(!field_trim("123456789", out, sizeof out));
    CHECK(field_is_blank(" \t"));
    CHECK(field_is_blank(NULL));
    CHECK(!field_is_blank(" x"));
    CHECK(field_valid_utf8("Ca\xc3\xb1"
                           "ada"));              /* Cañada */
    CHECK(field_valid_utf8("\xf0\x9f\x99\x82")); /* U+1F642 */
    CHECK(!field_valid_utf8("Ca\xf1"
                            "ada"));          /* Latin-1 ñ */
    CHECK(!field_valid_utf8("\xc0\xaf"));     /* overlong / */
    CHECK(!field_valid_utf8("\xed\xa0\x80")); /* surrogate */
    CHECK(!field_valid_utf8("\xe2\x82"));     /* cut short */
}
