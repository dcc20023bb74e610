/* log.c - key=value event lines on standard error. */
#include "parity/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

void log_utc_fields(long long seconds, int *year, int *month, int *day,
                    int *hour, int *minute, int *second)
{
    long long days = seconds / 86400, rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    *hour = (int)(rest / 3600);
    *minute = (int)(rest % 3600 / 60);
    *second = (int)(rest % 60);
    /* Days since 1970-01-01 to a civil date (proleptic Gregorian), after
     * Howard Hinnant's days_from_civil inverse: eras of 400 years. */
    days += 719468;
    long long era = (days >= 0 ? days : days - 146096) / 146097;
    long long doe = days - era * 146097; /* [0, 146096] */
    long long yoe =
        (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);   /* [0, 365] */
    long long mp = (5 * doy + 2) / 153;                        /* [0, 11] */
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (*month <= 2));
}

/* Writes value (0 <= value < 10^width, else clamped) as width digits at
 * line[n]; returns the new length. */
static int put_digits(char *line, int n, int value, int width)
{
    if (value < 0)
        value = 0;
    for (int i = width - 1; i >= 0; i--) {
        line[n + i] = (char)('0' + value % 10);
        value /= 10;
    }
    return n + width;
}

/* Appends text at line[n] without passing cap; returns the new length. */
static int put_text(char *line, int n, int cap, const char *text)
{
    while (text && *text && n < cap)
        line[n++] = *text++;
    return n;
}

void log_event(const char *level, const char *event, const char *fmt, ...)
{
    char line[4096];
    struct timeval now;
    gettimeofday(&now, NULL);
    /* Not gmtime_r: glibc takes its time-zone lock even for UTC, and every
     * request thread logs. */
    int year, month, day, hour, minute, second;
    log_utc_fields((long long)now.tv_sec, &year, &month, &day, &hour, &minute,
                   &second);
    /* The fixed part by hand: printf is slow in this process (a linked
     * library registers printf extensions, which sends every call down
     * glibc's slow path), and this runs for every request. */
    int n = 0;
    line[n++] = 't';
    line[n++] = 's';
    line[n++] = '=';
    n = put_digits(line, n, year, 4);
    line[n++] = '-';
    n = put_digits(line, n, month, 2);
    line[n++] = '-';
    n = put_digits(line, n, day, 2);
    line[n++] = 'T';
    n = put_digits(line, n, hour, 2);
    line[n++] = ':';
    n = put_digits(line, n, minute, 2);
    line[n++] = ':';
    n = put_digits(line, n, second, 2);
    line[n++] = '.';
    n = put_digits(line, n, (int)(now.tv_usec / 1000), 3);
    n = put_text(line, n, (int)sizeof line - 2, "Z level=");
    n = put_text(line, n, (int)sizeof line - 2, level);
    n = put_text(line, n, (int)sizeof line - 2, " event=");
    n = put_text(line, n, (int)sizeof line - 2, event);
    if (fmt && *fmt && (size_t)n < sizeof line - 2) {
        line[n++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
        if (m > 0)
            n += m;
        if ((size_t)n >= sizeof line - 1)
            n = (int)sizeof line - 2;
    }
    line[n++] = '\n';
    /* One write(2) per line, not stdio: stderr's lock was the most contended
     * lock of the server (every request thread logs its access line), and a
     * single write keeps lines whole. */
    const char *p = line;
    size_t left = (size_t)n;
    while (left > 0) {
        ssize_t written = write(STDERR_FILENO, p, left);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            break;
        p += written;
        left -= (size_t)written;
    }
}

const char *log_quote(const char *value, char *out, size_t outlen)
{
    if (outlen == 0)
        return out;
    if (!value)
        value = "";
    int needs = *value == '\0';
    for (const char *p = value; *p && !needs; p++)
        needs = *p == ' ' || *p == '"' || *p == '=' || (unsigned char)*p < 0x20;
    size_t n = 0;
    if (!needs) {
        snprintf(out, outlen, "%s", value);
        return out;
    }
    out[n++] = '"';
    for (const char *p = value; *p && n + 5 < outlen; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, outlen - n, "\\x%02x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    if (n + 1 < outlen)
        out[n++] = '"';
    out[n < outlen ? n : outlen - 1] = '\0';
    return out;
}
