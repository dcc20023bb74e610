/*
 * import.h - files into PostGIS through GDAL/OGR; the only module that
 * speaks GDAL.
 *
 * GDAL opens any vector format it has a driver for (GeoJSON, Shapefile,
 * GeoPackage, KML, FlatGeobuf, CSV, ...), OGR/PROJ reproject to EPSG:4326
 * (lon/lat order), and the rows go to PostGIS inside one transaction on the
 * caller's connection: either the whole import is committed or nothing is.
 * import_boundaries replaces the neighborhoods; import_rows adds or updates
 * partners, programs, sites, events and incidents, checking every row and
 * reporting the bad ones by line; import_indicators sets need indicators
 * from a table with one row per neighborhood. Progress is drawn on standard
 * error when it is a terminal. The module's files are src/import*.c (what they
 * share is in src/import_internal.h). Not thread-safe (GDAL's error state is
 * per thread; use one thread).
 */
#ifndef PARITY_IMPORT_H
#define PARITY_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/db.h"
#include "parity/status.h"

typedef struct import_boundaries_options {
    const char *file;
    const char *layer;            /* NULL: the first layer */
    const char *name_field;       /* NULL: guessed */
    const char *id_field;         /* NULL: guessed, else the feature id */
    const char *population_field; /* NULL: guessed, else none */
    const char *source_srs;       /* NULL: the file's CRS, which must exist */
    bool progress;                /* draw a progress bar on a terminal */
} import_boundaries_options;

typedef struct import_summary {
    char layer[128];
    char name_field[64];       /* the field used, "" when none */
    char id_field[64];         /* "" when the feature id was used */
    char population_field[64]; /* "" when none */
    bool name_guessed, id_guessed, population_guessed;
    long read; /* features read from the layer */
    long stored;
    long repaired;            /* invalid geometries made valid */
    long refused;             /* features not stored (all reasons) */
    long refused_geometry;    /* of which: not a polygon, or no geometry */
    char repaired_names[512]; /* names of repaired features, comma-separated */
    double seconds;
} import_summary;

/*
 * Replaces every neighborhood with the polygons of opts->file, as one
 * transaction on conn. Fails with PARITY_ERR_INPUT (err says what to pass or
 * fix: a missing CRS names --s-srs, an unknown field lists the fields),
 * PARITY_ERR_NOT_FOUND (no such file or layer), or a database status; on
 * failure the previous boundaries are untouched.
 */
parity_status import_boundaries(db_conn *conn,
                                const import_boundaries_options *opts,
                                import_summary *summary, char *err,
                                size_t errlen);

/* ---- partners, programs, sites, events --------------------------------- */

typedef enum import_kind {
    IMPORT_PARTNERS, /* name, kind; upserted by name */
    IMPORT_PROGRAMS, /* name, partner, category, description, dates; by name */
    IMPORT_SITES,    /* points; upserted by (source, external id) */
    IMPORT_EVENTS,   /* points; upserted by (source, external id) */
    IMPORT_INCIDENTS /* points with a date and a kind; by (source, external
                        id); never published (see 0008_incidents.sql) */
} import_kind;

/* The columns a row may map; each has a flag --<name>-field. */
typedef enum import_role {
    IMPORT_ROLE_ID,   /* --id-field: the external id */
    IMPORT_ROLE_NAME, /* --name-field: partner/program/site name, event title */
    IMPORT_ROLE_KIND, /* --kind-field: the partner's or incident's kind */
    IMPORT_ROLE_CATEGORY,    /* --category-field */
    IMPORT_ROLE_PROGRAM,     /* --program-field: a program's name */
    IMPORT_ROLE_PARTNER,     /* --partner-field: a partner's name */
    IMPORT_ROLE_DESCRIPTION, /* --description-field */
    IMPORT_ROLE_START,       /* --date-field: event start, program start date,
                                incident date */
    IMPORT_ROLE_END,         /* --end-field */
    IMPORT_ROLE_ATTENDANCE,  /* --attendance-field */
    IMPORT_ROLE_YOUTH,       /* --youth-field */
    IMPORT_ROLE_HOURS,       /* --hours-field */
    IMPORT_ROLE_CAPACITY,    /* --capacity-field */
    IMPORT_ROLE_ADDRESS,     /* --address-field */
    IMPORT_ROLE_SENSITIVE,   /* --sensitive-field */
    IMPORT_ROLE_X,           /* --x-field: longitude or easting */
    IMPORT_ROLE_Y,           /* --y-field: latitude or northing */
    IMPORT_ROLE_WKT,         /* --wkt-field */
    IMPORT_ROLE_COUNT
} import_role;

