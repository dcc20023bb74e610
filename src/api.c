/* api.c - the JSON API's collections: one row each, handlers in
 * src/api_<collection>.c. */
#include "parity/handlers.h"

const api_collection API_COLLECTIONS[] = {
    {NULL, NULL},
};
