/* cmd_import.c - `parity import boundaries|partners|programs|sites|events
 * FILE`. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/cli.h"
#include "parity/db.h"
#include "parity/import.h"
#include "parity/options.h"

typedef struct boundaries_args {
    const char *db, *layer, *name_field, *id_field, *population_field, *s_srs;
    bool quiet;
} boundaries_args;

static const option_spec BOUNDARY_OPTIONS[] = {
    {"--db", NULL, OPTION_STRING, NULL, 0, 0, offsetof(boundaries_args, db),
     "CONNINFO", "database (libpq connection string or URI)"},
    {"--layer", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(boundaries_args, layer), "NAME",
     "layer of FILE to read (default: the first)"},
    {"--name-field", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(boundaries_args, name_field), "FIELD",
     "field with the neighborhood's name (default: guessed, e.g. name)"},
    {"--id-field", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(boundaries_args, id_field), "FIELD",
     "field with a unique, stable id (default: guessed, else the feature id)"},
    {"--population-field", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(boundaries_args, population_field), "FIELD",
     "field with the residents count (default: guessed, e.g. population)"},
    {"--s-srs", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(boundaries_args, s_srs), "SRS",
     "CRS of FILE when it has none or a wrong one, e.g. EPSG:2223"},
    {"--quiet", NULL, OPTION_FLAG, NULL, 0, 0, offsetof(boundaries_args, quiet),
     NULL, "no progress bar"},
};
#define N_BOUNDARY_OPTIONS                                                     \
    (sizeof BOUNDARY_OPTIONS / sizeof BOUNDARY_OPTIONS[0])

static int import_boundaries_command(int argc, char **argv, const char *db)
{
    boundaries_args args = {.db = db};
    const char *positional[1];
    size_t n_positional;
    bool help;
    char err[1024];
    parity_status status = options_parse(
        BOUNDARY_OPTIONS, N_BOUNDARY_OPTIONS, argc, argv, getenv, &args,
        positional, 1, &n_positional, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (help || n_positional != 1) {
        options_help(
            help ? stdout : stderr, "parity import boundaries FILE [options]",
            "Replaces the neighborhoods with the polygons of FILE (any vector\n"
            "format GDAL reads: GeoJSON, Shapefile, GeoPackage, KML,\n"
            "FlatGeobuf, ...), reprojected to EPSG:4326. Invalid polygons are\n"
            "repaired; features that are not polygons are refused and "
            "counted.\n"
            "One transaction: on any error the previous boundaries stay.",
            BOUNDARY_OPTIONS, N_BOUNDARY_OPTIONS);
        return help ? 0 : 2;
    }
    db_conn *conn;
    if ((status = db_connect(cli_database(args.db), 0, &conn, err,
                             sizeof err)) != PARITY_OK)
        return cli_fail(status, err);
    import_boundaries_options opts = {
        .file = positional[0],
        .layer = args.layer,
        .name_field = args.name_field,
        .id_field = args.id_field,
        .population_field = args.population_field,
        .source_srs = args.s_srs,
        .progress = !args.quiet,
    };
    import_summary s;
    status = import_boundaries(conn, &opts, &s, err, sizeof err);
    db_close(conn);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (s.name_field[0])
        printf("boundaries: names from field '%s'%s\n", s.name_field,
               s.name_guessed ? " (guessed; pass --name-field to choose)" : "");
    else
        printf("boundaries: no name field found, ids used as names (pass "
               "--name-field)\n");
    printf("boundaries: ids from %s%s%s\n",
           s.id_field[0] ? "field '" : "the feature ids", s.id_field,
           s.id_field[0] ? "'" : "");
    if (s.population_field[0])
        printf("boundaries: population from field '%s'\n", s.population_field);
    if (s.repaired)
        printf("boundaries: repaired %ld invalid geometr%s: %s\n", s.repaired,
               s.repaired == 1 ? "y" : "ies", s.repaired_names);
    if (s.refused)
        printf("boundaries: refused %ld feature%s (%ld not polygons)\n",
               s.refused, s.refused == 1 ? "" : "s", s.refused_geometry);
    printf("imported %s (layer %s): read %ld, stored %ld, repaired %ld, "
           "refused %ld, %.2f s\n",
           opts.file, s.layer, s.read, s.stored, s.repaired, s.refused,
           s.seconds);
    return 0;
}

/* ---- partners, programs, sites, events --------------------------------- */

