/* Tile math against published Web Mercator values. */
#include "check.h"
#include "parity/tile.h"
#include "tests.h"

void test_tile_bounds_published(void)
{
    /* Tile 10/486/332 (Ireland): bounds as published with the tile-math
     * reference (mercantile / the OSM wiki formulas). */
    tile_id t = {10, 486, 332};
    tile_bounds ll = tile_bounds_lonlat(t);
    CHECK_NEAR(ll.west, -9.140625, 1e-12);
    CHECK_NEAR(ll.south, 53.12040528310657, 1e-11);
    CHECK_NEAR(ll.east, -8.7890625, 1e-12);
    CHECK_NEAR(ll.north, 53.33087298301705, 1e-11);
    tile_bounds m = tile_bounds_mercator(t);
    CHECK_NEAR(m.west, -1017529.7205322663, 1e-6);
    CHECK_NEAR(m.south, 7005300.768279833, 1e-6);
    CHECK_NEAR(m.east, -978393.962050256, 1e-6);
    CHECK_NEAR(m.north, 7044436.526761846, 1e-6);

    /* Zoom 0 is the whole Mercator square (OGC WebMercatorQuad). */
    tile_bounds w = tile_bounds_mercator((tile_id){0, 0, 0});
    CHECK_NEAR(w.west, -20037508.3427892, 1e-6);
    CHECK_NEAR(w.north, 20037508.3427892, 1e-6);
    tile_bounds wl = tile_bounds_lonlat((tile_id){0, 0, 0});
    CHECK_NEAR(wl.north, 85.0511287798066, 1e-10);
    CHECK_NEAR(wl.south, -85.0511287798066, 1e-10);
}

void test_tile_from_lonlat(void)
{
    tile_id t = tile_from_lonlat(20.6852, 40.1222, 9);
    CHECK(t.z == 9 && t.x == 285 && t.y == 193);
    /* Birmingham, Alabama at zoom 12, by hand: x = floor(93.2/360*4096) =
     * 1060, y = floor((1 - asinh(tan(33.52 deg))/pi)/2*4096) = 1642. */
    tile_id b = tile_from_lonlat(-86.80, 33.52, 12);
    CHECK(b.x == 1060 && b.y == 1642);
    /* The tile of a tile's own north-west corner is that tile. */
    tile_bounds ll = tile_bounds_lonlat((tile_id){10, 486, 332});
    tile_id back = tile_from_lonlat(ll.west + 1e-9, ll.north - 1e-9, 10);
    CHECK(back.x == 486 && back.y == 332);
}

void test_tile_antimeridian(void)
{
    /* The rule: the grid is [-180, 180); 180 is -180, so column 0. */
    tile_id east = tile_from_lonlat(180.0, 0.0, 3);
    tile_id west = tile_from_lonlat(-180.0, 0.0, 3);
    CHECK(east.x == 0 && west.x == 0);
    tile_id just_west = tile_from_lonlat(179.999999, 0.0, 3);
    CHECK(just_west.x == 7);
    /* Past the Mercator limit, latitudes clamp to the edge rows. */
    CHECK(tile_from_lonlat(0, 89.9, 4).y == 0);
    CHECK(tile_from_lonlat(0, -89.9, 4).y == 15);
    /* The largest double below 180 (found by fuzz_tile): 179.99999999999997
     * + 180 rounds to 360, which wrapped it to column 0; it is in the last
     * column, 2^22 - 1 = 4194303. Just south of the equator: row 2^21. */
    tile_id edge = tile_from_lonlat(179.99999999999997, -1e-7, 22);
    CHECK(edge.x == 4194303 && edge.y == 2097152);
    CHECK(tile_from_lonlat(-179.99999999999997, 0, 22).x == 0);
    CHECK(tile_from_lonlat(540.0, 0, 1).x == 0); /* 540 = 180 = -180 */
    CHECK(tile_from_lonlat(-540.0 + 1e-9, 0, 1).x == 0);
}

void test_tile_valid_and_decimals(void)
{
    CHECK(tile_valid((tile_id){0, 0, 0}, 22));
    CHECK(!tile_valid((tile_id){0, 1, 0}, 22));
    CHECK(tile_valid((tile_id){22, 4194303, 4194303}, 22));
    CHECK(!tile_valid((tile_id){22, 4194304, 0}, 22));
    CHECK(!tile_valid((tile_id){23, 0, 0}, 23));
    CHECK(!tile_valid((tile_id){15, 0, 0}, 14));
    /* A tenth of a pixel: z0 pixel is 1.4 degrees -> 1 decimal; z22 pixel is
     * 3.4e-7 degrees -> 8 decimals; z12: 3.4e-4 deg pixel -> 5 decimals. */
    CHECK(tile_coordinate_decimals(0) == 1);
    CHECK(tile_coordinate_decimals(12) == 5);
    CHECK(tile_coordinate_decimals(22) == 8);
    CHECK_NEAR(tile_pixel_meters(0, 256), 156543.03392804097, 1e-6);
}
