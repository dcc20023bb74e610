/*
 * import.h - files into PostGIS through GDAL/OGR; the only module that
 * speaks GDAL.
 *
 * GDAL opens any vector format it has a driver for (GeoJSON, Shapefile,
 * GeoPackage, KML, FlatGeobuf, CSV, ...), OGR/PROJ reproject to EPSG:4326
 * (lon/lat order), and the rows go to PostGIS inside one transaction on the
 * caller's connection: either the whole import is committed or nothing is.
 * Progress is drawn on standard error when it is a terminal. Not
 * thread-safe (GDAL's error state is per thread; use one thread).
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
    long read;                 /* features read from the layer */
    long stored;
    long repaired;             /* invalid geometries made valid */
    long refused;              /* features not stored (all reasons) */
    long refused_geometry;     /* of which: not a polygon, or no geometry */
    char repaired_names[512];  /* names of repaired features, comma-separated */
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

#endif
