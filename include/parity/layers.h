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
 * Each query returns one row: the tile's bytes (GeoJSON text, or MVT
 * bytea), then kept and total (int): a query keeps at most $5 features, the
 * most visible first (for polygons: the largest), so a crowded tile stays
 * small and still draws what matters at its zoom; kept is how many it
 * selected under that cap and total how many the tile had before it, so
 * total > kept says the cap left features out. A query whose features
 * carry computed metrics (neighborhoods) returns a fourth column, stale
 * (bool): the metrics were the previous state's, answered while another
 * request recomputes them; such a tile is served but not kept. The
 * features of each layer
 * are selected by one SQL function (parity_tile_<layer>, migration 0011)
 * that its GeoJSON and MVT queries share.
 *
 * Tiles are cached (tiles.h), and a cached tile is dropped whenever data it
 * is made from changes: depends lists the data_versions layers (the names
 * the database announces on channel parity_data) whose changes change the
 * layer's tiles. A layer that lists none is dropped on every change (safe,
 * if wasteful): list what the queries read. Thread-safe.
 */
#ifndef PARITY_LAYERS_H
#define PARITY_LAYERS_H

#include <stdbool.h>
#include <stdint.h>

#include "parity/buf.h"
#include "parity/handlers.h"
#include "parity/params.h"
#include "parity/tile.h"

typedef struct layer_def {
    const char *name;
    const char *description;
    const char *geojson_query;
    const char *mvt_query;   /* NULL when the layer has no MVT yet */
    int n_params;            /* 5, or 9 with filters */
    const char *fields[40];  /* "name:Type" pairs for TileJSON, NULL-ended */
    const char *depends[12]; /* data_versions layers read; none: all */
    bool daily;              /* tiles also change at the city's midnight
                                (they count days to today) */
} layer_def;

/* The layer called name, or NULL. */
const layer_def *layers_find(const char *name);

/* All layers, ending with a row whose name is NULL (at most 64 layers:
 * each has one bit of the cache's tags). */
extern const layer_def LAYERS[];

/* The query of layer for format ("geojson" or "mvt"), or NULL. */
const char *layers_query(const layer_def *layer, const char *format);

/* The cache tag bit of layer. */
uint64_t layers_tag(const layer_def *layer);

/* The tags of every layer whose tiles depend on the data_versions layer
 * named data (a parity_data notice's payload); 0 when none does. */
uint64_t layers_tags_for_data(const char *data);

/* How many features a tile selected under the cap of --max-features
 * (kept) and how many it had before it (total); total > kept when the cap
 * left features out; and whether the tile is stale (see the top). */
typedef struct layers_counts {
    long kept;
    long total;
    bool stale; /* made from metrics being recomputed: do not keep it */
} layers_counts;

/* A tile query ready to send: its name, its parameters as text (pointing
 * into the struct's own storage) and whether its result is binary (MVT). */
typedef struct layers_tile_query {
    const char *name;
    const char *params[9];
    int n_params;
    bool binary;
    char z[8], x[16], y[16], decimals[8], max_features[16], categories[1024];
} layers_tile_query;

/* Fills q for one tile of layer in format (see the top for the
 * parameters). PARITY_ERR_NOT_FOUND when the layer has no such format. */
parity_status layers_tile_query_make(const app_config *cfg,
                                     const layer_def *layer, tile_id tile,
                                     const char *format,
                                     const params_filters *filters,
                                     bool privileged, layers_tile_query *q,
                                     char *err, size_t errlen);

/* Reads the answer of q: the tile's bytes into *body and *len (pointing
 * into rows, valid while rows are) and its counts into *counts.
 * PARITY_ERR_INTERNAL when the answer is not shaped as above. */
parity_status layers_tile_read(const layers_tile_query *q,
                               const db_result *rows, const void **body,
                               size_t *len, layers_counts *counts, char *err,
                               size_t errlen);

#endif
