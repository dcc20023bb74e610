/*
 * routes.h - turns a request path into a route, before any handler runs.
 *
 * Pure parsing of the path only (the query string is params.h's job):
 *   /healthz /readyz /metrics
 *   /tiles/{layer}.json                      TileJSON of a layer
 *   /tiles/{layer}/{z}/{x}/{y}.{format}      a tile (format geojson or mvt)
 *   /api/{collection}[.{ext}]                a collection (ext e.g. csv)
 *   /api/{collection}/{id}[.{ext}]           one record
 *   anything else                            a static file of the page
 * Layer and collection names are [a-z0-9_-]{1,31}, record ids
 * [A-Za-z0-9 _-]{1,63} (spaces for category ids); whether one exists is the
 * caller's question. Thread-safe, no allocation.
 */
#ifndef PARITY_ROUTES_H
#define PARITY_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/status.h"
#include "parity/tile.h"

typedef enum route_kind {
    ROUTE_HEALTHZ,
    ROUTE_READYZ,
    ROUTE_METRICS,
    ROUTE_TILEJSON,
    ROUTE_TILE,
    ROUTE_API,
    ROUTE_STATIC
} route_kind;

typedef struct route {
    route_kind kind;
    char name[32];  /* layer (tiles) or collection (api) */
    tile_id tile;   /* ROUTE_TILE */
    char format[8]; /* ROUTE_TILE: "geojson" or "mvt"; ROUTE_API: ext or "" */
    char id[64];    /* ROUTE_API: record id or "" */
} route;

/*
 * Parses path (without query string) into out. Returns PARITY_OK,
 * PARITY_ERR_INPUT for a malformed or out-of-range tile address (z above
 * max_zoom, x or y outside the grid, non-numeric parts), or
 * PARITY_ERR_NOT_FOUND for a path no route can serve; err says which part
 * is wrong.
 */
parity_status route_parse(const char *path, int max_zoom, route *out, char *err,
                          size_t errlen);

#endif
