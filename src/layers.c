/* layers.c - the tile layers and how their tiles are made (see layers.h). */
#include "parity/layers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/text.h"

const layer_def LAYERS[] = {
    /* Boundaries with their coverage metrics for the window and categories
     * (docs/metrics.md); fields absent from a feature have no value, and
     * each imported indicator is a Number field too. */
    {"neighborhoods",
     "Neighborhood boundaries and coverage metrics",
     "tile_neighborhoods",
     "tile_neighborhoods_mvt",
     9,
     {"id:String",
      "name:String",
      "population:Number",
      "youth_population:Number",
      "area_km2:Number",
      "events:Number",
      "attendance:Number",
      "youth_attendance:Number",
      "sites:Number",
      "programs:Number",
      "last_event:String",
      "days_since_last_event:Number",
      "events_per_1k:Number",
      "events_per_1k_youth:Number",
      "walk_coverage:Number",
      "access:Number",
      "incidents:Number",
      "incident_rate_raw:Number",
      "incident_rate:Number",
      "suppressed:Boolean",
      "need:Number",
      "supply:Number",
      "gap:Number",
      "need_share:Number",
      "event_share:Number",
      "parity_ratio:Number",
      "underserved:Boolean",
      "gi_z:Number",
      "gi_bin:Number",
      "gi_label:String",
      NULL},
     /* The boundaries and everything the metrics read (parity_coverage);
      * days_since_last_event counts to today, so also daily. */
     {"neighborhoods", "sites", "events", "programs", "partners", "categories",
      "indicators", "incidents", "analysis", NULL},
     true},
    {"sites",
     "Program sites; without a token, sensitive sites only as a count per "
     "neighborhood (kind sensitive_sites)",
     "tile_sites",
     "tile_sites_mvt",
     9,
     {"kind:String", "id:Number", "name:String", "category:String",
      "program:String", "partner:String", "capacity:Number",
      "sensitive:Boolean", "neighborhood:String", "neighborhood_name:String",
      "sensitive_count:Number", NULL},
     /* Categories too: the tile checks the category filter on a miss. */
     {"sites", "programs", "partners", "neighborhoods", "categories", NULL},
     false},
    {"events",
     "Outreach events: below zoom 14 clusters (kind cluster: count, and "
     "categories as an object of counts), from zoom 14 single events",
     "tile_events",
     "tile_events_mvt",
     9,
     {"kind:String", "id:Number", "title:String", "category:String",
      "starts_at:String", "ends_at:String", "attendance:Number",
      "youth_attendance:Number", "program:String", "partner:String",
      "count:Number", "categories:Object", NULL},
     {"events", "programs", "partners", "categories", NULL},
     false},
    {NULL, NULL, NULL, NULL, 0, {NULL}, {NULL}, false},
};

const layer_def *layers_find(const char *name)
{
    for (const layer_def *l = LAYERS; l->name; l++)
        if (!strcmp(l->name, name))
            return l;
    return NULL;
}

const char *layers_query(const layer_def *layer, const char *format)
{
    return !strcmp(format, "mvt")       ? layer->mvt_query
           : !strcmp(format, "geojson") ? layer->geojson_query
                                        : NULL;
}

uint64_t layers_tag(const layer_def *layer)
{
    return (uint64_t)1 << ((layer - LAYERS) % 64);
}

uint64_t layers_tags_for_data(const char *data)
{
    uint64_t tags = 0;
    for (const layer_def *l = LAYERS; l->name; l++) {
        bool depends = !l->depends[0];
        for (int i = 0; !depends && l->depends[i]; i++)
            depends = !strcmp(l->depends[i], data);
        if (depends)
            tags |= layers_tag(l);
    }
    return tags;
}

/* The int in row 0, column of rows into *value: 4 bytes in network order
 * from a binary result, decimal text from a text one. False when it is
 * NULL or not an int. */
static bool result_int(const db_result *rows, int column, bool binary,
                       long *value)
{
    if (db_result_is_null(rows, 0, column))
        return false;
    const char *v = db_result_value(rows, 0, column);
    size_t len = db_result_length(rows, 0, column);
    if (binary) {
        if (len != 4)
            return false;
        const unsigned char *b = (const unsigned char *)v;
        uint32_t u = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
                     (uint32_t)b[2] << 8 | (uint32_t)b[3];
        *value = (long)(int32_t)u;
        return true;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end)
        return false;
    *value = n;
    return true;
}

/* The bool in row 0, column of rows into *value: one byte from a binary
 * result, "t" or "f" from a text one. False when it is NULL or not a bool. */
static bool result_bool(const db_result *rows, int column, bool binary,
                        bool *value)
{
    if (db_result_is_null(rows, 0, column))
        return false;
    const char *v = db_result_value(rows, 0, column);
    size_t len = db_result_length(rows, 0, column);
    if (binary ? len != 1 : len != 1 || (*v != 't' && *v != 'f'))
        return false;
    *value = binary ? *v != 0 : *v == 't';
    return true;
}

parity_status layers_tile_query_make(const app_config *cfg,
                                     const layer_def *layer, tile_id tile,
                                     const char *format,
                                     const params_filters *filters,
                                     bool privileged, layers_tile_query *q,
                                     char *err, size_t errlen)
{
    q->name = layers_query(layer, format);
    if (!q->name)
        return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                           "layer %s has no %s tiles", layer->name, format);
    /* Not snprintf: this runs for every tile made (see text.h). */
    size_t nz = 0, nx = 0, ny = 0, nd = 0, nm = 0;
    text_put_int(q->z, sizeof q->z, &nz, tile.z);
    text_put_uint(q->x, sizeof q->x, &nx, tile.x, 0);
    text_put_uint(q->y, sizeof q->y, &ny, tile.y, 0);
    text_put_int(q->decimals, sizeof q->decimals, &nd,
                 tile_coordinate_decimals(tile.z));
    text_put_int(q->max_features, sizeof q->max_features, &nm,
                 cfg->max_features);
    const char *params[9] = {
        q->z,
        q->x,
        q->y,
        q->decimals,
        q->max_features,
        filters && filters->from[0] ? filters->from : NULL,
        filters && filters->to[0] ? filters->to : NULL,
        filters ? params_categories_array(filters, q->categories,
                                          sizeof q->categories)
                : NULL,
        privileged ? "true" : "false"};
    memcpy(q->params, params, sizeof params);
    q->n_params = layer->n_params;
    q->binary = !strcmp(format, "mvt");
    return PARITY_OK;
}

parity_status layers_tile_read(const layers_tile_query *q,
                               const db_result *rows, const void **body,
                               size_t *len, layers_counts *counts, char *err,
                               size_t errlen)
{
    layers_counts got = {0, 0, false};
    int columns = db_result_columns(rows);
    if (db_result_rows(rows) != 1 || columns < 3 || columns > 4)
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "%s returned %d rows of %d columns, not one of 3 "
                           "or 4",
                           q->name, db_result_rows(rows), columns);
    if (!result_int(rows, 1, q->binary, &got.kept) ||
        !result_int(rows, 2, q->binary, &got.total))
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "%s returned no kept and total counts", q->name);
    if (columns == 4 && !result_bool(rows, 3, q->binary, &got.stale))
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "%s returned no stale flag", q->name);
    *body = db_result_value(rows, 0, 0);
    *len = db_result_length(rows, 0, 0);
    *counts = got;
    return PARITY_OK;
}
