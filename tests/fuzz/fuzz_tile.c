/* Tile math over any doubles and zooms: the tile of a point is on the grid
 * and holds the point; bounds of valid tiles are finite and ordered. */
#include <math.h>

#include "fuzz.h"
#include "parity/tile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 * sizeof(double) + 9)
        return 0;
    double lon, lat;
    memcpy(&lon, data, sizeof lon);
    memcpy(&lat, data + sizeof lon, sizeof lat);
    int z = data[2 * sizeof(double)] % (TILE_MAX_ZOOM + 1);
    uint32_t x, y;
    memcpy(&x, data + 2 * sizeof(double) + 1, 4);
    memcpy(&y, data + 2 * sizeof(double) + 5, 4);

    tile_id any = {z, x, y};
    bool valid = tile_valid(any, TILE_MAX_ZOOM);
    FUZZ_CHECK(valid == (x < (1u << z) && y < (1u << z)));
    if (valid) {
        tile_bounds b = tile_bounds_lonlat(any);
        FUZZ_CHECK(isfinite(b.west) && isfinite(b.east) && isfinite(b.south) &&
                   isfinite(b.north));
        FUZZ_CHECK(b.west < b.east && b.south < b.north);
        FUZZ_CHECK(b.west >= -180 && b.east <= 180);
        tile_bounds m = tile_bounds_mercator(any);
        FUZZ_CHECK(m.west < m.east && m.south < m.north);
    }
    if (isfinite(lon) && isfinite(lat) && fabs(lon) < 1e6) {
        tile_id t = tile_from_lonlat(lon, lat, z);
        FUZZ_CHECK(tile_valid(t, TILE_MAX_ZOOM));
        if (lon >= -180 && lon < 180 && lat > -TILE_MAX_LATITUDE &&
            lat < TILE_MAX_LATITUDE) {
            /* Exactly within the tile's own bounds: west and north edges
             * inclusive (tile.h). */
            tile_bounds b = tile_bounds_lonlat(t);
            FUZZ_CHECK(lon >= b.west && (lon < b.east || t.x == (1u << z) - 1));
            FUZZ_CHECK(lat <= b.north &&
                       (lat > b.south || t.y == (1u << z) - 1));
        }
    }
    int decimals = tile_coordinate_decimals(z);
    FUZZ_CHECK(decimals >= 1 && decimals <= 8);
    FUZZ_CHECK(tile_pixel_meters(z, 256) > 0);
    return 0;
}
