/* cmd_report.c - `parity report coverage`: the coverage table of
 * /api/coverage, printed as CSV or JSON through the same code (coverage.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/cli.h"
#include "parity/coverage.h"
#include "parity/db.h"
#include "parity/http.h"
#include "parity/options.h"
#include "parity/params.h"

typedef struct report_args {
    const char *db, *from, *to, *category, *format;
    bool small_counts;
} report_args;

static const option_spec REPORT_OPTIONS[] = {
    {"--db", NULL, OPTION_STRING, NULL, 0, 0, offsetof(report_args, db),
     "CONNINFO", "database (libpq connection string or URI)"},
    {"--from", NULL, OPTION_STRING, NULL, 0, 0, offsetof(report_args, from),
     "YYYY-MM-DD", "first day of the window (inclusive; default: open)"},
    {"--to", NULL, OPTION_STRING, NULL, 0, 0, offsetof(report_args, to),
     "YYYY-MM-DD", "last day of the window (inclusive; default: open, today)"},
    {"--category", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(report_args, category), "A,B",
     "categories of events and sites, comma-separated (default: all)"},
    {"--format", NULL, OPTION_STRING, "csv", 0, 0,
     offsetof(report_args, format), "csv|json", "output format"},
    {"--include-small-counts", NULL, OPTION_FLAG, NULL, 0, 0,
     offsetof(report_args, small_counts), NULL,
     "show incident counts below the suppression threshold (as a token holder "
     "sees them); keep such a report internal"},
};
#define N_REPORT_OPTIONS (sizeof REPORT_OPTIONS / sizeof REPORT_OPTIONS[0])

int cmd_report(int argc, char **argv, const char *db)
{
    report_args args = {.db = db};
    const char *positional[2];
    size_t n_positional;
    bool help;
    char err[2048];
    parity_status status = options_parse(REPORT_OPTIONS, N_REPORT_OPTIONS, argc,
                                         argv, getenv, &args, positional, 2,
                                         &n_positional, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (help || n_positional != 1 || strcmp(positional[0], "coverage") != 0) {
        options_help(
            help ? stdout : stderr,
            "parity report coverage [--from DATE] [--to DATE] "
            "[--category A,B] [--format csv|json]",
            "Prints the coverage table of /api/coverage: one row per\n"
            "neighborhood with every metric (docs/metrics.md) for the\n"
            "window and categories. JSON adds the city's totals, the\n"
            "settings and as_of. Small incident counts are suppressed as\n"
            "in public answers unless --include-small-counts.",
            REPORT_OPTIONS, N_REPORT_OPTIONS);
        return help ? 0 : 2;
    }
    bool csv = !strcmp(args.format, "csv");
    if (!csv && strcmp(args.format, "json") != 0)
        return cli_fail(PARITY_ERR_USAGE, "--format: csv or json");
    /* The same validation as the API's query parameters. */
    http_pair pairs[3];
    size_t n_pairs = 0;
    if (args.from)
        pairs[n_pairs++] = (http_pair){"from", args.from};
    if (args.to)
        pairs[n_pairs++] = (http_pair){"to", args.to};
    if (args.category)
        pairs[n_pairs++] = (http_pair){"category", args.category};
    http_request request = {.method = "GET",
                            .path = "/api/coverage",
                            .args = pairs,
                            .n_args = n_pairs};
    params_filters filters;
    if ((status = params_parse_filters(&request, &filters, err, sizeof err)) !=
        PARITY_OK)
        return cli_fail(PARITY_ERR_USAGE, err);

    db_conn *conn;
    if ((status = db_connect(cli_database(args.db), 0, &conn, err,
                             sizeof err)) != PARITY_OK)
        return cli_fail(status, err);
    parity_buf doc, out;
    buf_init(&doc, COVERAGE_MAX_BYTES);
    buf_init(&out, COVERAGE_MAX_BYTES);
    status = coverage_document(conn, NULL, &filters, args.small_counts, &doc,
                               NULL, err, sizeof err);
    db_close(conn);
    if (status == PARITY_OK && csv)
        status = coverage_csv(doc.data, doc.len, &out, err, sizeof err);
    if (status == PARITY_OK) {
        const parity_buf *b = csv ? &out : &doc;
        if (fwrite(b->data, 1, b->len, stdout) != b->len ||
            (!csv && fputc('\n', stdout) == EOF) || fflush(stdout) != 0)
            status = parity_fail(err, sizeof err, PARITY_ERR_IO,
                                 "cannot write the report to standard output");
    }
    buf_dispose(&doc);
    buf_dispose(&out);
    return status == PARITY_OK ? 0 : cli_fail(status, err);
}
