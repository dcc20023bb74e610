/* api.c - the JSON API's collections: one row each, handlers in
 * src/api_<collection>.c. */
#include "parity/api_coverage.h"
#include "parity/handlers.h"

const api_collection API_COLLECTIONS[] = {
    {"coverage", api_coverage_handle},
    {"breaks", api_breaks_handle},
    {"neighborhoods", api_neighborhoods_handle},
    {NULL, NULL},
};
