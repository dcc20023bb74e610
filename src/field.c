/* field.c - text values of imported rows parsed and checked (see field.h). */
#include "parity/field.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static bool fail(char *why, size_t whylen, const char *message)
{
    if (why && whylen)
        snprintf(why, whylen, "%s", message);
    return false;
}

bool field_is_blank(const char *text)
{
    if (!text)
        return true;
    for (; *text; text++)
        if (!isspace((unsigned char)*text))
            return false;
    return true;
}

bool field_trim(const char *text, char *out, size_t outlen)
{
    if (!outlen)
        return false;
    out[0] = '\0';
    if (!text)
        return true;
    while (isspace((unsigned char)*text))
        text++;
    size_t len = strlen(text);
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len >= outlen)
        return false;
    memcpy(out, text, len);
    out[len] = '\0';
    return true;
}

bool field_valid_utf8(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        unsigned c = *s;
        int extra;
        uint32_t cp;
        if (c < 0x80) {
            s++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (int i = 1; i <= extra; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        /* no overlong forms, no surrogates, nothing past U+10FFFF */
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        s += extra + 1;
    }
    return true;
}

/* ---- numbers ------------------------------------------------------------ */

bool field_parse_number(const char *text, double *out, char *why, size_t whylen)
{
    char value[64];
    if (field_is_blank(text))
        return fail(why, whylen, "is empty");
    if (!field_trim(text, value, sizeof value))
        return fail(why, whylen, "is not a number");
    errno = 0;
    char *end;
    double d = strtod(value, &end);
    if (end == value || *end || errno == ERANGE || !isfinite(d))
        return fail(why, whylen, "is not a number");
    /* strtod also reads hexadecimal and "inf"/"nan" spellings */
    for (const char *p = value; *p; p++)
        if (*p == 'x' || *p == 'X' || *p == 'n' || *p == 'N' || *p == 'i' ||
            *p == 'I')
            return fail(why, whylen, "is not a number");
    *out = d;
    return true;
}

bool field_parse_count(const char *text, long max, long *out, char *why,
                       size_t whylen)
{
    double d;
    if (!field_parse_number(text, &d, why, whylen))
        return false;
    if (d < 0)
        return fail(why, whylen, "is negative");
    if (d != floor(d))
        return fail(why, whylen, "is not a whole number");
    if (d > (double)max) {
        if (why && whylen)
            snprintf(why, whylen, "is more than %ld", max);
        return false;
    }
    *out = (long)d;
    return true;
}

bool field_parse_bool(const char *text, bool *out, char *why, size_t whylen)
{
    static const char *const yes[] = {"true", "yes", "y", "t", "1"};
    static const char *const no[] = {"false", "no", "n", "f", "0"};
    char value[16];
    if (field_trim(text, value, sizeof value)) {
        for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
            if (!strcasecmp(value, yes[i])) {
                *out = true;
                return true;
            }
            if (!strcasecmp(value, no[i])) {
                *out = false;
                return true;
            }
        }
    }
    return fail(why, whylen, "is not true or false");
}

/* ---- time --------------------------------------------------------------- */

static bool leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

