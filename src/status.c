/* status.c - names, HTTP codes and exit codes for parity_status. */
#include "parity/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *parity_status_name(parity_status status)
{
    switch (status) {
    case PARITY_OK: return "ok";
    case PARITY_ERR_USAGE: return "usage";
    case PARITY_ERR_INPUT: return "bad_request";
    case PARITY_ERR_NOT_FOUND: return "not_found";
    case PARITY_ERR_TOO_LARGE: return "too_large";
    case PARITY_ERR_UNAUTHORIZED: return "unauthorized";
    case PARITY_ERR_CONFLICT: return "conflict";
    case PARITY_ERR_UNAVAILABLE: return "unavailable";
    case PARITY_ERR_TIMEOUT: return "timeout";
    case PARITY_ERR_IO: return "io";
    case PARITY_ERR_NOMEM: return "out_of_memory";
    case PARITY_ERR_INTERNAL: return "internal";
    }
    return "internal";
}

int parity_status_http(parity_status status)
{
    switch (status) {
    case PARITY_OK: return 200;
    case PARITY_ERR_USAGE:
    case PARITY_ERR_INPUT: return 400;
    case PARITY_ERR_UNAUTHORIZED: return 401;
    case PARITY_ERR_NOT_FOUND: return 404;
    case PARITY_ERR_CONFLICT: return 409;
    case PARITY_ERR_TOO_LARGE: return 413;
    case PARITY_ERR_UNAVAILABLE:
    case PARITY_ERR_TIMEOUT: return 503;
    case PARITY_ERR_IO:
    case PARITY_ERR_NOMEM:
    case PARITY_ERR_INTERNAL: return 500;
    }
    return 500;
}

int parity_status_exit_code(parity_status status)
{
    switch (status) {
    case PARITY_OK: return 0;
    case PARITY_ERR_USAGE: return 2;
    case PARITY_ERR_UNAVAILABLE:
    case PARITY_ERR_TIMEOUT: return 3;
    default: return 1;
    }
}

parity_status parity_fail(char *err, size_t errlen, parity_status status,
                          const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return status;
}
