/* api.c - the API's collections (see handlers.h, api.h, api_coverage.h). */
#include "parity/api.h"
#include "parity/api_coverage.h"
#include "parity/handlers.h"

const api_collection API_COLLECTIONS[] = {
    {"sites", api_sites_handle},
    {"events", api_events_handle},
    {"programs", api_programs_handle},
    {"partners", api_partners_handle},
    {"categories", api_categories_handle},
    {"coverage", api_coverage_handle},
    {"breaks", api_breaks_handle},
    {"neighborhoods", api_neighborhoods_handle},
    {NULL, NULL},
};

const api_resource *const API_RESOURCES[] = {
    &API_RESOURCE_SITES,    &API_RESOURCE_EVENTS,     &API_RESOURCE_PROGRAMS,
    &API_RESOURCE_PARTNERS, &API_RESOURCE_CATEGORIES, NULL,
};