typedef struct rows_args {
    const char *db, *layer, *source, *s_srs;
    const char *fields[IMPORT_ROLE_COUNT];
    const char *category, *kind, *date, *date_format, *timezone, *reject_file;
    bool skip_invalid, quiet;
} rows_args;

#define ROW_OPTION(flag, member, value, help)                                  \
    {                                                                          \
        flag, NULL, OPTION_STRING, NULL, 0, 0, offsetof(rows_args, member),    \
            value, help                                                        \
    }

#define FLAG_OPTION(flag, member, help)                                        \
    {                                                                          \
        flag, NULL, OPTION_FLAG, NULL, 0, 0, offsetof(rows_args, member),      \
            NULL, help                                                         \
    }

#define OPT_DB                                                                 \
    ROW_OPTION("--db", db, "CONNINFO",                                         \
               "database (libpq connection string or URI)")
#define OPT_LAYER                                                              \
    ROW_OPTION("--layer", layer, "NAME",                                       \
               "layer of FILE to read (default: the first)")
#define OPT_SOURCE                                                             \
    ROW_OPTION("--source", source, "NAME",                                     \
               "source name stored with each row; source + id identify a row " \
               "on re-import (default: FILE's base name)")
#define OPT_S_SRS                                                              \
    ROW_OPTION("--s-srs", s_srs, "SRS",                                        \
               "CRS of FILE's points when it has none or a wrong one, e.g. "   \
               "EPSG:2223 (x/y columns default to EPSG:4326 lon/lat)")
#define OPT_X                                                                  \
    ROW_OPTION("--x-field", fields[IMPORT_ROLE_X], "FIELD",                    \
               "longitude/easting column (default: guessed from lon, "         \
               "longitude, lng, long, x)")
#define OPT_Y                                                                  \
    ROW_OPTION(                                                                \
        "--y-field", fields[IMPORT_ROLE_Y], "FIELD",                           \
        "latitude/northing column (default: guessed from lat, latitude, y)")
#define OPT_WKT                                                                \
    ROW_OPTION(                                                                \
        "--wkt-field", fields[IMPORT_ROLE_WKT], "FIELD",                       \
        "column with the point as WKT, e.g. POINT (-86.8 33.5) (default: "     \
        "guessed from wkt, geometry, geom when there are no x/y columns)")
#define OPT_CATEGORY_FIELD                                                     \
    ROW_OPTION("--category-field", fields[IMPORT_ROLE_CATEGORY], "FIELD",      \
               "category column (default: guessed, e.g. category)")
#define OPT_CATEGORY                                                           \
    ROW_OPTION("--category", category, "VALUE",                                \
               "category of every row that has none in its column")
#define OPT_PROGRAM                                                            \
    ROW_OPTION(                                                                \
        "--program-field", fields[IMPORT_ROLE_PROGRAM], "FIELD",               \
        "column with the program's name (default: guessed, e.g. program)")
#define OPT_PARTNER                                                            \
    ROW_OPTION(                                                                \
        "--partner-field", fields[IMPORT_ROLE_PARTNER], "FIELD",               \
        "column with the partner's name (default: guessed, e.g. partner)")
#define OPT_DATE_FORMAT                                                        \
    ROW_OPTION(                                                                \
        "--date-format", date_format, "FORMAT",                                \
        "strptime format of the dates, e.g. '%m/%d/%Y %H:%M' (default: ISO "   \
        "8601, e.g. 2026-03-14T10:00:00-05:00 or 2026-03-14)")
#define OPT_SKIP                                                               \
    FLAG_OPTION("--skip-invalid", skip_invalid,                                \
                "store the good rows and write the bad ones to the reject "    \
                "file (default: one bad row refuses the file)")
#define OPT_REJECT                                                             \
    ROW_OPTION("--reject-file", reject_file, "PATH.csv",                       \
               "where bad rows go, with a reason column (default: FILE's "     \
               "base name + .rejects.csv in the current directory)")
