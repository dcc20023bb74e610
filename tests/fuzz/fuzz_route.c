/* route_parse: the request path (already percent-decoded). The first byte
 * picks the maximum zoom. */
#include "fuzz.h"
#include "parity/routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int max_zoom = data[0] % 23;
    char *path = fuzz_string(data + 1, size - 1);
    route r;
    char err[256];
    parity_status status = route_parse(path, max_zoom, &r, err, sizeof err);
    FUZZ_CHECK(status == PARITY_OK || status == PARITY_ERR_INPUT ||
               status == PARITY_ERR_NOT_FOUND);
    if (status != PARITY_OK) {
        FUZZ_CHECK(strlen(err) > 0 && strlen(err) < sizeof err);
    } else if (r.kind == ROUTE_TILE) {
        FUZZ_CHECK(tile_valid(r.tile, max_zoom));
        FUZZ_CHECK(!strcmp(r.format, "geojson") || !strcmp(r.format, "mvt"));
        FUZZ_CHECK(r.name[0] && strlen(r.name) < sizeof r.name);
    } else if (r.kind == ROUTE_API || r.kind == ROUTE_TILEJSON) {
        /* Names are [a-z0-9_-]: nothing that could reach SQL as syntax. */
        for (const char *p = r.name; *p; p++)
            FUZZ_CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                       *p == '_' || *p == '-');
        /* Ids: letters, digits, -, _ and spaces (category ids such as
         * "community engagement"); still nothing SQL could read as syntax,
         * and they are bound parameters anyway. */
        for (const char *p = r.id; *p; p++)
            FUZZ_CHECK((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                       (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
                       *p == ' ');
    }
    free(path);
    return 0;
}
