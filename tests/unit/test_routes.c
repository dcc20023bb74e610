/* Route parsing: tiles, API paths, static files and every error. */
#include "check.h"
#include "parity/routes.h"
#include "tests.h"

void test_routes_tiles(void)
{
    route r;
    char err[256];
    CHECK(route_parse("/tiles/neighborhoods/10/486/332.geojson", 22, &r, err,
                      sizeof err) == PARITY_OK);
    CHECK(r.kind == ROUTE_TILE);
    CHECK_STR(r.name, "neighborhoods");
    CHECK_STR(r.format, "geojson");
    CHECK(r.tile.z == 10 && r.tile.x == 486 && r.tile.y == 332);
    CHECK(route_parse("/tiles/sites/0/0/0.mvt", 22, &r, err, sizeof err) ==
          PARITY_OK);
    CHECK_STR(r.format, "mvt");
    CHECK(route_parse("/tiles/events.json", 22, &r, err, sizeof err) ==
          PARITY_OK);
    CHECK(r.kind == ROUTE_TILEJSON);
    CHECK_STR(r.name, "events");
    CHECK(route_parse("/tiles/neighborhoods/22/4194303/4194303.geojson", 22, &r,
                      err, sizeof err) == PARITY_OK);
}

void test_routes_errors(void)
{
    route r;
    char err[256];
    /* Out of the grid or above the zoom limit: 400. */
    CHECK(route_parse("/tiles/n/1/2/0.geojson", 22, &r, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(strstr(err, "outside the grid") != NULL);
    CHECK(route_parse("/tiles/n/23/0/0.geojson", 22, &r, err, sizeof err) ==
          PARITY_ERR_INPUT);
    CHECK(route_parse("/tiles/n/15/0/0.geojson", 14, &r, err, sizeof err) ==
          PARITY_ERR_INPUT);
    /* Malformed numbers: 400. */
    const char *bad[] = {"/tiles/n/a/0/0.geojson",
                         "/tiles/n/-1/0/0.geojson",
                         "/tiles/n/1/0/0x.geojson",
                         "/tiles/n/01/0/0.geojson",
                         "/tiles/n/1//0.geojson",
                         "/tiles/n/1/0/0",
                         "/tiles/n/99999999999/0/0.geojson",
                         "/tiles/n/1/0/0/0.geojson"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(route_parse(bad[i], 22, &r, err, sizeof err) == PARITY_ERR_INPUT);
    /* Unknown format or layer syntax: 404. */
    CHECK(route_parse("/tiles/n/1/0/0.png", 22, &r, err, sizeof err) ==
          PARITY_ERR_NOT_FOUND);
    CHECK(route_parse("/tiles/N%/1/0/0.geojson", 22, &r, err, sizeof err) ==
          PARITY_ERR_NOT_FOUND);
    CHECK(route_parse("/tiles/", 22, &r, err, sizeof err) ==
          PARITY_ERR_NOT_FOUND);
    CHECK(route_parse("/tiles/n", 22, &r, err, sizeof err) ==
          PARITY_ERR_NOT_FOUND);
    CHECK(route_parse("", 22, &r, err, sizeof err) == PARITY_ERR_NOT_FOUND);
}

void test_routes_api_and_static(void)
{
    route r;
    char err[256];
    CHECK(route_parse("/api/coverage.csv", 22, &r, err, sizeof err) ==
          PARITY_OK);
    CHECK(r.kind == ROUTE_API);
    CHECK_STR(r.name, "coverage");
    CHECK_STR(r.format, "csv");
    CHECK_STR(r.id, "");
    CHECK(route_parse("/api/sites/42", 22, &r, err, sizeof err) == PARITY_OK);
    CHECK_STR(r.name, "sites");
    CHECK_STR(r.id, "42");
    CHECK(route_parse("/api/neighborhoods/N001", 22, &r, err, sizeof err) ==
          PARITY_OK);
    CHECK_STR(r.id, "N001");
    CHECK(route_parse("/api/sites/1/extra", 22, &r, err, sizeof err) ==
          PARITY_ERR_NOT_FOUND);
    CHECK(route_parse("/api/sites/1'or'1", 22, &r, err, sizeof err) ==
          PARITY_ERR_NOT_FOUND);
    /* Category ids hold spaces (the path arrives percent-decoded). */
    CHECK(route_parse("/api/categories/community engagement", 22, &r, err,
                      sizeof err) == PARITY_OK);
    CHECK_STR(r.id, "community engagement");
    CHECK(route_parse("/api/sites/1;drop", 22, &r, err, sizeof err) ==
          PARITY_ERR_NOT_FOUND);
    CHECK(route_parse("/healthz", 22, &r, err, sizeof err) == PARITY_OK &&
          r.kind == ROUTE_HEALTHZ);
    CHECK(route_parse("/readyz", 22, &r, err, sizeof err) == PARITY_OK &&
          r.kind == ROUTE_READYZ);
    CHECK(route_parse("/", 22, &r, err, sizeof err) == PARITY_OK &&
          r.kind == ROUTE_STATIC);
    CHECK(route_parse("/app.js", 22, &r, err, sizeof err) == PARITY_OK &&
          r.kind == ROUTE_STATIC);
}
