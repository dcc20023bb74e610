/*
 * tile.h - XYZ tile math on the Web Mercator (EPSG:3857) grid.
 *
 * Tiles follow the OGC WebMercatorQuad / "slippy map" scheme: zoom z has
 * 2^z x 2^z tiles, x grows east from -180 degrees, y grows south from about
 * 85.0511 degrees. Pure functions, no allocation, thread-safe.
 *
 * The rule at longitude 180: the grid is half-open, [-180, 180), so the
 * antimeridian belongs to column 0 (it is the same meridian as -180);
 * tile_from_lonlat wraps longitudes into that range. Latitudes beyond the
 * Mercator limit are clamped to the first or last row.
 */
#ifndef PARITY_TILE_H
#define PARITY_TILE_H

#include <stdbool.h>
#include <stdint.h>

#define TILE_MAX_ZOOM            22
#define TILE_MERCATOR_HALF_WORLD 20037508.342789244 /* meters */
#define TILE_MAX_LATITUDE        85.0511287798066

typedef struct tile_id {
    int z;
    uint32_t x, y;
} tile_id;

typedef struct tile_bounds {
    double west, south, east, north;
} tile_bounds;

/* True when 0 <= z <= max_zoom and x, y < 2^z. */
bool tile_valid(tile_id tile, int max_zoom);

/* Bounds in degrees (lon/lat, EPSG:4326). */
tile_bounds tile_bounds_lonlat(tile_id tile);

/* Bounds in meters (EPSG:3857). */
tile_bounds tile_bounds_mercator(tile_id tile);

/* The tile of zoom z that holds (lon, lat); see the rule at 180 above. */
tile_id tile_from_lonlat(double lon, double lat, int z);

/* Meters per pixel at zoom z for tiles of tile_pixels pixels (at the
 * equator, in Mercator units, which is what simplification works in). */
double tile_pixel_meters(int z, int tile_pixels);

/* How many decimals of a degree a coordinate needs at zoom z so rounding
 * moves it by less than a tenth of a 256-pixel tile's pixel: 1 at z0, 8 at
 * z22 (never more than 8, about a millimeter). */
int tile_coordinate_decimals(int z);

#endif
