/*
 * status.h - the one set of outcomes every parity module returns.
 *
 * Functions return a parity_status (PARITY_OK = 0, then one value per kind
 * of failure) and, where they have something to say, write a human message
 * into a caller-supplied buffer. Exactly one function maps a status to an
 * HTTP status code and one maps it to a process exit code, so the CLI and
 * the server agree on what each failure means.
 */
#ifndef PARITY_STATUS_H
#define PARITY_STATUS_H

#include <stddef.h>

typedef enum parity_status {
    PARITY_OK = 0,
    PARITY_ERR_USAGE,     /* bad command line or setting: fix the invocation */
    PARITY_ERR_INPUT,     /* bad request or file content: fix the input */
    PARITY_ERR_NOT_FOUND, /* no such route, record or file */
    PARITY_ERR_TOO_LARGE, /* a size cap was hit (body, buffer, page) */
    PARITY_ERR_UNAUTHORIZED, /* a write without a valid token */
    PARITY_ERR_CONFLICT,     /* the write clashes with stored data */
    PARITY_ERR_UNAVAILABLE,  /* the database cannot be reached right now */
    PARITY_ERR_TIMEOUT,      /* the database took longer than allowed */
    PARITY_ERR_IO,           /* a file or socket failed */
    PARITY_ERR_NOMEM,        /* out of memory */
    PARITY_ERR_INTERNAL      /* a bug or an unexpected database answer */
} parity_status;

/* A short stable name, e.g. "not_found"; static storage, thread-safe. */
const char *parity_status_name(parity_status status);

/* The HTTP status code that answers a request which failed with status. */
int parity_status_http(parity_status status);

/* The process exit code for a CLI command that failed with status. */
int parity_status_exit_code(parity_status status);

/* Writes a formatted message into err (size errlen, may be 0) and returns
 * status, so callers can write `return parity_fail(err, n, S, "...")`. */
parity_status parity_fail(char *err, size_t errlen, parity_status status,
                          const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
