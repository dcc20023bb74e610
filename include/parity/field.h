/*
 * field.h - one text value of an imported row, parsed into what the database
 * stores.
 *
 * Importers read every value of a CSV row (or of any OGR layer) as text and
 * hand it here: timestamps in ISO 8601 or in a strptime(3) format, calendar
 * dates, whole counts, decimals, booleans, coordinates. A value that does not
 * parse gives false and a short reason in the caller's buffer ("is not a
 * whole number"), which the importer prefixes with the column and line.
 * Pure: no allocation, no global state, thread-safe (strptime is
 * reentrant).
 */
#ifndef PARITY_FIELD_H
#define PARITY_FIELD_H

#include <stdbool.h>
#include <stddef.h>

/* A point in time as written in the file: a calendar date, maybe a time of
 * day, maybe a UTC offset (when it has none, the importer's time zone
 * applies). */
typedef struct field_time {
    int year, month, day;     /* 1..9999, 1..12, 1..31 */
    int hour, minute, second; /* 0..23, 0..59, 0..59 */
    int microsecond;          /* 0..999999 */
    bool has_time;            /* false: a plain date (midnight) */
    bool has_offset;          /* the text carried a UTC offset or Z */
    int offset_minutes;       /* east of UTC, e.g. -300 for -05:00 */
} field_time;

/* Parses ISO 8601 in its extended form: YYYY-MM-DD, optionally followed by
 * T or a space and HH:MM, HH:MM:SS or HH:MM:SS.fraction, optionally followed
 * by Z or an offset +HH:MM, +HHMM or +HH. Surrounding blanks are ignored.
 * Checks the calendar (no 2026-02-30). */
bool field_parse_iso8601(const char *text, field_time *out, char *why,
                         size_t whylen);

/* Parses text with a strptime(3) format such as "%m/%d/%Y %H:%M"; the whole
 * text must match (trailing blanks aside). The value has a time of day when
 * the format has %H, %I, %R, %T, %r or %c, and an offset when it has %z.
 * Checks the calendar. */
bool field_parse_format(const char *text, const char *format, field_time *out,
                        char *why, size_t whylen);

/* Writes the value for PostgreSQL's timestamptz input, e.g.
 * "2026-03-14 10:00:00-05:00", or without an offset when it has none. */
void field_time_format(const field_time *t, char *out, size_t outlen);

/* Writes the calendar date "YYYY-MM-DD" of the value as written. */
void field_date_format(const field_time *t, char *out, size_t outlen);

/* Orders two values that both carry an offset, or both none: <0, 0, >0. */
int field_time_compare(const field_time *a, const field_time *b);

/* Parses a whole number 0..max ("12", "12.0"; not "-1", "1e3", "12.5"). */
bool field_parse_count(const char *text, long max, long *out, char *why,
                       size_t whylen);

/* Parses a finite decimal number ("1.5", "-86.8", "2e3"). */
bool field_parse_number(const char *text, double *out, char *why,
                        size_t whylen);

/* Parses true/false, yes/no, y/n, t/f, 1/0 (any case). */
bool field_parse_bool(const char *text, bool *out, char *why, size_t whylen);

/* True when text is empty or only blanks (the importer's "no value"). */
bool field_is_blank(const char *text);

/* True when text is well-formed UTF-8 (what PostgreSQL will accept). */
bool field_valid_utf8(const char *text);

/* Copies text into out without leading and trailing blanks; false when it
 * does not fit. */
bool field_trim(const char *text, char *out, size_t outlen);

#endif