#define OPT_QUIET FLAG_OPTION("--quiet", quiet, "no progress bar")

static const option_spec PARTNER_OPTIONS[] = {
    OPT_DB,
    OPT_LAYER,
    ROW_OPTION("--name-field", fields[IMPORT_ROLE_NAME], "FIELD",
               "partner name column (default: guessed, e.g. name)"),
    ROW_OPTION("--kind-field", fields[IMPORT_ROLE_KIND], "FIELD",
               "kind column: law enforcement, government agency, nonprofit, "
               "business, faith or community (default: guessed, e.g. kind)"),
    ROW_OPTION("--kind", kind, "VALUE",
               "kind of every partner that has none in its column"),
    OPT_SKIP,
    OPT_REJECT,
    OPT_QUIET,
};

static const option_spec PROGRAM_OPTIONS[] = {
    OPT_DB,
    OPT_LAYER,
    ROW_OPTION("--name-field", fields[IMPORT_ROLE_NAME], "FIELD",
               "program name column (default: guessed, e.g. name)"),
    OPT_PARTNER,
    OPT_CATEGORY_FIELD,
    OPT_CATEGORY,
    ROW_OPTION("--description-field", fields[IMPORT_ROLE_DESCRIPTION], "FIELD",
               "description column (default: guessed, e.g. description)"),
    ROW_OPTION("--date-field", fields[IMPORT_ROLE_START], "FIELD",
               "start date column (default: guessed, e.g. start_date)"),
    ROW_OPTION(
        "--end-field", fields[IMPORT_ROLE_END], "FIELD",
        "end date column; empty = ongoing (default: guessed, e.g. end_date)"),
    OPT_DATE_FORMAT,
    OPT_SKIP,
    OPT_REJECT,
    OPT_QUIET,
};

static const option_spec SITE_OPTIONS[] = {
    OPT_DB,
    OPT_LAYER,
    OPT_SOURCE,
    OPT_S_SRS,
    OPT_X,
    OPT_Y,
    OPT_WKT,
    ROW_OPTION("--id-field", fields[IMPORT_ROLE_ID], "FIELD",
               "external id column (default: guessed from site_id, id; else "
               "the feature id)"),
    ROW_OPTION(
        "--name-field", fields[IMPORT_ROLE_NAME], "FIELD",
        "site name column (default: guessed, e.g. name; else layer + id)"),
    OPT_PROGRAM,
    OPT_CATEGORY_FIELD,
    OPT_CATEGORY,
    ROW_OPTION("--address-field", fields[IMPORT_ROLE_ADDRESS], "FIELD",
               "address column (default: guessed, e.g. address)"),
    ROW_OPTION("--capacity-field", fields[IMPORT_ROLE_CAPACITY], "FIELD",
               "capacity column, whole people; empty = unknown (default: "
               "guessed, e.g. capacity)"),
    ROW_OPTION("--sensitive-field", fields[IMPORT_ROLE_SENSITIVE], "FIELD",
               "true/false column: location must not be shown publicly "
               "(default: guessed, e.g. sensitive; else false)"),
    OPT_SKIP,
    OPT_REJECT,
    OPT_QUIET,
};

