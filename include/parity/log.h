/*
 * log.h - one line per event, as key=value pairs, on standard error.
 *
 * `log_event("info", "server.start", "listen=%s", addr)` writes
 * `ts=2026-11-29T10:00:00.123Z level=info event=server.start listen=...`.
 * Values that may hold spaces or quotes go through log_quote. Never pass
 * secrets or tokens. Thread-safe and lock-free: each line is one write(2)
 * to file descriptor 2.
 */
#ifndef PARITY_LOG_H
#define PARITY_LOG_H

#include <stddef.h>

void log_event(const char *level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes the start of a line, "ts=... level=LEVEL event=EVENT", into line
 * (cap bytes; at most cap - 2 are used, leaving room for the caller's
 * fields and the newline) and returns its length; no NUL is written. For
 * lines built by hand on hot paths (the access log), finished with
 * log_write (or log_write_buffered). Thread-safe, no printf. */
size_t log_prefix(char *line, size_t cap, const char *level, const char *event);

/* Writes len bytes of line (one whole line, ending in '\n') to standard
 * error with one write(2), after the buffered lines. Thread-safe. */
void log_write(const char *line, size_t len);

/* The same for a line that may wait, whole, in a buffer of 32 KiB to be
 * written with others (the access log: one write(2) per request was a
 * tenth of a cached tile's CPU); written when the buffer fills, before
 * any log_write, and by log_flush, which the server calls twice a second
 * and when it stops. Thread-safe. */
void log_write_buffered(const char *line, size_t len);

/* Writes the buffered lines now. Thread-safe. */
void log_flush(void);

/* The UTC calendar fields of seconds since 1970-01-01 (what gmtime_r
 * gives, without its lock). Pure. */
void log_utc_fields(long long seconds, int *year, int *month, int *day,
                    int *hour, int *minute, int *second);

/* Writes value into out (size outlen) quoted and escaped when it holds a
 * space, quote, '=' or control byte; otherwise copied. Returns out. */
const char *log_quote(const char *value, char *out, size_t outlen);

#endif
