/* The log's UTC calendar fields, checked against the C library, and the
 * prefix of every line. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "parity/log.h"
#include "tests.h"

void test_log_utc_fields(void)
{
    /* Against the C library's gmtime_r, over four centuries of days and
     * times around leap days, century years and the epoch. */
    long long samples[] = {0,          -1,          86399,      86400,
                           951782400,  951868799,   4107542399, -2208988800,
                           1795910400, 253402300799};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        for (long long step = 0; step < 3; step++) {
            long long t = samples[i] + step * 43201;
            time_t tt = (time_t)t;
            struct tm tm;
            gmtime_r(&tt, &tm);
            int y, mo, d, h, mi, s;
            log_utc_fields(t, &y, &mo, &d, &h, &mi, &s);
            CHECK(y == tm.tm_year + 1900 && mo == tm.tm_mon + 1 &&
                  d == tm.tm_mday && h == tm.tm_hour && mi == tm.tm_min &&
                  s == tm.tm_sec);
        }
    }
    for (long long t = -5000LL * 86400; t < 200000LL * 86400;
         t += 86400 * 7 + 3601) {
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        int y, mo, d, h, mi, s;
        log_utc_fields(t, &y, &mo, &d, &h, &mi, &s);
        if (y != tm.tm_year + 1900 || mo != tm.tm_mon + 1 || d != tm.tm_mday ||
            h != tm.tm_hour) {
            CHECK(!"log_utc_fields differs from gmtime_r");
            break;
        }
    }
    CHECK(1);
}

void test_log_prefix(void)
{
    /* ts=YYYY-MM-DDTHH:MM:SS.mmmZ level=L event=E, with today's date. */
    char line[128];
    time_t before = time(NULL);
    size_t n = log_prefix(line, sizeof line, "info", "x.y");
    line[n] = '\0';
    CHECK(n == strlen("ts=2026-11-29T07:55:07.123Z level=info event=x.y"));
    const char *shape = "ts=dddd-dd-ddTdd:dd:dd.dddZ level=info event=x.y";
    bool same = true;
    for (size_t i = 0; i < n && same; i++)
        same = shape[i] == 'd' ? line[i] >= '0' && line[i] <= '9'
                               : line[i] == shape[i];
    CHECK(same);
    struct tm tm;
    gmtime_r(&before, &tm);
    long year = strtol(line + 3, NULL, 10);
    CHECK(year == tm.tm_year + 1900 || year == tm.tm_year + 1901);
    /* Two bytes of cap stay free for the caller. */
    char small[12];
    n = log_prefix(small, sizeof small, "info", "x.y");
    CHECK(n == sizeof small - 2);
    CHECK(!memcmp(small, "ts=", 3));
}