static const option_spec EVENT_OPTIONS[] = {
    OPT_DB,
    OPT_LAYER,
    OPT_SOURCE,
    OPT_S_SRS,
    OPT_X,
    OPT_Y,
    OPT_WKT,
    ROW_OPTION("--id-field", fields[IMPORT_ROLE_ID], "FIELD",
               "external id column (default: guessed from event_id, id; else "
               "the feature id)"),
    ROW_OPTION(
        "--name-field", fields[IMPORT_ROLE_NAME], "FIELD",
        "event title column (default: guessed, e.g. title; else layer + id)"),
    OPT_PROGRAM,
    OPT_PARTNER,
    OPT_CATEGORY_FIELD,
    OPT_CATEGORY,
    ROW_OPTION("--date-field", fields[IMPORT_ROLE_START], "FIELD",
               "start column (default: guessed, e.g. start_time, date)"),
    ROW_OPTION("--date", date, "VALUE",
               "start of every event that has none in its column"),
    ROW_OPTION("--end-field", fields[IMPORT_ROLE_END], "FIELD",
               "end column (default: guessed, e.g. end_time)"),
    OPT_DATE_FORMAT,
    ROW_OPTION("--timezone", timezone, "ZONE",
               "time zone of times written without a UTC offset, e.g. "
               "America/Chicago (default UTC)"),
    ROW_OPTION(
        "--attendance-field", fields[IMPORT_ROLE_ATTENDANCE], "FIELD",
        "attendance column, whole people (default: guessed, e.g. attendance)"),
    ROW_OPTION("--youth-field", fields[IMPORT_ROLE_YOUTH], "FIELD",
               "youth attendance column, <= attendance (default: guessed, e.g. "
               "youth_attendance)"),
    ROW_OPTION("--hours-field", fields[IMPORT_ROLE_HOURS], "FIELD",
               "hours column, decimal (default: guessed, e.g. hours)"),
    OPT_SKIP,
    OPT_REJECT,
    OPT_QUIET,
};

