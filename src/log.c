/* log.c - key=value event lines on standard error. */
#include "parity/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

void log_event(const char *level, const char *event, const char *fmt, ...)
{
    char line[4096];
    struct timeval now;
    struct tm tm;
    gettimeofday(&now, NULL);
    gmtime_r(&now.tv_sec, &tm);
    int n = snprintf(line, sizeof line,
                     "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ level=%s event=%s",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, (int)(now.tv_usec / 1000), level,
                     event);
    if (n < 0 || (size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
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
    fwrite(line, 1, (size_t)n, stderr);
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
