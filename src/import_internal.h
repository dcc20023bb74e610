/*
 * import_internal.h - what the files of the import module share; private to
 * src/import*.c (the only files that speak GDAL).
 *
 * import_source.c opens a file's layer and sets up its transformation to
 * EPSG:4326, finds fields by name (given or guessed), and draws progress;
 * import_reject.c writes rejected rows to a CSV file through OGR's CSV
 * driver; import.c imports boundaries, import_rows.c partners, programs,
 * sites, events and incidents, and import_indicators.c need indicators.
 * Nothing here is thread-safe (GDAL's error state is per thread; an import
 * runs on one thread).
 */
#ifndef PARITY_IMPORT_INTERNAL_H
#define PARITY_IMPORT_INTERNAL_H

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdbool.h>
#include <stddef.h>

#include "parity/status.h"

/* Seconds on a monotonic clock. */
double import_now(void);

/* GDAL's last error message, or a placeholder; static storage of GDAL. */
const char *import_gdal_message(void);

/* An opened source layer and, once import_source_transform ran, its
 * transformation to EPSG:4326 (lon/lat order). */
typedef struct import_source {
    GDALDatasetH dataset;
    OGRLayerH layer;
    bool is_csv; /* GDAL's CSV driver read it: FID n is file line n + 1 */
    OGRSpatialReferenceH source_srs, target_srs;
    OGRCoordinateTransformationH transform; /* NULL when already lon/lat */
    char srs_name[128]; /* the source CRS's name, for messages */
} import_source;

/* Opens file (any vector format or table GDAL reads) and its layer
 * layer_name, else the first. PARITY_ERR_NOT_FOUND for a missing file or
 * layer (err lists the layers), PARITY_ERR_INPUT when GDAL cannot read it.
 * Close with import_source_close even on failure. */
parity_status import_source_open(import_source *src, const char *file,
                                 const char *layer_name, char *err,
                                 size_t errlen);

/* Sets up the transformation to EPSG:4326 from srs_text (--s-srs) when
 * given, else from default_srs when given, else from the layer's CRS, which
 * must then exist: PARITY_ERR_INPUT naming --s-srs otherwise. A bad srs_text
 * is PARITY_ERR_USAGE. */
parity_status import_source_transform(import_source *src, const char *file,
                                      const char *srs_text,
                                      const char *default_srs, char *err,
                                      size_t errlen);

/* Frees everything; a zeroed or half-opened source is fine. */
void import_source_close(import_source *src);

/* The index of the field named name (case-insensitive), or -1. */
int import_field_index(OGRFeatureDefnH defn, const char *name);

/* The layer's field names, comma-separated, into out. */
void import_list_fields(OGRFeatureDefnH defn, char *out, size_t outlen);

/* Finds the field given by the user (which must exist: PARITY_ERR_USAGE
 * listing the fields otherwise), or guesses one from candidates (exact
 * names, case-insensitive; then, when contains is given, the first text
 * field whose name contains it). *index is -1 when none. */
parity_status import_resolve_field(OGRFeatureDefnH defn, const char *given,
                                   const char *flag,
                                   const char *const *candidates,
                                   const char *contains, int *index,
                                   bool *guessed, char *err, size_t errlen);

/* Draws "[####....]  42% 1260/3000 rows 0.4 s" on standard error. */
void import_draw_progress(long done, long total, double started,
                          const char *unit);

/* ---- reject files ------------------------------------------------------- */

typedef struct import_reject import_reject;

/* Creates path (which must end in .csv: PARITY_ERR_USAGE; an existing file
 * is replaced) with the fields of layer as text columns, then row_column
 * (e.g. "line") and "reason" (prefixed reject_ if the layer has such
 * fields). With with_geometry, the layer's geometry goes first as a WKT
 * column in the layer's own CRS (not for CSV sources, whose geometry is one
 * of their columns). *out is owned by the caller: import_reject_close. */
parity_status import_reject_open(const char *path, OGRLayerH layer,
                                 bool with_geometry, const char *row_column,
                                 import_reject **out, char *err, size_t errlen);

/* Appends the feature's original values, its row number and the reason. */
parity_status import_reject_write(import_reject *reject, OGRFeatureH feature,
                                  long row, const char *reason, char *err,
                                  size_t errlen);

/* Flushes and closes the file; delete removes it (an import that failed
 * for another reason leaves no misleading reject file). NULL is fine. */
void import_reject_close(import_reject *reject, bool delete_file);

#endif