typedef struct import_rows_options {
    import_kind kind;
    const char *file;
    const char *layer;  /* NULL: the first */
    const char *source; /* NULL: FILE's base name (sites, events) */
    const char
        *source_srs; /* NULL: the layer's CRS; EPSG:4326 for x/y columns */
    const char *fields[IMPORT_ROLE_COUNT]; /* given fields; NULL: guessed */
    const char *category; /* one category for every row, or NULL */
    const char
        *partner_kind; /* one kind for every partner (or incident), or NULL */
    const char *start; /* one start (ISO 8601) for every row, or NULL */
    const char *date_format; /* strptime format; NULL: ISO 8601 */
    const char *timezone;    /* for times without offset; NULL: UTC */
    bool skip_invalid;       /* store the good rows, write the bad ones */
    const char *reject_file; /* NULL: <FILE's base name>.rejects.csv here */
    bool progress;           /* draw a progress bar on a terminal */
} import_rows_options;

#define IMPORT_LISTED_ROWS 10

typedef struct import_rows_summary {
    char layer[128];
    char source[256];      /* the source stored with sites and events */
    char points[256];      /* where points came from, e.g. "columns lon, lat
                              (guessed), EPSG:4326" */
    char fields[1024];     /* "title from 'title' (guessed), ..." */
    bool has_name, has_id; /* a name (title) and an id column were found */
    long read;             /* rows read from the layer */
    long stored, inserted, updated;
    long rejected;
    long outside;             /* points stored in no neighborhood */
    char outside_rows[1024];  /* "line 977 (E0976), ..." (the first ones) */
    long outside_listed;      /* how many outside_rows names */
    char rejected_rows[2048]; /* the first IMPORT_LISTED_ROWS bad rows, one a
                                 line */
    char reject_file[1024];   /* "" when none was written */
    double seconds;
} import_rows_summary;

/* The name of a kind ("events") and the flag of a role ("--date-field");
 * static storage. */
const char *import_kind_name(import_kind kind);
const char *import_role_flag(import_role role);

/*
 * Imports the rows of opts->file as partners, programs, sites, events or
 * incidents, as one transaction on conn. Each row is checked (coordinates,
 * dates, numbers, known categories, programs and partners, duplicates); by
 * default one bad row refuses the whole file (PARITY_ERR_INPUT, err says how
 * many and what to do, summary->rejected_rows lists the first ones) and nothing
 * is stored; with skip_invalid the good rows are stored and the bad ones
 * written to the reject file. Rows update what an earlier import of the same
 * source and external id (sites, events, incidents) or name (partners,
 * programs) stored. Other errors: PARITY_ERR_USAGE (a flag names no field, bad
 * --s-srs,
 * --category ...), PARITY_ERR_NOT_FOUND, PARITY_ERR_IO (reject file), or a
 * database status; on any failure nothing changes in the database.
 */
parity_status import_rows(db_conn *conn, const import_rows_options *opts,
                          import_rows_summary *summary, char *err,
                          size_t errlen);

/* ---- indicators --------------------------------------------------------- */

typedef enum import_key {
    IMPORT_KEY_ID,  /* rows name their neighborhood by its id */
    IMPORT_KEY_NAME /* ... by its name (case-insensitive) */
} import_key;

typedef struct import_indicators_options {
    const char *file;
    const char *layer; /* NULL: the first */
    import_key key;
    const char *key_field; /* NULL: guessed (nbhd_id, id, ... / name, ...) */
    const char *columns;   /* comma-separated fields to import; NULL: every
                              numeric field but the key */
    bool skip_invalid;     /* store the good rows, list the bad ones */
} import_indicators_options;

typedef struct import_indicators_summary {
    char layer[128];
    char key_field[64];
    bool key_guessed;
    long read;        /* rows read */
    long stored_rows; /* rows whose values were stored */
    long rejected; /* bad rows (unknown neighborhood, duplicate, bad value) */
    long values;   /* indicator values stored */
    int columns;   /* indicators imported */
    char column_names[1024];  /* "median_income (from 'Median Income'), ..." */
    char left_out[1024];      /* fields not imported and why */
    char rejected_rows[2048]; /* the first IMPORT_LISTED_ROWS bad rows, one a
                                 line */
    long missing;             /* neighborhoods without a row in the file */
    char missing_names[512];  /* the first of them */
    double seconds;
} import_indicators_summary;

/*
 * Sets need indicators from a table with one row per neighborhood (CSV or
 * any OGR layer; geometry is ignored): the key field names the neighborhood
 * (by id or by name) and every other numeric field becomes an indicator of
 * that name (lower case, [a-z0-9_]). Each imported indicator replaces all
 * its earlier values; indicators not in the file stay. A row whose key
 * matches no neighborhood (or more than one), repeats an earlier row's, or
 * holds a value that is not a number is bad: by default one bad row refuses
 * the file (PARITY_ERR_INPUT, rejected_rows names them) and nothing is
 * stored; with skip_invalid the good rows are stored. A blank cell stores no
 * value for that neighborhood. One transaction. Other errors:
 * PARITY_ERR_USAGE (no key field, a --columns field that does not exist or
 * is not numeric, a name that clashes with a coverage metric),
 * PARITY_ERR_NOT_FOUND, or a database status.
 */
parity_status import_indicators(db_conn *conn,
                                const import_indicators_options *opts,
                                import_indicators_summary *summary, char *err,
                                size_t errlen);

#endif