static const option_spec INCIDENT_OPTIONS[] = {
    OPT_DB,
    OPT_LAYER,
    OPT_SOURCE,
    OPT_S_SRS,
    OPT_X,
    OPT_Y,
    OPT_WKT,
    ROW_OPTION("--id-field", fields[IMPORT_ROLE_ID], "FIELD",
               "external id column (default: guessed from incident_id, id, "
               "case_number; else the feature id)"),
    ROW_OPTION("--kind-field", fields[IMPORT_ROLE_KIND], "FIELD",
               "kind column, e.g. shooting, robbery (default: guessed from "
               "kind, type, offense)"),
    ROW_OPTION("--kind", kind, "VALUE",
               "kind of every incident that has none in its column"),
    ROW_OPTION("--date-field", fields[IMPORT_ROLE_START], "FIELD",
               "date column; a date and time counts as its date as written "
               "(default: guessed from date, occurred_on, incident_date)"),
    ROW_OPTION("--date", date, "VALUE",
               "date of every incident that has none in its column"),
    OPT_DATE_FORMAT,
    OPT_SKIP,
    OPT_REJECT,
    OPT_QUIET,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char POINTS_HELP[] =
    "Reads any vector format or table GDAL reads (CSV, GeoJSON, GeoPackage,\n"
    "Shapefile, ...). Points come from the layer's geometry, from x/y columns\n"
    "or from a WKT column, in any CRS, reprojected to EPSG:4326; a file\n"
    "without a CRS is refused unless --s-srs names it, except x/y columns\n"
    "(e.g. CSV lon/lat), which are read as EPSG:4326 longitude/latitude\n"
    "unless --s-srs says otherwise. The database places each point in its\n"
    "neighborhood; points in none are stored and listed.\n"
    "Columns are guessed from common names (the guess is printed) or given\n"
    "with the --*-field flags. Rows are identified by --source and their id:\n"
    "importing the same file again updates them instead of adding copies.\n"
    "A row without an id gets 'fid:N' from GDAL's feature id (for CSV, N is\n"
    "the data row number, 1 for the first row under the header), so\n"
    "re-importing the same file still updates; give files an id column if\n"
    "rows may be inserted or reordered.\n"
    "Each bad row (coordinate, date, number, unknown category, program or\n"
    "partner, duplicate id) is reported with its line (CSV; the record\n"
    "number + 1, which is the file's line unless quoted values span lines)\n"
    "or feature id. By default one bad row refuses the file and nothing is\n"
    "stored; --skip-invalid stores the rest. One transaction: on any error\n"
    "nothing changes.";

static const char TABLES_HELP[] =
    "Reads any table GDAL reads (CSV, GeoPackage, Shapefile .dbf, ...). Rows\n"
    "are matched by name: a name already stored is updated. Each bad row\n"
    "(unknown kind, category or partner, bad date, duplicate name) is\n"
    "reported with its line; by default one bad row refuses the file and\n"
    "nothing is stored, --skip-invalid stores the rest. One transaction.";

static int import_rows_command(import_kind kind, int argc, char **argv,
                               const char *db)
{
    static const struct {
        const option_spec *specs;
        size_t n;
        const char *usage, *summary, *help;
    } KINDS[] = {
        [IMPORT_PARTNERS] =
            {PARTNER_OPTIONS, COUNT(PARTNER_OPTIONS),
             "parity import partners FILE [options]",
             "Adds or updates the task force's partners (name, kind).",
             TABLES_HELP},
        [IMPORT_PROGRAMS] =
            {PROGRAM_OPTIONS, COUNT(PROGRAM_OPTIONS),
             "parity import programs FILE [options]",
             "Adds or updates programs (name, partner, category, "
             "description, start and end date).\nPartners are "
             "imported first; categories must exist.",
             TABLES_HELP},
        [IMPORT_SITES] = {SITE_OPTIONS, COUNT(SITE_OPTIONS),
                          "parity import sites FILE [options]",
                          "Adds or updates program sites (name, program, "
                          "category, address, capacity,\nsensitive, point). "
                          "Programs are imported first; categories must exist.",
                          POINTS_HELP},
        [IMPORT_EVENTS] = {EVENT_OPTIONS, COUNT(EVENT_OPTIONS),
                           "parity import events FILE [options]",
                           "Adds or updates outreach events (title, program, "
                           "partner, category, start,\nend, attendance, youth "
                           "attendance, hours, point). Programs and partners\n"
                           "are imported first; categories must exist. A row "
                           "without a category or\npartner takes its "
                           "program's.",
                           POINTS_HELP},
        [IMPORT_INCIDENTS] = {INCIDENT_OPTIONS, COUNT(INCIDENT_OPTIONS),
                              "parity import incidents FILE [options]",
                              "Adds or updates incidents (kind, date, point): "
                              "the need the coverage analysis\nweighs programs "
                              "against (docs/metrics.md). Their points are "
                              "never published;\nonly counts per neighborhood "
                              "are, and small ones only to token holders.",
                              POINTS_HELP},
    };
    rows_args args = {.db = db};
    const char *positional[1];
    size_t n_positional;
    bool help;
    char err[4096];
    parity_status status = options_parse(KINDS[kind].specs, KINDS[kind].n, argc,
                                         argv, getenv, &args, positional, 1,
                                         &n_positional, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (help || n_positional != 1) {
        char summary[4096];
        snprintf(summary, sizeof summary, "%s\n\n%s", KINDS[kind].summary,
                 KINDS[kind].help);
        options_help(help ? stdout : stderr, KINDS[kind].usage, summary,
                     KINDS[kind].specs, KINDS[kind].n);
        return help ? 0 : 2;
    }
    db_conn *conn;
    if ((status = db_connect(cli_database(args.db), 0, &conn, err,
                             sizeof err)) != PARITY_OK)
        return cli_fail(status, err);
    import_rows_options opts = {
        .kind = kind,
        .file = positional[0],
        .layer = args.layer,
        .source = args.source,
        .source_srs = args.s_srs,
        .category = args.category,
        .partner_kind = args.kind,
        .start = args.date,
        .date_format = args.date_format,
        .timezone = args.timezone,
        .skip_invalid = args.skip_invalid,
        .reject_file = args.reject_file,
        .progress = !args.quiet,
    };
    memcpy(opts.fields, args.fields, sizeof opts.fields);
    import_rows_summary *s = malloc(sizeof *s);
    if (!s) {
        db_close(conn);
        return cli_fail(PARITY_ERR_NOMEM, "out of memory");
    }
    status = import_rows(conn, &opts, s, err, sizeof err);
    db_close(conn);
    const char *what = import_kind_name(kind);
    if (status != PARITY_OK) {
        int code = cli_fail(status, err);
        fputs(s->rejected_rows, stderr);
        if (s->reject_file[0])
            fprintf(stderr, "parity: wrote the %ld bad row%s to %s\n",
                    s->rejected, s->rejected == 1 ? "" : "s", s->reject_file);
        free(s);
        return code;
    }
    bool points = kind == IMPORT_SITES || kind == IMPORT_EVENTS ||
                  kind == IMPORT_INCIDENTS;
    if (points)
        printf("%s: points from %s\n", what, s->points);
    if (s->fields[0])
        printf("%s: %s\n", what, s->fields);
    if (points && !s->has_name && kind != IMPORT_INCIDENTS)
        printf("%s: no %s column: each is named '%s ID' (pass --name-field)\n",
               what, kind == IMPORT_EVENTS ? "title" : "name", s->layer);
    if (points && !s->has_id)
        printf("%s: no id column: ids are 'fid:N' from the feature ids (pass "
               "--id-field)\n",
               what);
    if (points)
        printf("%s: source '%s'\n", what, s->source);
    if (s->outside)
        printf(
            "%s: %ld outside every neighborhood (stored without one): %s%s\n",
            what, s->outside, s->outside_rows,
            s->outside > s->outside_listed ? ", ..." : "");
    if (s->rejected) {
        printf("%s: rejected %ld bad row%s:\n%s", what, s->rejected,
               s->rejected == 1 ? "" : "s", s->rejected_rows);
        if (s->rejected > IMPORT_LISTED_ROWS)
            printf("  ... and %ld more\n", s->rejected - IMPORT_LISTED_ROWS);
        printf("%s: wrote the bad rows to %s\n", what, s->reject_file);
    }
    printf("imported %s: read %ld, stored %ld (new %ld, updated %ld), "
           "rejected %ld",
           opts.file, s->read, s->stored, s->inserted, s->updated, s->rejected);
    if (points)
        printf(", outside every neighborhood %ld", s->outside);
    printf(", %.2f s\n", s->seconds);
    free(s);
    return 0;
}

/* ---- indicators ---------------------------------------------------------- */

typedef struct indicators_args {
    const char *db, *layer, *key, *key_field, *columns;
    bool skip_invalid;
} indicators_args;

static const option_spec INDICATOR_OPTIONS[] = {
    {"--db", NULL, OPTION_STRING, NULL, 0, 0, offsetof(indicators_args, db),
     "CONNINFO", "database (libpq connection string or URI)"},
    {"--layer", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(indicators_args, layer), "NAME",
     "layer of FILE to read (default: the first)"},
    {"--key", NULL, OPTION_STRING, "id", 0, 0, offsetof(indicators_args, key),
     "id|name", "how rows name their neighborhood: by id or by name"},
    {"--key-field", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(indicators_args, key_field), "FIELD",
     "the column with the id or name (default: guessed, e.g. nbhd_id, id / "
     "name)"},
    {"--columns", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(indicators_args, columns), "A,B",
     "import only these columns (default: every numeric one)"},
    {"--skip-invalid", NULL, OPTION_FLAG, NULL, 0, 0,
     offsetof(indicators_args, skip_invalid), NULL,
     "store the good rows and list the bad ones (default: one bad row refuses "
     "the file)"},
};

static int import_indicators_command(int argc, char **argv, const char *db)
{
    indicators_args args = {.db = db};
    const char *positional[1];
    size_t n_positional;
    bool help;
    char err[4096];
    parity_status status = options_parse(
        INDICATOR_OPTIONS, COUNT(INDICATOR_OPTIONS), argc, argv, getenv, &args,
        positional, 1, &n_positional, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (help || n_positional != 1) {
        options_help(
            help ? stdout : stderr,
            "parity import indicators FILE [--key id|name] [options]",
            "Sets need indicators per neighborhood from a table with one row\n"
            "per neighborhood (CSV or any table GDAL reads; geometry is\n"
            "ignored). The key column names the neighborhood by id or name;\n"
            "every other numeric column becomes an indicator of that name, in\n"
            "lower case (population and youth_population feed the per-1,000\n"
            "rates; any indicator can be a need measure, see parity "
            "settings).\n"
            "Each indicator in the file replaces its earlier values; others\n"
            "stay. A row that names no neighborhood (or repeats one, or holds\n"
            "a value that is not a number) is reported by line and name, and\n"
            "by default nothing is stored; --skip-invalid stores the good "
            "rows.\n"
            "A blank cell stores no value. One transaction.",
            INDICATOR_OPTIONS, COUNT(INDICATOR_OPTIONS));
        return help ? 0 : 2;
    }
    import_key key;
    if (!strcmp(args.key, "id"))
        key = IMPORT_KEY_ID;
    else if (!strcmp(args.key, "name"))
        key = IMPORT_KEY_NAME;
    else
        return cli_fail(PARITY_ERR_USAGE, "--key: id or name");
    db_conn *conn;
    if ((status = db_connect(cli_database(args.db), 0, &conn, err,
                             sizeof err)) != PARITY_OK)
        return cli_fail(status, err);
    import_indicators_options opts = {
        .file = positional[0],
        .layer = args.layer,
        .key = key,
        .key_field = args.key_field,
        .columns = args.columns,
        .skip_invalid = args.skip_invalid,
    };
    import_indicators_summary *s = malloc(sizeof *s);
    if (!s) {
        db_close(conn);
        return cli_fail(PARITY_ERR_NOMEM, "out of memory");
    }
    status = import_indicators(conn, &opts, s, err, sizeof err);
    db_close(conn);
    if (status != PARITY_OK) {
        int code = cli_fail(status, err);
        fputs(s->rejected_rows, stderr);
        free(s);
        return code;
    }
    printf("indicators: neighborhoods matched by %s from '%s'%s\n",
           key == IMPORT_KEY_ID ? "id" : "name", s->key_field,
           s->key_guessed ? " (guessed; pass --key-field to choose)" : "");
    printf("indicators: %d imported: %s\n", s->columns, s->column_names);
    if (s->left_out[0])
        printf("indicators: left out: %s\n", s->left_out);
    if (s->rejected)
        printf("indicators: skipped %ld bad row%s:\n%s", s->rejected,
               s->rejected == 1 ? "" : "s", s->rejected_rows);
    if (s->missing)
        printf("indicators: %ld neighborhood%s no row in the file (no values): "
               "%s\n",
               s->missing, s->missing == 1 ? " has" : "s have",
               s->missing_names);
    printf("imported %s: read %ld rows, stored %ld values for %ld "
           "neighborhoods, rejected %ld, %.2f s\n",
           opts.file, s->read, s->values, s->stored_rows, s->rejected,
           s->seconds);
    free(s);
    return 0;
}

int cmd_import(int argc, char **argv, const char *db)
{
    static const struct {
        const char *name;
        import_kind kind;
    } KINDS[] = {{"partners", IMPORT_PARTNERS},
                 {"programs", IMPORT_PROGRAMS},
                 {"sites", IMPORT_SITES},
                 {"events", IMPORT_EVENTS},
                 {"incidents", IMPORT_INCIDENTS}};
    if (argc >= 1 && !strcmp(argv[0], "boundaries"))
        return import_boundaries_command(argc - 1, argv + 1, db);
    if (argc >= 1 && !strcmp(argv[0], "indicators"))
        return import_indicators_command(argc - 1, argv + 1, db);
    for (size_t i = 0; argc >= 1 && i < COUNT(KINDS); i++)
        if (!strcmp(argv[0], KINDS[i].name))
            return import_rows_command(KINDS[i].kind, argc - 1, argv + 1, db);
    bool help =
        argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));
    fputs("usage: parity import KIND FILE [options]\n"
          "\n"
          "kinds, in the order a new city loads them:\n"
          "  boundaries FILE   replace the neighborhoods with FILE's polygons\n"
          "  partners FILE     add or update partners (name, kind)\n"
          "  programs FILE     add or update programs (name, partner, "
          "category, dates)\n"
          "  sites FILE        add or update program sites (points)\n"
          "  events FILE       add or update outreach events (points)\n"
          "  indicators FILE   set need indicators per neighborhood (numeric "
          "columns)\n"
          "  incidents FILE    add or update incidents (points, never "
          "published)\n"
          "\n"
          "FILE is anything GDAL reads: CSV, GeoJSON, GeoPackage, Shapefile, "
          "...\n"
          "(parity import KIND --help for the options of each kind)\n",
          help ? stdout : stderr);
    return help ? 0 : 2;
}
