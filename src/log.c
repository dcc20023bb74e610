/* log.c - key=value event lines on standard error. */
#include "parity/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "parity/text.h"

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

size_t log_prefix(char *line, size_t cap, const char *level, const char *event)
{
    struct timeval now;
    gettimeofday(&now, NULL);
    /* Not gmtime_r: glibc takes its time-zone lock even for UTC, and every
     * request logs. */
    int year, month, day, hour, minute, second;
    log_utc_fields((long long)now.tv_sec, &year, &month, &day, &hour, &minute,
                   &second);
    /* Not printf: this runs for every request (see text.h). The line
     * keeps two bytes of cap for the caller (a space, a newline). */
    size_t limit = cap > 2 ? cap - 1 : 0, n = 0;
    const int fields[] = {
        year, month, day, hour, minute, second, (int)(now.tv_usec / 1000)};
    const int widths[] = {4, 2, 2, 2, 2, 2, 3};
    const char *const before[] = {"ts=", "-", "-", "T", ":", ":", "."};
    for (int i = 0; i < 7; i++) {
        text_put(line, limit, &n, before[i]);
        text_put_uint(line, limit, &n, (unsigned)fields[i], widths[i]);
    }
    text_put(line, limit, &n, "Z level=");
    text_put(line, limit, &n, level);
    text_put(line, limit, &n, " event=");
    text_put(line, limit, &n, event);
    return n;
}

/* Access lines wait here, whole, for one write(2) of many (the lock is
 * held for a copy; for the write only when the buffer is full, every few
 * hundred lines, or flushed). */
#define ACCESS_BUFFER 32768
static pthread_mutex_t buffer_lock = PTHREAD_MUTEX_INITIALIZER;
static char buffer[ACCESS_BUFFER];
static size_t buffered;

static void write_all(const char *line, size_t len)
{
    const char *p = line;
    size_t left = len;
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

/* Writes what is buffered; call with buffer_lock held. */
static void flush_locked(void)
{
    write_all(buffer, buffered);
    buffered = 0;
}

void log_write(const char *line, size_t len)
{
    /* One write(2) per line, not stdio: stderr's lock was the most contended
     * lock of the server (every request logs its access line), and a single
     * write keeps lines whole. The access lines before it go first. */
    pthread_mutex_lock(&buffer_lock);
    flush_locked();
    write_all(line, len);
    pthread_mutex_unlock(&buffer_lock);
}

void log_write_buffered(const char *line, size_t len)
{
    pthread_mutex_lock(&buffer_lock);
    if (buffered + len > ACCESS_BUFFER)
        flush_locked();
    if (len > ACCESS_BUFFER)
        write_all(line, len);
    else {
        memcpy(buffer + buffered, line, len);
        buffered += len;
    }
    pthread_mutex_unlock(&buffer_lock);
}

void log_flush(void)
{
    pthread_mutex_lock(&buffer_lock);
    flush_locked();
    pthread_mutex_unlock(&buffer_lock);
}

void log_event(const char *level, const char *event, const char *fmt, ...)
{
    char line[4096];
    size_t n = log_prefix(line, sizeof line, level, event);
    if (fmt && *fmt && n < sizeof line - 2) {
        line[n++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof line - n, fmt, ap);
        va_end(ap);
        if (m > 0)
            n += (size_t)m;
        if (n >= sizeof line - 1)
            n = sizeof line - 2;
    }
    line[n++] = '\n';
    log_write(line, n);
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
    if (!needs) { /* not snprintf: this runs for every request's path */
        size_t len = strnlen(value, outlen - 1);
        memcpy(out, value, len);
        out[len] = '\0';
        return out;
    }
    out[n++] = '"';
    for (const char *p = value; *p && n + 5 < outlen; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = "0123456789abcdef"[c >> 4];
            out[n++] = "0123456789abcdef"[c & 15];
        } else {
            out[n++] = (char)c;
        }
    }
    if (n + 1 < outlen)
        out[n++] = '"';
    out[n < outlen ? n : outlen - 1] = '\0';
    return out;
}
