/* tile.c - XYZ tile math on the Web Mercator grid (see tile.h). */
#include "parity/tile.h"

#include <math.h>

bool tile_valid(tile_id tile, int max_zoom)
{
    if (tile.z < 0 || tile.z > max_zoom || tile.z > TILE_MAX_ZOOM)
        return false;
    uint32_t n = (uint32_t)1 << tile.z;
    return tile.x < n && tile.y < n;
}

static double lat_of_row(double y, double n)
{
    return atan(sinh(M_PI * (1.0 - 2.0 * y / n))) * 180.0 / M_PI;
}

tile_bounds tile_bounds_lonlat(tile_id tile)
{
    double n = (double)((uint32_t)1 << tile.z);
    tile_bounds b;
    b.west = tile.x / n * 360.0 - 180.0;
    b.east = (tile.x + 1) / n * 360.0 - 180.0;
    b.north = lat_of_row(tile.y, n);
    b.south = lat_of_row(tile.y + 1.0, n);
    return b;
}

tile_bounds tile_bounds_mercator(tile_id tile)
{
    double n = (double)((uint32_t)1 << tile.z);
    double size = 2.0 * TILE_MERCATOR_HALF_WORLD / n;
    tile_bounds b;
    b.west = -TILE_MERCATOR_HALF_WORLD + tile.x * size;
    b.east = b.west + size;
    b.north = TILE_MERCATOR_HALF_WORLD - tile.y * size;
    b.south = b.north - size;
    return b;
}

tile_id tile_from_lonlat(double lon, double lat, int z)
{
    uint32_t n = (uint32_t)1 << z;
    /* Wrap into [-180, 180): 180 is the same meridian as -180. */
    if (!(lon >= -180.0 && lon < 180.0)) {
        lon = fmod(lon + 180.0, 360.0);
        if (lon < 0)
            lon += 360.0;
        lon -= 180.0;
        if (lon >= 180.0) /* rounding just below 180 */
            lon -= 360.0;
    }
    if (lat > TILE_MAX_LATITUDE)
        lat = TILE_MAX_LATITUDE;
    if (lat < -TILE_MAX_LATITUDE)
        lat = -TILE_MAX_LATITUDE;
    double lat_rad = lat * M_PI / 180.0;
    double fx = (lon + 180.0) / 360.0 * n;
    double fy = (1.0 - log(tan(lat_rad) + 1.0 / cos(lat_rad)) / M_PI) / 2.0 * n;
    tile_id tile = {z, 0, 0};
    tile.x = fx < 0 ? 0 : fx >= n ? n - 1 : (uint32_t)fx;
    tile.y = fy < 0 ? 0 : fy >= n ? n - 1 : (uint32_t)fy;
    /* Rounding (in lon + 180, in the projection) can put a point within an
     * ulp of a tile's edge into its neighbour: settle on the tile whose
     * bounds, as tile_bounds_lonlat computes them, hold it (west edge and
     * north edge inclusive). */
    tile_bounds b = tile_bounds_lonlat(tile);
    while (tile.x > 0 && lon < b.west)
        b = tile_bounds_lonlat((tile_id){z, --tile.x, tile.y});
    while (tile.x < n - 1 && lon >= b.east)
        b = tile_bounds_lonlat((tile_id){z, ++tile.x, tile.y});
    while (tile.y > 0 && lat > b.north)
        b = tile_bounds_lonlat((tile_id){z, tile.x, --tile.y});
    while (tile.y < n - 1 && lat <= b.south)
        b = tile_bounds_lonlat((tile_id){z, tile.x, ++tile.y});
    return tile;
}

double tile_pixel_meters(int z, int tile_pixels)
{
    return 2.0 * TILE_MERCATOR_HALF_WORLD /
           ((double)tile_pixels * ldexp(1.0, z));
}

int tile_coordinate_decimals(int z)
{
    /* A tenth of a pixel of a 256-pixel tile, in degrees of longitude. */
    double tenth_pixel = 36.0 / (256.0 * ldexp(1.0, z));
    int decimals = (int)ceil(-log10(tenth_pixel));
    return decimals < 1 ? 1 : decimals > 8 ? 8 : decimals;
}
