/*
 * layers.h - the tile layers: what each one is and how its tiles are made.
 *
 * A layer is a row of a table (src/layers.c): its name in URLs, the named
 * queries (sql/queries) that build its GeoJSON and MVT tiles, and the fields
 * its features carry (for TileJSON). Every tile query takes the same
 * parameters, so one function runs them all:
 *   $1 z, $2 x, $3 y (int), $4 coordinate decimals (int),
 *   $5 most features (int),
 * and, for layers with filters (n_params 9):
 *   $6 from (date or NULL), $7 to (date or NULL),
 *   $8 categories (text[] or NULL: all), $9 privileged (bool: the request
 *   carries a valid token, so sensitive details may be shown).
 * Each query returns one row with one column: the tile's bytes (GeoJSON
 * text, or MVT bytea). Thread-safe.
 */
#ifndef PARITY_LAYERS_H
#define PARITY_LAYERS_H

#include <stdbool.h>

#include "parity/buf.h"
#include "parity/handlers.h"
#include "parity/params.h"
#include "parity/tile.h"

typedef struct layer_def {
    const char *name;
    const char *description;
    const char *geojson_query;
    const char *mvt_query;      /* NULL when the layer has no MVT yet */
    int n_params;               /* 5, or 9 with filters */
    const char *fields[40];     /* "name:Type" pairs for TileJSON, NULL-ended */
} layer_def;

/* The layer called name, or NULL. */
const layer_def *layers_find(const char *name);

/* All layers, ending with a row whose name is NULL. */
extern const layer_def LAYERS[];

/*
 * Builds one tile of layer in format ("geojson" or "mvt") into out.
 * Returns PARITY_ERR_NOT_FOUND when the layer has no such format, or the
 * query's status with err set.
 */
parity_status layers_render_tile(db_conn *conn, const app_config *cfg,
                                 const layer_def *layer, tile_id tile,
                                 const char *format,
                                 const params_filters *filters, bool privileged,
                                 parity_buf *out, char *err, size_t errlen);

#endif