static bool check_time(const field_time *t, char *why, size_t whylen)
{
    if (t->year < 1 || t->year > 9999)
        return fail(why, whylen, "has a year outside 1..9999");
    if (t->month < 1 || t->month > 12)
        return fail(why, whylen, "has no month 1..12");
    if (t->day < 1 || t->day > days_in_month(t->year, t->month))
        return fail(why, whylen, "is not a day of the calendar");
    if (t->hour < 0 || t->hour > 23 || t->minute < 0 || t->minute > 59 ||
        t->second < 0 || t->second > 59)
        return fail(why, whylen, "is not a time of day");
    if (t->offset_minutes < -15 * 60 - 59 || t->offset_minutes > 15 * 60 + 59)
        return fail(why, whylen, "has a UTC offset beyond 15:59");
    return true;
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

bool field_parse_iso8601(const char *text, field_time *out, char *why,
                         size_t whylen)
{
    static const char expected[] =
        "is not an ISO 8601 date or time (e.g. 2026-03-14, "
        "2026-03-14T10:00:00-05:00); pass --date-format for other layouts";
    field_time t = {0};
    char value[64];
    if (field_is_blank(text))
        return fail(why, whylen, "is empty");
    if (!field_trim(text, value, sizeof value))
        return fail(why, whylen, expected);
    const char *p = value;
    if (!digits(&p, 4, &t.year) || *p++ != '-' || !digits(&p, 2, &t.month) ||
        *p++ != '-' || !digits(&p, 2, &t.day))
        return fail(why, whylen, expected);
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        t.has_time = true;
        if (!digits(&p, 2, &t.hour) || *p++ != ':' || !digits(&p, 2, &t.minute))
            return fail(why, whylen, expected);
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &t.second))
                return fail(why, whylen, expected);
            if (*p == '.' || *p == ',') {
                p++;
                int n = 0;
                for (; isdigit((unsigned char)*p); p++, n++)
                    if (n < 6)
                        t.microsecond = t.microsecond * 10 + (*p - '0');
                if (n == 0)
                    return fail(why, whylen, expected);
                for (; n < 6; n++)
                    t.microsecond *= 10;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
            t.has_offset = true;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, hours, minutes = 0;
            if (!digits(&p, 2, &hours))
                return fail(why, whylen, expected);
            if (*p == ':') {
                p++;
                if (!digits(&p, 2, &minutes))
                    return fail(why, whylen, expected);
            } else if (isdigit((unsigned char)*p) && !digits(&p, 2, &minutes)) {
                return fail(why, whylen, expected);
            }
            if (minutes > 59)
                return fail(why, whylen, "has a bad UTC offset");
            t.has_offset = true;
            t.offset_minutes = sign * (hours * 60 + minutes);
        }
    }
    if (*p)
        return fail(why, whylen, expected);
    if (!check_time(&t, why, whylen))
        return false;
    *out = t;
    return true;
}

/* Whether a strptime format has the conversion c (skipping %% and the E/O
 * modifiers). */
static bool format_has(const char *format, const char *conversions)
{
    for (const char *p = format; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == 'E' || *p == 'O')
            p++;
        if (!*p)
            break;
        if (*p != '%' && strchr(conversions, *p))
            return true;
    }
    return false;
}

bool field_parse_format(const char *text, const char *format, field_time *out,
                        char *why, size_t whylen)
{
    char value[128];
    if (field_is_blank(text))
        return fail(why, whylen, "is empty");
    if (!field_trim(text, value, sizeof value))
        return fail(why, whylen, "does not match --date-format");
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_mday = 1;
    const char *end = strptime(value, format, &tm);
    if (!end || *end) {
        if (why && whylen)
            snprintf(why, whylen, "does not match --date-format '%s'", format);
        return false;
    }
    field_time t = {
        .year = tm.tm_year + 1900,
        .month = tm.tm_mon + 1,
        .day = tm.tm_mday,
        .hour = tm.tm_hour,
        .minute = tm.tm_min,
        .second = tm.tm_sec,
        .has_time = format_has(format, "HIRTrcs"),
        .has_offset = format_has(format, "z"),
        .offset_minutes = (int)(tm.tm_gmtoff / 60),
    };
    if (!format_has(format, "dejsFDcx"))
        return fail(why, whylen, "--date-format has no day (%d)");
    if (!check_time(&t, why, whylen))
        return false;
    *out = t;
    return true;
}

void field_time_format(const field_time *t, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d:%02d", t->year,
                     t->month, t->day, t->hour, t->minute, t->second);
    if (n < 0 || (size_t)n >= outlen)
        return;
    if (t->microsecond)
        n += snprintf(out + n, outlen - (size_t)n, ".%06d", t->microsecond);
    if (t->has_offset && n > 0 && (size_t)n < outlen) {
        int off =
            t->offset_minutes < 0 ? -t->offset_minutes : t->offset_minutes;
        snprintf(out + n, outlen - (size_t)n, "%c%02d:%02d",
                 t->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
    }
}

void field_date_format(const field_time *t, char *out, size_t outlen)
{
    snprintf(out, outlen, "%04d-%02d-%02d", t->year, t->month, t->day);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int field_time_compare(const field_time *a, const field_time *b)
{
    long double sa =
        (long double)days_from_civil(a->year, a->month, a->day) * 86400 +
        a->hour * 3600 + a->minute * 60 + a->second -
        (a->has_offset ? a->offset_minutes * 60 : 0) + a->microsecond / 1e6L;
    long double sb =
        (long double)days_from_civil(b->year, b->month, b->day) * 86400 +
        b->hour * 3600 + b->minute * 60 + b->second -
        (b->has_offset ? b->offset_minutes * 60 : 0) + b->microsecond / 1e6L;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
}
